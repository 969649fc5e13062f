// Art. 20-3 outbound joins end to end on the real gateway, PostgreSQL, Redis
// and workers, against a partner played by an HTTPS server with its own
// private CA (test/support/mock-partner.ts): the workflow and its refusals,
// the contract Task sent once, the partner's answers, the external
// membership and its sync, and delivery when the partner is down, failing or
// answering invalid FHIR (retries, dead letter, retryDeadLetter).
import { parseJoinTask } from '../../adapters/fhir/join-task';
import { validateR4 } from '../../adapters/fhir/validator';
import { ourIdentifierSystems } from '../../lib/exchange/identifier-systems';
import {
  careProviderNumberSystem,
  luhnCheckDigit,
  medicalInstitutionCodeSystem,
} from '../../lib/exchange/jp-identifiers';
import { randomUUID } from 'node:crypto';
import { actorWithRole, type Actor } from '../support/actors';
import { subjectWithConsent } from '../support/sharing-fixtures';
import { eventually } from '../support/eventually';
import { errorCodes, graphql } from '../support/graphql-client';
import { startMockPartner, type MockPartner } from '../support/mock-partner';
import { approvedRequest, ops, ourClientId } from '../support/mock-partner-fixtures';
import { startOutboundTestbed, type OutboundTestbed } from '../support/outbound-testbed';
import type { TestSystem } from '../support/test-system';

describe('Art. 20-3 outbound joins', () => {
  let t: TestSystem;
  let partner: MockPartner;
  let partnerId: string;
  let bed: OutboundTestbed<MockPartner>;
  let user: Actor;
  let colleague: Actor;
  let fm: Actor;
  let otherFm: Actor;
  let sa: Actor;
  const as = (actor: Actor, query: string, variables: Record<string, unknown> = {}) =>
    graphql(t.graphqlUrl, query, variables, actor.headers);
  const request = (id: string) => t.db.prisma.outboundJoinRequest.findUniqueOrThrow({ where: { id } });
  const until = (id: string, check: (r: Awaited<ReturnType<typeof request>>) => boolean, ms = 15_000) =>
    eventually(() => request(id), check, ms);
  const postsFor = (id: string) => partner.posts.filter((p) => p.identifierValue === id);
  const actors = () => ({ user, fm, sa });
  let codeCounter = 0;
  let facilityCodes: { medicalInstitutionCode: string; careProviderNumber: string };
  const shareCode = () => `share-${Date.now().toString(36)}-${(codeCounter += 1)}`;

  beforeAll(async () => {
    bed = await startOutboundTestbed({
      partner: (tls, _ca, system) =>
        startMockPartner({ tls, ourJwk: system.system.exchange.key.publicJwk, ourClientId }),
      partnerCalls: { timeoutMs: 2_000, poll: { firstDelayMs: 150, maxDelayMs: 400 }, syncStaleMs: 0 },
      retry: { attempts: 4, baseDelayMs: 200, maxDelayMs: 600 },
      every: { 'external-room-sync': 300 },
    });
    ({ t, partner, partnerId } = bed);
    ({ user, fm, sa } = bed.actors);
    colleague = await actorWithRole(t, 'USER', { facilityId: user.facilityId });
    // The user's facility as the registry records it after a Form 1/2 with both Japanese codes (issue 17 part 5).
    const body = `163${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`;
    facilityCodes = {
      medicalInstitutionCode: `${body}${luhnCheckDigit(body)}`,
      careProviderNumber: `16${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`,
    };
    await t.db.prisma.facility.update({ where: { id: user.facilityId }, data: facilityCodes });
    otherFm = await actorWithRole(t, 'FACILITY_MANAGER');
  });

  afterAll(() => bed.stop());

  beforeEach(() => {
    partner.behavior.post = 'normal';
    partner.behavior.read = 'normal';
    partner.behavior.delayMs = 0;
  });

  it('walks ask → confirm → approve → one contract Task → accepted → completed → an external membership the user and its manager see', async () => {
    const code = shareCode();
    const asked = await as(user, ops.ask, { p: partnerId, c: code, r: '訪問看護の連携のため' });
    expect(asked.errors).toBeUndefined();
    const id = asked.data?.askOutboundJoin.id as string;
    expect(asked.data?.askOutboundJoin).toMatchObject({
      status: 'SUBMITTED',
      exchangeStatus: 'NOT_SENT',
      facilityId: user.facilityId,
      requestedBy: { id: user.userId },
    });
    expect((await as(fm, ops.confirm, { id })).data?.confirmOutboundJoin.status).toBe('FORWARDED');
    const approved = await as(sa, ops.approve, { id });
    expect(approved.data?.approveOutboundJoin.steps).toEqual([
      { action: 'submit', actorRole: 'USER', reason: null, actor: { id: user.userId } },
      { action: 'forward', actorRole: 'FACILITY_MANAGER', reason: null, actor: { id: fm.userId } },
      { action: 'approve', actorRole: 'SYSTEM_ADMIN', reason: null, actor: { id: sa.userId } },
    ]);

    const sent = await until(id, (r) => r.exchangeStatus === 'RECEIVED');
    expect(sent.exchangeStatus).toBe('RECEIVED');
    expect(sent.shareCode).toBeNull(); // the credential is not kept once the partner holds the Task
    const posts = postsFor(id);
    expect(posts.map((p) => p.answered)).toEqual([201]);
    // A FHIR conditional create on our identifier (contract v1.1), URL-encoded as a search query.
    expect(new URLSearchParams(posts[0]!.ifNoneExist).get('identifier')).toBe(
      `${ourIdentifierSystems(t.system.exchange.fhirBaseUrl).request}|${id}`,
    );
    const body = posts[0]!.body;
    expect(validateR4(body)).toEqual({ valid: true });
    const systems = ourIdentifierSystems(t.system.exchange.fhirBaseUrl);
    const parsed = parseJoinTask(body, { requesterSystem: systems.request, userSystem: systems.user });
    expect(parsed).toMatchObject({
      ok: true,
      value: {
        identifier: { system: systems.request, value: id },
        shareCode: code,
        requester: { value: sa.userId },
        practitioner: { value: user.userId },
        reason: '訪問看護の連携のため',
        // Contract v2: the facility's Japanese codes in JP Core's forms, then our own facility id.
        organization: {
          identifiers: [
            { system: medicalInstitutionCodeSystem, value: facilityCodes.medicalInstitutionCode },
            { system: careProviderNumberSystem, value: facilityCodes.careProviderNumber },
            { system: systems.facility, value: user.facilityId },
          ],
        },
      },
    });
    expect(sent.partnerTaskId).toBe(partner.taskFor(id)?.id);
    // Our JWT: iss = sub = the id the partner registered us under, aud = its base URL, a fresh jti per call.
    expect(partner.tokens.at(-1)).toMatchObject({ iss: ourClientId, sub: ourClientId, aud: partner.url });

    const task = partner.taskFor(id)!;
    task.status = 'accepted';
    await until(id, (r) => r.exchangeStatus === 'ACCEPTED');
    partner.careTeams.set('team-1', {
      status: 'active',
      participants: [{ system: systems.user, value: user.userId, display: 'USER' }],
    });
    task.status = 'completed';
    task.careTeamId = 'team-1';
    await until(id, (r) => r.exchangeStatus === 'COMPLETED');

    const mine = await as(user, ops.mine);
    expect(mine.data?.myExternalRooms).toEqual([
      expect.objectContaining({
        partnerId,
        careTeamId: 'team-1',
        status: 'ACTIVE',
        user: { id: user.userId },
        request: { id, exchangeStatus: 'COMPLETED' },
      }),
    ]);
    expect((await as(fm, ops.managed)).data?.externalMemberships).toEqual([
      expect.objectContaining({ user: { id: user.userId } }),
    ]);
    expect((await as(sa, ops.managed)).data?.externalMemberships).toHaveLength(1);
    expect((await as(otherFm, ops.managed)).data?.externalMemberships).toEqual([]);
    expect(errorCodes(await as(colleague, ops.managed))).toEqual(['FORBIDDEN']);
    expect((await as(colleague, ops.mine)).data?.myExternalRooms).toEqual([]);
    const steps = (await as(user, ops.one, { id })).data?.outboundJoinRequest.steps.map(
      (s: { action: string; actorRole: string }) => `${s.action}:${s.actorRole}`,
    );
    expect(steps).toEqual([
      'submit:USER',
      'forward:FACILITY_MANAGER',
      'approve:SYSTEM_ADMIN',
      'sent:SYSTEM',
      'partner-accepted:PARTNER',
      'partner-completed:PARTNER',
    ]);
    // Polling stopped at the final status; no second Task was ever created.
    expect(partner.tasks.size).toBeGreaterThanOrEqual(1);
    expect(postsFor(id)).toHaveLength(1);

    // The partner removes our user: the sync job ends the membership.
    partner.careTeams.set('team-1', { status: 'active', participants: [] });
    const ended = await eventually(
      () => t.db.prisma.externalMembership.findUniqueOrThrow({ where: { requestId: id } }),
      (m) => m.status === 'ENDED',
    );
    expect(ended).toMatchObject({ status: 'ENDED', endedReason: 'REMOVED' });
    expect((await as(user, ops.mine)).data?.myExternalRooms[0]).toMatchObject({
      status: 'ENDED',
      endedReason: 'REMOVED',
    });
  });

  it("carries the named subject's consent as a contained Consent (valid R4, no name); refuses a subject without a care relationship; sends nothing once consent is withdrawn", async () => {
    const askWith = (subjectId: string, c: string) =>
      as(
        user,
        `mutation($p: ID!, $c: String!, $r: String!, $s: ID) { askOutboundJoin(partnerId: $p, shareCode: $c, reason: $r, subjectId: $s) { id } }`,
        { p: partnerId, c, r: '訪問看護の連携のため', s: subjectId },
      );
    const forward = async (id: string) => {
      expect((await as(fm, ops.confirm, { id })).errors).toBeUndefined();
      expect((await as(sa, ops.approve, { id })).errors).toBeUndefined();
    };
    // A subject of another facility's user: the same NOT_FOUND as an unknown one, nothing stored.
    const stranger = await subjectWithConsent(t, await actorWithRole(t, 'USER'));
    const before = await t.db.prisma.outboundJoinRequest.count();
    expect(errorCodes(await askWith(stranger, shareCode()))).toEqual(['NOT_FOUND']);
    expect(await t.db.prisma.outboundJoinRequest.count()).toBe(before);

    const subjectId = await subjectWithConsent(t, user);
    const code = shareCode();
    const asked = await askWith(subjectId, code);
    expect(asked.errors).toBeUndefined();
    const id = asked.data?.askOutboundJoin.id as string;
    await forward(id);
    await until(id, (r) => r.exchangeStatus === 'RECEIVED');
    const body = postsFor(id)[0]!.body as Record<string, unknown>;
    expect(validateR4(body)).toEqual({ valid: true });
    const parsed = parseJoinTask(body);
    expect(parsed.ok && parsed.value.consent).toEqual({
      purposes: ['PROVIDE_SERVICES'],
      date: '2025-04-01',
      consenter: 'SUBJECT',
      relationship: null,
    });
    const consent = (body.contained as Array<Record<string, unknown>>).find((r) => r.resourceType === 'Consent');
    // Nothing that names the person: no name, no birth date, no Consent.patient (the fixture's subject is 試験 N, born 1940-04-01).
    for (const personal of ['試験', '1940-04-01', '"patient":']) expect(JSON.stringify(body)).not.toContain(personal);
    expect(JSON.stringify(consent)).not.toContain(subjectId);

    // Withdrawn between approval and send: the job refuses to send (a dead letter), nothing reaches the partner.
    const withdrawnSubject = await subjectWithConsent(t, user);
    const second = (await askWith(withdrawnSubject, shareCode())).data?.askOutboundJoin.id as string;
    expect((await as(fm, ops.confirm, { id: second })).errors).toBeUndefined();
    await t.db.prisma.consentRecord.create({
      data: {
        id: randomUUID(),
        subjectId: withdrawnSubject,
        state: 'WITHDRAWN',
        recordedBy: user.userId,
        withdrawalReason: 'test',
      },
    });
    expect((await as(sa, ops.approve, { id: second })).errors).toBeUndefined();
    await eventually(
      () => t.db.prisma.exchangeDeadLetter.findMany({ where: { errorCode: 'CONSENT_NOT_GRANTED' } }),
      (letters) => letters.length > 0,
      15_000,
    );
    expect(postsFor(second)).toEqual([]);
  });

  it('reflects a partner closing its room', async () => {
    const id = await approvedRequest(t.graphqlUrl, actors(), partnerId, shareCode());
    await until(id, (r) => r.exchangeStatus === 'RECEIVED');
    const systems = ourIdentifierSystems(t.system.exchange.fhirBaseUrl);
    partner.careTeams.set('team-2', {
      status: 'active',
      participants: [{ system: systems.user, value: user.userId, display: 'USER' }],
    });
    Object.assign(partner.taskFor(id)!, { status: 'completed', careTeamId: 'team-2' });
    await until(id, (r) => r.exchangeStatus === 'COMPLETED');
    await eventually(
      () => t.db.prisma.externalMembership.findUniqueOrThrow({ where: { requestId: id } }),
      (m) => m.lastSyncedAt !== null,
    );
    partner.careTeams.get('team-2')!.status = 'inactive';
    const ended = await eventually(
      () => t.db.prisma.externalMembership.findUniqueOrThrow({ where: { requestId: id } }),
      (m) => m.status === 'ENDED',
    );
    expect(ended).toMatchObject({ endedReason: 'ROOM_CLOSED', roomStatus: 'inactive' });
  });

  it("records the partner's rejection with its reason", async () => {
    const id = await approvedRequest(t.graphqlUrl, actors(), partnerId, shareCode());
    await until(id, (r) => r.exchangeStatus === 'RECEIVED');
    Object.assign(partner.taskFor(id)!, { status: 'rejected', statusReason: '当該利用者は登録済みです' });
    const rejected = await until(id, (r) => r.exchangeStatus === 'REJECTED');
    expect(rejected.exchangeReason).toBe('当該利用者は登録済みです');
    expect(await t.db.prisma.externalMembership.count({ where: { requestId: id } })).toBe(0);
  });

  it('ends as REFUSED without retrying when the partner does not know the share code', async () => {
    partner.behavior.post = 'unknown-share-code';
    const id = await approvedRequest(t.graphqlUrl, actors(), partnerId, shareCode());
    const refused = await until(id, (r) => r.exchangeStatus === 'REFUSED');
    expect(refused).toMatchObject({ exchangeReason: 'SHARE_CODE_NOT_FOUND', shareCode: null, partnerTaskId: null });
    // The send job has finished after its one attempt (a refusal is final, not retried): nothing is left to retry it.
    const queue = t.system.workers!.queues.get('outbound-join-send')!;
    const jobs = await eventually(
      async () =>
        (await queue.getJobs(['completed', 'failed', 'delayed', 'wait', 'active'])).filter(
          (j) => j.data.payload.requestId === id,
        ),
      (found) => found.length > 0 && found.every((j) => j.finishedOn !== undefined),
    );
    expect(jobs.map((j) => j.attemptsMade)).toEqual([1]);
    expect((await queue.getJobs(['delayed', 'wait', 'active'])).filter((j) => j.data.payload.requestId === id)).toEqual(
      [],
    );
    expect(postsFor(id)).toHaveLength(1);
    expect(await t.db.prisma.exchangeDeadLetter.count({ where: { payload: { equals: { requestId: id } } } })).toBe(0);
  });

  it('delivers a request approved while the partner is down once it is back', async () => {
    await partner.goDown();
    const id = await approvedRequest(t.graphqlUrl, actors(), partnerId, shareCode());
    const queue = t.system.workers!.queues.get('outbound-join-send')!;
    // Wait for a failed try (connection refused), then bring the partner back.
    await eventually(
      async () => (await queue.getJobs(['delayed', 'wait', 'active'])).filter((j) => j.data.payload.requestId === id),
      (jobs) => jobs.some((j) => j.attemptsMade >= 1),
    );
    expect(postsFor(id)).toHaveLength(0);
    expect((await request(id)).exchangeStatus).toBe('NOT_SENT');
    await partner.comeBack();
    await until(id, (r) => r.exchangeStatus === 'RECEIVED');
    expect(postsFor(id).map((p) => p.answered)).toEqual([201]);
  });

  it('retries a partner answering 5xx, dead-letters the job after the last attempt, and delivers on retryDeadLetter', async () => {
    partner.behavior.post = 'server-error';
    const id = await approvedRequest(t.graphqlUrl, actors(), partnerId, shareCode());
    const letter = await eventually(
      () => t.db.prisma.exchangeDeadLetter.findFirst({ where: { payload: { equals: { requestId: id } } } }),
      (l) => l !== null,
    );
    expect(letter).toMatchObject({
      queue: 'outbound-join-send',
      jobName: 'outbound-join.approved',
      attempts: 4,
      errorCode: 'HTTP_503',
      retriedAt: null,
    });
    expect(postsFor(id).map((p) => p.answered)).toEqual([503, 503, 503, 503]);
    expect((await request(id)).exchangeStatus).toBe('NOT_SENT');

    expect(errorCodes(await as(user, ops.letters))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await as(fm, ops.retry, { id: letter!.id }))).toEqual(['FORBIDDEN']);
    const listed = await as(sa, ops.letters);
    expect(listed.data?.exchangeDeadLetters).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: letter!.id, errorCode: 'HTTP_503' })]),
    );
    // No personal data in the letter: the payload is the request id, the summary a status.
    expect(JSON.stringify(letter)).not.toMatch(/share-|訪問看護/);

    partner.behavior.post = 'normal';
    const retried = await as(sa, ops.retry, { id: letter!.id });
    expect(retried.data?.retryDeadLetter).toMatchObject({ id: letter!.id, retriedBy: { id: sa.userId } });
    await until(id, (r) => r.exchangeStatus === 'RECEIVED');
    expect(postsFor(id).map((p) => p.answered)).toEqual([503, 503, 503, 503, 201]);
    expect(errorCodes(await as(sa, ops.retry, { id: letter!.id }))).toEqual(['ILLEGAL_TRANSITION']);
    expect((await as(sa, ops.letters)).data?.exchangeDeadLetters.map((l: { id: string }) => l.id)).not.toContain(
      letter!.id,
    );
  });

  it('treats an invalid FHIR answer as a failure to retry, never as delivered', async () => {
    partner.behavior.post = 'invalid-fhir';
    const id = await approvedRequest(t.graphqlUrl, actors(), partnerId, shareCode());
    const letter = await eventually(
      () => t.db.prisma.exchangeDeadLetter.findFirst({ where: { payload: { equals: { requestId: id } } } }),
      (l) => l !== null,
    );
    expect(letter).toMatchObject({ errorCode: 'INVALID_FHIR', attempts: 4 });
    expect((await request(id)).partnerTaskId).toBeNull();
    partner.behavior.post = 'normal';
    await as(sa, ops.retry, { id: letter!.id });
    await until(id, (r) => r.exchangeStatus === 'RECEIVED');
  });

  it('survives a partner too slow to answer: timeouts are retried, then dead-lettered, and the retry adopts the Task the partner already stored (found by its identifier, never POSTed again)', async () => {
    partner.behavior.delayMs = 3_000; // longer than the 2 s call timeout
    const id = await approvedRequest(t.graphqlUrl, actors(), partnerId, shareCode());
    const letter = await eventually(
      () => t.db.prisma.exchangeDeadLetter.findFirst({ where: { payload: { equals: { requestId: id } } } }),
      (l) => l !== null,
      30_000,
    );
    expect(letter).toMatchObject({ errorCode: 'TIMEOUT', attempts: 4 });
    expect((await request(id)).exchangeStatus).toBe('NOT_SENT');
    partner.behavior.delayMs = 0;
    await as(sa, ops.retry, { id: letter!.id });
    const sent = await until(id, (r) => r.exchangeStatus === 'RECEIVED');
    // One POST (the first, whose answer never came); every later attempt searched first.
    expect(postsFor(id).map((p) => p.answered)).toEqual([201]);
    expect(partner.searches.filter((s) => s.endsWith(`|${id}`)).length).toBeGreaterThanOrEqual(1);
    expect(sent).toMatchObject({ partnerTaskId: partner.taskFor(id)?.id, lastFailureCode: 'TIMEOUT' });
    expect([...partner.tasks.values()].filter((task) => task.identifierValue === id)).toHaveLength(1);
  }, 60_000);

  it('keeps polling through a partner answering 5xx to GET Task', async () => {
    const id = await approvedRequest(t.graphqlUrl, actors(), partnerId, shareCode());
    await until(id, (r) => r.exchangeStatus === 'RECEIVED');
    partner.behavior.read = 'server-error';
    const reads = partner.reads.length;
    await eventually(
      async () => partner.reads.length,
      (n) => n >= reads + 2,
    );
    partner.behavior.read = 'normal';
    Object.assign(partner.taskFor(id)!, { status: 'cancelled' });
    await until(id, (r) => r.exchangeStatus === 'CANCELLED');
  });

  it('sends nothing to a suspended partner: a dead letter at once, delivered once the partner is active again and the letter retried', async () => {
    await t.db.prisma.partner.update({ where: { id: partnerId }, data: { status: 'SUSPENDED' } });
    try {
      const id = await approvedRequest(t.graphqlUrl, actors(), partnerId, shareCode());
      const letter = await eventually(
        () => t.db.prisma.exchangeDeadLetter.findFirst({ where: { payload: { equals: { requestId: id } } } }),
        (l) => l !== null,
      );
      expect(letter).toMatchObject({ errorCode: 'PARTNER_UNAVAILABLE', attempts: 1 });
      expect(postsFor(id)).toHaveLength(0);
      await t.db.prisma.partner.update({ where: { id: partnerId }, data: { status: 'ACTIVE' } });
      await as(sa, ops.retry, { id: letter!.id });
      await until(id, (r) => r.exchangeStatus === 'RECEIVED');
      expect(postsFor(id).map((p) => p.answered)).toEqual([201]);
    } finally {
      await t.db.prisma.partner.update({ where: { id: partnerId }, data: { status: 'ACTIVE' } });
    }
  });

  describe('refusals change nothing', () => {
    async function counts() {
      return {
        requests: await t.db.prisma.outboundJoinRequest.count(),
        outbox: await t.db.prisma.roomsOutboxEvent.count({ where: { type: 'outbound-join.approved' } }),
      };
    }

    it('refuses bad input with BAD_USER_INPUT naming the field', async () => {
      const before = await counts();
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ p: 'not-a-uuid', c: 'share-code-1', r: 'reason' }, 'partnerId'],
        [{ p: partnerId, c: 'short', r: 'reason' }, 'shareCode'],
        [{ p: partnerId, c: 'has spaces in it', r: 'reason' }, 'shareCode'],
        [{ p: partnerId, c: 'x'.repeat(257), r: 'reason' }, 'shareCode'],
        [{ p: partnerId, c: 'share-code-1', r: '   ' }, 'reason'],
        [{ p: partnerId, c: 'share-code-1', r: 'x'.repeat(1001) }, 'reason'],
      ];
      for (const [variables, field] of cases) {
        const response = await as(user, ops.ask, variables);
        expect({ field, codes: errorCodes(response), named: response.errors?.[0]?.extensions?.field }).toEqual({
          field,
          codes: ['BAD_USER_INPUT'],
          named: field,
        });
      }
      expect(errorCodes(await as(sa, ops.reject, { id: 'nope', r: 'x' }))).toEqual(['BAD_USER_INPUT']);
      expect(errorCodes(await as(sa, ops.retry, { id: 'nope' }))).toEqual(['BAD_USER_INPUT']);
      expect(errorCodes(await as(sa, ops.retry, { id: '00000000-0000-4000-8000-000000000000' }))).toEqual([
        'NOT_FOUND',
      ]);
      expect(await counts()).toEqual(before);
    });

    it('refuses a partner rooms does not know (NOT_FOUND) or knows as suspended (CONFLICT), writing nothing', async () => {
      const before = await counts();
      expect(
        errorCodes(await as(user, ops.ask, { p: '00000000-0000-4000-8000-000000000000', c: shareCode(), r: 'reason' })),
      ).toEqual(['NOT_FOUND']);
      // Suspended through identity's own service: identity announces it, rooms' view follows.
      expect(
        (await as(sa, `mutation($id: ID!) { suspendPartner(id: $id, reason: "点検中") { status } }`, { id: partnerId }))
          .errors,
      ).toBeUndefined();
      try {
        await eventually(
          () => t.db.prisma.directoryPartner.findUniqueOrThrow({ where: { partnerId } }),
          (row) => row.active === false,
        );
        expect(errorCodes(await as(user, ops.ask, { p: partnerId, c: shareCode(), r: 'reason' }))).toEqual([
          'CONFLICT',
        ]);
        expect(await counts()).toEqual(before);
      } finally {
        expect(
          (
            await as(sa, `mutation($id: ID!) { reactivatePartner(id: $id, reason: "点検終了") { status } }`, {
              id: partnerId,
            })
          ).errors,
        ).toBeUndefined();
        await eventually(
          () => t.db.prisma.directoryPartner.findUniqueOrThrow({ where: { partnerId } }),
          (row) => row.active === true,
        );
      }
    });

    it('lets only the route take each step, in order', async () => {
      expect(errorCodes(await as(fm, ops.ask, { p: partnerId, c: shareCode(), r: 'reason' }))).toEqual(['FORBIDDEN']);
      expect(errorCodes(await as(sa, ops.ask, { p: partnerId, c: shareCode(), r: 'reason' }))).toEqual(['FORBIDDEN']);
      const id = (await as(user, ops.ask, { p: partnerId, c: shareCode(), r: 'reason' })).data?.askOutboundJoin
        .id as string;
      const before = await counts();
      expect(errorCodes(await as(sa, ops.approve, { id }))).toEqual(['ILLEGAL_TRANSITION']); // not confirmed yet
      expect(errorCodes(await as(otherFm, ops.confirm, { id }))).toEqual(['FORBIDDEN']); // another facility
      expect(errorCodes(await as(user, ops.confirm, { id }))).toEqual(['FORBIDDEN']);
      expect(errorCodes(await as(otherFm, ops.one, { id }))).toEqual(['FORBIDDEN']);
      expect(errorCodes(await as(colleague, ops.withdraw, { id }))).toEqual(['FORBIDDEN']);
      await as(fm, ops.confirm, { id });
      expect(errorCodes(await as(fm, ops.confirm, { id }))).toEqual(['ILLEGAL_TRANSITION']);
      expect(errorCodes(await as(fm, ops.approve, { id }))).toEqual(['FORBIDDEN']);
      expect(errorCodes(await as(user, ops.approve, { id }))).toEqual(['FORBIDDEN']);
      expect(errorCodes(await as(sa, ops.approve, { id: '00000000-0000-4000-8000-000000000000' }))).toEqual([
        'NOT_FOUND',
      ]);
      expect(await counts()).toEqual(before);
      expect((await request(id)).status).toBe('FORWARDED');
      // Refusals are in rooms' access records with the request id as correlation id.
      expect(
        await t.db.prisma.roomsAccessRecord.count({
          where: { what: { startsWith: 'outbound-join.', endsWith: `#${id}` }, action: 'DENIED' },
        }),
      ).toBeGreaterThanOrEqual(5);
    });

    it('a rejection by the system admin sends nothing and forgets the share code', async () => {
      const id = (await as(user, ops.ask, { p: partnerId, c: shareCode(), r: 'reason' })).data?.askOutboundJoin
        .id as string;
      await as(fm, ops.confirm, { id });
      const rejected = await as(sa, ops.reject, { id, r: '目的が不明確です' });
      expect(rejected.data?.rejectOutboundJoin).toMatchObject({
        status: 'REJECTED',
        decisionReason: '目的が不明確です',
        exchangeStatus: 'NOT_SENT',
      });
      expect((await request(id)).shareCode).toBeNull();
      expect(errorCodes(await as(sa, ops.approve, { id }))).toEqual(['ILLEGAL_TRANSITION']);
      // Only an approval's outbox event, written in the approval's transaction, ever sends a request: there is none.
      expect(
        await t.db.prisma.roomsOutboxEvent.count({ where: { payload: { path: ['requestId'], equals: id } } }),
      ).toBe(0);
      expect(postsFor(id)).toHaveLength(0);
    });

    it('the requester withdraws before a decision', async () => {
      const id = (await as(user, ops.ask, { p: partnerId, c: shareCode(), r: 'reason' })).data?.askOutboundJoin
        .id as string;
      expect((await as(user, ops.withdraw, { id })).data?.withdrawOutboundJoin.status).toBe('WITHDRAWN');
      expect((await request(id)).shareCode).toBeNull();
      expect((await as(user, ops.list)).data?.outboundJoinRequests.map((r: { id: string }) => r.id)).toContain(id);
      expect((await as(colleague, ops.list)).data?.outboundJoinRequests).toEqual([]);
    });
  });
});
