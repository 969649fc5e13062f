import type { InboxQuery, InboxQueryVariables } from '../../../generated/console/operations';
import { GraphError } from '../graphql';
import { readCounts, sections } from './inbox-counts';

const mine = (role: Parameters<typeof readCounts>[1]) => sections.filter((s) => s.for.includes(role));

/** A graph that answers each included count field with `values[field]`, refusing the fields in `refused`. */
function fakeGraph(values: Partial<Record<keyof InboxQuery, number>>, refused: Array<keyof InboxQuery> = []) {
  const calls: InboxQueryVariables[] = [];
  const included = (v: InboxQueryVariables): Array<keyof InboxQuery> => [
    ...(v.applications ? (['submittedApplications'] as const) : []),
    ...(v.forwardedApplications ? (['forwardedApplications'] as const) : []),
    ...(v.roomApplications ? (['roomApplications'] as const) : []),
    ...(v.inboundJoins ? (['inboundJoins'] as const) : []),
    ...(v.outboundJoins ? (['outboundJoins'] as const) : []),
    ...(v.existenceChecks ? (['existenceChecks'] as const) : []),
    ...(v.faults ? (['faults'] as const) : []),
    ...(v.investigatingFaults ? (['investigatingFaults'] as const) : []),
    ...(v.exceptionReviews ? (['exceptionReviews'] as const) : []),
    ...(v.deadLetters ? (['deadLetters'] as const) : []),
  ];
  const call = async (variables: InboxQueryVariables): Promise<InboxQuery> => {
    calls.push(variables);
    const fields = included(variables);
    const refusedHere = fields.filter((f) => refused.includes(f));
    if (refusedHere.length > 0)
      throw new GraphError(
        'FORBIDDEN',
        `not yours: ${refusedHere[0]}`,
        refusedHere.map((f) => ({ code: 'FORBIDDEN', message: `not yours: ${f}`, field: f })),
      );
    return Object.fromEntries(fields.map((f) => [f, values[f] ?? 0])) as InboxQuery;
  };
  return { call, calls };
}

describe("the inbox's counts", () => {
  it('reads every section of a role in one request and adds up a section’s fields', async () => {
    const graph = fakeGraph({ submittedApplications: 3, forwardedApplications: 4, faults: 2, investigatingFaults: 1 });
    const counts = await readCounts(graph.call, 'SYSTEM_ADMIN', mine('SYSTEM_ADMIN'), 'offline');
    expect(graph.calls).toHaveLength(1);
    expect(counts.applications).toEqual({ state: 'count', count: 7 });
    expect(counts.faults).toEqual({ state: 'count', count: 3 });
    expect(Object.keys(counts).sort()).toEqual(
      mine('SYSTEM_ADMIN')
        .map((s) => s.key)
        .sort(),
    );
  });

  it('asks each role only for its own sections, with its own statuses', async () => {
    const graph = fakeGraph({});
    await readCounts(graph.call, 'FACILITY_MANAGER', mine('FACILITY_MANAGER'), 'offline');
    expect(graph.calls[0]).toMatchObject({
      applications: false,
      deadLetters: false,
      roomApplications: true,
      roomApplicationStatus: 'SUBMITTED',
      outboundJoinStatus: 'SUBMITTED',
      existenceCheckStatus: 'AT_FACILITY_MANAGER',
      faultStatus: 'REPORTED',
      investigatingFaults: false,
    });
  });

  it('shows a refused section with the graph’s message and still counts the others', async () => {
    const graph = fakeGraph({ roomApplications: 5, inboundJoins: 2 }, ['deadLetters']);
    const counts = await readCounts(graph.call, 'SYSTEM_ADMIN', mine('SYSTEM_ADMIN'), 'offline');
    expect(graph.calls).toHaveLength(2);
    expect(graph.calls[1]?.deadLetters).toBe(false);
    expect(counts.deadLetters).toEqual({ state: 'problem', message: 'not yours: deadLetters' });
    expect(counts.roomApplications).toEqual({ state: 'count', count: 5 });
    expect(counts.inboundJoins).toEqual({ state: 'count', count: 2 });
  });

  it('shows an error that names no section (a network failure, a restriction) on every section', async () => {
    const call = async (): Promise<InboxQuery> => {
      throw new GraphError('SERVICE_RESTRICTED', 'メンテナンス中です');
    };
    const counts = await readCounts(call, 'HOSPITAL_MANAGER', mine('HOSPITAL_MANAGER'), 'offline');
    for (const section of mine('HOSPITAL_MANAGER'))
      expect(counts[section.key]).toEqual({ state: 'problem', message: 'メンテナンス中です' });
    const offline = await readCounts(
      async () => Promise.reject(new TypeError('fetch failed')),
      'USER',
      mine('FACILITY_MANAGER'),
      'offline',
    );
    expect(Object.values(offline)).toEqual(
      mine('FACILITY_MANAGER').map(() => ({ state: 'problem', message: 'offline' })),
    );
  });
});
