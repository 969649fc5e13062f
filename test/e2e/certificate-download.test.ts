// The terminal certificate as a file (POST /certificates), in production
// mode: HTTPS, a terminal certificate of the network and a session, as for
// /graphql. What comes back is a .p12 that opens with the passphrase from
// the response header, is the certificate identity recorded and audited,
// and is accepted by the gateway's TLS; a refused or malformed request
// issues nothing.
import tls from 'node:tls';
import { X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { bootstrapTerminal, signInBootstrapAdmin } from '../support/bootstrap-terminal';
import { startTestSystem, type TestSystem } from '../support/test-system';
import { errorsOf, httpsRequest, type HttpsReply } from '../support/https-request';
import { tlsGraphql } from '../support/tls-graphql-client';

describe('POST /certificates: a terminal certificate as a .p12 file', () => {
  let t: TestSystem;
  let token: string;
  let facilityId: string;

  const terminal = () => bootstrapTerminal(t);
  const gql = (query: string, variables: Record<string, unknown> = {}) =>
    tlsGraphql(t.graphqlUrl, query, variables, { ...terminal(), token });
  const certificateCount = () => t.db.prisma.clientCertificate.count();

  const post = (body: string, contentType = 'application/json'): Promise<HttpsReply> =>
    httpsRequest(`${t.system.gateway.url}/certificates`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
      tls: terminal(),
      body,
    });

  beforeAll(async () => {
    t = await startTestSystem({ mode: 'tls' });
    token = await signInBootstrapAdmin(t);
  });
  afterAll(() => t.stop());

  it('issues nothing before the one-time password is changed', async () => {
    const facility = await t.db.prisma.facility.findFirstOrThrow({ where: { status: 'ACTIVE' } });
    facilityId = facility.id;
    const before = await certificateCount();
    const reply = await post(JSON.stringify({ facilityId, label: 'reception' }));
    expect(reply.status).toBe(403);
    expect(errorsOf(reply)[0]?.extensions).toEqual({ code: 'FORBIDDEN', reason: 'PASSWORD_CHANGE_REQUIRED' });
    expect(await certificateCount()).toBe(before);

    const changed = await gql(
      `mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }`,
      { c: t.bootstrap.initialPassword, n: 'a long passphrase of my own' },
    );
    expect(changed.errors).toBeUndefined();
  });

  it('refuses a body that is not {facilityId, label} as JSON, and a bad facility id, issuing nothing', async () => {
    const before = await certificateCount();
    const notJson = await post('facilityId=x', 'application/x-www-form-urlencoded');
    expect(notJson.status).toBe(415);
    expect(errorsOf(notJson)[0]?.extensions.code).toBe('BAD_REQUEST');

    const missingLabel = await post(JSON.stringify({ facilityId }));
    expect(missingLabel.status).toBe(400);
    expect(errorsOf(missingLabel)[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'label' });

    const notAnId = await post(JSON.stringify({ facilityId: 'not-a-uuid', label: 'reception' }));
    expect(notAnId.status).toBe(400);
    expect(errorsOf(notAnId)[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'facilityId' });
    expect(await certificateCount()).toBe(before);
  });

  it('answers the .p12 under the name its instructions use, with the passphrase once, recorded and audited', async () => {
    const reply = await post(JSON.stringify({ facilityId, label: '受付端末' }));
    expect(reply.status).toBe(201);
    expect(reply.headers['content-type']).toBe('application/x-pkcs12');
    expect(reply.headers['cache-control']).toBe('no-store');
    const fileName = /^attachment; filename="(renkei-terminal-[0-9a-f]{12}\.p12)"$/.exec(
      String(reply.headers['content-disposition']),
    )?.[1];
    expect(fileName).toBeDefined();
    const passphrase = String(reply.headers['renkei-certificate-passphrase']);
    const certificateId = String(reply.headers['renkei-certificate-id']);

    // The file opens with that passphrase and holds the certificate identity recorded, for this facility.
    const p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(reply.body.toString('binary')), passphrase);
    const certBag = forge.pki.oids.certBag as string;
    const bag = p12.getBags({ bagType: certBag })[certBag]?.[0];
    const pem = forge.pki.certificateToPem(bag!.cert!);
    const fingerprint = new X509Certificate(pem).fingerprint256.replace(/:/g, '').toLowerCase();
    const recorded = await t.db.prisma.clientCertificate.findUniqueOrThrow({ where: { id: certificateId } });
    expect(recorded).toMatchObject({ facilityId, label: '受付端末', fingerprint, revokedAt: null });
    expect(fileName).toBe(`renkei-terminal-${recorded.serialNumber.slice(0, 12)}.p12`);
    expect(
      await t.db.prisma.auditEvent.count({ where: { action: 'certificate.issue', targetId: certificateId } }),
    ).toBe(1);

    // The gateway's TLS accepts the new terminal.
    expect(() => tls.createSecureContext({ pfx: reply.body, passphrase })).not.toThrow();
    const anonymous = await tlsGraphql(
      t.graphqlUrl,
      '{ __typename }',
      {},
      {
        ca: t.ca.caCertificatePem,
        pfx: reply.body,
        passphrase,
      },
    );
    expect(anonymous.errors).toBeUndefined();
    expect(anonymous.data).toEqual({ __typename: 'Query' });
  });
});
