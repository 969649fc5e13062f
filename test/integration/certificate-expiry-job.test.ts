// The certificate expiry job (issue 15) against real PostgreSQL: which
// certificates it warns about (terminals, the CA, a watched server
// certificate), who hears of each (the facility managers of a terminal's
// facility and every active system administrator, nobody else), and that a
// daily run warns once per certificate and threshold.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Job } from 'bullmq';
import { certificateExpiry, certificateExpiryOf } from '../../adapters/jobs/certificate-expiry';
import type { JobDependencies } from '../../adapters/job-definition';
import { loadConfig } from '../../lib/config';
import { openCertificateAuthority } from '../../lib/pki/certificate-authority';
import { silentLogger } from '../support/silent-logger';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import type { Role, UserStatus } from '../../generated/prisma/client';

const day = 24 * 60 * 60 * 1000;

describe('certificate-expiry job', () => {
  let db: TestDatabase;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'renkei-cert-expiry-'));
  let now = new Date();

  const facility = async () => {
    const id = randomUUID();
    await db.prisma.facility.create({
      data: { id, name: `施設 ${id.slice(0, 4)}`, kind: 'MEDICAL_INSTITUTION', insideCity: true },
    });
    return id;
  };
  const user = async (facilityId: string, role: Role, status: UserStatus = 'ACTIVE') => {
    const id = randomUUID();
    await db.prisma.user.create({
      data: {
        id,
        accountId: `ce${id.slice(0, 8)}`,
        name: '試験',
        nameKana: 'シケン',
        facilityId,
        role,
        status,
        passwordHash: 'x',
        passwordChangedAt: now,
        pledgedAt: now,
        pledgeVersion: '2024-08-01',
        issuedBy: id,
      },
    });
    return id;
  };
  const certificate = async (facilityId: string, daysLeft: number, revoked = false) => {
    const id = randomUUID();
    await db.prisma.clientCertificate.create({
      data: {
        id,
        fingerprint: randomUUID().replace(/-/g, '').repeat(2),
        serialNumber: randomUUID().replace(/-/g, ''),
        facilityId,
        label: 'reception',
        notAfter: new Date(now.getTime() + daysLeft * day),
        issuedBy: randomUUID(),
        revokedAt: revoked ? now : null,
      },
    });
    return id;
  };
  const notices = () =>
    db.prisma.certificateExpiryNotice.findMany({
      include: { recipients: true },
      orderBy: [{ kind: 'asc' }, { thresholdDays: 'desc' }, { notAfter: 'asc' }],
    });
  const run = (settings: JobDependencies['certificateExpiry']) =>
    certificateExpiry.process(
      {},
      { id: 'test' } as Job,
      {
        db: db.prisma,
        identity: { db: db.prisma, now: () => now },
        certificateExpiry: settings,
        logger: silentLogger,
        workerName: 'test',
      } as unknown as JobDependencies,
    );

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('warns the facility managers of the holder and every system administrator, once per certificate and threshold', async () => {
    const a = await facility();
    const b = await facility();
    const city = await facility();
    // The test database's first system administrator (bootstrap) is one of them.
    const bootstrapped = await db.prisma.user.findMany({ where: { role: 'SYSTEM_ADMIN', status: 'ACTIVE' } });
    const admins = [...bootstrapped.map((u) => u.id), await user(city, 'SYSTEM_ADMIN'), await user(a, 'SYSTEM_ADMIN')];
    await user(city, 'SYSTEM_ADMIN', 'RETIRED');
    const managerA = await user(a, 'FACILITY_MANAGER');
    const managerB = await user(b, 'FACILITY_MANAGER');
    await user(a, 'USER');
    await user(a, 'HOSPITAL_MANAGER');
    await user(city, 'ADMIN_MANAGER');

    // A CA made 3630 days ago expires in 20 days (it is valid 3650); a server certificate issued from it now ends with it.
    const caDir = path.join(dir, 'ca');
    const ca = await openCertificateAuthority(caDir, { now: () => new Date(now.getTime() - 3630 * day) });
    const serverFile = path.join(dir, 'server.crt');
    expect(ca.caCertificatePem).toContain('BEGIN CERTIFICATE');
    const issuer = await openCertificateAuthority(caDir, { now: () => now });
    fs.writeFileSync(serverFile, issuer.issueServerCertificate(['localhost']).certificatePem);
    const settings = certificateExpiryOf({
      caDir,
      certificateExpiry: { ...loadConfig({}).certificateExpiry, files: [serverFile] },
    });
    expect(settings.warningDays).toEqual([30, 7]);

    const soonA = await certificate(a, 20);
    const verySoonB = await certificate(b, 5);
    await certificate(a, 10, true); // revoked: nothing to renew
    await certificate(a, 45); // not yet
    await certificate(b, -1); // expired already

    await run(settings);
    const first = await notices();
    expect(first.map((n) => [n.kind, n.thresholdDays, n.certificateId])).toEqual([
      ['TERMINAL', 30, soonA],
      // First seen 5 days ahead: warned once, at 7 days, not at 30 and 7 at once.
      ['TERMINAL', 7, verySoonB],
      ['CA', 30, null],
      ['SERVER', 30, null],
    ]);
    const to = (i: number) => first[i]!.recipients.map((r) => r.userId).sort();
    expect(to(0)).toEqual([...admins, managerA].sort());
    expect(to(1)).toEqual([...admins, managerB].sort());
    expect(to(2)).toEqual([...admins].sort());
    expect(to(3)).toEqual([...admins].sort());

    // The next day's run (and a second worker's) writes nothing new.
    now = new Date(now.getTime() + day);
    await Promise.all([run(settings), run(settings)]);
    expect((await notices()).length).toBe(4);

    // 14 days on, the first terminal is within 7 days: one more notice, for the same people.
    now = new Date(now.getTime() + 13 * day);
    await run(settings);
    const later = await notices();
    const seven = later.filter((n) => n.certificateId === soonA && n.thresholdDays === 7);
    expect(seven).toHaveLength(1);
    expect(seven[0]!.recipients.map((r) => r.userId).sort()).toEqual([...admins, managerA].sort());
    // The CA and server certificates (6 days left now) reach their 7-day threshold too.
    expect(later.filter((n) => n.kind !== 'TERMINAL').map((n) => [n.kind, n.thresholdDays])).toEqual([
      ['CA', 30],
      ['CA', 7],
      ['SERVER', 30],
      ['SERVER', 7],
    ]);
  });

  it('goes on with the terminals when a watched file cannot be read', async () => {
    await expect(
      run({ warningDays: [30], files: [{ kind: 'SERVER', file: path.join(dir, 'missing.crt') }] }),
    ).resolves.toBeUndefined();
  });
});
