// Model-based test of need to know (fast-check `fc.commands`/`asyncModelRun`):
// random sequences of registering subjects, recording and withdrawing
// consent, asking for rooms (Form 8 → facility manager → a decider),
// adding and removing members, closing rooms, suspending and retiring users,
// interleaved with reads and writes by random users, run against the real
// system (gateway, three subgraphs, PostgreSQL) and against a small model of
// who may see what (`related` below, written from docs/access-rules.md, not
// from the code). After every command the real answer must equal the
// model's: nobody without a care relationship reads or writes a subject's
// data, and nobody with one is refused. Workers are off: after each write
// the care relationships, rooms' sharing view and directory view are brought
// up to date with the jobs' own functions, so the comparison is exact.
//
// `npm test` runs MODEL_RUNS (default 6) sequences of up to 30 commands
// (MODEL_SEED=<seed> replays a reported failure);
// `npm run test:model` runs 60. Partner joins are not in the model: partners
// never read a subject's data through the graph (their CareTeam view is
// tested in fhir-partner-need-to-know.test.ts).
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import type { Role } from '../../lib/access/principal';
import { actorWithRole, type Actor } from '../support/actors';
import { syncCare, syncDirectory } from '../support/directory-fixtures';
import { graphql, type GraphQLResponse } from '../support/graphql-client';
import { syncSharingView } from '../support/sharing-fixtures';
import { startTestSystem, type TestSystem } from '../support/test-system';
import { redisPrincipalEpoch } from '../../lib/access/principal-epoch';

const runs = Number(process.env.MODEL_RUNS ?? 6);

/** What the sequences reached, printed by `npm run test:model` so a quiet run can be told from a shallow one. */
const reached = {
  commands: 0,
  formsAsked: 0,
  formsDecided: 0,
  reads: 0,
  readsRefused: 0,
  writes: 0,
  writesRefused: 0,
  roomsOpened: 0,
  roomsClosed: 0,
  departures: 0,
};

// --- The model -------------------------------------------------------------

interface ModelUser {
  role: Role;
  facility: number;
  active: boolean;
}

interface ModelRoom {
  id: string;
  opener: number;
  members: Set<number>;
  closed: boolean;
  openedAt: number;
  closedAt: number | null;
}

interface ModelSubject {
  id: string;
  /** Steps towards a room: who took them, when (the model's clock). */
  steps: Array<{ user: number; at: number }>;
  consent: 'NONE' | 'GRANTED' | 'WITHDRAWN';
  rooms: ModelRoom[];
  /** Forms 8 not yet decided: who asked, when, and whether the facility manager has passed it to the deciders. */
  pending: Array<{ user: number; at: number; forwarded: boolean }>;
}

interface Model {
  users: ModelUser[];
  subjects: ModelSubject[];
  clock: number;
}

const deciders = new Set<Role>(['SYSTEM_ADMIN', 'ADMIN_MANAGER', 'HOSPITAL_MANAGER']);
const subjectRoles = new Set<Role>(['USER', 'SYSTEM_ADMIN', 'ADMIN_MANAGER', 'HOSPITAL_MANAGER']);

/** docs/access-rules.md, in a few lines (no 90-day expiry: a run lasts seconds). */
function related(model: Model, u: number, s: ModelSubject): boolean {
  const user = model.users[u]!;
  if (!user.active) return false;
  if (s.rooms.some((room) => room.members.has(u))) return true;
  const inUse = s.rooms.find((room) => !room.closed);
  if (inUse && inUse.opener === u && deciders.has(user.role)) return true;
  if (s.pending.some((form) => form.forwarded) && deciders.has(user.role)) return true;
  if (inUse) return false;
  const lastEnd = Math.max(-1, ...s.rooms.map((room) => room.closedAt ?? room.openedAt));
  return [...s.steps, ...s.pending].some(
    (step) =>
      step.at > lastEnd &&
      (step.user === u ||
        (model.users[step.user]!.facility === user.facility &&
          (user.role === 'USER' || user.role === 'FACILITY_MANAGER'))),
  );
}

// --- The real system ---------------------------------------------------------

interface Real {
  t: TestSystem;
  actors: Actor[];
}

let people = 0;
/** A kana name no other registration of the file uses: every Register is a different person. */
function nextKana(): string {
  people += 1;
  return `モケイ ${[...String(people)].map((digit) => 'アイウエオカキクケコ'[Number(digit)]).join('')}`;
}

const q = {
  register: `mutation($k: String!) { registerSubject(input: { name: "模型 花子", nameKana: $k, birthDate: "1939-09-09", category: RECEIVING_HOME_SUPPORT }) { id } }`,
  read: `query($s: ID!) { subject(id: $s) { name } }`,
  consent: `mutation($s: ID!) { recordConsent(input: { subjectId: $s, explanation: { explainedOn: "2026-11-01" }, signature: { signedBy: SUBJECT, signedOn: "2026-11-01" }, purposes: [PROVIDE_SERVICES] }) { id } }`,
  withdraw: `mutation($s: ID!) { withdrawConsent(subjectId: $s, reason: "撤回") { id } }`,
  submit: `mutation($s: ID!, $m: [ID!]!) { submitRoomOpening(subjectId: $s, title: "模型の部屋", memberIds: $m) { id } }`,
  confirm: `mutation($id: ID!) { confirmRoomApplication(id: $id) { status } }`,
  approve: `mutation($id: ID!) { approveRoomApplication(id: $id) { room { id } } }`,
  reject: `mutation($id: ID!) { rejectRoomApplication(id: $id, reason: "模型") { status } }`,
  add: `mutation($r: ID!, $u: ID!) { addRoomMember(roomId: $r, userId: $u) { id } }`,
  remove: `mutation($r: ID!, $u: ID!) { removeRoomMember(roomId: $r, userId: $u) { id } }`,
  close: `mutation($r: ID!) { closeRoom(roomId: $r, reason: MOVED) { id } }`,
};

const as = (real: Real, u: number, query: string, variables: Record<string, unknown> = {}) =>
  graphql(real.t.graphqlUrl, query, variables, real.actors[u]!.headers);
const succeeded = (response: GraphQLResponse<unknown>) => !response.errors && response.status === 200;
const refusal = (response: GraphQLResponse<unknown>) => response.errors?.[0]?.extensions?.code;

/** What the jobs would do after a write, run now. */
async function settle(model: Model, real: Real): Promise<void> {
  for (const subject of model.subjects) {
    await syncDirectory(real.t, { subjectId: subject.id });
    await syncCare(real.t, subject.id);
    await syncSharingView(real.t, subject.id);
  }
}

function describeModel(model: Model): string {
  return JSON.stringify({
    users: model.users,
    subjects: model.subjects.map((s) => ({ ...s, rooms: s.rooms.map((r) => ({ ...r, members: [...r.members] })) })),
  });
}

/** The property, with the model in the message when it fails. */
function expectSame(
  model: Model,
  what: string,
  real: boolean,
  expected: boolean,
  response?: GraphQLResponse<unknown>,
): void {
  if (real !== expected) {
    throw new Error(
      `${what}: the system ${real ? 'allowed' : `refused (${JSON.stringify(response?.errors)})`} but the model says ${expected ? 'allowed' : 'refused'}; model ${describeModel(model)}`,
    );
  }
}

type Cmd = fc.AsyncCommand<Model, Real>;
const pick = <T>(list: readonly T[], n: number) => list[n % list.length]!;

class Register implements Cmd {
  constructor(readonly u: number) {}
  check = () => true;
  async run(model: Model, real: Real) {
    model.clock += 1;
    const response = await as(real, this.u, q.register, { k: nextKana() });
    const user = model.users[this.u]!;
    const expected = user.active && subjectRoles.has(user.role);
    expectSame(model, this.toString(), succeeded(response), expected, response);
    if (succeeded(response))
      model.subjects.push({
        id: (response.data as any).registerSubject.id,
        steps: [{ user: this.u, at: model.clock }],
        consent: 'NONE',
        rooms: [],
        pending: [],
      });
    await settle(model, real);
  }
  toString = () => `Register(u${this.u})`;
}

class Read implements Cmd {
  constructor(
    readonly u: number,
    readonly s: number,
  ) {}
  check = (model: Readonly<Model>) => model.subjects.length > 0;
  async run(model: Model, real: Real) {
    const subject = pick(model.subjects, this.s);
    const response = await as(real, this.u, q.read, { s: subject.id });
    const expected = related(model, this.u, subject) && subjectRoles.has(model.users[this.u]!.role);
    expectSame(model, this.toString(), succeeded(response), expected, response);
    if (!expected) expect(['FORBIDDEN', 'UNAUTHENTICATED']).toContain(refusal(response));
    reached.reads += 1;
    if (!expected) reached.readsRefused += 1;
  }
  toString = () => `Read(u${this.u}, s${this.s})`;
}

class ConsentWrite implements Cmd {
  constructor(
    readonly u: number,
    readonly s: number,
    readonly withdraw: boolean,
  ) {}
  check = (model: Readonly<Model>) => model.subjects.length > 0;
  async run(model: Model, real: Real) {
    model.clock += 1;
    const subject = pick(model.subjects, this.s);
    const before = await real.t.db.prisma.consentRecord.count({ where: { subjectId: subject.id } });
    const response = await as(real, this.u, this.withdraw ? q.withdraw : q.consent, { s: subject.id });
    const access = related(model, this.u, subject) && subjectRoles.has(model.users[this.u]!.role);
    const expected = access && (this.withdraw ? subject.consent === 'GRANTED' : subject.consent !== 'GRANTED');
    expectSame(model, this.toString(), succeeded(response), expected, response);
    reached.writes += 1;
    if (!access) {
      reached.writesRefused += 1;
      expect(['FORBIDDEN', 'UNAUTHENTICATED']).toContain(refusal(response));
      expect(await real.t.db.prisma.consentRecord.count({ where: { subjectId: subject.id } })).toBe(before);
    }
    if (succeeded(response)) {
      subject.consent = this.withdraw ? 'WITHDRAWN' : 'GRANTED';
      subject.steps.push({ user: this.u, at: model.clock });
    }
    await settle(model, real);
  }
  toString = () => `${this.withdraw ? 'Withdraw' : 'Consent'}(u${this.u}, s${this.s})`;
}

/** Form 8 by a user, confirmed by its facility manager, then approved (or, when it cannot open, rejected) by a decider. */
class AskForRoom implements Cmd {
  constructor(
    readonly u: number,
    readonly s: number,
    readonly memberPicks: number[],
    readonly decider: number,
  ) {}
  check = (model: Readonly<Model>) => model.subjects.length > 0;
  async run(model: Model, real: Real) {
    model.clock += 1;
    const subject = pick(model.subjects, this.s);
    const members = [...new Set(this.memberPicks.map((n) => n % model.users.length))];
    const user = model.users[this.u]!;
    const response = await as(real, this.u, q.submit, { s: subject.id, m: members.map((m) => real.actors[m]!.userId) });
    const access = user.role === 'USER' && related(model, this.u, subject);
    const expected = access && members.every((m) => model.users[m]!.active);
    expectSame(model, this.toString(), succeeded(response), expected, response);
    if (!access) expect(['FORBIDDEN', 'UNAUTHENTICATED']).toContain(refusal(response));
    if (!succeeded(response)) return;
    reached.formsAsked += 1;
    const applicationId = (response.data as any).submitRoomOpening.id as string;
    const form = { user: this.u, at: model.clock, forwarded: false };
    subject.pending.push(form);
    await settle(model, real);

    const manager = model.users.findIndex(
      (m) => m.role === 'FACILITY_MANAGER' && m.facility === user.facility && m.active,
    );
    if (manager < 0) return;
    if (!succeeded(await as(real, manager, q.confirm, { id: applicationId }))) throw new Error('confirmation refused');
    form.forwarded = true;
    await settle(model, real);

    const decider = [this.decider, ...model.users.keys()].find(
      (d) => deciders.has(model.users[d % model.users.length]!.role) && model.users[d % model.users.length]!.active,
    );
    if (decider === undefined) return;
    const d = decider % model.users.length;
    model.clock += 1;
    const approved = await as(real, d, q.approve, { id: applicationId });
    reached.formsDecided += 1;
    const mayOpen =
      subject.consent === 'GRANTED' &&
      subject.rooms.every((room) => room.closed) &&
      members.every((m) => model.users[m]!.active);
    expectSame(model, `${this.toString()} approval`, succeeded(approved), mayOpen, approved);
    if (succeeded(approved)) {
      reached.roomsOpened += 1;
      subject.rooms.push({
        id: (approved.data as any).approveRoomApplication.room.id,
        opener: d,
        members: new Set(members),
        closed: false,
        openedAt: model.clock,
        closedAt: null,
      });
    } else if (!succeeded(await as(real, d, q.reject, { id: applicationId }))) {
      throw new Error('rejection refused');
    }
    subject.pending.splice(subject.pending.indexOf(form), 1);
    await settle(model, real);
  }
  toString = () => `AskForRoom(u${this.u}, s${this.s}, members ${this.memberPicks.join('/')}, d${this.decider})`;
}

/** The room's manager (its opener) adds, removes or closes (paper Forms 9 and 10). */
class ManageRoom implements Cmd {
  constructor(
    readonly action: 'add' | 'remove' | 'close',
    readonly s: number,
    readonly v: number,
  ) {}
  check = (model: Readonly<Model>) => model.subjects.some((s) => s.rooms.length > 0);
  async run(model: Model, real: Real) {
    model.clock += 1;
    const subject = pick(
      model.subjects.filter((s) => s.rooms.length > 0),
      this.s,
    );
    const room = subject.rooms[subject.rooms.length - 1]!;
    const v = this.v % model.users.length;
    const opener = model.users[room.opener]!;
    const response = await as(real, room.opener, q[this.action], { r: room.id, u: real.actors[v]!.userId });
    const expected =
      opener.active &&
      deciders.has(opener.role) &&
      !room.closed &&
      (this.action === 'add'
        ? model.users[v]!.active && !room.members.has(v)
        : this.action === 'remove'
          ? room.members.has(v)
          : true);
    expectSame(model, this.toString(), succeeded(response), expected, response);
    if (succeeded(response)) {
      if (this.action === 'add') room.members.add(v);
      if (this.action === 'remove') room.members.delete(v);
      if (this.action === 'close') {
        reached.roomsClosed += 1;
        room.closed = true;
        room.closedAt = model.clock;
      }
    }
    await settle(model, real);
  }
  toString = () => `${this.action}(s${this.s}, u${this.v})`;
}

/** Art. 23 suspension (keeps memberships) or retirement (Form 5: leaves every room), as the directory job sees them. */
class Depart implements Cmd {
  constructor(
    readonly u: number,
    readonly retire: boolean,
  ) {}
  check = (model: Readonly<Model>) => model.users[this.u]!.active;
  async run(model: Model, real: Real) {
    const actor = real.actors[this.u]!;
    await real.t.db.prisma.user.update({
      where: { id: actor.userId },
      data: { status: this.retire ? 'RETIRED' : 'SUSPENDED' },
    });
    // What identity's mutation does after the write: the gateways stop reusing resolved sessions
    // (without it, a principal cached in the last second would still act as the active user).
    await redisPrincipalEpoch(real.t.redis, real.t.queuePrefix).bump();
    await syncDirectory(real.t, { userId: actor.userId });
    model.users[this.u]!.active = false;
    reached.departures += 1;
    if (this.retire)
      for (const subject of model.subjects) for (const room of subject.rooms) room.members.delete(this.u);
    await settle(model, real);
  }
  toString = () => `${this.retire ? 'Retire' : 'Suspend'}(u${this.u})`;
}

// --- The run -------------------------------------------------------------------

/** Two facilities (users and their managers), a third facility's user, and two deciders. */
const cast: Array<{ role: Role; facility: number }> = [
  { role: 'USER', facility: 0 },
  { role: 'USER', facility: 0 },
  { role: 'FACILITY_MANAGER', facility: 0 },
  { role: 'USER', facility: 1 },
  { role: 'FACILITY_MANAGER', facility: 1 },
  { role: 'USER', facility: 2 },
  { role: 'HOSPITAL_MANAGER', facility: 3 },
  { role: 'ADMIN_MANAGER', facility: 4 },
];

describe('need to know, model-based: no sequence lets anyone without a care relationship read or write a subject', () => {
  let t: TestSystem;
  beforeAll(async () => {
    t = await startTestSystem({ workers: false });
  });
  afterAll(async () => {
    if (process.env.MODEL_STATS)
      console.log(`need-to-know model: ${runs} sequences reached ${JSON.stringify(reached)}`);
    await t.stop();
  });

  it(
    `agrees with the model on every read and write (${runs} random sequences)`,
    async () => {
      const u = fc.nat(cast.length - 1);
      const s = fc.nat(3);
      // Weighted by repetition, so sequences reach rooms (register, consent, ask, decide) often enough
      // for members, managers and closings to matter, and depart rarely (a departed user stays so).
      const register = u.map((n) => new Register(n));
      const read = fc.tuple(u, s).map(([a, b]) => new Read(a, b));
      const consent = fc.tuple(u, s, fc.nat(3)).map(([a, b, w]) => new ConsentWrite(a, b, w === 0));
      const ask = fc
        .tuple(fc.constantFrom(0, 1, 3, 5), s, fc.array(u, { minLength: 1, maxLength: 3 }), u)
        .map(([a, b, m, d]) => new AskForRoom(a, b, [a, ...m], d));
      const manage = fc
        .tuple(fc.constantFrom('add' as const, 'add' as const, 'remove' as const, 'close' as const), s, u)
        .map(([a, b, v]) => new ManageRoom(a, b, v));
      const depart = fc.tuple(u, fc.boolean()).map(([a, r]) => new Depart(a, r));
      const commands = [
        register,
        register,
        read,
        read,
        read,
        consent,
        consent,
        consent,
        ask,
        ask,
        ask,
        manage,
        manage,
        depart,
      ];
      await fc.assert(
        fc.asyncProperty(fc.commands(commands, { maxCommands: 30, size: '+1' }), async (cmds) => {
          // A fresh cast for every sequence: departures and memberships never leak between runs.
          const facilities = Array.from({ length: 5 }, () => randomUUID());
          for (const id of facilities)
            await t.db.prisma.facility.create({
              data: {
                id,
                name: `模型施設 ${id.slice(0, 4)}`,
                kind: 'MEDICAL_INSTITUTION',
                insideCity: true,
                address: 'Takaoka',
              },
            });
          const actors: Actor[] = [];
          for (const member of cast)
            actors.push(await actorWithRole(t, member.role, { facilityId: facilities[member.facility] }));
          const model: Model = { users: cast.map((member) => ({ ...member, active: true })), subjects: [], clock: 0 };
          const real: Real = { t, actors };
          // Every sequence starts from a subject its registrant's facility has obtained consent for, so
          // the random part reaches rooms, members and closings rather than mostly refusals.
          for (const prelude of [new Register(0), new ConsentWrite(0, 0, false)]) await prelude.run(model, real);
          reached.commands += [...cmds].length;
          await fc.asyncModelRun(() => ({ model, real }), cmds);
        }),
        // MODEL_SEED replays a failure's sequences (fast-check prints the seed with the counterexample).
        { numRuns: runs, endOnFailure: true, ...(process.env.MODEL_SEED && { seed: Number(process.env.MODEL_SEED) }) },
      );
    },
    30_000 + runs * 20_000,
  );
});
