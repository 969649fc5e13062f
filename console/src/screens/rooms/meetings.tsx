// A room's meetings (service-staff and case meetings): scheduled by a member
// of an open room, with minutes recorded afterwards.
import { useEffect, useState, type FormEvent } from 'react';
import {
  RecordMinutesDocument,
  RoomMeetingsDocument,
  ScheduleMeetingDocument,
  type RoomMeetingFragment,
} from '../../../../generated/console/operations';
import { GraphError } from '../../graphql';
import { useSession, useWords } from '../../session';
import { StepOutcome, when } from '../decision';
import { words } from './words';

/** A `datetime-local` value, entered as Japan time, as the graph's DateTime. */
export function japanTime(local: string): string {
  // Minutes only: some browsers add seconds to a datetime-local value.
  return new Date(`${local.slice(0, 16)}:00+09:00`).toISOString();
}

export function Meetings({ roomId, open }: { roomId: string; open: boolean }) {
  const session = useSession();
  const w = useWords(words);
  const [meetings, setMeetings] = useState<RoomMeetingFragment[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [scheduledAt, setScheduledAt] = useState('');
  const [agenda, setAgenda] = useState('');
  const fail = (error: unknown) => setProblem(error instanceof GraphError ? error.message : String(error));

  useEffect(() => {
    session
      .call(RoomMeetingsDocument, { id: roomId })
      .then((data) => setMeetings(data.room?.meetings ?? []))
      .catch(fail);
  }, [roomId, session.language]);

  async function schedule(event: FormEvent) {
    event.preventDefault();
    setProblem(null);
    try {
      const { scheduleMeeting } = await session.call(ScheduleMeetingDocument, {
        roomId,
        scheduledAt: japanTime(scheduledAt),
        agenda: agenda.trim(),
      });
      setMeetings((current) => [...(current ?? []), scheduleMeeting]);
      setAgenda('');
      setScheduledAt('');
    } catch (error) {
      fail(error);
    }
  }

  return (
    <div className="meetings">
      <h2>{w.meetings}</h2>
      <StepOutcome problem={problem} notice={null} />
      {meetings !== null && meetings.length === 0 && <p className="empty">{w.noMeetings}</p>}
      <ul className="meeting-list">
        {(meetings ?? []).map((meeting) => (
          <Meeting
            key={meeting.id}
            meeting={meeting}
            open={open}
            onRecorded={(m) => setMeetings((current) => (current ?? []).map((x) => (x.id === m.id ? m : x)))}
            onProblem={fail}
          />
        ))}
      </ul>
      {open && (
        <form className="composer" onSubmit={(e) => void schedule(e)}>
          <label>
            {w.scheduledAt}
            <input
              type="datetime-local"
              name="scheduledAt"
              required
              value={scheduledAt}
              onChange={(e) => setScheduledAt(e.target.value)}
            />
          </label>
          <label>
            {w.agenda}
            <textarea
              name="agenda"
              required
              maxLength={2000}
              rows={2}
              value={agenda}
              onChange={(e) => setAgenda(e.target.value)}
            />
          </label>
          <div className="actions">
            <button type="submit">{w.schedule}</button>
          </div>
        </form>
      )}
    </div>
  );
}

function Meeting(props: {
  meeting: RoomMeetingFragment;
  open: boolean;
  onRecorded: (meeting: RoomMeetingFragment) => void;
  onProblem: (error: unknown) => void;
}) {
  const { meeting } = props;
  const session = useSession();
  const w = useWords(words);
  const [writing, setWriting] = useState(false);
  const [minutes, setMinutes] = useState(meeting.minutes ?? '');

  async function record(event: FormEvent) {
    event.preventDefault();
    try {
      const { recordMinutes } = await session.call(RecordMinutesDocument, {
        meetingId: meeting.id,
        minutes: minutes.trim(),
      });
      props.onRecorded(recordMinutes);
      setWriting(false);
    } catch (error) {
      props.onProblem(error);
    }
  }

  return (
    <li className="post" data-meeting={meeting.id}>
      <div className="post-head">
        <strong>{when(meeting.scheduledAt, session.language)}</strong>
        <span className="muted">{meeting.createdBy.name}</span>
      </div>
      <p className="post-body">{meeting.agenda}</p>
      <h3>{w.minutes}</h3>
      {writing ? (
        <form className="composer" onSubmit={(e) => void record(e)}>
          <textarea required maxLength={20000} rows={5} value={minutes} onChange={(e) => setMinutes(e.target.value)} />
          <div className="actions">
            <button type="submit">{w.recordMinutes}</button>
            <button type="button" className="secondary" onClick={() => setWriting(false)}>
              {w.cancel}
            </button>
          </div>
        </form>
      ) : (
        <>
          <p className="post-body" data-minutes>
            {meeting.minutes ?? w.noMinutes}
          </p>
          {props.open && (
            <button type="button" className="secondary small" onClick={() => setWriting(true)}>
              {w.recordMinutes}
            </button>
          )}
        </>
      )}
    </li>
  );
}
