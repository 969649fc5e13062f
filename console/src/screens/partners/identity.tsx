// Our exchange identity (system admin): what a partner's administrator needs
// to register this installation, each with a copy button, the network CA
// certificate to save, and per partner the id it gave us and the client
// certificate we present to it.
import { OurExchangeIdentityDocument } from '../../../../generated/console/operations';
import { href } from '../../route';
import { useSession, useWords } from '../../session';
import { LoadedView, useLoaded } from '../loading';
import { CopyButton, DownloadLink } from './copy';
import { Certificate } from './partner';
import { statusBadge } from './status';
import { words } from './words';

export function ExchangeIdentityView() {
  const session = useSession();
  const w = useWords(words);
  const loaded = useLoaded(async () => (await session.call(OurExchangeIdentityDocument, {})).exchangeIdentity, []);

  const line = (label: string, value: string | null | undefined, block = false) => (
    <>
      <dt>{label}</dt>
      <dd>
        {value ? (
          <>
            {block ? <pre className="code">{value}</pre> : <span className="code">{value}</span>}{' '}
            <CopyButton text={value} label={label} />
          </>
        ) : (
          <span className="muted">—</span>
        )}
      </dd>
    </>
  );

  return (
    <section aria-labelledby="exchange-identity-title" className="exchange-identity">
      <h2 id="exchange-identity-title">{w.identity}</h2>
      <p className="lead">{w.identityLead}</p>
      <LoadedView loaded={loaded} emptyText={w.notFound}>
        {(identity) => (
          <>
            <dl className="fields" data-exchange-identity>
              {line(w.ourFhirBaseUrl, identity.fhirBaseUrl)}
              {line(w.ourJwksUrl, identity.jwksUrl)}
              {line(w.ourTokenUrl, identity.tokenUrl)}
              {line(w.ourRequestSystem, identity.requestIdentifierSystem)}
              {line(w.ourUserSystem, identity.userIdentifierSystem)}
              {line(w.ourJwk, identity.jwk, true)}
              {line(w.ourAssertionJwk, identity.assertionJwk, true)}
              <dt>{w.networkCa}</dt>
              <dd data-network-ca>
                <pre className="code">{identity.networkCaCertificate}</pre>
                <div className="actions">
                  <CopyButton text={identity.networkCaCertificate} label={w.networkCa} />
                  <DownloadLink
                    text={identity.networkCaCertificate}
                    filename="renkei-network-ca.pem"
                    label={w.downloadCa}
                  />
                </div>
              </dd>
            </dl>
            <h3>{w.perPartner}</h3>
            <p className="muted">{w.perPartnerLead}</p>
            {identity.partners.length === 0 ? (
              <p className="empty">{w.noPartnersRegistered}</p>
            ) : (
              <table className="list">
                <thead>
                  <tr>
                    <th>{w.partner}</th>
                    <th>{w.status}</th>
                    <th>{w.clientIdAtPartner}</th>
                    <th>{w.outboundAuth}</th>
                    <th>{w.clientCertificate}</th>
                  </tr>
                </thead>
                <tbody>
                  {identity.partners.map((entry) => (
                    <tr key={entry.partner.id} data-partner={entry.partner.id}>
                      <td>
                        <a href={href({ page: 'partners', id: entry.partner.id })}>{entry.partner.name}</a>
                      </td>
                      <td>
                        <span className={`badge ${statusBadge[entry.partner.status]}`}>{w[entry.partner.status]}</span>
                      </td>
                      <td>
                        {entry.clientId ? (
                          <>
                            <span className="code">{entry.clientId}</span>{' '}
                            <CopyButton text={entry.clientId} label={w.clientIdAtPartner} />
                          </>
                        ) : (
                          <span className="muted">{w.notGiven}</span>
                        )}
                      </td>
                      <td>{entry.outboundAuth === 'SMART_BACKEND' ? w.SMART_BACKEND_OUT : w[entry.outboundAuth]}</td>
                      <td>
                        {entry.clientCertificate ? (
                          <Certificate certificate={entry.clientCertificate} filename="renkei-client.pem" />
                        ) : (
                          <span className="muted">—</span>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </>
        )}
      </LoadedView>
    </section>
  );
}
