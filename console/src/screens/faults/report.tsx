// Art. 22: anyone reports an anomaly (when it happened, a summary, what
// happened). The graph checks the lengths and answers its refusal, shown as
// is; once reported, the report's own page opens.
import { useState, type FormEvent } from 'react';
import { ReportFaultDocument } from '../../../../generated/console/operations';
import { href } from '../../route';
import { useSession, useWords } from '../../session';
import { problemOf } from '../loading';
import { instantOf, localNow } from './steps';
import { words } from './words';

export function ReportFault({ onCancel }: { onCancel: () => void }) {
  const session = useSession();
  const w = useWords(words);
  const [occurredAt, setOccurredAt] = useState(() => localNow());
  const [summary, setSummary] = useState('');
  const [details, setDetails] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  async function send(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      // A time the browser cannot read is sent as typed: the graph names the field in its refusal.
      const input = { occurredAt: instantOf(occurredAt) ?? occurredAt, summary: summary.trim(), details };
      const { reportFault } = await session.call(ReportFaultDocument, { input });
      location.hash = href({ page: 'faults', id: reportFault.id });
    } catch (error) {
      setProblem(problemOf(error));
      setBusy(false);
    }
  }

  return (
    <form className="report" aria-labelledby="report-title" onSubmit={send}>
      <h3 id="report-title">{w.reportTitle}</h3>
      <label>
        {w.occurredAt}
        <input
          type="datetime-local"
          name="occurredAt"
          value={occurredAt}
          onChange={(e) => setOccurredAt(e.target.value)}
        />
      </label>
      <label>
        {w.summary}
        <input name="summary" value={summary} onChange={(e) => setSummary(e.target.value)} autoComplete="off" />
        <span className="hint">{w.summaryHint}</span>
      </label>
      <label>
        {w.details}
        <textarea name="details" rows={5} value={details} onChange={(e) => setDetails(e.target.value)} />
        <span className="hint">{w.detailsHint}</span>
      </label>
      {problem && (
        <p role="alert" className="problem">
          {problem}
        </p>
      )}
      <div className="actions">
        <button type="submit" disabled={busy}>
          {busy ? w.sending : w.send}
        </button>
        <button type="button" className="secondary" onClick={onCancel} disabled={busy}>
          {w.cancel}
        </button>
      </div>
    </form>
  );
}
