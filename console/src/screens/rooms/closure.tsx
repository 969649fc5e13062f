// Form 10: a member asks for the room to be closed (the subject died, moved,
// or support ended); the application then follows the route of Art. 20.
import { useState, type FormEvent } from 'react';
import { SubmitRoomClosureDocument, type RoomClosedReason } from '../../../../generated/console/operations';
import { GraphError } from '../../graphql';
import { href } from '../../route';
import { useSession, useWords } from '../../session';
import { StepOutcome } from '../decision';
import { words } from './words';

const reasons: readonly RoomClosedReason[] = ['DEATH', 'MOVED', 'NO_LONGER_NEEDED', 'OTHER'];

export function Closure({ roomId }: { roomId: string }) {
  const session = useSession();
  const w = useWords(words);
  const [reason, setReason] = useState<RoomClosedReason>('NO_LONGER_NEEDED');
  const [note, setNote] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [submitted, setSubmitted] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setProblem(null);
    try {
      const { submitRoomClosure } = await session.call(SubmitRoomClosureDocument, {
        roomId,
        reason,
        note: note.trim() || null,
      });
      setSubmitted(submitRoomClosure.id);
    } catch (error) {
      setProblem(error instanceof GraphError ? error.message : String(error));
    }
  }

  return (
    <details className="closure">
      <summary>{w.closure}</summary>
      <p className="muted">{w.closureLead}</p>
      <StepOutcome problem={problem} notice={null} />
      {submitted ? (
        <p role="status" className="notice">
          {w.closureSubmitted}{' '}
          <a href={href({ page: 'room-applications', id: submitted })}>{session.t.roomApplications}</a>
        </p>
      ) : (
        <form className="composer" onSubmit={(e) => void submit(e)}>
          <label>
            {w.closedReason}
            <select value={reason} onChange={(e) => setReason(e.target.value as RoomClosedReason)}>
              {reasons.map((r) => (
                <option key={r} value={r}>
                  {r === 'OTHER' ? w.OTHER_REASON : w[r]}
                </option>
              ))}
            </select>
          </label>
          <label>
            {w.closureNote}
            <textarea maxLength={1000} rows={2} value={note} onChange={(e) => setNote(e.target.value)} />
          </label>
          <div className="actions">
            <button type="submit" className="danger">
              {w.submitClosure}
            </button>
          </div>
        </form>
      )}
    </details>
  );
}
