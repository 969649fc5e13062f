// Two complete installations talking the partner exchange contract v1 to each
// other: Takaoka and Himi, each with its own database, BullMQ prefix,
// certificate authority, exchange key and workers, each registered as the
// other's partner (JWT both ways). Their /fhir endpoints are reached over
// HTTPS only: each gateway's exchange is published through a TLS front with a
// server certificate from its own CA, and each installation trusts only the
// other's CA for its outbound calls. The GraphQL side runs without terminal
// certificates (mode 'off'): it is not what this test is about.
//
// Walks: an outbound join completed (Takaoka's user into Himi's room, which is
// Himi's inbound join approved), the reverse direction, an inbound join
// rejected (with its reason back at the requester), a removal on the room's
// side propagated to the requester's external membership, a repeated POST
// of the same Task creating nothing new, and a request withdrawn after it was
// sent, cancelled at the partner (JSON Patch to our own /fhir). Contract v2
// push runs between them too: the requester subscribes to its Task at the
// receiver, takes the receiver's handshake, and removes the subscription once
// the request is final.
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { buildJoinTask } from '../../adapters/fhir/join-task';
import { ourIdentifierSystems } from '../../lib/exchange/identifier-systems';
import { createPartnerClient } from '../../adapters/partner/partner-client';
import { signPartnerJwt } from '../../lib/exchange/exchange-key';
import { actorWithRole, type Actor } from '../support/actors';
import { eventually } from '../support/eventually';
import { graphql } from '../support/graphql-client';
import { ops } from '../support/mock-partner-fixtures';
import { issueShareCodeAs, openRoomAs, type SimulatedPartner } from '../support/simulated-partner';
import { startTestSystem, type TestSystem } from '../support/test-system';
import { syncDirectory } from '../support/directory-fixtures';

interface Installation {
  name: string;
  t: TestSystem;
  /** CAs this installation trusts for its calls to partners (filled once both exist). */
  trust: string[];
  front: { url: string; close(): Promise<void> };
  user: Actor;
  fm: Actor;
  hm: Actor;
  sa: Actor;
  /** Its registry id for the other installation. */
  partnerIdOfOther: string;
}

/** A TLS front for one gateway: terminates HTTPS with a certificate from the installation's own CA. */
async function tlsFront(
  target: string,
  tls: { certificatePem: string; keyPem: string },
): Promise<{ url: string; close(): Promise<void> }> {
  const server = https.createServer({ cert: tls.certificatePem, key: tls.keyPem }, (req, res) => {
    const upstream = http.request(
      `${target}${req.url}`,
      { method: req.method, headers: { ...req.headers, host: new URL(target).host }, agent: false },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Partners' pooled keep-alive connections would hold the close otherwise.
        server.closeAllConnections();
      }),
  };
}

async function install(name: string): Promise<Installation> {
  const trust: string[] = [];
  const t = await startTestSystem({
    workers: true,
    exchangeDelivery: {
      partnerCalls: {
        trustedCaPems: trust,
        timeoutMs: 5_000,
        poll: { firstDelayMs: 200, maxDelayMs: 500 },
        syncStaleMs: 0,
      },
      retry: { attempts: 5, baseDelayMs: 200, maxDelayMs: 1_000 },
      every: { 'external-room-sync': 400 },
    },
  });
  const front = await tlsFront(t.system.gateway.url, t.ca.issueServerCertificate(['127.0.0.1', 'localhost']));
  // Partners know us by the HTTPS address (the JWT audience and our identifier systems follow it).
  t.system.exchange.fhirBaseUrl = `${front.url}/fhir`;
  const user = await actorWithRole(t, 'USER');
  return {
    name,
    t,
    trust,
    front,
    user,
    fm: await actorWithRole(t, 'FACILITY_MANAGER', { facilityId: user.facilityId }),
    hm: await actorWithRole(t, 'HOSPITAL_MANAGER'),
    sa: await actorWithRole(t, 'SYSTEM_ADMIN'),
    partnerIdOfOther: randomUUID(),
  };
}

/** Registers `other` in `self`'s registry (as its system admin's registerPartner would). */
async function register(self: Installation, other: Installation): Promise<void> {
  const base = other.t.system.exchange.fhirBaseUrl;
  const systems = ourIdentifierSystems(base);
  await self.t.db.prisma.partner.create({
    data: {
      id: self.partnerIdOfOther,
      name: other.name,
      fhirBaseUrl: base,
      requesterSystem: systems.request,
      userSystem: systems.user,
      jwks: { keys: [other.t.system.exchange.key.publicJwk] } as object,
      outboundAuth: 'JWT',
      ourClientId: other.partnerIdOfOther,
      createdBy: self.sa.userId,
    },
  });
  await syncDirectory(self.t, { partnerId: self.partnerIdOfOther });
  self.trust.push(other.t.ca.caCertificatePem);
}

const d = {
  requests: `query { inboundJoinRequests { id correlationId status room { id } } }`,
  approve: `mutation($id: ID!) { approveInboundJoin(id: $id) { id status externalParticipant { id } } }`,
  reject: `mutation($id: ID!, $reason: String!) { rejectInboundJoin(id: $id, reason: $reason) { id status } }`,
  participants: `query($r: ID!) { room(id: $r) { externalParticipants { id name partnerId } } }`,
  remove: `mutation($id: ID!) { removeExternalParticipant(id: $id, reason: "支援終了") { id removedAt } }`,
};

describe('two installations exchanging joins over HTTPS (contract v1, both directions)', () => {
  let takaoka: Installation;
  let himi: Installation;
  const as = (site: Installation, actor: Actor, query: string, variables: Record<string, unknown> = {}) =>
    graphql(site.t.graphqlUrl, query, variables, actor.headers);

  beforeAll(async () => {
    takaoka = await install('高岡市多職種ネット');
    himi = await install('氷見市多職種ネット');
    await register(takaoka, himi);
    await register(himi, takaoka);
  }, 120_000);

  afterAll(async () => {
    for (const site of [takaoka, himi]) if (site) await site.front.close();
    for (const site of [takaoka, himi]) if (site) await site.t.stop();
  }, 120_000);

  /** `from`'s user asks to join a room `to` opened and issued a code for; returns the request id and the room. */
  async function outboundRequest(from: Installation, to: Installation) {
    const roomId = await openRoomAs(to.t, to.hm);
    const { code } = await issueShareCodeAs(to.t, to.hm, roomId, { id: to.partnerIdOfOther } as SimulatedPartner);
    const asked = await as(from, from.user, ops.ask, {
      p: from.partnerIdOfOther,
      c: code,
      r: '退院後の在宅支援のため',
    });
    const id = asked.data?.askOutboundJoin.id as string;
    await as(from, from.fm, ops.confirm, { id });
    const approved = await as(from, from.sa, ops.approve, { id });
    expect(approved.data?.approveOutboundJoin.status).toBe('APPROVED');
    return { id, roomId };
  }

  const outboundRow = (site: Installation, id: string) =>
    site.t.db.prisma.outboundJoinRequest.findUniqueOrThrow({ where: { id } });

  async function inboundRequestAt(site: Installation, roomId: string) {
    const found = await eventually(
      async () =>
        ((await as(site, site.hm, d.requests)).data?.inboundJoinRequests ?? []).find(
          (r: { room: { id: string }; status: string }) => r.room.id === roomId && r.status === 'PENDING',
        ),
      (r) => r !== undefined,
      20_000,
    );
    if (!found) throw new Error(`no inbound join request arrived at ${site.name}`);
    return found as { id: string; correlationId: string };
  }

  it('completes an outbound join (the partner approves its inbound join), then propagates the removal; a repeated conditional POST creates nothing and the identifier search finds the one Task', async () => {
    const { id, roomId } = await outboundRequest(takaoka, himi);
    const sent = await eventually(
      () => outboundRow(takaoka, id),
      (r) => r.exchangeStatus === 'RECEIVED',
      20_000,
    );
    expect(sent.partnerTaskId).toBeTruthy();
    // Contract v2 push between two installations: Takaoka subscribes to its Task at Himi, and Himi's handshake
    // reaches Takaoka's notification endpoint (its secret echoed).
    const subscription = () => takaoka.t.db.prisma.outboundSubscription.findUnique({ where: { requestId: id } });
    // The handshake and Himi's id for the subscription may reach Takaoka in either order: wait for both.
    const active = await eventually(
      subscription,
      (s) => s?.status === 'ACTIVE' && s.partnerSubscriptionId !== null,
      20_000,
    );
    expect(active).toMatchObject({ status: 'ACTIVE', partnerTaskId: sent.partnerTaskId });
    // Himi marks its side ACTIVE once Takaoka's 204 to the handshake comes back, just after Takaoka's own row.
    const atHimi = await eventually(
      () => himi.t.db.prisma.taskSubscription.findUnique({ where: { id: active!.partnerSubscriptionId! } }),
      (s) => s?.status === 'ACTIVE',
      10_000,
    );
    expect(atHimi).toMatchObject({ status: 'ACTIVE', taskId: sent.partnerTaskId });

    const inbound = await inboundRequestAt(himi, roomId);
    expect(inbound.correlationId).toBe(sent.partnerTaskId);
    expect((await as(himi, himi.hm, d.approve, { id: inbound.id })).data?.approveInboundJoin.status).toBe('APPROVED');

    const done = await eventually(
      () => outboundRow(takaoka, id),
      (r) => r.exchangeStatus === 'COMPLETED',
      30_000,
    );
    expect(done.exchangeStatus).toBe('COMPLETED');
    // Final: the subscription is removed at Himi.
    expect(await eventually(subscription, (s) => s?.status === 'ENDED', 20_000)).toMatchObject({ status: 'ENDED' });
    expect(await himi.t.db.prisma.taskSubscription.count({ where: { id: active!.partnerSubscriptionId! } })).toBe(0);
    const mine = (await as(takaoka, takaoka.user, ops.mine)).data?.myExternalRooms;
    expect(mine).toEqual([
      expect.objectContaining({ partnerId: takaoka.partnerIdOfOther, careTeamId: roomId, status: 'ACTIVE' }),
    ]);
    const participants = (await as(himi, himi.hm, d.participants, { r: roomId })).data?.room.externalParticipants;
    expect(participants).toEqual([expect.objectContaining({ partnerId: himi.partnerIdOfOther })]);

    // A repeated POST of the same Task (same identifier): 200, the same Task, nothing new at Himi.
    const before = await himi.t.db.prisma.inboundTask.count();
    const systems = ourIdentifierSystems(takaoka.t.system.exchange.fhirBaseUrl);
    const client = await createPartnerClient(
      { fhirBaseUrl: himi.t.system.exchange.fhirBaseUrl },
      {
        signJwt: (audience) =>
          signPartnerJwt(takaoka.t.system.exchange.key, { clientId: himi.partnerIdOfOther, audience }),
        trustedCaPems: takaoka.trust,
      },
    );
    const identifier = { system: systems.request, value: id };
    const repeated = await client.createTask(
      buildJoinTask({
        identifier,
        shareCode: 'not-looked-at-again',
        authoredOn: new Date().toISOString(),
        requester: { system: systems.user, value: takaoka.sa.userId, display: '管理者' },
        practitioner: { system: systems.user, value: takaoka.user.userId, display: '利用者' },
        organization: { display: '施設' },
        reason: '再送',
      }),
      identifier,
    );
    expect(repeated.status).toBe(200);
    expect(repeated.task.id).toBe(sent.partnerTaskId);
    // What a send whose answer was lost does first (contract v1.1): the identifier search finds that one Task.
    expect((await client.searchTasks(identifier)).map((task) => task.id)).toEqual([sent.partnerTaskId]);
    expect(await himi.t.db.prisma.inboundTask.count()).toBe(before);

    // Himi removes Takaoka's user from the room: Takaoka's sync ends the membership.
    await as(himi, himi.hm, d.remove, { id: participants[0].id });
    const ended = await eventually(
      () => takaoka.t.db.prisma.externalMembership.findUniqueOrThrow({ where: { requestId: id } }),
      (m) => m.status === 'ENDED',
      20_000,
    );
    expect(ended).toMatchObject({ status: 'ENDED', endedReason: 'REMOVED' });
  }, 120_000);

  it('works the other way round: Himi’s user joins Takaoka’s room (Takaoka’s inbound join approved)', async () => {
    const { id, roomId } = await outboundRequest(himi, takaoka);
    const inbound = await inboundRequestAt(takaoka, roomId);
    await as(takaoka, takaoka.hm, d.approve, { id: inbound.id });
    await eventually(
      () => outboundRow(himi, id),
      (r) => r.exchangeStatus === 'COMPLETED',
      30_000,
    );
    expect((await as(himi, himi.user, ops.mine)).data?.myExternalRooms).toEqual([
      expect.objectContaining({ careTeamId: roomId, status: 'ACTIVE' }),
    ]);
  }, 120_000);

  it('an inbound join rejected by the room side comes back to the requester with its reason', async () => {
    const { id, roomId } = await outboundRequest(takaoka, himi);
    const inbound = await inboundRequestAt(himi, roomId);
    await as(himi, himi.hm, d.reject, { id: inbound.id, reason: '現在は受け入れていません' });
    const rejected = await eventually(
      () => outboundRow(takaoka, id),
      (r) => r.exchangeStatus === 'REJECTED',
      30_000,
    );
    expect(rejected.exchangeReason).toBe('現在は受け入れていません');
    expect(await takaoka.t.db.prisma.externalMembership.count({ where: { requestId: id } })).toBe(0);

    // One id across both sides' access records: the requester's request id, which Takaoka's
    // records name and which travels as the Task identifier into Himi's records.
    const requesterSide = await takaoka.t.db.prisma.roomsAccessRecord.findMany({
      where: { what: { endsWith: `#${id}` } },
      orderBy: { seq: 'asc' },
    });
    const receiverSide = await himi.t.db.prisma.roomsAccessRecord.findMany({
      where: { what: { endsWith: `|${id}` } },
      orderBy: { seq: 'asc' },
    });
    expect(requesterSide.map((r) => r.what)).toEqual(
      expect.arrayContaining([
        `outbound-join.submit#${id}`,
        `outbound-join.forward#${id}`,
        `outbound-join.approve#${id}`,
      ]),
    );
    expect(receiverSide.map((r) => r.what)).toEqual([
      `inbound-join.receive#${inbound.correlationId}|${id}`,
      `inbound-join.reject#${inbound.correlationId}|${id}`,
    ]);
  }, 120_000);

  it('a request withdrawn after it was sent is cancelled at the partner: its Task and its join request end cancelled', async () => {
    const { id, roomId } = await outboundRequest(takaoka, himi);
    await eventually(
      () => outboundRow(takaoka, id),
      (r) => r.exchangeStatus === 'RECEIVED',
      20_000,
    );
    const inbound = await inboundRequestAt(himi, roomId);

    const withdrawn = await as(takaoka, takaoka.user, ops.withdraw, { id });
    expect(withdrawn.data?.withdrawOutboundJoin.status).toBe('WITHDRAWN');
    const cancelled = await eventually(
      () => outboundRow(takaoka, id),
      (r) => r.exchangeStatus === 'CANCELLED',
      30_000,
    );
    expect(cancelled).toMatchObject({
      status: 'WITHDRAWN',
      exchangeStatus: 'CANCELLED',
      exchangeReason: 'withdrawn by the requester',
    });
    const task = await himi.t.db.prisma.inboundTask.findUniqueOrThrow({ where: { id: inbound.correlationId } });
    expect(task).toMatchObject({ status: 'CANCELLED', statusReason: 'withdrawn by the requester' });
    const atHimi = await himi.t.db.prisma.inboundJoinRequest.findUniqueOrThrow({ where: { id: inbound.id } });
    expect(atHimi.status).toBe('CANCELLED');
    // Nothing left for Himi's managers to decide.
    expect((await as(himi, himi.hm, d.approve, { id: inbound.id })).errors?.[0]?.extensions?.code).toBeDefined();
  }, 120_000);
});
