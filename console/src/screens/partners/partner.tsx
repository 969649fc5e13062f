// One partner (system admin): everything its registration holds (keys and
// certificates as public parts only), changing it, suspending or reactivating
// it with a reason, and renewing the client certificate we present to it
// (mutual TLS). Anyone else sees the graph's refusal and nothing of the partner.
import { useState } from 'react';
import {
  PartnerDetailDocument,
  ReactivatePartnerDocument,
  RenewPartnerClientCertificateDocument,
  SuspendPartnerDocument,
  UpdatePartnerDocument,
  type PartnerCertificateFieldsFragment,
} from '../../../../generated/console/operations';
import { href } from '../../route';
import { useSession, useWords } from '../../session';
import { StepButtons, StepOutcome, useStep, when } from '../decision';
import { BackLink, NotLoaded, useLoaded } from '../loading';
import { CopyButton, DownloadLink } from './copy';
import { formOfPartner, updateInputOf } from './form';
import { PartnerFormView } from './partner-form';
import { statusBadge } from './status';
import { words } from './words';

export function PartnerPage({ id }: { id: string }) {
  const session = useSession();
  const w = useWords(words);
  const loaded = useLoaded(async () => (await session.call(PartnerDetailDocument, { id })).partner, [id]);
  const { busy, problem, notice, act } = useStep(loaded.reload, w.done);
  const [editing, setEditing] = useState(false);
  const [unchanged, setUnchanged] = useState(false);
  const partner = loaded.value;
  const back = { href: href({ page: 'partners' }), label: w.back };
  if (!partner) return <NotLoaded back={back} loaded={loaded} notFound={w.notFound} />;

  const suspended = partner.status === 'SUSPENDED';
  const auth = {
    inbound: partner.inboundAuth === 'SMART_BACKEND' ? w.SMART_BACKEND_IN : w.CONTRACT_JWT,
    outbound: partner.outboundAuth === 'SMART_BACKEND' ? w.SMART_BACKEND_OUT : w[partner.outboundAuth],
  };

  return (
    <section aria-labelledby="partner-title" data-partner={partner.id}>
      <BackLink {...back} />
      <h1 id="partner-title">{partner.name}</h1>
      <p className="lead status-line">
        <span className={`badge ${statusBadge[partner.status]}`} data-status={partner.status}>
          {w[partner.status]}
        </span>{' '}
        <span className="muted">
          {w.statusChangedAt}: {when(partner.statusChangedAt, session.language)}
          {partner.statusChangedBy && <>（{partner.statusChangedBy.name}）</>}
        </span>
      </p>
      {partner.statusReason && (
        <p className="reason">
          {w.statusReason}: {partner.statusReason}
        </p>
      )}
      {editing ? (
        <PartnerFormView
          title={w.editTitle}
          initial={formOfPartner(partner)}
          submitLabel={w.save}
          onCancel={() => setEditing(false)}
          onSubmit={async (form) => {
            const input = updateInputOf(form, formOfPartner(partner));
            setUnchanged(Object.keys(input).length === 0);
            if (Object.keys(input).length > 0) {
              await session.call(UpdatePartnerDocument, { id, input });
              await loaded.reload();
            }
            setEditing(false);
          }}
        />
      ) : (
        <>
          {unchanged && <p className="notice">{w.nothingChanged}</p>}
          <dl className="fields" data-partner-fields>
            <dt>{w.partnerId}</dt>
            <dd>
              <span className="code">{partner.id}</span> <CopyButton text={partner.id} label={w.partnerId} />
            </dd>
            <dt>{w.fhirBaseUrl}</dt>
            <dd className="code">{partner.fhirBaseUrl}</dd>
            <dt>{w.requesterSystem}</dt>
            <dd className="code">{partner.requesterSystem}</dd>
            <dt>{w.userSystem}</dt>
            <dd className="code">{partner.userSystem}</dd>
            <dt>{w.inboundAuth}</dt>
            <dd>{auth.inbound}</dd>
            <dt>{w.jwks}</dt>
            <dd>
              <pre className="code">{partner.jwks}</pre>
            </dd>
            <dt>{w.jwksUrl}</dt>
            <dd className="code">{partner.jwksUrl ?? '—'}</dd>
            <dt>{w.certificateFingerprints}</dt>
            <dd className="code">
              {partner.certificateFingerprints.length > 0 ? partner.certificateFingerprints.join('\n') : '—'}
            </dd>
            <dt>{w.outboundAuth}</dt>
            <dd>{auth.outbound}</dd>
            <dt>{w.ourClientId}</dt>
            <dd className="code">{partner.ourClientId ?? w.notGiven}</dd>
            <dt>{w.consentInJoin}</dt>
            <dd>{w[partner.consentInJoin]}</dd>
            <dt>{w.subscribeAtPartner}</dt>
            <dd>{partner.subscribeAtPartner ? w.yes : w.no}</dd>
            <dt>{w.caCertificates}</dt>
            <dd>
              {partner.caCertificates.length === 0 ? (
                <span className="muted">{w.noCaCertificates}</span>
              ) : (
                partner.caCertificates.map((certificate) => (
                  <Certificate key={certificate.fingerprint} certificate={certificate} filename="partner-ca.pem" />
                ))
              )}
            </dd>
            {partner.outboundAuth === 'MTLS' && (
              <>
                <dt>{w.clientCertificate}</dt>
                <dd>
                  {partner.clientCertificate ? (
                    <Certificate certificate={partner.clientCertificate} filename="renkei-client.pem" />
                  ) : (
                    <span className="muted">—</span>
                  )}
                </dd>
              </>
            )}
            <dt>{w.registeredAt}</dt>
            <dd>{when(partner.createdAt, session.language)}</dd>
          </dl>
          <StepOutcome problem={problem} notice={notice} />
          <div className="actions">
            <button type="button" className="secondary" disabled={busy} onClick={() => setEditing(true)}>
              {w.edit}
            </button>
          </div>
          <StepButtons
            busy={busy}
            act={act}
            steps={[
              {
                label: w.renew,
                show: partner.outboundAuth === 'MTLS',
                secondary: true,
                confirm: w.confirmRenew,
                run: () => session.call(RenewPartnerClientCertificateDocument, { id }),
              },
            ]}
            reject={{
              show: true,
              label: suspended ? w.reactivate : w.suspend,
              reasonLabel: suspended ? w.reactivateReason : w.suspendReason,
              confirm: suspended ? w.confirmReactivate : w.confirmSuspend,
              cancel: w.cancel,
              maxLength: 500,
              run: (reason) =>
                suspended
                  ? session.call(ReactivatePartnerDocument, { id, reason })
                  : session.call(SuspendPartnerDocument, { id, reason }),
            }}
          />
        </>
      )}
    </section>
  );
}

/** A certificate's public parts, with its PEM to save. */
export function Certificate({
  certificate,
  filename,
}: {
  certificate: PartnerCertificateFieldsFragment;
  filename: string;
}) {
  const session = useSession();
  const w = useWords(words);
  return (
    <div className="certificate">
      <div>
        {w.subject}: <span className="code">{certificate.subject}</span>
      </div>
      <div>
        {w.issuer}: <span className="code">{certificate.issuer}</span>
      </div>
      <div>
        {w.validity}: {when(certificate.notBefore, session.language)} – {when(certificate.notAfter, session.language)}
      </div>
      <div>
        {w.fingerprint}: <span className="code">{certificate.fingerprint}</span>
      </div>
      <div className="actions">
        <CopyButton text={certificate.pem} label={certificate.subject} />
        <DownloadLink text={certificate.pem} filename={filename} label={w.download} />
      </div>
    </div>
  );
}
