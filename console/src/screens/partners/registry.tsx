// The partner registry (system admin): every registered partner with what an
// administrator checks at a glance, and registering a new one (its page opens
// once registered). Anyone else gets the graph's refusal.
import { useState } from 'react';
import { PartnerRegistryDocument, RegisterPartnerDocument } from '../../../../generated/console/operations';
import { href } from '../../route';
import { useSession, useWords } from '../../session';
import { when } from '../decision';
import { LoadedView, useLoaded } from '../loading';
import { emptyPartnerForm, registerInputOf } from './form';
import { PartnerFormView } from './partner-form';
import { statusBadge } from './status';
import { words } from './words';

export function PartnerRegistry() {
  const session = useSession();
  const w = useWords(words);
  const loaded = useLoaded(async () => (await session.call(PartnerRegistryDocument, {})).partners, []);
  const [registering, setRegistering] = useState(false);

  return (
    <section aria-labelledby="partner-registry-title" className="registry">
      <h2 id="partner-registry-title">{w.registry}</h2>
      <p className="lead">{w.registryLead}</p>
      {!registering && !loaded.problem && (
        <div className="actions">
          <button type="button" onClick={() => setRegistering(true)}>
            {w.register}
          </button>
        </div>
      )}
      {registering && (
        <PartnerFormView
          title={w.registerTitle}
          initial={emptyPartnerForm}
          submitLabel={w.registerSubmit}
          onCancel={() => setRegistering(false)}
          onSubmit={async (form) => {
            const data = await session.call(RegisterPartnerDocument, { input: registerInputOf(form) });
            location.hash = href({ page: 'partners', id: data.registerPartner.id });
          }}
        />
      )}
      <LoadedView loaded={loaded} isEmpty={(rows) => rows.length === 0} emptyText={w.noPartnersRegistered}>
        {(rows) => (
          <table className="list">
            <thead>
              <tr>
                <th>{w.name}</th>
                <th>{w.fhirBaseUrl}</th>
                <th>{w.status}</th>
                <th>{w.inboundAuth}</th>
                <th>{w.outboundAuth}</th>
                <th>{w.consentInJoin}</th>
                <th>{w.registeredAt}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((partner) => (
                <tr key={partner.id} data-partner={partner.id}>
                  <td>
                    <a href={href({ page: 'partners', id: partner.id })}>{partner.name}</a>
                  </td>
                  <td className="code">{partner.fhirBaseUrl}</td>
                  <td>
                    <span className={`badge ${statusBadge[partner.status]}`}>{w[partner.status]}</span>
                  </td>
                  <td>{partner.inboundAuth === 'SMART_BACKEND' ? w.SMART_BACKEND_IN : w.CONTRACT_JWT}</td>
                  <td>{partner.outboundAuth === 'SMART_BACKEND' ? w.SMART_BACKEND_OUT : w[partner.outboundAuth]}</td>
                  <td>{w[partner.consentInJoin]}</td>
                  <td>{when(partner.createdAt, session.language)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </LoadedView>
    </section>
  );
}
