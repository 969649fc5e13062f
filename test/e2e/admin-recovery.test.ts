// A lone system administrator who lost the terminal certificate (or the
// password) is not locked out: an operator on the server runs
// `npm run recover-admin -- --account <id>` (scripts/recover-admin.ts), which
// issues a new certificate and one-time password, ends the account's
// sessions and records who did it. Refusals change nothing.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { caTemplateDir } from '../support/environment';
import { minimalEnv, runToExit } from '../support/spawn-service';
import { terminalIdentity, tlsGraphql } from '../support/tls-graphql-client';
import { startTestSystem, type TestSystem } from '../support/test-system';

const signIn = `mutation($a: String!, $p: String!) { signIn(accountId: $a, password: $p) { token mustChangePassword } }`;

describe('recovering a system administrator', () => {
  let t: TestSystem;
  let dataDir: string;
  let caDir: string;

  beforeAll(async () => {
    t = await startTestSystem({ mode: 'tls' });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'renkei-recovery-'));
    // The CA the test system runs on (every test system copies the run's CA template).
    caDir = fs.mkdtempSync(path.join(os.tmpdir(), 'renkei-recovery-ca-'));
    fs.cpSync(caTemplateDir, caDir, { recursive: true });
  });
  afterAll(async () => {
    await t?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(caDir, { recursive: true, force: true });
  });

  const recover = (...args: string[]) =>
    runToExit(
      'scripts/recover-admin.ts',
      minimalEnv({ DATABASE_URL: t.db.url, CA_DIR: caDir, DATA_DIR: dataDir }),
      60_000,
      args,
    );
  const snapshot = async () => ({
    certificates: await t.db.prisma.clientCertificate.count(),
    audit: await t.db.prisma.auditEvent.count(),
    admin: await t.db.prisma.user.findUniqueOrThrow({ where: { accountId: t.bootstrap.accountId } }),
  });

  it('refuses an unknown account, an account that is not a system administrator and a bad command line, changing nothing', async () => {
    // A user of the administrator's own facility (written straight in: this system requires certificates to sign in).
    const admin = await t.db.prisma.user.findUniqueOrThrow({ where: { accountId: t.bootstrap.accountId } });
    const user = await t.db.prisma.user.create({
      data: {
        id: randomUUID(),
        accountId: 'tkus000001',
        name: 'USER 1',
        nameKana: 'テスト',
        facilityId: admin.facilityId,
        role: 'USER',
        passwordHash: admin.passwordHash,
        passwordChangedAt: new Date(),
        pledgedAt: admin.pledgedAt,
        pledgeVersion: admin.pledgeVersion,
        issuedBy: admin.id,
      },
    });
    const before = await snapshot();
    const unknown = await recover('--account', 'tknosuch00');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/cannot recover that account: no account "tknosuch00"/);
    const notAdmin = await recover('--account', user.accountId);
    expect(notAdmin.code).toBe(1);
    expect(notAdmin.stderr).toMatch(/is not a system administrator/);
    // Art. 23-3: a suspension is a decision someone made; recovery does not undo it.
    const suspended = await t.db.prisma.user.create({
      data: {
        id: randomUUID(),
        accountId: 'tksy000002',
        name: 'SYSTEM_ADMIN 2',
        nameKana: 'テスト',
        facilityId: admin.facilityId,
        role: 'SYSTEM_ADMIN',
        status: 'SUSPENDED',
        passwordHash: admin.passwordHash,
        passwordChangedAt: new Date(),
        pledgedAt: admin.pledgedAt,
        pledgeVersion: admin.pledgeVersion,
        issuedBy: admin.id,
      },
    });
    const refusedSuspended = await recover('--account', suspended.accountId);
    expect(refusedSuspended.code).toBe(1);
    expect(refusedSuspended.stderr).toMatch(/is suspended: a decision recovery does not undo/);
    for (const args of [[], ['--acount', 'x']]) {
      const bad = await recover(...args);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(/usage: npm run recover-admin -- --account/);
    }
    expect(await snapshot()).toEqual(before);
    expect(fs.readdirSync(dataDir)).toEqual([]);
  });

  it('issues a new certificate and one-time password, ends the sessions, and records the operator', async () => {
    const oldTerminal = terminalIdentity(t.bootstrap.pkcs12, t.bootstrap.passphrase);
    const old = await tlsGraphql(
      t.graphqlUrl,
      signIn,
      { a: t.bootstrap.accountId, p: t.bootstrap.initialPassword },
      {
        ca: t.ca.caCertificatePem,
        ...oldTerminal,
      },
    );
    const oldToken = old.data?.signIn.token as string;
    expect(oldToken).toEqual(expect.any(String));

    // Art. 23-2: a lone administrator's account is often found again disabled for inactivity; recovery brings it back.
    await t.db.prisma.user.update({
      where: { accountId: t.bootstrap.accountId },
      data: { status: 'DISABLED_INACTIVE' },
    });
    const result = await recover('--account', t.bootstrap.accountId);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`${t.bootstrap.accountId} recovered`));
    expect(result.stdout).toMatch(/move this folder to safe\s+offline storage/);
    const [folder] = fs.readdirSync(path.join(dataDir, 'recovery'));
    const dir = path.join(dataDir, 'recovery', folder!);
    expect(fs.statSync(path.join(dir, 'system-admin.p12')).mode & 0o777).toBe(0o600);
    const text = fs.readFileSync(path.join(dir, 'system-admin.txt'), 'utf8');
    const field = (label: string) => new RegExp(`^${label}:\\s+(\\S+)`, 'm').exec(text)?.[1] as string;
    expect(field('account ID')).toBe(t.bootstrap.accountId);
    // The instructions name the file that is there.
    expect(text).toMatch(/system-admin\.p12 をダブルクリック/);

    // The old session ended; the old one-time password no longer works; the new ones do.
    const me = await tlsGraphql(
      t.graphqlUrl,
      '{ me { user { id } } }',
      {},
      { ca: t.ca.caCertificatePem, ...oldTerminal, token: oldToken },
    );
    expect(me.status).toBe(401);
    const newTerminal = terminalIdentity(
      fs.readFileSync(path.join(dir, 'system-admin.p12')),
      field('certificate passphrase'),
    );
    const stale = await tlsGraphql(
      t.graphqlUrl,
      signIn,
      { a: t.bootstrap.accountId, p: t.bootstrap.initialPassword },
      {
        ca: t.ca.caCertificatePem,
        ...newTerminal,
      },
    );
    expect(stale.data?.signIn ?? null).toBeNull();
    const fresh = await tlsGraphql(
      t.graphqlUrl,
      signIn,
      { a: t.bootstrap.accountId, p: field('initial password') },
      {
        ca: t.ca.caCertificatePem,
        ...newTerminal,
      },
    );
    expect(fresh.data?.signIn).toEqual({ token: expect.any(String), mustChangePassword: true });

    const audit = await t.db.prisma.auditEvent.findFirstOrThrow({ where: { action: 'account.recover' } });
    expect(audit).toMatchObject({
      outcome: 'SUCCESS',
      targetType: 'User',
      details: {
        via: 'scripts/recover-admin',
        osUser: os.userInfo().username,
        host: os.hostname(),
        reinstatedFrom: 'DISABLED_INACTIVE',
      },
    });
    expect((await t.db.prisma.user.findUniqueOrThrow({ where: { accountId: t.bootstrap.accountId } })).status).toBe(
      'ACTIVE',
    );
    const certificate = await t.db.prisma.clientCertificate.findFirstOrThrow({
      where: { label: { startsWith: 'recovery ' } },
    });
    expect((audit.details as { certificateId: string }).certificateId).toBe(certificate.id);
  });
});
