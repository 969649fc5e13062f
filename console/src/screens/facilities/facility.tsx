// One facility's page: its registration, its users and its terminal
// certificates; the system admin and admin managers issue and revoke
// certificates here, and act on the users' accounts (suspend, reinstate,
// reset a password: user-admin.tsx). A refusal of any part shows the graph's
// message alone.
import { useState, type FormEvent } from 'react';
import {
  FacilityDetailDocument,
  RevokeTerminalCertificateDocument,
  type FacilityDetailQuery,
  type Role,
} from '../../../../generated/console/operations';
import type { Me } from '../../app';
import { href } from '../../route';
import { useSession, useWords } from '../../session';
import { issueCertificate, type IssuedFile } from './certificates';
import { day, dayAndTime } from './format';
import { PaperUserRegistration } from './paper';
import { problemOf, useLoad } from './load';
import { administersUsers, userActions } from './user-actions';
import { UserActionButtons, UserActionConfirm, UserActionOutcome, type Outcome, type Pending } from './user-admin';
import { facilityStatuses, fill, kinds, userStatuses, words } from './words';

type Detail = FacilityDetailQuery;
type Certificate = Detail['clientCertificates'][number];

/** Who issues and revokes terminal certificates (the graph's issueClientCertificate and revokeClientCertificate). */
const certificateIssuers: readonly Role[] = ['SYSTEM_ADMIN', 'ADMIN_MANAGER'];

export function FacilityPage({ me, id }: { me: Me; id: string }) {
  const session = useSession();
  const w = useWords(words);
  const [loaded, reload] = useLoad((s) => s.call(FacilityDetailDocument, { id }), id);

  return (
    <section aria-labelledby="facility-title" className="facility">
      <p className="crumbs">
        <a href={href({ page: 'facilities' })}>← {w.back}</a>
      </p>
      {loaded.state === 'loading' && <p className="loading">{session.t.loading}</p>}
      {loaded.state === 'problem' && (
        <>
          <h1 id="facility-title">{session.t.facilities}</h1>
          <p role="alert" className="problem">
            {loaded.message}
          </p>
        </>
      )}
      {loaded.state === 'done' && !loaded.data.facility && (
        <>
          <h1 id="facility-title">{session.t.facilities}</h1>
          <p role="alert" className="problem">
            {w.notFound}
          </p>
        </>
      )}
      {loaded.state === 'done' && loaded.data.facility && (
        <Loaded detail={loaded.data} facility={loaded.data.facility} me={me} reload={reload} />
      )}
    </section>
  );
}

function Loaded({
  detail,
  facility,
  me,
  reload,
}: {
  detail: Detail;
  facility: NonNullable<Detail['facility']>;
  me: Me;
  reload: () => void;
}) {
  const session = useSession();
  const w = useWords(words);
  const kind = useWords(kinds);
  const status = useWords(facilityStatuses);
  const userStatus = useWords(userStatuses);
  const { language } = session;
  const issuer = certificateIssuers.includes(me.user.role);
  const administers = administersUsers(me.user.role);
  const [pending, setPending] = useState<Pending | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  return (
    <>
      <header className="facility-head">
        <h1 id="facility-title">{facility.name}</h1>
        <span className={`badge ${facility.status === 'ACTIVE' ? 'good' : 'off'}`}>{status[facility.status]}</span>
      </header>
      <p className="lead">
        {kind[facility.kind]} · {facility.insideCity ? w.insideCity : w.outsideCity}
      </p>

      <h2>{w.details}</h2>
      <dl className="details">
        <dt>{w.kind}</dt>
        <dd>{kind[facility.kind]}</dd>
        <dt>{w.address}</dt>
        <dd>{facility.address ?? w.none}</dd>
        {!facility.insideCity && (
          <>
            <dt>{w.outsideCityReason}</dt>
            <dd>{facility.outsideCityReason ?? w.none}</dd>
          </>
        )}
        <dt>{w.medicalInstitutionCode}</dt>
        <dd className="code">{facility.medicalInstitutionCode ?? w.none}</dd>
        <dt>{w.careProviderNumber}</dt>
        <dd className="code">{facility.careProviderNumber ?? w.none}</dd>
        <dt>{w.registeredOn}</dt>
        <dd>{day(facility.createdAt, language)}</dd>
      </dl>

      <h2 id="users-title">
        {w.users} <span className="muted">({fill(w.userCount, { n: detail.users.length })})</span>
      </h2>
      {issuer && facility.status === 'ACTIVE' && <PaperUserRegistration facilityId={facility.id} onIssued={reload} />}
      {outcome && <UserActionOutcome outcome={outcome} onClose={() => setOutcome(null)} />}
      {pending && (
        <UserActionConfirm
          key={`${pending.user.id}-${pending.action}`}
          pending={pending}
          onCancel={() => setPending(null)}
          onDone={(done) => {
            setPending(null);
            setOutcome(done);
            reload();
          }}
        />
      )}
      {detail.users.length === 0 ? (
        <p className="empty">{w.noUsers}</p>
      ) : (
        <table className="records users" aria-labelledby="users-title">
          <thead>
            <tr>
              <th scope="col">{w.name}</th>
              <th scope="col">{w.kana}</th>
              <th scope="col">{w.role}</th>
              <th scope="col">{w.accountId}</th>
              <th scope="col">{w.status}</th>
              <th scope="col">{w.lastActive}</th>
              {administers && <th scope="col">{w.actions}</th>}
            </tr>
          </thead>
          <tbody>
            {detail.users.map((u) => (
              <tr key={u.id} data-user={u.id}>
                <td>{u.name}</td>
                <td>{u.nameKana}</td>
                <td>{session.t.roles[u.role] ?? u.role}</td>
                <td className="code">{u.accountId ?? w.none}</td>
                <td>
                  {u.status ? (
                    <span className={`badge ${u.status === 'ACTIVE' ? 'good' : 'off'}`}>{userStatus[u.status]}</span>
                  ) : (
                    w.none
                  )}
                </td>
                <td>{u.lastActiveAt ? dayAndTime(u.lastActiveAt, language) : w.none}</td>
                {administers && (
                  <td>
                    <UserActionButtons
                      user={u}
                      actions={userActions(me.user, u)}
                      onPick={(next) => {
                        setOutcome(null);
                        setPending(next);
                      }}
                    />
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <Certificates
        facilityId={facility.id}
        active={facility.status === 'ACTIVE'}
        certificates={detail.clientCertificates}
        issuer={issuer}
        reload={reload}
      />
    </>
  );
}

type Notice = { kind: 'issued'; issued: IssuedFile } | { kind: 'revoked'; label: string } | null;

function Certificates({
  facilityId,
  active,
  certificates,
  issuer,
  reload,
}: {
  facilityId: string;
  active: boolean;
  certificates: Certificate[];
  issuer: boolean;
  reload: () => void;
}) {
  const session = useSession();
  const w = useWords(words);
  const { language } = session;
  const [label, setLabel] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [notice, setNotice] = useState<Notice>(null);
  const [revoking, setRevoking] = useState<Certificate | null>(null);
  const now = Date.now();

  async function issue(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    setNotice(null);
    setRevoking(null);
    try {
      const issued = await issueCertificate(session, facilityId, label);
      setLabel('');
      setNotice({ kind: 'issued', issued });
      reload();
    } catch (error) {
      setProblem(problemOf(error, session));
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <h2 id="certificates-title">{w.certificates}</h2>
      <p className="lead">{w.certificatesLead}</p>

      {notice?.kind === 'issued' && (
        <div className="issued" role="region" aria-labelledby="issued-title">
          <h3 id="issued-title">{w.issuedTitle}</h3>
          <p>{fill(w.issuedFile, { file: notice.issued.fileName })}</p>
          <p className="passphrase">
            <span>{w.passphrase}</span>
            <output className="code" data-passphrase>
              {notice.issued.passphrase}
            </output>
          </p>
          <p className="notice once">{w.passphraseOnce}</p>
          <h4>{w.installTitle}</h4>
          <ol>
            <li>{w.installWindows}</li>
            <li>{w.installMac}</li>
            <li>{w.installFirefox}</li>
            <li>{w.installAfter}</li>
          </ol>
          <button type="button" onClick={() => setNotice(null)}>
            {w.done}
          </button>
        </div>
      )}
      {notice?.kind === 'revoked' && (
        <p role="status" className="notice">
          {fill(w.revoked, { label: notice.label })}
        </p>
      )}

      {issuer && active && (
        <form className="issue" onSubmit={issue} aria-labelledby="issue-title">
          <h3 id="issue-title">{w.issueTitle}</h3>
          <label>
            {w.label}
            <input name="label" value={label} onChange={(e) => setLabel(e.target.value)} autoComplete="off" />
            <span className="hint">{w.labelHint}</span>
          </label>
          <button type="submit" disabled={busy}>
            {busy ? w.issuing : w.issue}
          </button>
          {problem && (
            <p role="alert" className="problem">
              {problem}
            </p>
          )}
        </form>
      )}

      {revoking && (
        <Revoke
          certificate={revoking}
          onDone={(revoked) => {
            setRevoking(null);
            if (revoked) {
              setNotice({ kind: 'revoked', label: revoked.label });
              reload();
            }
          }}
        />
      )}

      {certificates.length === 0 ? (
        <p className="empty">{w.noCertificates}</p>
      ) : (
        <table className="records certificates" aria-labelledby="certificates-title">
          <thead>
            <tr>
              <th scope="col">{w.label}</th>
              <th scope="col">{w.serial}</th>
              <th scope="col">{w.issuedOn}</th>
              <th scope="col">{w.expires}</th>
              <th scope="col">{w.status}</th>
              {issuer && <th scope="col">{w.actions}</th>}
            </tr>
          </thead>
          <tbody>
            {certificates.map((c) => {
              const expired = Date.parse(c.notAfter) < now;
              return (
                <tr key={c.id} data-certificate={c.id} className={c.revokedAt || expired ? 'ended' : undefined}>
                  <td>{c.label}</td>
                  <td className="code">
                    {c.serialNumber}
                    <br />
                    <span className="muted" title={c.fingerprint}>
                      SHA-256 {c.fingerprint.slice(0, 16)}…
                    </span>
                  </td>
                  <td>{day(c.issuedAt, language)}</td>
                  <td>{day(c.notAfter, language)}</td>
                  <td data-state={c.revokedAt ? 'revoked' : expired ? 'expired' : 'valid'}>
                    {c.revokedAt ? (
                      <span className="badge bad">
                        {fill(w.revokedOn, { date: dayAndTime(c.revokedAt, language) })}
                      </span>
                    ) : expired ? (
                      <span className="badge off">{w.expired}</span>
                    ) : (
                      <span className="badge good">{w.valid}</span>
                    )}
                  </td>
                  {issuer && (
                    <td>
                      {!c.revokedAt && (
                        <button
                          type="button"
                          className="secondary danger"
                          aria-label={`${w.revoke}: ${c.label}`}
                          onClick={() => {
                            setNotice(null);
                            setProblem(null);
                            setRevoking(c);
                          }}
                        >
                          {w.revoke}
                        </button>
                      )}
                    </td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </>
  );
}

/** The confirmation, with the reason the graph records; a refusal stays here with the graph's message. */
function Revoke({ certificate, onDone }: { certificate: Certificate; onDone: (revoked: Certificate | null) => void }) {
  const session = useSession();
  const w = useWords(words);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  async function revoke(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      await session.call(RevokeTerminalCertificateDocument, { id: certificate.id, reason });
      onDone(certificate);
    } catch (error) {
      setProblem(problemOf(error, session));
      setBusy(false);
    }
  }

  return (
    <form className="confirm" role="alertdialog" aria-labelledby="revoke-title" onSubmit={revoke}>
      <h3 id="revoke-title">{fill(w.revokeTitle, { label: certificate.label })}</h3>
      <p>{w.revokeLead}</p>
      <label>
        {w.reason}
        <textarea name="reason" rows={2} value={reason} onChange={(e) => setReason(e.target.value)} />
      </label>
      {problem && (
        <p role="alert" className="problem">
          {problem}
        </p>
      )}
      <div className="buttons">
        <button type="submit" className="danger" disabled={busy}>
          {busy ? w.revoking : w.revokeConfirm}
        </button>
        <button type="button" className="secondary" onClick={() => onDone(null)} disabled={busy}>
          {w.cancel}
        </button>
      </div>
    </form>
  );
}
