// Form 8 from the subject's page: a user asks for a room for the subject,
// with themself as its first member and colleagues found in the directory
// of professionals (ColleaguePicker); the facility manager confirms and a
// manager decides (Art. 20), in "部屋の申請".
import { useState, type FormEvent } from 'react';
import { AskForRoomDocument } from '../../../../generated/console/operations';
import type { Me } from '../../app';
import { GraphError } from '../../graphql';
import { href } from '../../route';
import { useSession, useWords } from '../../session';
import { StepOutcome } from '../decision';
import { ColleaguePicker, type Colleague } from '../rooms/colleague-picker';
import { askWords } from './words';

export function AskForRoom({ me, subjectId, defaultTitle }: { me: Me; subjectId: string; defaultTitle: string }) {
  const session = useSession();
  const w = useWords(askWords);
  const [title, setTitle] = useState(defaultTitle);
  const [colleagues, setColleagues] = useState<Colleague[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const [submitted, setSubmitted] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setProblem(null);
    try {
      const { submitRoomOpening } = await session.call(AskForRoomDocument, {
        subjectId,
        title: title.trim(),
        memberIds: [me.user.id, ...colleagues.map((c) => c.id)],
      });
      setSubmitted(submitRoomOpening.id);
    } catch (error) {
      setProblem(error instanceof GraphError ? error.message : String(error));
    }
  }

  return (
    <details className="ask-for-room" open={submitted !== null}>
      <summary>{w.title}</summary>
      <p className="muted">{w.lead}</p>
      <StepOutcome problem={problem} notice={null} />
      {submitted ? (
        <p role="status" className="notice">
          {w.submitted} <a href={href({ page: 'room-applications', id: submitted })}>{w.follow}</a>
        </p>
      ) : (
        <form onSubmit={(e) => void submit(e)}>
          <label>
            {w.roomTitle}
            <input name="roomTitle" required maxLength={100} value={title} onChange={(e) => setTitle(e.target.value)} />
          </label>
          <ColleaguePicker chosen={colleagues} onChange={setColleagues} excluded={new Set([me.user.id])} />
          <div className="actions">
            <button type="submit">{w.submit}</button>
          </div>
        </form>
      )}
    </details>
  );
}
