// The system admin's view of the exchange's jobs that failed every retry
// (exchangeDeadLetters), each run again once with retryDeadLetter.
import { useEffect, useState } from 'react';
import {
  ExchangeDeadLettersDocument,
  RetryDeadLetterDocument,
  type ExchangeDeadLettersQuery,
} from '../../../../generated/console/operations';
import { GraphError } from '../../graphql';
import { useSession, useWords } from '../../session';
import { StepOutcome, useStep, when } from '../decision';
import { words } from './words';

type Letter = ExchangeDeadLettersQuery['exchangeDeadLetters'][number];

export function DeadLetters() {
  const session = useSession();
  const w = useWords(words);
  const [includeRetried, setIncludeRetried] = useState(false);
  const [letters, setLetters] = useState<Letter[] | null>(null);
  const load = async () =>
    setLetters((await session.call(ExchangeDeadLettersDocument, { includeRetried })).exchangeDeadLetters);
  const { busy, problem, notice, setProblem, act } = useStep(load, w.retried);

  useEffect(() => {
    setLetters(null);
    load().catch((error: unknown) => setProblem(error instanceof GraphError ? error.message : String(error)));
  }, [includeRetried, session.language]);

  return (
    <section className="dead-letters" aria-labelledby="dead-letters-title">
      <h2 id="dead-letters-title">{w.deadLetters}</h2>
      <p className="muted">{w.deadLettersLead}</p>
      <label className="inline">
        <input type="checkbox" checked={includeRetried} onChange={(e) => setIncludeRetried(e.target.checked)} />{' '}
        {w.showRetried}
      </label>
      <StepOutcome problem={problem} notice={notice} />
      {letters === null && !problem && <p className="loading">{session.t.loading}</p>}
      {letters !== null && letters.length === 0 && <p className="empty">{w.deadLettersNone}</p>}
      {letters !== null && letters.length > 0 && (
        <table className="list">
          <thead>
            <tr>
              <th>{w.failedAt}</th>
              <th>{w.job}</th>
              <th>{w.attempts}</th>
              <th>{w.error}</th>
              <th>{w.retriedAt}</th>
            </tr>
          </thead>
          <tbody>
            {letters.map((letter) => (
              <tr key={letter.id} data-dead-letter={letter.id}>
                <td>{when(letter.createdAt, session.language)}</td>
                <td>
                  <span className="code">{letter.jobName}</span> <span className="muted">({letter.queue})</span>
                </td>
                <td>{letter.attempts}</td>
                <td>
                  <span className="code">{letter.errorCode}</span> {letter.errorSummary}
                </td>
                <td>
                  {letter.retriedAt ? (
                    <>
                      {when(letter.retriedAt, session.language)}
                      {letter.retriedBy && <span className="muted">（{letter.retriedBy.name}）</span>}
                    </>
                  ) : (
                    <button
                      type="button"
                      className="secondary"
                      disabled={busy}
                      onClick={() => void act(() => session.call(RetryDeadLetterDocument, { id: letter.id }))}
                    >
                      {w.retry}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
