// Our users in partners' rooms (completed Art. 20-3 joins): a user's own
// (myExternalRooms), or, for a facility manager (its facility's users) and
// the system admin (everyone), externalMemberships. The room is as the
// partner describes it: its CareTeam's id and status as last read.
import {
  ExternalMembershipsDocument,
  MyExternalRoomsDocument,
  type ExternalMembershipRowFragment,
} from '../../../../generated/console/operations';
import { href } from '../../route';
import { useSession, useWords } from '../../session';
import { when } from '../decision';
import { LoadedView, useLoaded } from '../loading';
import { nameOf, usePartnerNames } from './names';
import { membershipBadge } from './status';
import { words } from './words';

export function Memberships({ mine }: { mine: boolean }) {
  const session = useSession();
  const w = useWords(words);
  const names = usePartnerNames();
  const loaded = useLoaded<readonly ExternalMembershipRowFragment[]>(
    async () =>
      mine
        ? (await session.call(MyExternalRoomsDocument, {})).myExternalRooms
        : (await session.call(ExternalMembershipsDocument, {})).externalMemberships,
    [mine],
  );
  return (
    <section aria-labelledby="memberships-title">
      <h2 id="memberships-title">{mine ? w.myRooms : w.memberships}</h2>
      <p className="lead">{mine ? w.myRoomsLead : w.membershipsLead}</p>
      <LoadedView loaded={loaded} isEmpty={(rows) => rows.length === 0} emptyText={w.noMemberships}>
        {(rows) => (
          <table className="list" data-memberships>
            <thead>
              <tr>
                <th>{w.partner}</th>
                {!mine && <th>{w.member}</th>}
                <th>{w.roomAtPartner}</th>
                <th>{w.status}</th>
                <th>{w.since}</th>
                <th>{w.request}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.id} data-membership={row.id}>
                  <td title={row.partnerId}>{nameOf(names, row.partnerId)}</td>
                  {!mine && (
                    <td>
                      {row.user.name}
                      {row.user.facility && <span className="muted">（{row.user.facility.name}）</span>}
                    </td>
                  )}
                  <td>
                    <span className="code">{row.careTeamId}</span>{' '}
                    <span className="muted">
                      （{w.roomStatusAtPartner}: {w[`careTeam_${row.roomStatus}` as keyof typeof w] ?? row.roomStatus}）
                    </span>
                  </td>
                  <td>
                    <span className={`badge ${membershipBadge[row.status]}`} data-status={row.status}>
                      {row.status === 'ACTIVE' ? w.membership_ACTIVE : w.membership_ENDED}
                    </span>
                    {row.endedReason && (
                      <span className="muted">
                        {' '}
                        {row.endedReason === 'ROOM_CLOSED'
                          ? w.ROOM_CLOSED
                          : row.endedReason === 'REMOVED'
                            ? w.REMOVED
                            : row.endedReason}
                      </span>
                    )}
                  </td>
                  <td>
                    {when(row.joinedAt, session.language)}
                    {row.endedAt && (
                      <div className="muted">
                        {w.endedAt}: {when(row.endedAt, session.language)}
                      </div>
                    )}
                  </td>
                  <td>
                    <a href={href({ page: 'outbound', id: row.request.id })}>{w.openRequest}</a>
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
