// One subject's page: what the caller may see of the person (a refusal shows
// the graph's message and nothing else), the consent entries (Forms 6 and 7,
// withdrawals), the legal exceptions for the deciders, the active room; and
// recording consent, withdrawing it, recording and ending an exception.
import { useEffect, useState, type FormEvent } from 'react';
import {
  EndLegalExceptionDocument,
  RecordConsentDocument,
  RecordLegalExceptionDocument,
  SubjectLegalBasesDocument,
  SubjectPageDocument,
  WithdrawConsentDocument,
  type ConsentPurpose,
  type LegalBasis,
  type Signatory,
  type SubjectLegalBasesQuery,
  type SubjectPageQuery,
} from '../../../../generated/console/operations';
import type { Me } from '../../app';
import { href } from '../../route';
import { useSession, useWords } from '../../session';
import { RejectForm, StepOutcome, when } from '../decision';
import { day, deciderRoles, has, todayInJapan, problemText } from './format';
import { words } from './words';
import { AskForRoom } from './ask-for-room';

type W = (typeof words)['ja'];
type Subject = NonNullable<SubjectPageQuery['subject']>;
type Entry = Subject['consentHistory'][number];
type Exception = NonNullable<SubjectLegalBasesQuery['subject']>['legalBases'][number];

// Every value of the schema's enums, in its order (the Record makes the compiler hold them complete).
const purposeOrder: Record<ConsentPurpose, number> = {
  PROVIDE_SERVICES: 1,
  COORDINATE_PROVIDERS: 2,
  ANSWER_PROVIDER_ENQUIRIES: 3,
  SEEK_OUTSIDE_MEDICAL_ADVICE: 4,
  EXPLAIN_TO_FAMILY: 5,
  IMPROVE_SERVICES: 6,
  SERVICE_STAFF_MEETINGS: 7,
  PREGNANCY_TO_CHILD_REARING_SUPPORT: 8,
};
export const purposes = Object.keys(purposeOrder) as ConsentPurpose[];
const basisOrder: Record<LegalBasis, number> = {
  CHILD_REQUIRING_PROTECTION: 1,
  CHILD_REQUIRING_SUPPORT: 2,
  SPECIFIC_EXPECTANT_MOTHER: 3,
  ELDER_ABUSE: 4,
  DISABLED_ABUSE: 5,
  DISASTER: 6,
  URGENT_RISK_TO_LIFE_BODY_PROPERTY: 7,
};
export const legalBases = Object.keys(basisOrder) as LegalBasis[];

export function SubjectPage({ me, id }: { me: Me; id: string }) {
  const session = useSession();
  const w = useWords(words);
  const decider = has(deciderRoles, me.user.role);
  const [subject, setSubject] = useState<Subject | null | undefined>(undefined);
  const [exceptions, setExceptions] = useState<Exception[] | null>(null);
  const [refusal, setRefusal] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [open, setOpen] = useState<'consent' | 'withdraw' | 'exception' | null>(null);

  async function load() {
    const data = await session.call(SubjectPageDocument, { id });
    setSubject(data.subject);
    if (decider)
      await session
        .call(SubjectLegalBasesDocument, { id })
        .then((more) => setExceptions(more.subject?.legalBases ?? []))
        .catch((error: unknown) => setProblem(problemText(error, w)));
  }

  useEffect(() => {
    load().catch((error: unknown) => {
      setSubject(null);
      setRefusal(problemText(error, w));
    });
  }, [id, session.language]);

  async function act(step: () => Promise<unknown>, done: string): Promise<boolean> {
    setBusy(true);
    setProblem(null);
    setNotice(null);
    try {
      await step();
      await load();
      setNotice(done);
      setOpen(null);
      return true;
    } catch (error) {
      setProblem(problemText(error, w));
      return false;
    } finally {
      setBusy(false);
    }
  }

  const back = (
    <p>
      <a href={href({ page: 'subjects' })}>← {w.back}</a>
    </p>
  );
  if (subject === undefined) return <p className="loading">{session.t.loading}</p>;
  if (!subject)
    return (
      <section className="subjects">
        {back}
        <p role="alert" className="problem">
          {refusal ?? session.t.loading}
        </p>
      </section>
    );

  const granted = subject.consentStatus === 'GRANTED';
  return (
    <section className="subjects subject" aria-labelledby="subject-title" data-subject={subject.id}>
      {back}
      <h1 id="subject-title">
        {subject.name} <span className="kana">{subject.nameKana}</span>
      </h1>
      <p className="lead">
        <span
          className={`badge ${granted ? 'good' : subject.consentStatus === 'WITHDRAWN' ? 'bad' : 'off'}`}
          data-consent={subject.consentStatus}
        >
          {w[subject.consentStatus]}
        </span>
        {subject.activeRoom && (
          <span className={`badge ${subject.activeRoom.status === 'OPEN' ? 'good' : 'off'}`}>
            {w.room}: {w[subject.activeRoom.status]}
          </span>
        )}
      </p>
      <h2>{w.details}</h2>
      <dl className="fields">
        <dt>{w.birthDate}</dt>
        <dd>{day(subject.birthDate, session.language)}</dd>
        <dt>{w.sex}</dt>
        <dd>{w[subject.sex]}</dd>
        <dt>{w.category}</dt>
        <dd>{w[subject.category]}</dd>
        {subject.address && (
          <>
            <dt>{w.address}</dt>
            <dd>{subject.address}</dd>
          </>
        )}
        {subject.identifiers.length > 0 && (
          <>
            <dt>{w.identifiers}</dt>
            <dd>
              {subject.identifiers.map((i, index) => (
                <div key={index}>
                  {i.system}: {i.value}
                </div>
              ))}
            </dd>
          </>
        )}
        <dt>{w.registeredAt}</dt>
        <dd>{when(subject.createdAt, session.language)}</dd>
        <dt>{w.sharing}</dt>
        <dd data-sharing={subject.sharingBasis.allowed ? 'allowed' : 'not-allowed'}>
          {subject.sharingBasis.allowed ? (
            <>
              {w.sharingAllowed}
              {subject.sharingBasis.basis && ` — ${w[subject.sharingBasis.basis]}`}
              {subject.sharingBasis.validThrough &&
                ` (${day(subject.sharingBasis.validThrough, session.language)} ${w.validThrough})`}
            </>
          ) : (
            w.sharingNotAllowed
          )}
        </dd>
        <dt>{w.room}</dt>
        <dd>
          {subject.activeRoom ? (
            <a href={href({ page: 'rooms', id: subject.activeRoom.id })}>{subject.activeRoom.title}</a>
          ) : (
            <span className="muted">{w.noRoom}</span>
          )}
        </dd>
      </dl>
      {!subject.activeRoom && me.user.role === 'USER' && (
        <AskForRoom me={me} subjectId={subject.id} defaultTitle={`${subject.name}さんの部屋`} />
      )}

      <h2>{w.consentTitle}</h2>
      {subject.consentHistory.length === 0 ? (
        <p className="empty">{w.noConsent}</p>
      ) : (
        <ConsentHistory entries={subject.consentHistory} me={me} w={w} />
      )}
      <StepOutcome problem={problem} notice={notice} />
      {open === null && (
        <div className="actions">
          {!granted && (
            <button type="button" onClick={() => setOpen('consent')}>
              {w.recordConsent}
            </button>
          )}
          {granted && (
            <button type="button" className="secondary danger" onClick={() => setOpen('withdraw')}>
              {w.withdraw}
            </button>
          )}
        </div>
      )}
      {open === 'consent' && (
        <ConsentForm
          busy={busy}
          onCancel={() => setOpen(null)}
          onRecord={(input) =>
            void act(
              () => session.call(RecordConsentDocument, { input: { ...input, subjectId: id } }),
              w.consentRecorded,
            )
          }
        />
      )}
      {open === 'withdraw' && (
        <div className="withdraw">
          <p className="warning">{w.withdrawWarning}</p>
          <RejectForm
            label={w.withdrawReason}
            confirm={w.confirmWithdraw}
            cancel={w.cancel}
            maxLength={500}
            busy={busy}
            onCancel={() => setOpen(null)}
            onReject={(reason) =>
              void act(() => session.call(WithdrawConsentDocument, { subjectId: id, reason }), w.consentWithdrawn)
            }
          />
        </div>
      )}

      {decider && exceptions && (
        <>
          <h2>{w.exceptionsTitle}</h2>
          {exceptions.length === 0 ? (
            <p className="empty">{w.noExceptions}</p>
          ) : (
            <table className="list">
              <thead>
                <tr>
                  <th>{w.basis}</th>
                  <th>{w.decidedBy}</th>
                  <th>{w.reason}</th>
                  <th>{w.reviewOn}</th>
                  <th>{w.recordedAt}</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {exceptions.map((e) => (
                  <tr key={e.id} data-exception={e.id}>
                    <td>{w[e.basis]}</td>
                    <td>{e.decidedBy}</td>
                    <td>{e.reason}</td>
                    <td>
                      {day(e.reviewOn, session.language)}
                      {e.reviewOn < todayInJapan() && <span className="badge bad">{w.pastReview}</span>}
                    </td>
                    <td>{when(e.recordedAt, session.language)}</td>
                    <td>
                      <button
                        type="button"
                        className="secondary danger"
                        disabled={busy}
                        onClick={() =>
                          void act(() => session.call(EndLegalExceptionDocument, { id: e.id }), w.exceptionEnded)
                        }
                      >
                        {w.endException}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {open === null && (
            <div className="actions">
              <button type="button" className="secondary" onClick={() => setOpen('exception')}>
                {w.recordException}
              </button>
            </div>
          )}
          {open === 'exception' && (
            <ExceptionForm
              busy={busy}
              onCancel={() => setOpen(null)}
              onRecord={(input) =>
                void act(
                  () => session.call(RecordLegalExceptionDocument, { input: { ...input, subjectId: id } }),
                  w.exceptionRecorded,
                )
              }
            />
          )}
        </>
      )}
    </section>
  );
}

function ConsentHistory({ entries, me, w }: { entries: readonly Entry[]; me: Me; w: W }) {
  const session = useSession();
  return (
    <table className="list consent-history">
      <thead>
        <tr>
          <th>{w.state}</th>
          <th>{w.explainedOn}</th>
          <th>{w.signedBy}</th>
          <th>{w.signedOn}</th>
          <th>{w.purposes}</th>
          <th>{w.recordedAt}</th>
        </tr>
      </thead>
      <tbody>
        {entries.map((e) => (
          <tr key={e.id} data-consent-record={e.id} data-state={e.state}>
            <td>
              <span className={`badge ${e.state === 'GRANTED' ? 'good' : 'bad'}`}>
                {e.state === 'GRANTED' ? w.entryGranted : w.entryWithdrawn}
              </span>
            </td>
            <td>{e.explanation ? day(e.explanation.explainedOn, session.language) : '—'}</td>
            <td>
              {e.signature
                ? e.signature.signedBy === 'SUBJECT'
                  ? w.SUBJECT
                  : `${w.family} ${e.signature.signerName ?? ''}（${e.signature.relationship ?? '—'}）`
                : '—'}
            </td>
            <td>{e.signature ? day(e.signature.signedOn, session.language) : '—'}</td>
            <td>
              {e.purposes.length > 0 ? (
                <ul className="purposes">
                  {[...e.purposes]
                    .sort((a, b) => purposeOrder[a] - purposeOrder[b])
                    .map((p) => (
                      <li key={p}>{w[p]}</li>
                    ))}
                </ul>
              ) : (
                e.withdrawalReason && (
                  <span>
                    {w.withdrawalReason}: {e.withdrawalReason}
                  </span>
                )
              )}
              {e.scanReference && (
                <div className="muted">
                  {w.scanReference}: {e.scanReference}
                </div>
              )}
            </td>
            <td>
              {when(e.recordedAt, session.language)}
              {e.recordedBy && (
                <div className="muted">{e.recordedBy === me.user.id ? w.recordedByYou : w.recordedByOther}</div>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

interface ConsentFields {
  explanation: { explainedOn: string };
  signature: { signedBy: Signatory; signerName: string | null; relationship: string | null; signedOn: string };
  purposes: ConsentPurpose[];
  scanReference: string | null;
}

function ConsentForm(props: { busy: boolean; onCancel: () => void; onRecord: (input: ConsentFields) => void }) {
  const w = useWords(words);
  const today = todayInJapan();
  const [explainedOn, setExplainedOn] = useState(today);
  const [signedBy, setSignedBy] = useState<Signatory>('SUBJECT');
  const [signerName, setSignerName] = useState('');
  const [relationship, setRelationship] = useState('');
  const [signedOn, setSignedOn] = useState(today);
  const [chosen, setChosen] = useState<ReadonlySet<ConsentPurpose>>(new Set());
  const [scanReference, setScanReference] = useState('');
  const family = signedBy === 'FAMILY';

  function submit(event: FormEvent) {
    event.preventDefault();
    props.onRecord({
      explanation: { explainedOn },
      signature: {
        signedBy,
        signerName: family ? signerName.trim() : null,
        relationship: family ? relationship.trim() : null,
        signedOn,
      },
      purposes: purposes.filter((p) => chosen.has(p)),
      scanReference: scanReference.trim() || null,
    });
  }
  function toggle(p: ConsentPurpose, on: boolean) {
    const next = new Set(chosen);
    if (on) next.add(p);
    else next.delete(p);
    setChosen(next);
  }

  return (
    <form className="subject-form" onSubmit={submit} aria-label={w.consentFormTitle}>
      <h3>{w.consentFormTitle}</h3>
      <label>
        {w.explainedOn}
        <input
          name="explainedOn"
          type="date"
          required
          max={today}
          value={explainedOn}
          onChange={(e) => setExplainedOn(e.target.value)}
        />
      </label>
      <p className="muted">{w.explainedLead}</p>
      <fieldset>
        <legend>{w.signer}</legend>
        {(['SUBJECT', 'FAMILY'] as const).map((s) => (
          <label key={s} className="choice">
            <input type="radio" name="signedBy" value={s} checked={signedBy === s} onChange={() => setSignedBy(s)} />
            {w[s]}
          </label>
        ))}
      </fieldset>
      {family && (
        <div className="row">
          <label>
            {w.signerName}
            <input
              name="signerName"
              required
              maxLength={100}
              value={signerName}
              onChange={(e) => setSignerName(e.target.value)}
            />
          </label>
          <label>
            {w.relationship}
            <input
              name="relationship"
              required
              maxLength={50}
              value={relationship}
              onChange={(e) => setRelationship(e.target.value)}
            />
          </label>
        </div>
      )}
      <label>
        {w.signedOn}
        <input
          name="signedOn"
          type="date"
          required
          max={today}
          value={signedOn}
          onChange={(e) => setSignedOn(e.target.value)}
        />
      </label>
      <fieldset>
        <legend>{w.purposesLegend}</legend>
        {purposes.map((p) => (
          <label key={p} className="choice">
            <input
              type="checkbox"
              name="purposes"
              value={p}
              checked={chosen.has(p)}
              onChange={(e) => toggle(p, e.target.checked)}
            />
            {w[p]}
          </label>
        ))}
      </fieldset>
      <label>
        {w.scanReference}
        <input
          name="scanReference"
          maxLength={200}
          value={scanReference}
          onChange={(e) => setScanReference(e.target.value)}
        />
      </label>
      <div className="actions">
        <button type="submit" disabled={props.busy}>
          {w.saveConsent}
        </button>
        <button type="button" className="secondary" onClick={props.onCancel}>
          {w.cancel}
        </button>
      </div>
    </form>
  );
}

interface ExceptionFields {
  basis: LegalBasis;
  decidedBy: string;
  reason: string;
  reviewOn: string;
}

function ExceptionForm(props: { busy: boolean; onCancel: () => void; onRecord: (input: ExceptionFields) => void }) {
  const w = useWords(words);
  const [basis, setBasis] = useState<LegalBasis>('ELDER_ABUSE');
  const [decidedBy, setDecidedBy] = useState('');
  const [reason, setReason] = useState('');
  const [reviewOn, setReviewOn] = useState('');

  function submit(event: FormEvent) {
    event.preventDefault();
    props.onRecord({ basis, decidedBy: decidedBy.trim(), reason: reason.trim(), reviewOn });
  }
  return (
    <form className="subject-form" onSubmit={submit} aria-label={w.recordException}>
      <h3>{w.recordException}</h3>
      <label>
        {w.basis}
        <select name="basis" value={basis} onChange={(e) => setBasis(e.target.value as LegalBasis)}>
          {legalBases.map((b) => (
            <option key={b} value={b}>
              {w[b]}
            </option>
          ))}
        </select>
      </label>
      <label>
        {w.decidedBy}
        <input
          name="decidedBy"
          required
          maxLength={100}
          value={decidedBy}
          onChange={(e) => setDecidedBy(e.target.value)}
        />
      </label>
      <label>
        {w.reason}
        <textarea
          name="reason"
          required
          maxLength={1000}
          rows={3}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
        />
      </label>
      <label>
        {w.reviewOn}
        <input name="reviewOn" type="date" required value={reviewOn} onChange={(e) => setReviewOn(e.target.value)} />
      </label>
      <p className="muted">{w.reviewLead}</p>
      <div className="actions">
        <button type="submit" disabled={props.busy}>
          {w.saveException}
        </button>
        <button type="button" className="secondary" onClick={props.onCancel}>
          {w.cancel}
        </button>
      </div>
    </form>
  );
}
