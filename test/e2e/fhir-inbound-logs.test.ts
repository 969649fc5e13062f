// What a partner sends never reaches our logs (engineering note 3, lib/logger):
// a malformed JSON body to POST /fhir/Task is answered 400 with an
// OperationOutcome (INVALID_RESOURCE, the same outcome whatever the body),
// and neither it nor any other refused body (invalid FHIR, an unknown share
// code, too large) nor the bearer token appears in the log lines the FHIR
// endpoint writes, captured here at trace level.
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import pino from 'pino';
import { fhirApp } from '../../adapters/fhir/fhir-server';
import { validateR4 } from '../../adapters/fhir/validator';
import type { ExchangeIdentity } from '../../lib/exchange/exchange-key';
import { listen, type RunningServer } from '../../lib/http-server';
import { actorWithRole } from '../support/actors';
import {
  fhirRequest,
  joinTaskFrom,
  partnerJwt,
  registerSimulatedPartner,
  type SimulatedPartner,
} from '../support/simulated-partner';
import { startTestSystem, type TestSystem } from '../support/test-system';

describe('partner bodies stay out of the logs', () => {
  let t: TestSystem;
  let endpoint: RunningServer;
  let base: string;
  let himi: SimulatedPartner;
  const lines: string[] = [];
  const marker = `高岡 太郎 ${randomUUID()}`;

  beforeAll(async () => {
    t = await startTestSystem();
    himi = await registerSimulatedPartner(
      t,
      await actorWithRole(t, 'SYSTEM_ADMIN'),
      '氷見市多職種ネット',
      'himi.example',
    );
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    // The same endpoint the worker serves in production, over the test database, logging everything.
    const exchange: ExchangeIdentity = { key: t.system.exchange.key, fhirBaseUrl: '' };
    endpoint = await listen(
      fhirApp(t.db.prisma, exchange, pino({ level: 'trace' }, sink), t.system.partnerKeys),
      '127.0.0.1',
      0,
      'the FHIR endpoint',
    );
    base = `${endpoint.url}/fhir`;
    exchange.fhirBaseUrl = base;
  });
  afterAll(async () => {
    await endpoint?.close();
    await t?.stop();
  });

  const codeOf = (json: any) => json?.issue?.[0]?.details?.coding?.[0]?.code;

  it('answers malformed JSON with a 400 OperationOutcome whatever the body, and logs neither body nor token', async () => {
    const tokens: string[] = [];
    const post = async (raw: string, contentType?: string) => {
      const token = await partnerJwt(himi, base);
      tokens.push(token);
      return fhirRequest(base, 'POST', '/Task', { token, raw, contentType });
    };
    const truncated = await post(`{"resourceType":"Task","note":[{"text":"${marker}"`);
    const notJson = await post(`resourceType=Task&note=${marker}`, 'application/json');
    for (const answer of [truncated, notJson]) {
      expect({ status: answer.status, type: answer.json?.resourceType, code: codeOf(answer.json) }).toEqual({
        status: 400,
        type: 'OperationOutcome',
        code: 'INVALID_RESOURCE',
      });
      expect(answer.contentType).toMatch(/^application\/fhir\+json/);
      expect(validateR4(answer.json)).toEqual({ valid: true });
      expect(JSON.stringify(answer.json)).not.toContain(marker);
    }
    expect(truncated.json).toEqual(notJson.json);

    // Other refused bodies: invalid FHIR, an unknown share code, too large.
    const invalid = await post(
      JSON.stringify({ ...joinTaskFrom(himi, 'no-such-code'), status: 'bogus', note: [{ text: marker }] }),
    );
    expect(invalid.status).toBe(400);
    const shareCode = `secret-code-${randomUUID()}`;
    const unknownCode = await post(JSON.stringify(joinTaskFrom(himi, shareCode, { reason: marker })));
    expect(codeOf(unknownCode.json)).toBe('NOT_FOUND');
    const huge = await post(
      JSON.stringify({ ...joinTaskFrom(himi, 'x'), note: [{ text: `${marker}${'x'.repeat(70 * 1024)}` }] }),
    );
    expect(huge.status).toBe(413);
    // A refused token is logged (by reason), which shows the capture works.
    expect((await fhirRequest(base, 'POST', '/Task', { token: 'not.a.jwt', raw: `{"note":"${marker}"}` })).status).toBe(
      401,
    );

    const log = lines.join('');
    expect(log).toContain('fhir: partner refused');
    expect(log).not.toContain(marker);
    expect(log).not.toContain('高岡');
    expect(log).not.toContain(shareCode);
    expect(log).not.toContain('resourceType');
    for (const token of tokens) expect(log).not.toContain(token);
  });
});
