// Paper Forms 1 and 4 (appendix forms): the system admin records what the
// applicant wrote on paper on its behalf (`onPaperFor`), then decides it at
// once with approveApplication. Both steps are the graph's; if the second is
// refused, the form stays recorded (it waits among the applications) and the
// screen says so with the graph's message, showing nothing as done.
import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import {
  ApprovePaperApplicationDocument,
  PaperOrgUnitsDocument,
  RecordPaperFacilityRegistrationDocument,
  RecordPaperUserRegistrationDocument,
  type ApprovePaperApplicationMutation,
  type FacilityKind,
  type PaperOrgUnitsQuery,
  type Role,
} from '../../../../generated/console/operations';
import { href } from '../../route';
import { useSession, type Session, useWords } from '../../session';
import { problemOf } from './load';
import { fill, kinds, paperWords } from './words';

type Decision = ApprovePaperApplicationMutation['approveApplication'];

/** The pledge edition printed on the current Form 4 (PledgeInput.textVersion). */
const pledgeEdition = '2024-08-01';
const roles: readonly Role[] = ['USER', 'FACILITY_MANAGER', 'ADMIN_MANAGER', 'HOSPITAL_MANAGER', 'SYSTEM_ADMIN'];
const managerRoles: readonly Role[] = ['ADMIN_MANAGER', 'HOSPITAL_MANAGER'];

function todayInJapan(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo' }).format(new Date());
}

async function recordAndApprove(session: Session, record: () => Promise<string>, notApproved: string) {
  const applicationId = await record();
  try {
    return (await session.call(ApprovePaperApplicationDocument, { id: applicationId })).approveApplication;
  } catch (error) {
    throw new Error(fill(notApproved, { message: problemOf(error, session) }), { cause: error });
  }
}

function messageOf(error: unknown, session: Session): string {
  return error instanceof Error && !('code' in error) ? error.message : problemOf(error, session);
}

/** A toggle that opens a paper form. */
function Opener({ label, children }: { label: string; children: (close: () => void) => ReactNode }) {
  const [open, setOpen] = useState(false);
  if (!open)
    return (
      <p>
        <button type="button" className="secondary" onClick={() => setOpen(true)}>
          {label}
        </button>
      </p>
    );
  return <>{children(() => setOpen(false))}</>;
}

export function PaperFacilityRegistration() {
  const w = useWords(paperWords);
  return <Opener label={w.recordForm1}>{(close) => <Form1 close={close} />}</Opener>;
}

function Form1({ close }: { close: () => void }) {
  const session = useSession();
  const w = useWords(paperWords);
  const kind = useWords(kinds);
  const [fields, setFields] = useState({
    onPaperFor: '',
    name: '',
    kind: 'MEDICAL_INSTITUTION' as FacilityKind,
    insideCity: true,
    outsideCityReason: '',
    address: '',
    medicalInstitutionCode: '',
    careProviderNumber: '',
  });
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const set = (patch: Partial<typeof fields>) => setFields((f) => ({ ...f, ...patch }));

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      const decision = await recordAndApprove(
        session,
        async () =>
          (
            await session.call(RecordPaperFacilityRegistrationDocument, {
              onPaperFor: fields.onPaperFor,
              input: {
                name: fields.name,
                kind: fields.kind,
                insideCity: fields.insideCity,
                address: fields.address,
                ...(fields.insideCity ? {} : { outsideCityReason: fields.outsideCityReason }),
                ...(fields.medicalInstitutionCode.trim()
                  ? { medicalInstitutionCode: fields.medicalInstitutionCode.trim() }
                  : {}),
                ...(fields.careProviderNumber.trim() ? { careProviderNumber: fields.careProviderNumber.trim() } : {}),
              },
            })
          ).submitFacilityRegistration.id,
        w.notApproved,
      );
      const id = decision.application.facility?.id;
      close();
      if (id) location.hash = href({ page: 'facilities', id });
    } catch (error) {
      setProblem(messageOf(error, session));
      setBusy(false);
    }
  }

  return (
    <form className="paper" onSubmit={submit} aria-labelledby="form1-title">
      <h3 id="form1-title">{w.form1Title}</h3>
      <p className="lead">{w.paperLead}</p>
      <label>
        {w.onPaperFor}
        <input name="onPaperFor" value={fields.onPaperFor} onChange={(e) => set({ onPaperFor: e.target.value })} />
      </label>
      <label>
        {w.name}
        <input name="name" value={fields.name} onChange={(e) => set({ name: e.target.value })} />
      </label>
      <label>
        {w.kind}
        <select name="kind" value={fields.kind} onChange={(e) => set({ kind: e.target.value as FacilityKind })}>
          {Object.entries(kind).map(([value, text]) => (
            <option key={value} value={value}>
              {text}
            </option>
          ))}
        </select>
      </label>
      <label className="check">
        <input
          type="checkbox"
          name="insideCity"
          checked={fields.insideCity}
          onChange={(e) => set({ insideCity: e.target.checked })}
        />
        {w.insideCity}
      </label>
      {!fields.insideCity && (
        <label>
          {w.outsideCityReason}
          <input
            name="outsideCityReason"
            value={fields.outsideCityReason}
            onChange={(e) => set({ outsideCityReason: e.target.value })}
          />
        </label>
      )}
      <label>
        {w.address}
        <input name="address" value={fields.address} onChange={(e) => set({ address: e.target.value })} />
      </label>
      <label>
        {w.medicalInstitutionCode}
        <input
          name="medicalInstitutionCode"
          inputMode="numeric"
          value={fields.medicalInstitutionCode}
          onChange={(e) => set({ medicalInstitutionCode: e.target.value })}
        />
      </label>
      <label>
        {w.careProviderNumber}
        <input
          name="careProviderNumber"
          inputMode="numeric"
          value={fields.careProviderNumber}
          onChange={(e) => set({ careProviderNumber: e.target.value })}
        />
      </label>
      <Buttons busy={busy} problem={problem} close={close} />
    </form>
  );
}

function Buttons({ busy, problem, close }: { busy: boolean; problem: string | null; close: () => void }) {
  const w = useWords(paperWords);
  return (
    <>
      {problem && (
        <p role="alert" className="problem">
          {problem}
        </p>
      )}
      <div className="buttons">
        <button type="submit" disabled={busy}>
          {busy ? w.submitting : w.submit}
        </button>
        <button type="button" className="secondary" onClick={close} disabled={busy}>
          {w.cancel}
        </button>
      </div>
    </>
  );
}

export function PaperUserRegistration({ facilityId, onIssued }: { facilityId: string; onIssued: () => void }) {
  const w = useWords(paperWords);
  const [issued, setIssued] = useState<NonNullable<Decision['issuedAccount']> | null>(null);
  if (issued)
    return (
      <div className="issued" role="region" aria-labelledby="account-title">
        <h3 id="account-title">{fill(w.accountIssued, { name: issued.user.name })}</h3>
        <dl className="details">
          <dt>{w.personName}</dt>
          <dd>{issued.user.name}</dd>
          <dt>{w.accountId}</dt>
          <dd className="code" data-account-id>
            {issued.accountId}
          </dd>
          <dt>{w.initialPassword}</dt>
          <dd>
            <output className="code secret" data-initial-password>
              {issued.initialPassword}
            </output>
          </dd>
        </dl>
        <p className="notice once">{w.initialPasswordOnce}</p>
        <button type="button" onClick={() => setIssued(null)}>
          {w.done}
        </button>
      </div>
    );
  return (
    <Opener label={w.recordForm4}>
      {(close) => (
        <Form4
          facilityId={facilityId}
          close={close}
          issued={(account) => {
            close();
            setIssued(account);
            onIssued();
          }}
        />
      )}
    </Opener>
  );
}

function Form4({
  facilityId,
  close,
  issued,
}: {
  facilityId: string;
  close: () => void;
  issued: (account: NonNullable<Decision['issuedAccount']>) => void;
}) {
  const session = useSession();
  const w = useWords(paperWords);
  const [fields, setFields] = useState({
    onPaperFor: '',
    name: '',
    nameKana: '',
    role: 'USER' as Role,
    orgUnitCode: '',
    pledgedOn: todayInJapan(),
    agreed: false,
  });
  const [orgUnits, setOrgUnits] = useState<PaperOrgUnitsQuery['orgUnits']>([]);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const set = (patch: Partial<typeof fields>) => setFields((f) => ({ ...f, ...patch }));
  const needsOrgUnit = managerRoles.includes(fields.role);

  useEffect(() => {
    if (!needsOrgUnit || orgUnits.length > 0) return;
    session
      .call(PaperOrgUnitsDocument, {})
      .then((data) => setOrgUnits(data.orgUnits))
      .catch((error: unknown) => setProblem(problemOf(error, session)));
  }, [needsOrgUnit]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      const decision = await recordAndApprove(
        session,
        async () =>
          (
            await session.call(RecordPaperUserRegistrationDocument, {
              facilityId,
              onPaperFor: fields.onPaperFor,
              input: {
                name: fields.name,
                nameKana: fields.nameKana,
                role: fields.role,
                ...(needsOrgUnit ? { orgUnitCode: fields.orgUnitCode } : {}),
                pledge: { agreed: fields.agreed, pledgedOn: fields.pledgedOn, textVersion: pledgeEdition },
              },
            })
          ).submitUserRegistration.id,
        w.notApproved,
      );
      if (decision.issuedAccount) issued(decision.issuedAccount);
      else close();
    } catch (error) {
      setProblem(messageOf(error, session));
      setBusy(false);
    }
  }

  const wantedKind = fields.role === 'HOSPITAL_MANAGER' ? 'HOSPITAL' : 'ADMIN_DEPARTMENT';
  return (
    <form className="paper" onSubmit={submit} aria-labelledby="form4-title">
      <h3 id="form4-title">{w.form4Title}</h3>
      <p className="lead">{w.paperLead}</p>
      <label>
        {w.onPaperFor}
        <input name="onPaperFor" value={fields.onPaperFor} onChange={(e) => set({ onPaperFor: e.target.value })} />
      </label>
      <label>
        {w.personName}
        <input name="name" value={fields.name} onChange={(e) => set({ name: e.target.value })} />
      </label>
      <label>
        {w.nameKana}
        <input name="nameKana" value={fields.nameKana} onChange={(e) => set({ nameKana: e.target.value })} />
      </label>
      <label>
        {w.role}
        <select
          name="role"
          value={fields.role}
          onChange={(e) => set({ role: e.target.value as Role, orgUnitCode: '' })}
        >
          {roles.map((role) => (
            <option key={role} value={role}>
              {session.t.roles[role] ?? role}
            </option>
          ))}
        </select>
      </label>
      {needsOrgUnit && (
        <label>
          {w.orgUnit}
          <select name="orgUnitCode" value={fields.orgUnitCode} onChange={(e) => set({ orgUnitCode: e.target.value })}>
            <option value="">{w.chooseOrgUnit}</option>
            {orgUnits
              .filter((unit) => unit.kind === wantedKind)
              .map((unit) => (
                <option key={unit.code} value={unit.code}>
                  {unit.name}
                </option>
              ))}
          </select>
        </label>
      )}
      <label>
        {w.pledgedOn}
        <input
          type="date"
          name="pledgedOn"
          value={fields.pledgedOn}
          onChange={(e) => set({ pledgedOn: e.target.value })}
        />
      </label>
      <label className="check">
        <input
          type="checkbox"
          name="agreed"
          checked={fields.agreed}
          onChange={(e) => set({ agreed: e.target.checked })}
        />
        {fill(w.pledgeAgreed, { version: pledgeEdition })}
      </label>
      <Buttons busy={busy} problem={problem} close={close} />
    </form>
  );
}
