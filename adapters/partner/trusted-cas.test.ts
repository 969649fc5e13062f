import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StartupError } from '../../lib/startup-error';
import { readTrustedCas } from './partner-calls';

describe('readTrustedCas (PARTNER_CA_FILES)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'renkei-partner-ca-'));
  const pem = path.join(dir, 'partner-ca.pem');
  const notPem = path.join(dir, 'notes.txt');
  fs.writeFileSync(pem, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
  fs.writeFileSync(notPem, 'hello');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads every listed PEM', () => {
    expect(readTrustedCas([])).toEqual([]);
    expect(readTrustedCas([pem])).toEqual([fs.readFileSync(pem, 'utf8')]);
  });

  it('reports every unreadable or non-PEM file at once', () => {
    const missing = path.join(dir, 'missing.pem');
    let thrown: unknown;
    try {
      readTrustedCas([pem, notPem, missing]);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(StartupError);
    expect((thrown as StartupError).problems).toEqual([
      `PARTNER_CA_FILES: ${notPem}: not a PEM certificate`,
      expect.stringMatching(new RegExp(`^PARTNER_CA_FILES: ${missing}: ENOENT`)),
    ]);
  });
});
