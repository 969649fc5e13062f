// Partners' names for every role (partnerNames: ids and names, nothing of the
// registry), the suspended ones marked inactive; and the partners list that
// anyone who is not the system admin sees.
import { useEffect, useState } from 'react';
import { PartnerNameListDocument, type PartnerNameListQuery } from '../../../../generated/console/operations';
import { useSession, useWords } from '../../session';
import { LoadedView, useLoaded } from '../loading';
import { statusBadge } from './status';
import { words } from './words';

export type PartnerName = PartnerNameListQuery['partnerNames'][number];

/** Null while they load; empty after a refusal (a partner is then named by the start of its id). */
export function usePartnerNames(): readonly PartnerName[] | null {
  const session = useSession();
  const [names, setNames] = useState<readonly PartnerName[] | null>(null);
  useEffect(() => {
    let live = true;
    session
      .call(PartnerNameListDocument, {})
      .then((data) => live && setNames(data.partnerNames))
      .catch(() => live && setNames([]));
    return () => {
      live = false;
    };
  }, [session.language]);
  return names;
}

export function nameOf(names: readonly PartnerName[] | null, partnerId: string): string {
  return names?.find((p) => p.id === partnerId)?.name ?? `${partnerId.slice(0, 8)}…`;
}

/** The partners we exchange with, by name: what every signed-in person may know of them. */
export function PartnerNamesView() {
  const session = useSession();
  const w = useWords(words);
  const loaded = useLoaded(async () => (await session.call(PartnerNameListDocument, {})).partnerNames, []);
  return (
    <section aria-labelledby="partner-names-title">
      <h2 id="partner-names-title">{w.names}</h2>
      <p className="lead">{w.namesLead}</p>
      <LoadedView loaded={loaded} isEmpty={(rows) => rows.length === 0} emptyText={w.noPartnersRegistered}>
        {(rows) => (
          <table className="list" data-partner-names>
            <thead>
              <tr>
                <th>{w.name}</th>
                <th>{w.status}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((partner) => (
                <tr key={partner.id} data-partner={partner.id}>
                  <td>{partner.name}</td>
                  <td>
                    <span className={`badge ${statusBadge[partner.active ? 'ACTIVE' : 'SUSPENDED']}`}>
                      {partner.active ? w.ACTIVE : w.SUSPENDED}
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </LoadedView>
    </section>
  );
}
