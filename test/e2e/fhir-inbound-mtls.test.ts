// Partner authentication by mutual TLS (partner exchange contract v1): with
// the gateway serving HTTPS itself (CLIENT_CERT_MODE=tls), a partner presents
// a client certificate from its own CA; the TLS handshake proves it holds the
// key, and the fingerprint it registered says which partner it is. Our own
// terminals' certificates, unregistered certificates and suspended partners
// are refused (401), storing nothing.
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { buildJoinTask } from '../../adapters/fhir/join-task';
import { openCertificateAuthority, type IssuedClientCertificate } from '../../lib/pki/certificate-authority';
import { hashShareCode } from '../../subgraphs/rooms/exchange/services/share-code-service';
import { startTestSystem, type TestSystem } from '../support/test-system';

interface Answer {
  status: number;
  json: any;
}

describe('partner authentication by mutual TLS', () => {
  let t: TestSystem;
  let base: string;
  let partnerCert: IssuedClientCertificate;
  let strangerCert: IssuedClientCertificate;
  let partnerId: string;
  const code = 'mtls-share-code-0123456789abcdef';
  const caDir = fs.mkdtempSync(path.join(os.tmpdir(), 'renkei-partner-ca-'));

  function request(
    method: string,
    url: string,
    cert: Pick<IssuedClientCertificate, 'keyPem' | 'certificatePem'> | null,
    body?: unknown,
  ): Promise<Answer> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = https.request(
        url,
        {
          method,
          ca: t.ca.caCertificatePem,
          ...(cert ? { key: cert.keyPem, cert: cert.certificatePem } : {}),
          // One connection per request: a resumed TLS session would carry another request's certificate.
          agent: false,
          headers: payload
            ? { 'content-type': 'application/fhir+json', 'content-length': Buffer.byteLength(payload) }
            : {},
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : undefined }));
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  const task = () =>
    buildJoinTask({
      identifier: { system: 'https://takaoka-north.example/requests', value: randomUUID() },
      shareCode: code,
      authoredOn: '2026-11-25T09:00:00+09:00',
      requester: { system: 'https://takaoka-north.example/users', value: 'admin-1', display: '北 管理者' },
      practitioner: { system: 'https://takaoka-north.example/users', value: 'pt-1', display: '北 理学療法士' },
      organization: { display: '北リハビリセンター' },
      reason: '在宅リハビリのため',
    });

  const stored = async () => [await t.db.prisma.inboundTask.count(), await t.db.prisma.integrationOutboxEvent.count()];

  beforeAll(async () => {
    t = await startTestSystem({ mode: 'tls' });
    base = t.system.exchange.fhirBaseUrl;
    // The partner's own CA, not ours: only the fingerprint ties its certificate to it.
    const partnerCa = await openCertificateAuthority(caDir);
    partnerCert = partnerCa.issueClientCertificate({ commonName: 'takaoka-north exchange', passphrase: 'unused-here' });
    strangerCert = partnerCa.issueClientCertificate({ commonName: 'someone else', passphrase: 'unused-here' });
    partnerId = randomUUID();
    const admin = await t.db.prisma.user.findFirstOrThrow({ where: { role: 'SYSTEM_ADMIN' } });
    // The registry itself is tested through the graph in partner-registry.test.ts; here the row is the fixture.
    await t.db.prisma.partner.create({
      data: {
        id: partnerId,
        name: '高岡北ネット',
        fhirBaseUrl: 'https://takaoka-north.example/fhir',
        requesterSystem: 'https://takaoka-north.example/requests',
        userSystem: 'https://takaoka-north.example/users',
        certificateFingerprints: [partnerCert.fingerprint],
        outboundAuth: 'MTLS',
        createdBy: admin.id,
      },
    });
    const roomId = randomUUID();
    await t.db.prisma.room.create({
      data: { id: roomId, subjectId: randomUUID(), title: 'テストの部屋', status: 'OPEN', openedBy: admin.id },
    });
    await t.db.prisma.roomShareCode.create({
      data: {
        id: randomUUID(),
        roomId,
        partnerId,
        codeHash: hashShareCode(code),
        issuedBy: admin.id,
        expiresAt: new Date(Date.now() + 24 * 3600 * 1000),
      },
    });
  });
  afterAll(async () => {
    await t?.stop();
    fs.rmSync(caDir, { recursive: true, force: true });
  });

  it('accepts the registered certificate: POST Task 201, then GET Task 200', async () => {
    const created = await request('POST', `${base}/Task`, partnerCert, task());
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ resourceType: 'Task', status: 'received' });
    const read = await request('GET', `${base}/Task/${created.json.id}`, partnerCert);
    expect(read).toMatchObject({ status: 200, json: { id: created.json.id } });
  });

  it.each([
    ['no certificate and no token', () => null],
    ["an unregistered certificate from the partner's CA", () => strangerCert],
    [
      "one of our own terminals' certificates",
      () => t.ca.issueClientCertificate({ commonName: 'terminal', passphrase: 'unused-here' }),
    ],
  ])('refuses %s with 401, storing nothing', async (_label, cert) => {
    const before = await stored();
    const answer = await request('POST', `${base}/Task`, cert(), task());
    expect(answer.status).toBe(401);
    expect(answer.json.resourceType).toBe('OperationOutcome');
    expect(await stored()).toEqual(before);
  });

  it('refuses the registered certificate once the partner is suspended', async () => {
    await t.db.prisma.partner.update({ where: { id: partnerId }, data: { status: 'SUSPENDED' } });
    const before = await stored();
    expect((await request('POST', `${base}/Task`, partnerCert, task())).status).toBe(401);
    expect(await stored()).toEqual(before);
    await t.db.prisma.partner.update({ where: { id: partnerId }, data: { status: 'ACTIVE' } });
  });
});
