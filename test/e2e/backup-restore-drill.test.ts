// The backup drill (issue 14): an installation is seeded through the graph
// (facilities, users, a subject with consent, a room with a post and reads on
// its access chain, a terminal certificate, a partner system and its share
// code), its chains are signed, and `npm run backup` writes an archive. Then
// the installation is destroyed (database dropped, data directory deleted)
// and `npm run restore` brings the archive back into a new, empty database
// and directory: the counts are equal, the chains verify against the
// checkpoints, a user signs in with the certificate issued before the
// disaster (the CA and the certificate rows came back), and the partner's
// Task is still answered (its registration and our exchange keys came back).
// Refused restores (a damaged archive, a foreign one, a non-empty target)
// change nothing. The scripts run as real processes, as an operator runs them.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { checkpointTrails } from '../../lib/audit/checkpoint-runs';
import { createBackupKey } from '../../lib/backup/backup-key';
import { tableCounts } from '../../lib/backup/database-facts';
import { openExchangeKey } from '../../lib/exchange/exchange-key';
import { actorPassword, actorWithRole, type Actor } from '../support/actors';
import { caTemplateDir } from '../support/environment';
import { graphql } from '../support/graphql-client';
import { httpsRequest } from '../support/https-request';
import { createEmptyDatabase, startInstallation } from '../support/installation';
import {
  issueShareCodeAs,
  joinTaskFrom,
  openRoomAs,
  partnerJwt,
  registerSimulatedPartner,
  type SimulatedPartner,
} from '../support/simulated-partner';
import { minimalEnv, runToExit, type ExitResult } from '../support/spawn-service';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import type { TestSystem } from '../support/test-system';
import { tlsGraphql } from '../support/tls-graphql-client';

async function countsOf(url: string): Promise<Record<string, number>> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await tableCounts(client);
  } finally {
    await client.end();
  }
}

/** Every file under dir, with its bytes' length and mode ("nothing changed" compares these). */
function filesUnder(dir: string): Record<string, string> {
  if (!fs.existsSync(dir)) return {};
  const out: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    const stat = fs.statSync(file);
    out[path.relative(dir, file)] = `${stat.size} ${(stat.mode & 0o777).toString(8)}`;
  }
  return out;
}

describe('backup, destroy, restore: the drill', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'renkei-drill-'));
  const sourceDir = path.join(root, 'source');
  const restoredDir = path.join(root, 'restored');
  // Off the machine in real life: the archives and the offline copy of the backup key.
  const offsite = path.join(root, 'offsite');
  const backupKeyFile = path.join(root, 'offline', 'backup.key');
  let source: TestSystem | undefined;
  let restored: TestSystem | undefined;
  let sourceDb: TestDatabase | undefined;
  let target: TestDatabase | undefined;
  let hm: Actor;
  let partner: SimulatedPartner;
  let shareCode: string;
  let certificate: { pfx: Buffer; passphrase: string };
  let before: Record<string, number>;
  let sourceJwks: unknown;
  let archive: string;

  const env = (dataDir: string, databaseUrl: string, keyFile = backupKeyFile) =>
    minimalEnv({ DATABASE_URL: databaseUrl, DATA_DIR: dataDir, BACKUP_DIR: offsite, BACKUP_KEY_FILE: keyFile });
  const restore = (
    databaseUrl: string,
    file = archive,
    keyFile = backupKeyFile,
    dataDir = restoredDir,
  ): Promise<ExitResult> => runToExit('scripts/restore.ts', env(dataDir, databaseUrl, keyFile), 120_000, [file]);

  beforeAll(async () => {
    fs.mkdirSync(path.join(sourceDir, 'ca'), { recursive: true, mode: 0o700 });
    // The template database's bootstrap administrator was issued by the run's CA template.
    fs.cpSync(caTemplateDir, path.join(sourceDir, 'ca'), { recursive: true });
    createBackupKey(backupKeyFile);
    sourceDb = await createTestDatabase();
    source = await startInstallation({ db: sourceDb, dataDir: sourceDir, mode: 'off' });
    const t = source;
    const sa = await actorWithRole(t, 'SYSTEM_ADMIN');
    hm = await actorWithRole(t, 'HOSPITAL_MANAGER');
    partner = await registerSimulatedPartner(t, sa, '氷見市多職種ネット', 'himi.example');
    const nurse = await actorWithRole(t, 'USER');
    const roomId = await openRoomAs(t, hm);
    const added = await graphql(
      t.graphqlUrl,
      `
        mutation ($r: ID!, $u: ID!) {
          addRoomMember(roomId: $r, userId: $u) {
            id
          }
        }
      `,
      { r: roomId, u: nurse.userId },
      hm.headers,
    );
    expect(added.errors).toBeUndefined();
    const posted = await graphql(
      t.graphqlUrl,
      `
        mutation ($r: ID!) {
          createPost(roomId: $r, category: BASIC, body: "退院前カンファレンスの記録") {
            id
          }
        }
      `,
      { r: roomId },
      nurse.headers,
    );
    expect(posted.errors).toBeUndefined();
    const read = await graphql(
      t.graphqlUrl,
      `
        query ($r: ID!) {
          room(id: $r) {
            timeline {
              items {
                id
              }
            }
          }
        }
      `,
      {
        r: roomId,
      },
      nurse.headers,
    );
    expect(read.data?.room.timeline.items).toHaveLength(1);
    shareCode = (await issueShareCodeAs(t, hm, roomId, partner)).code;
    const issued = await graphql(
      t.graphqlUrl,
      `
        mutation ($f: ID!) {
          issueClientCertificate(facilityId: $f, label: "ナースステーション端末") {
            pkcs12Base64
            passphrase
          }
        }
      `,
      { f: hm.facilityId },
      sa.headers,
    );
    expect(issued.errors).toBeUndefined();
    certificate = {
      pfx: Buffer.from(issued.data?.issueClientCertificate.pkcs12Base64 as string, 'base64'),
      passphrase: issued.data?.issueClientCertificate.passphrase as string,
    };
    // What the worker does every AUDIT_CHECKPOINT_MINUTES: sign both chains' heads.
    const signed = await checkpointTrails(
      t.db.prisma,
      {
        keyFile: path.join(sourceDir, 'keys', 'audit-checkpoint.key'),
        checkpointDir: path.join(sourceDir, 'audit-checkpoints'),
      },
      new Date(),
    );
    expect(signed.map((s) => s.ok)).toEqual([true, true, true]);
    const jwks = await fetch(`${t.system.exchange.fhirBaseUrl}/.well-known/jwks.json`);
    sourceJwks = await jwks.json();
  });

  afterAll(async () => {
    await restored?.stop();
    await source?.stop();
    await sourceDb?.drop();
    await target?.drop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('backs up the running installation into one archive, with its checksum beside it', async () => {
    before = await countsOf(sourceDb!.url);
    expect(before['rooms.post']).toBe(1);
    expect(before['rooms.access_record']).toBeGreaterThan(0);
    const run = await runToExit('scripts/backup.ts', env(sourceDir, sourceDb!.url), 120_000);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const archives = fs.readdirSync(offsite).filter((f) => f.endsWith('.rnkb'));
    expect(archives).toHaveLength(1);
    archive = path.join(offsite, archives[0]!);
    expect(run.stdout).toContain(`Backup written: ${archive}`);
    expect(run.stdout).toContain('files/ca/ca.key');
    expect(run.stdout).toContain('files/ca/exchange-ed25519.key');
    expect(run.stdout).toContain('files/audit-checkpoints/rooms.checkpoints.jsonl');
    expect(run.stdout).not.toContain('backup.key');
    const [digest] = fs.readFileSync(`${archive}.sha256`, 'utf8').split(' ');
    expect(run.stdout).toContain(digest);
    // An operator checks the off-site copy opens with the key, without restoring it.
    const check = await runToExit('scripts/restore.ts', env(restoredDir, sourceDb!.url), 60_000, ['--check', archive]);
    expect(check.code).toBe(0);
    expect(check.stdout).toMatch(
      /^Archive intact: made .* \d+ tables, \d+ rows, .*files\/ca\/ca\.key.*Nothing was written\.$/m,
    );
    expect(filesUnder(restoredDir)).toEqual({});
    // Nothing of the contents is readable in the archive.
    expect(fs.readFileSync(archive).includes(Buffer.from('BEGIN PRIVATE KEY'))).toBe(false);
  });

  it('the disaster: the database is dropped and the data directory deleted', async () => {
    await source!.stop();
    source = undefined;
    await sourceDb!.drop();
    sourceDb = undefined;
    fs.rmSync(sourceDir, { recursive: true, force: true });
    target = await createEmptyDatabase();
    expect(await countsOf(target.url)).toEqual({});
  });

  it('refuses a damaged archive, writing nothing', async () => {
    const damaged = path.join(root, 'damaged.rnkb');
    const bytes = fs.readFileSync(archive);
    bytes[Math.floor(bytes.length / 2)]! ^= 0x10;
    fs.writeFileSync(damaged, bytes);
    const check = await runToExit('scripts/restore.ts', env(restoredDir, target!.url), 60_000, ['--check', damaged]);
    expect(check.code).toBe(1);
    expect(check.stderr).toContain('restore refused [DAMAGED_ARCHIVE]');
    const run = await restore(target!.url, damaged);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('restore refused [DAMAGED_ARCHIVE]');
    expect(run.stderr).toContain('Nothing was restored.');
    expect(await countsOf(target!.url)).toEqual({});
    expect(filesUnder(restoredDir)).toEqual({});
  });

  it("refuses another installation's archive (another backup key), writing nothing", async () => {
    const foreignKey = path.join(root, 'other-installation', 'backup.key');
    const theirs = createBackupKey(foreignKey);
    const run = await restore(target!.url, archive, foreignKey);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('restore refused [FOREIGN_ARCHIVE]');
    expect(run.stderr).toContain(`this installation's key is ${theirs.keyId}`);
    expect(await countsOf(target!.url)).toEqual({});
    expect(filesUnder(restoredDir)).toEqual({});
  });

  it('restores into the empty database and directory: counts equal, chains verify, keys 0600', async () => {
    const run = await restore(target!.url);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('every count as in the archive');
    // The jobs that were in the lost Redis and not done run again (test/integration/event-definitions.test.ts).
    expect(run.stdout).toMatch(
      /jobs: \d+ events? whose jobs had not finished will be relayed again when the worker starts/,
    );
    expect(run.stdout).toContain(
      `rooms: intact, ${before['rooms.access_record']} records, agrees with 1 signed checkpoint`,
    );
    expect(run.stdout).toContain(
      `consent: intact, ${before['consent.access_record']} records, agrees with 1 signed checkpoint`,
    );
    expect(await countsOf(target!.url)).toEqual(before);
    const files = filesUnder(restoredDir);
    for (const key of ['ca/ca.key', 'ca/exchange-ed25519.key', 'ca/partner-keys.kek', 'keys/internal-token.key'])
      expect(files[key]).toMatch(/ 600$/);
    expect(Object.keys(files)).toEqual(
      expect.arrayContaining([
        'ca/ca.crt',
        'keys/audit-checkpoint.key.pub',
        'audit-checkpoints/rooms.checkpoints.jsonl',
      ]),
    );
  });

  it('refuses to restore over a database or directory that is no longer empty, changing nothing', async () => {
    const counts = await countsOf(target!.url);
    const files = filesUnder(restoredDir);
    const run = await restore(target!.url);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('restore refused [TARGET_NOT_EMPTY]: the data directory is not empty');
    // An empty directory does not make the database empty.
    const elsewhere = path.join(root, 'elsewhere');
    const again = await restore(target!.url, archive, backupKeyFile, elsewhere);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('restore refused [TARGET_NOT_EMPTY]: the target database is not empty');
    expect(await countsOf(target!.url)).toEqual(counts);
    expect(filesUnder(restoredDir)).toEqual(files);
    expect(filesUnder(elsewhere)).toEqual({});
  });

  it("a system booted on the restored data: the certificate issued before the disaster signs in, the partner's Task is answered", async () => {
    restored = await startInstallation({ db: target!, dataDir: restoredDir, mode: 'tls' });
    const caPem = fs.readFileSync(path.join(restoredDir, 'ca', 'ca.crt'), 'utf8');
    const signedIn = await tlsGraphql(
      restored.graphqlUrl,
      `mutation($a: String!, $p: String!) { signIn(accountId: $a, password: $p) { token } }`,
      { a: hm.accountId, p: actorPassword },
      { ca: caPem, ...certificate },
    );
    expect(signedIn.errors).toBeUndefined();
    const me = await tlsGraphql(
      restored.graphqlUrl,
      `{ me { user { id accountId } } }`,
      {},
      {
        ca: caPem,
        ...certificate,
        token: signedIn.data?.signIn.token as string,
      },
    );
    expect(me.data?.me.user).toEqual({ id: hm.userId, accountId: hm.accountId });

    // Our exchange identity is the one partners registered: the same keys.
    expect((await openExchangeKey(path.join(restoredDir, 'ca'))).publicJwk).toEqual(
      (sourceJwks as { keys: unknown[] }).keys[0],
    );
    const base = restored.system.exchange.fhirBaseUrl;
    const jwks = await httpsRequest(`${base}/.well-known/jwks.json`, {
      method: 'GET',
      headers: {},
      tls: { ca: caPem },
    });
    expect(JSON.parse(jwks.body.toString('utf8'))).toEqual(sourceJwks);

    const task = joinTaskFrom(partner, shareCode);
    const answered = await httpsRequest(`${base}/Task`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await partnerJwt(partner, base)}`,
        'content-type': 'application/fhir+json',
      },
      tls: { ca: caPem },
      body: JSON.stringify(task),
    });
    expect(answered.status).toBe(201);
    expect(JSON.parse(answered.body.toString('utf8'))).toMatchObject({ resourceType: 'Task', status: 'received' });
  });
});
