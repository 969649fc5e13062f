// Seeds the demo network through the graph, as the regulations route each
// step: the system administrator (the bootstrap's) records paper Forms 1
// and 4 and decides them, an admin manager forwards a Form 1, each facility
// manager files its user's Form 4 and the admin manager decides it (copied
// to the system administrator), users register subjects,
// explain (Form 6) and record consent (Form 7) and ask for rooms (Form 8),
// facility managers confirm and a hospital or admin manager approves, and
// members post. Every person signs in from a terminal with a certificate of
// its own facility and sets its own password. So the seeding is itself a
// walk through every flow: if one breaks, the demo says which step failed.
import { generateKeyPair, exportJWK } from 'jose';
import { connectDemoGraph, documents, type DemoFacility, type DemoPerson, type EnrolmentRoute } from './demo-graph';
import {
  adminManagerSpec,
  demoFacilities,
  demoPartner,
  demoSubjects,
  hospitalManagerSpec,
  staff,
  type FacilityKey,
  type PersonSpec,
  type SubjectSpec,
} from './demo-network';
import { notYetKnown, type Terminal } from './terminal-client';

export type { DemoPerson } from './demo-graph';

export interface SeededNetwork {
  people: DemoPerson[];
  facilities: DemoFacility[];
  rooms: Array<{ id: string; title: string; subject: string; members: string[] }>;
  pendingRoomApplications: Array<{ id: string; title: string; waitsFor: string }>;
  partner: { id: string; name: string; privateJwk: Record<string, unknown> };
}

export interface SeedOptions {
  graphqlUrl: string;
  caPem: string;
  /** The first system administrator, as the bootstrap wrote it (one-time password). */
  admin: { accountId: string; initialPassword: string; terminal: Terminal };
  /** Progress lines for the operator (no secrets). */
  progress(line: string): void;
  now?: Date;
}

export async function seedDemoNetwork(options: SeedOptions): Promise<SeededNetwork> {
  const now = options.now ?? new Date();
  const daysFromNow = (days: number) => new Date(now.getTime() + days * 86_400_000);
  const day = (days: number) => daysFromNow(days).toISOString().slice(0, 10);
  const { send, firstSignIn, enrol } = connectDemoGraph(options.graphqlUrl, options.caPem, day(-1));

  options.progress('signing in as the system administrator');
  const adminSession = await firstSignIn(
    options.admin.accountId,
    options.admin.initialPassword,
    options.admin.terminal,
  );
  const { me } = await send<{ me: { user: { id: string; name: string; facility: { id: string; name: string } } } }>(
    { terminal: options.admin.terminal, token: adminSession.token },
    'reading the administrator',
    documents.me,
    {},
  );
  const admin: DemoPerson = {
    key: 'systemAdmin',
    name: me.user.name,
    nameKana: 'システムカンリシャ',
    job: '長寿福祉課 (システム管理者)',
    accountId: options.admin.accountId,
    userId: me.user.id,
    role: 'SYSTEM_ADMIN',
    facilityKey: 'cityOffice',
    facilityName: me.user.facility.name,
    ...adminSession,
    terminal: options.admin.terminal,
  };
  const people: DemoPerson[] = [admin];
  const facilities: SeededNetwork['facilities'] = [
    { key: 'cityOffice', id: me.user.facility.id, name: me.user.facility.name, kind: 'OTHER_APPROVED' },
  ];
  const facilityOf = (key: FacilityKey) => facilities.find((f) => f.key === key) as DemoFacility;
  const person = (key: string) => {
    const found = people.find((p) => p.key === key);
    if (!found) throw new Error(`the demo network names ${key}, who was not enrolled`);
    return found;
  };

  /**
   * Enrols several people at once (independent requests, so the network's password hashing and
   * certificate signing overlap), listed in the order given.
   */
  const enrolAll = async (
    ...enrolments: Array<
      [spec: PersonSpec & { orgUnitCode?: string }, role: string, facility: FacilityKey, route: EnrolmentRoute]
    >
  ) => {
    const enrolled = await Promise.all(
      enrolments.map(([spec, role, facility, route]) => enrol(spec, role, facilityOf(facility), route)),
    );
    people.push(...enrolled);
    return enrolled;
  };

  options.progress('enrolling an admin manager (paper Form 4, decided by the system administrator)');
  const [adminManager] = (await enrolAll([
    adminManagerSpec,
    'ADMIN_MANAGER',
    'cityOffice',
    { submitter: admin, onPaper: true, approver: admin, certificateIssuer: admin },
  ])) as [DemoPerson];

  options.progress(`registering ${demoFacilities.length} facilities (paper Forms 1)`);
  const registered = await Promise.all(
    demoFacilities.map(async (spec, index) => {
      const { key, ...input } = spec;
      // The first one comes in through the admin manager, who forwards it: the system administrator decides Forms 1-3.
      const clerk = index === 0 ? adminManager : admin;
      const { submitFacilityRegistration } = await send<{ submitFacilityRegistration: { id: string } }>(
        clerk,
        `Form 1 for ${key}`,
        documents.form1,
        { input: { ...input, insideCity: true }, paper: `${spec.name}: signed Form 1` },
      );
      if (clerk === adminManager)
        await send(adminManager, `forwarding the Form 1 for ${key}`, documents.forward, {
          id: submitFacilityRegistration.id,
        });
      const { approveApplication } = await send<{ approveApplication: { application: { facility: { id: string } } } }>(
        admin,
        `approving the Form 1 for ${key}`,
        documents.approve,
        { id: submitFacilityRegistration.id },
      );
      return { key, id: approveApplication.application.facility.id, name: spec.name, kind: spec.kind };
    }),
  );
  facilities.push(...registered);

  options.progress('enrolling the facility managers and a hospital manager');
  await enrolAll(
    ...demoFacilities.map(({ key }): Parameters<typeof enrolAll>[number] => [
      staff[key].manager,
      'FACILITY_MANAGER',
      key,
      { submitter: admin, onPaper: true, approver: admin, certificateIssuer: adminManager },
    ]),
    // Only the system administrator may grant the manager roles.
    [
      hospitalManagerSpec,
      'HOSPITAL_MANAGER',
      'hospital',
      { submitter: admin, onPaper: true, approver: admin, certificateIssuer: admin },
    ],
  );

  options.progress(
    "enrolling each facility's user (Forms 4 filed by the facility managers, decided by the admin manager)",
  );
  await enrolAll(
    ...demoFacilities.map(({ key }): Parameters<typeof enrolAll>[number] => [
      staff[key].user,
      'USER',
      key,
      {
        submitter: person(staff[key].manager.key),
        onPaper: false,
        approver: adminManager,
        certificateIssuer: adminManager,
      },
    ]),
  );

  const rooms: SeededNetwork['rooms'] = [];
  const pendingRoomApplications: SeededNetwork['pendingRoomApplications'] = [];
  const seedSubject = async (subject: SubjectSpec) => {
    options.progress(`registering ${subject.room.title}: subject, consent (Forms 6 and 7), Form 8`);
    const user = person(subject.registeredBy);
    const { registerSubject } = await send<{ registerSubject: { id: string } }>(
      user,
      'registering a subject',
      documents.registerSubject,
      {
        input: {
          name: subject.name,
          nameKana: subject.nameKana,
          birthDate: subject.birthDate,
          sex: subject.sex,
          category: subject.category,
        },
      },
    );
    const subjectId = registerSubject.id;
    // Consent and rooms hear of the subject, and that this user's facility registered it, through the outbox.
    await send(
      user,
      'recording consent',
      documents.recordConsent,
      {
        input: {
          subjectId,
          explanation: { explainedOn: day(-14) },
          signature: { ...subject.signature, signedOn: day(-14) },
          purposes: subject.purposes,
          scanReference: `demo/form7/${subject.nameKana}`,
        },
      },
      notYetKnown,
    );
    const memberIds = subject.room.members.map((key) => person(key).userId);
    const { submitRoomOpening } = await send<{ submitRoomOpening: { id: string } }>(
      user,
      'Form 8',
      documents.submitRoomOpening,
      { s: subjectId, t: subject.room.title, m: memberIds },
      notYetKnown,
    );
    const facilityManager = person(staff[user.facilityKey as keyof typeof staff].manager.key);
    if (!subject.room.approvedBy) {
      pendingRoomApplications.push({
        id: submitRoomOpening.id,
        title: subject.room.title,
        waitsFor: `${facilityManager.name} (${facilityManager.accountId}) to confirm, then a hospital, admin or system manager`,
      });
      return;
    }
    await send(
      facilityManager,
      'confirming the Form 8',
      documents.confirmRoomApplication,
      { id: submitRoomOpening.id },
      notYetKnown,
    );
    // Rooms opens only once it has heard of the consent (CONFLICT until then).
    const { approveRoomApplication } = await send<{ approveRoomApplication: { room: { id: string } } }>(
      person(subject.room.approvedBy),
      'approving the Form 8',
      documents.approveRoomApplication,
      { id: submitRoomOpening.id },
      notYetKnown,
    );
    const roomId = approveRoomApplication.room.id;
    for (const post of subject.room.posts) {
      await send(person(post.by), `a ${post.category} post`, documents.createPost, {
        r: roomId,
        c: post.category,
        b: post.body,
      });
    }
    const meeting = subject.room.meeting;
    if (meeting) {
      const at = daysFromNow(meeting.inDays);
      at.setUTCHours(5, 0, 0, 0); // 14:00 in Takaoka
      await send(person(meeting.by), 'scheduling a meeting', documents.scheduleMeeting, {
        r: roomId,
        at: at.toISOString(),
        a: meeting.agenda,
      });
    }
    rooms.push({ id: roomId, title: subject.room.title, subject: subject.name, members: subject.room.members });
  };
  // The last room opens after the others, so the walkthrough (which reads the newest) shows it.
  await Promise.all(demoSubjects.slice(0, -1).map(seedSubject));
  await seedSubject(demoSubjects[demoSubjects.length - 1] as SubjectSpec);

  options.progress('registering a partner network (Art. 20-2, 20-3)');
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const { registerPartner } = await send<{ registerPartner: { id: string } }>(
    admin,
    'registering the partner',
    documents.registerPartner,
    {
      input: {
        ...demoPartner,
        jwks: JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), alg: 'EdDSA', use: 'sig' }] }),
      },
    },
  );
  return {
    people,
    facilities,
    rooms,
    pendingRoomApplications,
    partner: {
      id: registerPartner.id,
      name: demoPartner.name,
      privateJwk: { ...(await exportJWK(privateKey)), alg: 'EdDSA' },
    },
  };
}
