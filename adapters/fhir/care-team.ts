// GET CareTeam/<id> for a partner (contract v1): the room's status and period
// and that partner's own participants only, never the room's title, subject
// or our members. A removed participant stays listed with its period's end,
// so the partner sees the removal; a closed room is inactive with its end.
import type { PartnerCareTeamView } from '../../subgraphs/rooms/services/external-participant-service';

const statusOf = { OPEN: 'active', SUSPENDED: 'suspended', CLOSED: 'inactive' } as const;

export function renderCareTeam(view: PartnerCareTeamView): Record<string, unknown> {
  const { room, participants } = view;
  const end = room.closedAt?.toISOString();
  return {
    resourceType: 'CareTeam',
    id: room.id,
    status: statusOf[room.status],
    period: { start: room.openedAt.toISOString(), ...(end ? { end } : {}) },
    participant: participants.map((p) => {
      const left = p.removedAt?.toISOString() ?? end;
      return {
        member: { type: 'Practitioner', identifier: { system: p.practitionerSystem, value: p.practitionerValue }, display: p.name },
        onBehalfOf: { type: 'Organization', display: p.organizationName },
        period: { start: p.addedAt.toISOString(), ...(left ? { end: left } : {}) },
      };
    }),
  };
}
