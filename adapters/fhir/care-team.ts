// GET CareTeam/<id> for a partner (contract v1): the room's status and period
// and that partner's own participants only, never the room's title, subject
// or our members. A removed participant stays listed with its period's end,
// so the partner sees the removal. Once sharing has stopped (consent
// withdrawn, room suspended or closed) the view is the status alone: no
// period, no participants, nothing about the subject (rooms'
// careTeamForPartner decides which view a partner gets).
import type { PartnerCareTeamView } from '../../subgraphs/rooms';

const statusOf = { OPEN: 'active', SUSPENDED: 'suspended', CLOSED: 'inactive' } as const;

function firstIdentifier(stored: unknown): { identifier: { system: string; value: string } } | undefined {
  const first = Array.isArray(stored) ? (stored[0] as { system?: unknown; value?: unknown } | undefined) : undefined;
  return typeof first?.system === 'string' && typeof first.value === 'string'
    ? { identifier: { system: first.system, value: first.value } }
    : undefined;
}

export function renderCareTeam(view: PartnerCareTeamView): Record<string, unknown> {
  if (view.scope === 'status')
    return { resourceType: 'CareTeam', id: view.room.id, status: statusOf[view.room.status] };
  const { room, participants } = view;
  return {
    resourceType: 'CareTeam',
    id: room.id,
    status: statusOf[room.status],
    period: { start: room.openedAt.toISOString() },
    participant: participants.map((p) => {
      const left = p.removedAt?.toISOString();
      return {
        member: {
          type: 'Practitioner',
          identifier: { system: p.practitionerSystem, value: p.practitionerValue },
          display: p.name,
        },
        // Contract v2: the organisation's most specific identifier, as the partner sent it (normalised).
        onBehalfOf: {
          type: 'Organization',
          ...(firstIdentifier(p.organizationIdentifiers) ?? {}),
          display: p.organizationName,
        },
        period: { start: p.addedAt.toISOString(), ...(left ? { end: left } : {}) },
      };
    }),
  };
}
