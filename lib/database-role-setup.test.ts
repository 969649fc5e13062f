import { definitionProblems, roleGrants, appendOnlyTables } from './database-roles';
import { roleDatabaseUrl, rolePasswordsFrom } from './database-role-setup';
import { StartupError } from './startup-error';

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof StartupError) return error.problems;
    throw error;
  }
  throw new Error('expected a StartupError');
}

describe('the roles definition', () => {
  it('grants only on tables of ours, and never more than append on an append-only trail', () => {
    expect(definitionProblems()).toEqual([]);
  });

  it('gives no service role UPDATE or DELETE on any append-only trail', () => {
    const writes = Object.entries(roleGrants).flatMap(([service, grants]) =>
      appendOnlyTables.filter((table) => grants[table] === 'write').map((table) => `${service}: ${table}`),
    );
    expect(writes).toEqual([]);
  });
});

describe('rolePasswordsFrom', () => {
  it("takes each role's password from its own connection string, decoded", () => {
    expect(
      rolePasswordsFrom({
        owner: 'postgresql://renkei_owner:o%2Fwn@db:5432/renkei',
        rooms: 'postgresql://renkei_rooms:r00ms@db:5432/renkei',
        // No password in it: the role keeps the one it has.
        worker: 'postgresql://renkei_worker@db:5432/renkei',
      }),
    ).toEqual({ renkei_owner: 'o/wn', renkei_rooms: 'r00ms' });
  });

  it('refuses a string that connects as another role, naming each variable', () => {
    expect(
      problemsOf(() =>
        rolePasswordsFrom({
          identity: 'postgresql://renkei_rooms:x@db:5432/renkei',
          consent: 'postgresql://db:5432/renkei',
        }),
      ),
    ).toEqual([
      'IDENTITY_DATABASE_URL: must connect as renkei_identity, not renkei_rooms',
      'CONSENT_DATABASE_URL: must connect as renkei_consent, not (no user)',
    ]);
  });
});

describe('roleDatabaseUrl', () => {
  it('puts the role and its password into the same server and database', () => {
    const url = new URL(roleDatabaseUrl('postgresql://postgres@127.0.0.1:5432/renkei_t', 'renkei_rooms', 'p@ss word'));
    expect([url.username, decodeURIComponent(url.password), url.host, url.pathname]).toEqual([
      'renkei_rooms',
      'p@ss word',
      '127.0.0.1:5432',
      '/renkei_t',
    ]);
  });
});
