// One disclosure request (appendix 5): who asked, how and when it was
// received; the parts withheld and, while the request is RECEIVED, the form
// to withhold another on a legal ground; the report exported as CSV or JSON
// (a file the browser downloads); its exports and its history. The report
// itself is not read here: producing it is an access to the subject's data,
// recorded in every subgraph, so it is produced only when exported.
import { useState, type FormEvent } from 'react';
import {
  DisclosureRequestDetailDocument,
  WithholdDisclosurePartDocument,
  type DisclosureFormat,
  type DisclosurePart,
  type DisclosureRequestDetailQuery,
  type WithholdingGround,
} from '../../../../generated/console/operations';
import type { Me } from '../../app';
import { href } from '../../route';
import { useSession, useWords } from '../../session';
import { StepOutcome, useStep, when } from '../decision';
import { BackLink, NotLoaded, useLoaded } from '../loading';
import { statusBadge } from './disclosures';
import { exportReport } from './export';
import { grounds, historyOf, withholdable, type HistoryStep } from './format';
import { words } from './words';

type Request = DisclosureRequestDetailQuery['disclosureRequest'];

export function DisclosureDetail({ me, id }: { me: Me; id: string }) {
  const session = useSession();
  const w = useWords(words);
  const loaded = useLoaded(
    () => session.call(DisclosureRequestDetailDocument, { id }).then((data) => data.disclosureRequest),
    [id],
  );
  const back = { href: href({ page: 'audit' }), label: w.back };
  const request = loaded.value;
  if (!request) return <NotLoaded back={back} loaded={loaded} notFound={w.notFound} />;
  const who = (userId: string) => (userId === me.user.id ? `${w.you}（${me.user.name}）` : userId);

  return (
    <section aria-labelledby="disclosure-title" className="disclosure" data-disclosure-request={request.id}>
      <BackLink {...back} />
      <h1 id="disclosure-title">
        {w.requestTitle} <span className="muted">{request.receivedOn}</span>
      </h1>
      <p className="lead">
        <span className={`badge ${statusBadge[request.status]}`} data-status={request.status}>
          {w[request.status]}
        </span>
      </p>
      <dl className="fields">
        <dt>{w.subject}</dt>
        <dd className="code" data-subject>
          {request.subject.id}
        </dd>
        <dt>{w.requestedBy}</dt>
        <dd>{w[request.requestedBy]}</dd>
        {request.requesterName && (
          <>
            <dt>{w.requesterName}</dt>
            <dd>{request.requesterName}</dd>
          </>
        )}
        {request.relationship && (
          <>
            <dt>{w.relationship}</dt>
            <dd>{request.relationship}</dd>
          </>
        )}
        <dt>{w.receivedVia}</dt>
        <dd>{request.receivedVia}</dd>
        <dt>{w.receivedOn}</dt>
        <dd>{request.receivedOn}</dd>
        <dt>{w.recordedBy}</dt>
        <dd className={request.recordedBy === me.user.id ? undefined : 'code'}>{who(request.recordedBy)}</dd>
        <dt>{w.recordedAt}</dt>
        <dd>{when(request.recordedAt, session.language)}</dd>
      </dl>

      <h2>{w.withheld}</h2>
      {request.withheld.length === 0 ? (
        <p className="empty">{w.noneWithheld}</p>
      ) : (
        <table className="list withheld">
          <thead>
            <tr>
              <th>{w.part}</th>
              <th>{w.ground}</th>
              <th>{w.reason}</th>
              <th>{w.decidedBy}</th>
              <th>{w.decidedAt}</th>
            </tr>
          </thead>
          <tbody>
            {request.withheld.map((part) => (
              <tr key={part.part} data-withheld={part.part}>
                <td>{w[`part.${part.part}`]}</td>
                <td>{w[`ground.${part.ground}`]}</td>
                <td className="reason">{part.reason}</td>
                <td className={part.decidedBy === me.user.id ? undefined : 'code small'}>{who(part.decidedBy)}</td>
                <td className="nowrap">{when(part.decidedAt, session.language)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {request.status === 'RECEIVED' && <Withhold request={request} reload={loaded.reload} />}

      <h2>{w.report}</h2>
      <ExportButtons request={request} reload={loaded.reload} />
      <h3>{w.exports}</h3>
      {request.exports.length === 0 ? (
        <p className="empty">{w.noExports}</p>
      ) : (
        <table className="list exports">
          <thead>
            <tr>
              <th>{w.exportedAt}</th>
              <th>{w.format}</th>
              <th>{w.exportedBy}</th>
            </tr>
          </thead>
          <tbody>
            {request.exports.map((exported) => (
              <tr key={exported.id} data-export={exported.format}>
                <td className="nowrap">{when(exported.exportedAt, session.language)}</td>
                <td>{exported.format}</td>
                <td className={exported.exportedBy === me.user.id ? undefined : 'code small'}>
                  {who(exported.exportedBy)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2>{w.history}</h2>
      <ol className="history">
        {historyOf(request).map((step, index) => (
          <li key={index} data-step={step.kind}>
            <span className="when">{when(step.at, session.language)}</span> <strong>{stepText(w, step)}</strong> —{' '}
            {who(step.by)}
          </li>
        ))}
      </ol>
    </section>
  );
}

function stepText(w: { [K in keyof (typeof words)['ja']]: string }, step: HistoryStep): string {
  switch (step.kind) {
    case 'recorded':
      return w.recordedStep;
    case 'withheld':
      return w.withheldStep.replace('{part}', w[`part.${step.part}`]);
    case 'exported':
      return w.exportedStep.replace('{format}', step.format);
  }
}

function Withhold({ request, reload }: { request: Request; reload: () => Promise<void> }) {
  const session = useSession();
  const w = useWords(words);
  const open = withholdable(request.withheld);
  const [opened, setOpened] = useState(false);
  const [part, setPart] = useState<DisclosurePart | ''>('');
  const [ground, setGround] = useState<WithholdingGround | ''>('');
  const [reason, setReason] = useState('');
  const step = useStep(reload, w.withholdDone);
  if (open.length === 0) return null;

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!part || !ground) return;
    const done = await step.act(() =>
      session.call(WithholdDisclosurePartDocument, {
        requestId: request.id,
        input: { part, ground, reason: reason.trim() },
      }),
    );
    if (done) {
      setOpened(false);
      setPart('');
      setGround('');
      setReason('');
    }
  }

  return (
    <>
      <StepOutcome problem={step.problem} notice={step.notice} />
      {opened ? (
        <form className="withhold" aria-labelledby="withhold-title" onSubmit={submit}>
          <h3 id="withhold-title">{w.withholdTitle}</h3>
          <p className="muted">{w.withholdLead}</p>
          <label>
            {w.part}
            <select name="part" required value={part} onChange={(e) => setPart(e.target.value as DisclosurePart)}>
              <option value="" disabled>
                —
              </option>
              {open.map((p) => (
                <option key={p} value={p}>
                  {w[`part.${p}`]}
                </option>
              ))}
            </select>
          </label>
          <label>
            {w.ground}
            <select
              name="ground"
              required
              value={ground}
              onChange={(e) => setGround(e.target.value as WithholdingGround)}
            >
              <option value="" disabled>
                —
              </option>
              {grounds.map((g) => (
                <option key={g} value={g}>
                  {w[`ground.${g}`]}
                </option>
              ))}
            </select>
          </label>
          <label>
            {w.reason}
            <textarea
              name="reason"
              rows={3}
              maxLength={1000}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
            />
          </label>
          <span className="hint">{w.reasonHint}</span>
          <div className="actions">
            <button type="submit" className="danger" disabled={step.busy}>
              {w.confirmWithhold}
            </button>
            <button type="button" className="secondary" onClick={() => setOpened(false)}>
              {w.cancel}
            </button>
          </div>
        </form>
      ) : (
        <div className="actions">
          <button type="button" className="secondary" onClick={() => setOpened(true)}>
            {w.withhold}
          </button>
        </div>
      )}
    </>
  );
}

function ExportButtons({ request, reload }: { request: Request; reload: () => Promise<void> }) {
  const session = useSession();
  const w = useWords(words);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  async function download(format: DisclosureFormat) {
    setBusy(true);
    setProblem(null);
    setNotice(null);
    try {
      const fileName = await exportReport(session, request.id, format);
      setNotice(`${w.exported}: ${fileName}`);
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(false);
      // The export is recorded (and the request REPORTED) even when the file could not be made.
      await reload();
    }
  }

  return (
    <>
      <p className="muted">{w.reportLead}</p>
      <div className="actions">
        <button type="button" disabled={busy} onClick={() => void download('CSV')}>
          {busy ? w.exporting : w.exportCsv}
        </button>
        <button type="button" disabled={busy} onClick={() => void download('JSON')}>
          {busy ? w.exporting : w.exportJson}
        </button>
      </div>
      <StepOutcome problem={problem} notice={notice} />
    </>
  );
}
