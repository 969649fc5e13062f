// Seeds the demo network through the graph, as the regulations route each
// step: the system administrator (the bootstrap's) records paper Forms 1
// and 4 and decides them, an admin manager forwards a Form 1 and decides the
// facility managers' Forms 4 (copied to the system administrator), each
// facility manager files its user's Form 4, users register subjects,
// explain (Form 6) and record consent (Form 7) and ask for rooms (Form 8),
// facility managers confirm and a hospital or admin manager approves, and
// members post. Every person signs in from a terminal with a certificate of
// its own facility and sets its own password. So the seeding is itself a
// walk through every flow: if one breaks, the demo says which step failed.
import { randomBytes } from 'node:crypto';
import { generateKeyPair, exportJWK } from 'jose';
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
import { notYetKnown, postGraphql, untilAccepted, type Terminal } from './terminal-client';

export interface DemoPerson extends PersonSpec {
  accountId: string;
  userId: string;
  role: string;
  facilityKey: FacilityKey;
  facilityName: string;
  password: string;
  terminal: Terminal;
  token: string;
}

export interface SeededNetwork {
  people: DemoPerson[];
  facilities: Array<{ key: FacilityKey; id: string; name: string; kind: string }>;
  rooms: Array<{ id: string; title: string; subject: string; members: string[] }>;
  pendingRoomApplications: Array<{ id: string; title: string; waitsFor: string }>;
  partner: { id: string; name: string; privateJwk: Record<string, unknown> };
}

const documents = {
  signIn: 'mutation ($a: String!, $p: String!) { signIn(accountId: $a, password: $p) { token mustChangePassword } }',
  changePassword: 'mutation ($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }',
  me: '{ me { user { id name facility { id name } } } }',
  form1:
    'mutation ($input: FacilityInput!, $paper: String) { submitFacilityRegistration(input: $input, onPaperFor: $paper) { id } }',
  form4:
    'mutation ($f: ID!, $input: UserRegistrationInput!, $paper: String) { submitUserRegistration(facilityId: $f, input: $input, onPaperFor: $paper) { id } }',
  forward: 'mutation ($id: ID!) { forwardApplication(id: $id) { id } }',
  approve:
    'mutation ($id: ID!) { approveApplication(id: $id) { application { facility { id } } issuedAccount { accountId initialPassword user { id } } } }',
  issueCertificate:
    'mutation ($f: ID!, $label: String!) { issueClientCertificate(facilityId: $f, label: $label) { pkcs12Base64 passphrase } }',
  registerSubject: 'mutation ($input: RegisterSubjectInput!) { registerSubject(input: $input) { id } }',
  recordConsent: 'mutation ($input: ConsentInput!) { recordConsent(input: $input) { state } }',
  submitRoomOpening:
    'mutation ($s: ID!, $t: String!, $m: [ID!]!) { submitRoomOpening(subjectId: $s, title: $t, memberIds: $m) { id } }',
  confirmRoomApplication: 'mutation ($id: ID!) { confirmRoomApplication(id: $id) { id } }',
  approveRoomApplication: 'mutation ($id: ID!) { approveRoomApplication(id: $id) { room { id } } }',
  createPost:
    'mutation ($r: ID!, $c: PostCategory!, $b: String!) { createPost(roomId: $r, category: $c, body: $b) { id } }',
  scheduleMeeting:
    'mutation ($r: ID!, $at: DateTime!, $a: String!) { scheduleMeeting(roomId: $r, scheduledAt: $at, agenda: $a) { id } }',
  registerPartner: 'mutation ($input: RegisterPartnerInput!) { registerPartner(input: $input) { id } }',
};

const pledgeText = '2024-08-01';

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
  const send = <T>(
    person: Pick<DemoPerson, 'terminal'> & { token?: string },
    what: string,
    query: string,
    variables: Record<string, unknown>,
    retryOn: readonly string[] = [],
  ) =>
    untilAccepted<T>(
      what,
      () => postGraphql<T>(options.graphqlUrl, options.caPem, person.terminal, person.token, query, variables),
      retryOn,
    );

  /** Signs in with the one-time password and sets the person's own (appendix 2: changed at first sign-in). */
  const firstSignIn = async (accountId: string, initialPassword: string, terminal: Terminal) => {
    const { signIn } = await send<{ signIn: { token: string } }>(
      { terminal },
      `sign-in of ${accountId}`,
      documents.signIn,
      {
        a: accountId,
        p: initialPassword,
      },
    );
    const password = `demo-${randomBytes(9).toString('base64url')}`;
    await send({ terminal, token: signIn.token }, `password change of ${accountId}`, documents.changePassword, {
      c: initialPassword,
      n: password,
    });
    return { token: signIn.token, password };
  };

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
  const facilityOf = (key: FacilityKey) => facilities.find((f) => f.key === key) as SeededNetwork['facilities'][number];
  const person = (key: string) => {
    const found = people.find((p) => p.key === key);
    if (!found) throw new Error(`the demo network names ${key}, who was not enrolled`);
    return found;
  };

  /** Form 4 (filed by `submitter`, on paper when it is a clerk's), its approval, a terminal certificate, a first sign-in. */
  const enrol = async (
    spec: PersonSpec & { orgUnitCode?: string },
    role: string,
    facilityKey: FacilityKey,
    route: { submitter: DemoPerson; onPaper: boolean; approver: DemoPerson; certificateIssuer: DemoPerson },
  ) => {
    const facility = facilityOf(facilityKey);
    const { submitUserRegistration } = await send<{ submitUserRegistration: { id: string } }>(
      route.submitter,
      `Form 4 for ${spec.key}`,
      documents.form4,
      {
        f: facility.id,
        input: {
          name: spec.name,
          nameKana: spec.nameKana,
          role,
          orgUnitCode: spec.orgUnitCode ?? null,
          pledge: { agreed: true, pledgedOn: day(-1), textVersion: pledgeText },
        },
        paper: route.onPaper ? `${facility.name}: signed Form 4 and pledge of ${spec.name}` : null,
      },
    );
    const { approveApplication } = await send<{
      approveApplication: { issuedAccount: { accountId: string; initialPassword: string; user: { id: string } } };
    }>(route.approver, `approving the Form 4 for ${spec.key}`, documents.approve, { id: submitUserRegistration.id });
    const account = approveApplication.issuedAccount;
    const { issueClientCertificate: issued } = await send<{
      issueClientCertificate: { pkcs12Base64: string; passphrase: string };
    }>(route.certificateIssuer, `certificate for ${spec.key}`, documents.issueCertificate, {
      f: facility.id,
      label: `demo terminal of ${account.accountId}`,
    });
    const terminal = { pfx: Buffer.from(issued.pkcs12Base64, 'base64'), passphrase: issued.passphrase };
    const session = await firstSignIn(account.accountId, account.initialPassword, terminal);
    const enrolled: DemoPerson = {
      ...spec,
      accountId: account.accountId,
      userId: account.user.id,
      role,
      facilityKey,
      facilityName: facility.name,
      terminal,
      ...session,
    };
    return enrolled;
  };
  /**
   * Enrols several people at once (independent requests, so the network's password hashing and
   * certificate signing overlap), listed in the order given.
   */
  const enrolAll = async (...enrolments: Array<Parameters<typeof enrol>>) => {
    const enrolled = await Promise.all(enrolments.map((args) => enrol(...args)));
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
      const { key, note: _note, ...input } = spec as typeof spec & { note?: string };
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
    ...demoFacilities.map(({ key }): Parameters<typeof enrol> => [
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
    ...demoFacilities.map(({ key }): Parameters<typeof enrol> => [
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
