// The identity acceptance test, end to end over HTTPS with terminal (client)
// certificates, as in production (appendix 2: a city-issued certificate on
// every terminal, plus account ID and password). Everything goes through the
// gateway's GraphQL API; the database is only read, to confirm why a sign-in
// was refused (every refusal answers the same message) and that sessions end.
//
// The story, in order (each `it` builds on the ones before):
//   the bootstrap system admin signs in and changes its one-time password;
//   records paper Forms 1 and 4: facility A, A's facility manager, an admin manager;
//   issues terminal certificates;
//   A's facility manager submits Form 1 for facility B electronically,
//   the admin manager forwards it, the system admin approves it;
//   A's facility manager submits Form 4 for a user of A, the admin manager
//   approves it (the system admin gets a copy);
//   the user's first sign-in forces a password change;
//   the same password is then refused with another facility's certificate,
//   another CA's certificate, no certificate, or a revoked certificate, and a
//   session works only from the certificate it was created with.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openCertificateAuthority } from '../../lib/pki/certificate-authority';
import type { GraphQLResponse } from '../support/graphql-client';
import { startTestSystem, type TestSystem } from '../support/test-system';
import { terminalIdentity, tlsGraphql, type TerminalIdentity } from '../support/tls-graphql-client';

const ops = {
  signIn: `mutation($accountId: String!, $password: String!) { signIn(accountId: $accountId, password: $password) { token expiresAt mustChangePassword } }`,
  changePassword: `mutation($current: String!, $next: String!) { changePassword(currentPassword: $current, newPassword: $next) }`,
  signOut: `mutation { signOut }`,
  me: `{ me { mustChangePassword user { id accountId role facility { id } } } }`,
  facilities: `{ facilities(first: 100) { items { id name } } }`,
  submitForm1: `mutation($input: FacilityInput!, $onPaperFor: String) {
    submitFacilityRegistration(input: $input, onPaperFor: $onPaperFor) { id form status onPaperFor facility { id } submittedBy { id } } }`,
  submitForm4: `mutation($facilityId: ID!, $input: UserRegistrationInput!, $onPaperFor: String) {
    submitUserRegistration(facilityId: $facilityId, input: $input, onPaperFor: $onPaperFor) { id form status onPaperFor facility { id } } }`,
  forward: `mutation($id: ID!) { forwardApplication(id: $id) { id status steps { action actorRole } } }`,
  approve: `mutation($id: ID!) { approveApplication(id: $id) {
    application { id form status copyToSystemAdmin facility { id name } steps { action actorRole actor { id } } }
    issuedAccount { accountId initialPassword user { id role facility { id } } } } }`,
  applications: `query($status: ApplicationStatus) { applications(status: $status, first: 100) { items { id form status copyToSystemAdmin steps { action actorRole } } } }`,
  issueCertificate: `mutation($facilityId: ID!, $label: String!) {
    issueClientCertificate(facilityId: $facilityId, label: $label) { certificate { id fingerprint facility { id } revokedAt } pkcs12Base64 passphrase instructions } }`,
  revokeCertificate: `mutation($id: ID!, $reason: String!) { revokeClientCertificate(id: $id, reason: $reason) { id revokedAt } }`,
};

const pledge = { agreed: true, pledgedOn: '2025-04-01', textVersion: '2024-08-01' };
const facilityA = {
  name: '高岡みなみ訪問看護ステーション',
  kind: 'CARE_INSURANCE_SERVICE',
  insideCity: true,
  address: '富山県高岡市南町1-1',
};
const facilityB = { name: '伏木さくら薬局', kind: 'PHARMACY', insideCity: true, address: '富山県高岡市伏木湊町2-2' };

/** A terminal's certificate as issued through the API. */
interface Terminal extends TerminalIdentity {
  id: string;
  fingerprint: string;
}

/** A signed-in user: the token only works from the terminal it was created on. */
interface Session {
  terminal: TerminalIdentity;
  token: string;
}

type Response = GraphQLResponse<Record<string, any>>;

/** The data of a response that must have succeeded. */
function ok(response: Response): Record<string, any> {
  expect(response.errors).toBeUndefined();
  expect(response.status).toBe(200);
  return response.data!;
}

function expectError(response: Response, extensions: Record<string, unknown>): void {
  expect(response.errors?.[0]?.extensions).toMatchObject(extensions);
}

/** Refused by the gateway before any GraphQL runs: no certificate of this network, or a session that cannot be used. */
function expectGatewayRefusal(response: Response): void {
  expect(response.status).toBe(401);
  expect(response.data).toBeUndefined();
  expect(response.errors).toHaveLength(1);
  expectError(response, { code: 'UNAUTHENTICATED' });
}

describe('identity over HTTPS with terminal certificates: Forms 1 and 4, first sign-in, certificate checks', () => {
  let t: TestSystem;
  let foreignCaDir: string;

  // The cast, built step by step through the API.
  let bootstrapTerminal: TerminalIdentity;
  let admin: Session; // the bootstrap SYSTEM_ADMIN
  let cityOfficeId: string; // the system admin's facility (長寿福祉課)
  let facilityAId: string;
  let facilityBId: string;
  let terminalA1: Terminal;
  let terminalA2: Terminal;
  let cityTerminal: Terminal; // the admin manager's terminal at the city office
  let managerAccount: { accountId: string; initialPassword: string }; // A's FACILITY_MANAGER
  let adminManagerAccount: { accountId: string; initialPassword: string };
  let manager: Session;
  let adminManager: Session;
  let staff: { accountId: string; userId: string; initialPassword: string }; // the new USER of A
  const staffPassword = 'river-lantern-Oyabe-7291';
  let refusalMessage: string;

  beforeAll(async () => {
    t = await startTestSystem({ mode: 'tls' });
    foreignCaDir = fs.mkdtempSync(path.join(os.tmpdir(), 'renkei-foreign-ca-'));
    bootstrapTerminal = terminalIdentity(t.bootstrap.pkcs12, t.bootstrap.passphrase);
  }, 120_000);
  afterAll(async () => {
    await t?.stop();
    if (foreignCaDir) fs.rmSync(foreignCaDir, { recursive: true, force: true });
  });

  // --- helpers over the HTTPS gateway -----------------------------------

  /** One request from a terminal (or from none: null), optionally with a session token. */
  const call = (
    terminal: TerminalIdentity | null,
    query: string,
    variables: Record<string, unknown> = {},
    token?: string,
  ) =>
    tlsGraphql(t.graphqlUrl, query, variables, {
      ca: t.ca.caCertificatePem,
      pfx: terminal?.pfx,
      passphrase: terminal?.passphrase,
      token,
    });
  const as = (session: Session, query: string, variables: Record<string, unknown> = {}) =>
    call(session.terminal, query, variables, session.token);
  const signIn = (terminal: TerminalIdentity | null, accountId: string, password: string) =>
    call(terminal, ops.signIn, { accountId, password });

  /** Until the password is changed, everything but changePassword, signOut and me is FORBIDDEN. */
  async function expectPasswordChangeRequired(session: Session): Promise<Response> {
    const blocked = await as(session, ops.facilities);
    expect(blocked.data ?? null).toBeNull();
    expectError(blocked, { code: 'FORBIDDEN' });
    expect(ok(await as(session, ops.me)).me.mustChangePassword).toBe(true);
    return blocked;
  }

  /** A first sign-in: the one-time password works only to change it; then everything else does. */
  async function firstSignIn(
    terminal: TerminalIdentity,
    accountId: string,
    initialPassword: string,
    newPassword: string,
  ): Promise<Session> {
    const signedIn = ok(await signIn(terminal, accountId, initialPassword)).signIn;
    expect(signedIn).toEqual({ token: expect.any(String), expiresAt: expect.any(String), mustChangePassword: true });
    const session = { terminal, token: signedIn.token as string };
    await expectPasswordChangeRequired(session);
    expect(
      ok(await as(session, ops.changePassword, { current: initialPassword, next: newPassword })).changePassword,
    ).toBe(true);
    expect(ok(await as(session, ops.me)).me.mustChangePassword).toBe(false);
    return session;
  }

  async function issueTerminal(facilityId: string, label: string): Promise<Terminal> {
    const issued = ok(await as(admin, ops.issueCertificate, { facilityId, label })).issueClientCertificate;
    expect(issued.certificate).toMatchObject({ facility: { id: facilityId }, revokedAt: null });
    expect(issued.instructions).toEqual(expect.any(String));
    return {
      ...terminalIdentity(issued.pkcs12Base64, issued.passphrase),
      id: issued.certificate.id,
      fingerprint: issued.certificate.fingerprint,
    };
  }

  /** Every refusal answers the same; the audit trail records the real cause. */
  async function lastRefusalReason(accountId: string): Promise<string | undefined> {
    const user = await t.db.prisma.user.findUniqueOrThrow({ where: { accountId } });
    const event = await t.db.prisma.auditEvent.findFirst({
      where: { action: 'session.signIn', outcome: 'FAILURE', actorId: user.id },
      orderBy: { id: 'desc' },
    });
    return (event?.details as { reason?: string } | undefined)?.reason;
  }

  async function expectSignInRefused(response: Response, accountId: string, reason: string): Promise<void> {
    expect(response.data ?? null).toBeNull();
    expect(response.errors).toHaveLength(1);
    expect(response.errors?.[0]).toMatchObject({ message: refusalMessage, extensions: { code: 'UNAUTHENTICATED' } });
    expect(await lastRefusalReason(accountId)).toBe(reason);
  }

  // --- the story ---------------------------------------------------------

  it('the bootstrap system admin signs in from its terminal and must change the one-time password first', async () => {
    const unknown = await signIn(bootstrapTerminal, 'tkzzzzzzzz', 'whatever-password-1');
    expect(unknown.data ?? null).toBeNull();
    expectError(unknown, { code: 'UNAUTHENTICATED' });
    refusalMessage = unknown.errors![0]!.message;

    admin = await firstSignIn(
      bootstrapTerminal,
      t.bootstrap.accountId,
      t.bootstrap.initialPassword,
      'kitchen-harbor-Amahara-5512',
    );
    const me = ok(await as(admin, ops.me)).me;
    expect(me.user).toMatchObject({ accountId: t.bootstrap.accountId, role: 'SYSTEM_ADMIN' });
    cityOfficeId = me.user.facility.id;
  });

  it('the system admin records a paper Form 1 for facility A and approves it', async () => {
    const submitted = ok(
      await as(admin, ops.submitForm1, { input: facilityA, onPaperFor: '南 さくら (代表者)' }),
    ).submitFacilityRegistration;
    expect(submitted).toMatchObject({ form: 1, status: 'SUBMITTED', onPaperFor: '南 さくら (代表者)', facility: null });

    const decided = ok(await as(admin, ops.approve, { id: submitted.id })).approveApplication;
    expect(decided.application).toMatchObject({
      status: 'APPLIED',
      copyToSystemAdmin: false,
      facility: { name: facilityA.name },
    });
    expect(decided.application.steps.map((s: { action: string }) => s.action)).toEqual(['submit', 'approve', 'apply']);
    expect(decided.issuedAccount).toBeNull();
    facilityAId = decided.application.facility.id;
    const listed = ok(await as(admin, ops.facilities)).facilities.items;
    expect(listed).toContainEqual({ id: facilityAId, name: facilityA.name });
  });

  it("the system admin records paper Forms 4 for A's facility manager and for an admin manager, and approves them", async () => {
    const approveForm4 = async (facilityId: string, input: Record<string, unknown>, onPaperFor: string) => {
      const submitted = ok(
        await as(admin, ops.submitForm4, { facilityId, input: { ...input, pledge }, onPaperFor }),
      ).submitUserRegistration;
      expect(submitted).toMatchObject({ form: 4, status: 'SUBMITTED', onPaperFor, facility: { id: facilityId } });
      const decided = ok(await as(admin, ops.approve, { id: submitted.id })).approveApplication;
      expect(decided.application).toMatchObject({ status: 'APPLIED', copyToSystemAdmin: false });
      expect(decided.issuedAccount).toMatchObject({
        accountId: expect.any(String),
        initialPassword: expect.any(String),
        user: { role: input.role, facility: { id: facilityId } },
      });
      return decided.issuedAccount as { accountId: string; initialPassword: string };
    };
    managerAccount = await approveForm4(
      facilityAId,
      { name: '南 さくら', nameKana: 'ミナミ サクラ', role: 'FACILITY_MANAGER' },
      '南 さくら',
    );
    adminManagerAccount = await approveForm4(
      cityOfficeId,
      { name: '戸出 京子', nameKana: 'トイデ キョウコ', role: 'ADMIN_MANAGER', orgUnitCode: 'shakai-fukushi' },
      '戸出 京子 (社会福祉課)',
    );
  });

  it('the system admin issues terminal certificates for facility A and for the admin manager', async () => {
    terminalA1 = await issueTerminal(facilityAId, 'A 端末01');
    terminalA2 = await issueTerminal(facilityAId, 'A 端末02');
    cityTerminal = await issueTerminal(cityOfficeId, '社会福祉課 端末01');
    expect(new Set([terminalA1.fingerprint, terminalA2.fingerprint, cityTerminal.fingerprint]).size).toBe(3);
  });

  it('the facility manager and the admin manager sign in for the first time and must change their passwords', async () => {
    manager = await firstSignIn(
      terminalA1,
      managerAccount.accountId,
      managerAccount.initialPassword,
      'maple-window-Himi-3318',
    );
    adminManager = await firstSignIn(
      cityTerminal,
      adminManagerAccount.accountId,
      adminManagerAccount.initialPassword,
      'copper-kettle-Toide-8843',
    );
    expect(ok(await as(manager, ops.me)).me.user).toMatchObject({
      role: 'FACILITY_MANAGER',
      facility: { id: facilityAId },
    });
    expect(ok(await as(adminManager, ops.me)).me.user).toMatchObject({
      role: 'ADMIN_MANAGER',
      facility: { id: cityOfficeId },
    });
  });

  it('Form 1 electronically: the facility manager submits facility B, the admin manager forwards, the system admin approves', async () => {
    const submitted = ok(await as(manager, ops.submitForm1, { input: facilityB })).submitFacilityRegistration;
    expect(submitted).toMatchObject({ form: 1, status: 'SUBMITTED', onPaperFor: null });

    const forwarded = ok(await as(adminManager, ops.forward, { id: submitted.id })).forwardApplication;
    expect(forwarded.status).toBe('FORWARDED');
    // Forms 1-3 are decided by the system admin alone (Art. 16): the admin manager only forwards.
    expectError(await as(adminManager, ops.approve, { id: submitted.id }), { code: 'FORBIDDEN' });

    const decided = ok(await as(admin, ops.approve, { id: submitted.id })).approveApplication;
    expect(decided.application).toMatchObject({
      status: 'APPLIED',
      copyToSystemAdmin: false,
      facility: { name: facilityB.name },
    });
    expect(
      decided.application.steps.map((s: { action: string; actorRole: string }) => [s.action, s.actorRole]),
    ).toEqual([
      ['submit', 'FACILITY_MANAGER'],
      ['forward', 'ADMIN_MANAGER'],
      ['approve', 'SYSTEM_ADMIN'],
      ['apply', 'SYSTEM_ADMIN'],
    ]);
    facilityBId = decided.application.facility.id;
    expect(facilityBId).not.toBe(facilityAId);
    expect(ok(await as(admin, ops.facilities)).facilities.items).toContainEqual({
      id: facilityBId,
      name: facilityB.name,
    });
  });

  it('Form 4 electronically: the facility manager registers a user of A, the admin manager approves, the system admin gets a copy', async () => {
    const submitted = ok(
      await as(manager, ops.submitForm4, {
        facilityId: facilityAId,
        input: { name: '福岡 花子', nameKana: 'フクオカ ハナコ', role: 'USER', pledge },
      }),
    ).submitUserRegistration;
    expect(submitted).toMatchObject({ form: 4, status: 'SUBMITTED', onPaperFor: null, facility: { id: facilityAId } });

    const decided = ok(await as(adminManager, ops.approve, { id: submitted.id })).approveApplication;
    expect(decided.application).toMatchObject({
      status: 'APPLIED',
      copyToSystemAdmin: true,
      facility: { id: facilityAId },
    });
    expect(
      decided.application.steps.map((s: { action: string; actorRole: string }) => [s.action, s.actorRole]),
    ).toEqual([
      ['submit', 'FACILITY_MANAGER'],
      ['approve', 'ADMIN_MANAGER'],
      ['apply', 'ADMIN_MANAGER'],
    ]);
    expect(decided.issuedAccount.user).toMatchObject({ role: 'USER', facility: { id: facilityAId } });
    staff = {
      accountId: decided.issuedAccount.accountId,
      userId: decided.issuedAccount.user.id,
      initialPassword: decided.issuedAccount.initialPassword,
    };

    // Art. 17-2: an admin manager's decision is reported to the system admin.
    const seen = ok(await as(admin, ops.applications, { status: 'APPLIED' })).applications.items;
    expect(seen).toContainEqual(expect.objectContaining({ id: submitted.id, form: 4, copyToSystemAdmin: true }));
  });

  let staffSession: Session; // the new user's first session, on terminal A1

  it("the new user's first sign-in from A's terminal allows nothing but a password change, and says so", async () => {
    const signedIn = ok(await signIn(terminalA1, staff.accountId, staff.initialPassword)).signIn;
    expect(signedIn.mustChangePassword).toBe(true);
    staffSession = { terminal: terminalA1, token: signedIn.token as string };
    const blocked = await expectPasswordChangeRequired(staffSession);
    // The client must be able to tell this refusal from any other FORBIDDEN.
    expectError(blocked, { code: 'FORBIDDEN', reason: 'PASSWORD_CHANGE_REQUIRED' });
  });

  it("the new user's password change refuses weak passwords, then unlocks the API", async () => {
    const session = staffSession;
    for (const weak of ['password123', `${staff.accountId}-Takaoka`]) {
      const refused = await as(session, ops.changePassword, { current: staff.initialPassword, next: weak });
      expectError(refused, { code: 'BAD_USER_INPUT', field: 'newPassword' });
    }
    expectError(await as(session, ops.changePassword, { current: 'not-the-password', next: staffPassword }), {
      code: 'BAD_USER_INPUT',
      field: 'currentPassword',
    });
    await expectPasswordChangeRequired(session);

    expect(
      ok(await as(session, ops.changePassword, { current: staff.initialPassword, next: staffPassword })).changePassword,
    ).toBe(true);
    expect(ok(await as(session, ops.facilities)).facilities.items).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: facilityAId })]),
    );
    expect(ok(await as(session, ops.me)).me).toMatchObject({
      mustChangePassword: false,
      user: { id: staff.userId, role: 'USER' },
    });
    expect(ok(await as(session, ops.signOut)).signOut).toBe(true);
    expectGatewayRefusal(await as(session, ops.me));
  });

  it("signs in with the new password from a terminal of the user's facility, and not with the old one", async () => {
    const again = ok(await signIn(terminalA1, staff.accountId, staffPassword)).signIn;
    expect(again.mustChangePassword).toBe(false);
    expect(ok(await call(terminalA1, ops.me, {}, again.token)).me.user.id).toBe(staff.userId);
    // Any terminal certificate of the same facility will do.
    expect(ok(await signIn(terminalA2, staff.accountId, staffPassword)).signIn.mustChangePassword).toBe(false);

    await expectSignInRefused(
      await signIn(terminalA1, staff.accountId, staff.initialPassword),
      staff.accountId,
      'wrong-password',
    );
  });

  it('binds a session to its certificate: the token is refused from another terminal, even of the same facility', async () => {
    const token = ok(await signIn(terminalA1, staff.accountId, staffPassword)).signIn.token as string;
    // Told what happened and what to do, not that the session ended (it did not: it still works from A1).
    for (const other of [terminalA2, cityTerminal]) {
      const refused = await call(other, ops.me, {}, token);
      expectGatewayRefusal(refused);
      expectError(refused, { reason: 'CERTIFICATE_MISMATCH' });
      expect(refused.errors?.[0]?.message).toMatch(/another terminal.*Sign in again from this terminal/);
    }
    const none = await call(null, ops.me, {}, token);
    expectGatewayRefusal(none);
    expect(none.errors?.[0]?.message).toMatch(/client certificate issued by this network is required/);
    expect(ok(await call(terminalA1, ops.me, {}, token)).me.user.id).toBe(staff.userId);
  });

  it('refuses the same password with a certificate of another facility', async () => {
    const terminalB = await issueTerminal(facilityBId, 'B 端末01');
    await expectSignInRefused(
      await signIn(terminalB, staff.accountId, staffPassword),
      staff.accountId,
      'other-facility-certificate',
    );
    // The system admin's own facility is another facility too.
    await expectSignInRefused(
      await signIn(bootstrapTerminal, staff.accountId, staffPassword),
      staff.accountId,
      'other-facility-certificate',
    );
  });

  it('refuses a certificate from another CA, and no certificate, at the gateway with 401', async () => {
    const foreignCa = await openCertificateAuthority(foreignCaDir);
    const foreign = foreignCa.issueClientCertificate({
      commonName: 'A 端末01',
      organization: 'Renkei network terminal',
      passphrase: 'foreign-passphrase',
    });
    const before = await t.db.prisma.auditEvent.count({ where: { action: 'session.signIn' } });

    expectGatewayRefusal(
      await signIn(terminalIdentity(foreign.pkcs12, 'foreign-passphrase'), staff.accountId, staffPassword),
    );
    expectGatewayRefusal(await signIn(null, staff.accountId, staffPassword));
    expectGatewayRefusal(await call(null, ops.facilities));
    // Refused before identity was asked: no sign-in was even attempted.
    expect(await t.db.prisma.auditEvent.count({ where: { action: 'session.signIn' } })).toBe(before);
  });

  it('refuses a revoked certificate: sign-in fails and sessions created with it end at once', async () => {
    const token = ok(await signIn(terminalA1, staff.accountId, staffPassword)).signIn.token as string;
    const live = { terminal: terminalA1, token };
    expect(ok(await as(live, ops.me)).me.user.id).toBe(staff.userId);

    const revoked = ok(
      await as(admin, ops.revokeCertificate, { id: terminalA1.id, reason: '端末の紛失' }),
    ).revokeClientCertificate;
    expect(revoked).toMatchObject({ id: terminalA1.id, revokedAt: expect.any(String) });

    const afterRevocation = await as(live, ops.me);
    expectGatewayRefusal(afterRevocation);
    expectError(afterRevocation, { reason: 'CERTIFICATE_NOT_VALID' });
    const sessions = await t.db.prisma.session.findMany({
      where: { userId: staff.userId, certificate: terminalA1.fingerprint },
    });
    expect(sessions.length).toBeGreaterThan(0);
    for (const session of sessions) expect(session.endedAt).not.toBeNull();
    expect(sessions.map((s) => s.endReason)).toContain('certificate-revoked');

    await expectSignInRefused(
      await signIn(terminalA1, staff.accountId, staffPassword),
      staff.accountId,
      'revoked-certificate',
    );
    // The facility manager's session on that terminal ended too.
    expectGatewayRefusal(await as(manager, ops.me));
    // The facility's other terminal still works.
    expect(ok(await signIn(terminalA2, staff.accountId, staffPassword)).signIn.mustChangePassword).toBe(false);
  });
});
