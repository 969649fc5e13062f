// One application: what was asked, its history, and the steps this person
// may take now. The buttons follow the permission table; the graph decides,
// and a refusal shows its own message with nothing changed on screen.
import { useState } from 'react';
import {
  ApplicationDetailDocument,
  ApproveApplicationDocument,
  ForwardApplicationDocument,
  RejectApplicationDocument,
  WithdrawApplicationDocument,
} from '../../../../generated/console/operations';
import type { Me } from '../../app';
import { href } from '../../route';
import { useSession, useWords } from '../../session';
import { History, StepButtons, StepOutcome, useStep, when } from '../decision';
import { BackLink, NotLoaded, useLoaded } from '../loading';
import { formName } from './format';
import { stepsFor } from './steps';
import { words } from './words';

type W = (typeof words)['ja'];
type Issued = { accountId: string; initialPassword: string };

export function ApplicationDetail({ me, id }: { me: Me; id: string }) {
  const session = useSession();
  const w = useWords(words);
  const [issued, setIssued] = useState<Issued | null>(null);
  const loaded = useLoaded(async () => (await session.call(ApplicationDetailDocument, { id })).application, [id]);
  const { busy, problem, notice, act } = useStep(loaded.reload, w.done);
  const back = { href: href({ page: 'applications' }), label: w.back };
  const application = loaded.value;
  if (!application) return <NotLoaded back={back} loaded={loaded} notFound={w.notFound} />;
  const may = stepsFor(me, application);

  return (
    <section aria-labelledby="application-title" data-application={application.id}>
      <BackLink {...back} />
      <h1 id="application-title">{formName(application.form, w)}</h1>
      <p className="lead">
        <span className={`badge ${application.status.toLowerCase()}`} data-status={application.status}>
          {w[application.status]}
        </span>
        {application.lateSubmission && <span className="badge late">{w.late}</span>}
      </p>
      <dl className="fields">
        <dt>{w.facility}</dt>
        <dd>{application.facility?.name ?? '—'}</dd>
        <dt>{w.submittedBy}</dt>
        <dd>{application.submittedBy.name}</dd>
        {application.onPaperFor && (
          <>
            <dt>{w.onPaperFor}</dt>
            <dd>{application.onPaperFor}</dd>
          </>
        )}
        <dt>{w.submittedAt}</dt>
        <dd>{when(application.submittedAt, session.language)}</dd>
        {application.decisionReason && (
          <>
            <dt>{w.decisionReason}</dt>
            <dd>{application.decisionReason}</dd>
          </>
        )}
      </dl>
      {application.copyToSystemAdmin && <p className="muted">{w.copied}</p>}

      <h2>{w.content}</h2>
      <dl className="fields">{contentFields(application.content, w, session.t.roles)}</dl>

      <h2>{w.history}</h2>
      <History steps={application.steps} stepName={(action) => stepName(action, w)} />

      <StepOutcome problem={problem} notice={notice} />
      {issued && (
        <div className="secret" role="region" aria-label={w.issuedTitle}>
          <h2>{w.issuedTitle}</h2>
          <p>{w.issuedLead}</p>
          <dl className="fields">
            <dt>{w.accountId}</dt>
            <dd data-issued="accountId">{issued.accountId}</dd>
            <dt>{w.initialPassword}</dt>
            <dd data-issued="initialPassword">{issued.initialPassword}</dd>
          </dl>
        </div>
      )}

      <StepButtons
        busy={busy}
        act={act}
        steps={[
          {
            label: w.approve,
            show: may.decide,
            run: async () => {
              const { approveApplication } = await session.call(ApproveApplicationDocument, { id });
              if (approveApplication.issuedAccount) setIssued(approveApplication.issuedAccount);
            },
          },
          { label: w.forward, show: may.forward, run: () => session.call(ForwardApplicationDocument, { id }) },
          {
            label: w.withdraw,
            show: may.withdraw,
            secondary: true,
            run: () => session.call(WithdrawApplicationDocument, { id }),
          },
        ]}
        reject={{
          show: may.decide,
          label: w.reject,
          reasonLabel: w.rejectReason,
          confirm: w.confirmReject,
          cancel: w.cancel,
          maxLength: 500,
          run: (reason) => session.call(RejectApplicationDocument, { id, reason }),
        }}
      />
    </section>
  );
}

function stepName(action: string, w: W): string {
  const key = `step_${action}` as keyof W;
  return key in w ? w[key] : action;
}

/** The form's content, each field with its name; a field this console does not know is shown as it came. */
function contentFields(content: string, w: W, roles: Record<string, string>) {
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(content) as Record<string, unknown>;
  } catch {
    return (
      <>
        <dt>—</dt>
        <dd>{content}</dd>
      </>
    );
  }
  return Object.entries(parsed)
    .filter(([, value]) => value !== null && value !== undefined && value !== '')
    .map(([key, value]) => {
      const label = `field_${key}` as keyof W;
      return (
        <div key={key} className="field" data-field={key}>
          <dt>{label in w ? w[label] : key}</dt>
          <dd>{shown(key, value, w, roles)}</dd>
        </div>
      );
    });
}

function shown(key: string, value: unknown, w: W, roles: Record<string, string>): string {
  if (typeof value === 'boolean') return value ? w.yes : w.no;
  if (key === 'role' && typeof value === 'string') return roles[value] ?? value;
  if (key === 'pledge' && typeof value === 'object' && value !== null) {
    const pledge = value as { agreed?: boolean; pledgedOn?: string; textVersion?: string };
    return `${pledge.agreed ? w.pledgeAgreed : w.no} (${pledge.pledgedOn ?? '—'}, ${w.pledgeEdition} ${pledge.textVersion ?? '—'})`;
  }
  if (typeof value === 'object' && value !== null)
    return Object.entries(value)
      .map(([k, v]) => `${k}: ${typeof v === 'boolean' ? (v ? w.yes : w.no) : String(v)}`)
      .join(' / ');
  return String(value);
}
