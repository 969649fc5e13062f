// The disclosure download route in production mode: HTTPS, a terminal
// certificate of the network and a session, exactly as /graphql requires.
// The bootstrap system admin signs in with its own terminal; without a
// certificate, or before the one-time password is changed, nothing is
// exported.
import { randomUUID } from 'node:crypto';
import { bootstrapTerminal, signInBootstrapAdmin } from '../support/bootstrap-terminal';
import { startTestSystem, type TestSystem } from '../support/test-system';
import { httpsRequest, type HttpsReply } from '../support/https-request';
import { tlsGraphql } from '../support/tls-graphql-client';

describe('disclosure export over HTTPS with a terminal certificate', () => {
  let t: TestSystem;
  let token: string;
  let requestId: string;

  const terminal = () => bootstrapTerminal(t);
  const gql = (query: string, variables: Record<string, unknown> = {}, withCertificate = true) =>
    tlsGraphql(
      t.graphqlUrl,
      query,
      variables,
      withCertificate ? { ...terminal(), token } : { ca: t.ca.caCertificatePem, token },
    );

  function download(id: string, options: { certificate: boolean }): Promise<HttpsReply> {
    return httpsRequest(`${t.system.gateway.url}/disclosure-reports/${id}/export?format=csv`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      tls: options.certificate ? terminal() : { ca: t.ca.caCertificatePem },
    });
  }

  beforeAll(async () => {
    t = await startTestSystem({ mode: 'tls' });
    token = await signInBootstrapAdmin(t);
  });
  afterAll(() => t.stop());

  it('refuses the download before the one-time password is changed', async () => {
    // Written straight into consent's table: recording is tested elsewhere, and the one-time password blocks it here.
    const recorded = await t.db.prisma.disclosureRequest.create({
      data: {
        id: randomUUID(),
        subjectId: randomUUID(),
        requestedBy: 'SUBJECT',
        receivedVia: '窓口',
        receivedOn: new Date('2026-01-05'),
        recordedBy: randomUUID(),
      },
    });
    requestId = recorded.id;
    const reply = await download(requestId, { certificate: true });
    expect(reply.status).toBe(403);
    expect(JSON.parse(reply.body.toString('utf8')).errors[0].extensions).toEqual({
      code: 'FORBIDDEN',
      reason: 'PASSWORD_CHANGE_REQUIRED',
    });
    expect(await t.db.prisma.disclosureExport.count()).toBe(0);
  });

  it('exports for the system admin on its terminal, and answers 401 without a certificate', async () => {
    const changed = await gql(
      `mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }`,
      { c: t.bootstrap.initialPassword, n: 'a long passphrase of my own' },
    );
    expect(changed.errors).toBeUndefined();

    const refused = await download(requestId, { certificate: false });
    expect(refused.status).toBe(401);
    expect(JSON.parse(refused.body.toString('utf8')).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(await t.db.prisma.disclosureExport.count()).toBe(0);

    const reply = await download(requestId, { certificate: true });
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(reply.headers['cache-control']).toBe('no-store');
    expect(reply.headers['content-disposition']).toMatch(/^attachment; filename="disclosure-/);
    expect(reply.body.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(reply.body.toString('utf8')).toContain(`request,${requestId},`);
    const exports = await t.db.prisma.disclosureExport.findMany({ where: { requestId } });
    expect(exports).toHaveLength(1);
    expect(
      await t.db.prisma.consentAccessRecord.count({
        where: { what: 'exportDisclosureReport', action: 'WRITE', at: exports[0]?.exportedAt },
      }),
    ).toBe(1);
  });
});
