// A room's members, and changing them (Form 9). A member who is a USER asks
// for a change (colleagues to add, found in the directory, and members to
// remove; at least one), which then follows the route of Art. 20. The room's
// manager (its opener, or the system admin) records a signed paper Form 9
// instead: one person in, or one out, at once. The graph decides who may do
// which; the console offers each part to whom it is meant for.
import { useState, type FormEvent } from 'react';
import {
  AddRoomMemberDocument,
  RemoveRoomMemberDocument,
  SubmitRoomMemberChangeDocument,
  type RoomMemberRowFragment,
} from '../../../../generated/console/operations';
import type { Me } from '../../app';
import { GraphError } from '../../graphql';
import { href } from '../../route';
import { useSession, useWords } from '../../session';
import { StepOutcome } from '../decision';
import { ColleaguePicker, type Colleague } from './colleague-picker';
import { peopleWords } from './people-words';
import './rooms.css';

type Member = RoomMemberRowFragment;

export function Members(props: {
  me: Me;
  roomId: string;
  members: readonly Member[];
  /** The room's manager: its opener (a deciding manager) or the system admin. */
  manager: boolean;
  open: boolean;
  closed: boolean;
  onMembers: (members: Member[]) => void;
}) {
  const session = useSession();
  const { me, members } = props;
  const isMember = members.some((m) => m.user.id === me.user.id);
  return (
    <div className="room-members">
      <ul className="members" data-members>
        {members.map((m) => (
          <li key={m.user.id} data-member={m.user.id}>
            {m.user.name}（{m.user.nameKana}）— {m.user.facility.name}、{session.t.roles[m.user.role] ?? m.user.role}
          </li>
        ))}
      </ul>
      {props.open && isMember && me.user.role === 'USER' && <AskMemberChange roomId={props.roomId} members={members} />}
      {props.manager && !props.closed && (
        <PaperMemberChange roomId={props.roomId} members={members} open={props.open} onMembers={props.onMembers} />
      )}
    </div>
  );
}

function AskMemberChange({ roomId, members }: { roomId: string; members: readonly Member[] }) {
  const session = useSession();
  const w = useWords(peopleWords);
  const [add, setAdd] = useState<Colleague[]>([]);
  const [remove, setRemove] = useState<string[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const [submitted, setSubmitted] = useState<string | null>(null);
  const memberIds = new Set(members.map((m) => m.user.id));

  async function submit(event: FormEvent) {
    event.preventDefault();
    setProblem(null);
    if (add.length + remove.length === 0) {
      setProblem(w.needOneChange);
      return;
    }
    try {
      const { submitRoomMemberChange } = await session.call(SubmitRoomMemberChangeDocument, {
        roomId,
        add: add.map((c) => c.id),
        remove,
      });
      setSubmitted(submitRoomMemberChange.id);
    } catch (error) {
      setProblem(error instanceof GraphError ? error.message : String(error));
    }
  }

  return (
    <details className="member-change" open={submitted !== null}>
      <summary>{w.memberChange}</summary>
      <p className="muted">{w.memberChangeLead}</p>
      <StepOutcome problem={problem} notice={null} />
      {submitted ? (
        <p role="status" className="notice">
          {w.changeSubmitted} <a href={href({ page: 'room-applications', id: submitted })}>{w.follow}</a>
        </p>
      ) : (
        <form onSubmit={(e) => void submit(e)}>
          <ColleaguePicker chosen={add} onChange={setAdd} excluded={memberIds} />
          <fieldset className="remove">
            <legend>{w.toRemove}</legend>
            {members.map((m) => (
              <label key={m.user.id}>
                <input
                  type="checkbox"
                  checked={remove.includes(m.user.id)}
                  onChange={(e) =>
                    setRemove((current) =>
                      e.target.checked ? [...current, m.user.id] : current.filter((id) => id !== m.user.id),
                    )
                  }
                />
                {m.user.name}（{m.user.facility.name}）
              </label>
            ))}
          </fieldset>
          <div className="actions">
            <button type="submit">{w.submitChange}</button>
          </div>
        </form>
      )}
    </details>
  );
}

function PaperMemberChange(props: {
  roomId: string;
  members: readonly Member[];
  open: boolean;
  onMembers: (members: Member[]) => void;
}) {
  const session = useSession();
  const w = useWords(peopleWords);
  const [toAdd, setToAdd] = useState<Colleague[]>([]);
  const [toRemove, setToRemove] = useState('');
  const [paperReference, setPaperReference] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const memberIds = new Set(props.members.map((m) => m.user.id));

  async function act(step: () => Promise<Member[]>, done: string) {
    setBusy(true);
    setProblem(null);
    setNotice(null);
    try {
      props.onMembers(await step());
      setNotice(done);
      setToAdd([]);
      setToRemove('');
      setPaperReference('');
    } catch (error) {
      setProblem(error instanceof GraphError ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  }

  const reference = () => paperReference.trim() || null;
  const addOne = (event: FormEvent) => {
    event.preventDefault();
    const [colleague] = toAdd;
    if (!colleague) return;
    void act(async () => {
      const { addRoomMember } = await session.call(AddRoomMemberDocument, {
        roomId: props.roomId,
        userId: colleague.id,
        paperReference: reference(),
      });
      return addRoomMember.members;
    }, w.added);
  };
  const removeOne = () => {
    if (!toRemove || !window.confirm(w.confirmRemove)) return;
    void act(async () => {
      const { removeRoomMember } = await session.call(RemoveRoomMemberDocument, {
        roomId: props.roomId,
        userId: toRemove,
        paperReference: reference(),
      });
      return removeRoomMember.members;
    }, w.removed);
  };

  return (
    <details className="paper-member-change">
      <summary>{w.paperForm}</summary>
      <p className="muted">{w.paperLead}</p>
      <StepOutcome problem={problem} notice={notice} />
      <form onSubmit={addOne}>
        <label>
          {w.paperReference}
          <input
            name="paperReference"
            maxLength={200}
            value={paperReference}
            onChange={(e) => setPaperReference(e.target.value)}
          />
        </label>
        {props.open && (
          <>
            <ColleaguePicker chosen={toAdd} onChange={setToAdd} excluded={memberIds} max={1} legend={w.addOne} />
            <div className="actions">
              <button type="submit" disabled={busy || toAdd.length === 0}>
                {w.addOne}
              </button>
            </div>
          </>
        )}
        <div className="paper-row">
          <label>
            {w.memberToRemove}
            <select value={toRemove} onChange={(e) => setToRemove(e.target.value)}>
              <option value="">—</option>
              {props.members.map((m) => (
                <option key={m.user.id} value={m.user.id}>
                  {m.user.name}（{m.user.facility.name}）
                </option>
              ))}
            </select>
          </label>
          <button type="button" className="danger" disabled={busy || !toRemove} onClick={removeOne}>
            {w.removeOne}
          </button>
        </div>
      </form>
    </details>
  );
}
