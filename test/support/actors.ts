// Signed-in actors for tests that are not about the application workflow:
// a facility and a user of the given role written straight into identity's
// tables (as an approved Form 1 and Form 4 would), then signed in through
// the real gateway and the real signIn mutation.
import { randomUUID } from 'node:crypto';
import type { Role } from '../../lib/access/principal';
import { hashPassword } from '../../subgraphs/identity/services/password-hasher';
import { syncDirectory } from './directory-fixtures';
import { graphql } from './graphql-client';
import type { TestSystem } from './test-system';

export interface Actor {
  userId: string;
  facilityId: string;
  accountId: string;
  token: string;
  headers: Record<string, string>;
}

/** Every actor's password (signing in through a browser needs it). */
export const actorPassword = 'correct horse battery staple';
let counter = 0;
// One Argon2id hash of the shared test password per file: every actor signs in with it (a real
// verification each time), and hashing it again for each actor only cost time.
let passwordHash: Promise<string> | undefined;

export async function actorWithRole(
  t: TestSystem,
  role: Role,
  options: { facilityId?: string; orgUnitCode?: string } = {},
): Promise<Actor> {
  counter += 1;
  const facilityId = options.facilityId ?? randomUUID();
  if (!options.facilityId) {
    await t.db.prisma.facility.create({
      data: {
        id: facilityId,
        name: `Facility ${counter}`,
        kind: 'MEDICAL_INSTITUTION',
        insideCity: true,
        address: 'Takaoka',
      },
    });
  }
  const orgUnitCode =
    options.orgUnitCode ??
    (role === 'ADMIN_MANAGER' ? 'shakai-fukushi' : role === 'HOSPITAL_MANAGER' ? 'takaoka-shimin' : undefined);
  const orgUnit = orgUnitCode ? await t.db.prisma.orgUnit.findUniqueOrThrow({ where: { code: orgUnitCode } }) : null;
  const userId = randomUUID();
  const accountId = `tk${role.slice(0, 2).toLowerCase()}${String(counter).padStart(6, '0')}`.slice(0, 10);
  await t.db.prisma.user.create({
    data: {
      id: userId,
      accountId,
      name: `${role} ${counter}`,
      nameKana: 'テスト',
      facilityId,
      role,
      orgUnitId: orgUnit?.id ?? null,
      passwordHash: await (passwordHash ??= hashPassword(actorPassword)),
      passwordChangedAt: new Date(),
      mustChangePassword: false,
      pledgedAt: new Date(),
      pledgeVersion: '2024-08-01',
      issuedBy: userId,
    },
  });
  await syncDirectory(t, { userId });
  const signedIn = await graphql(
    t.graphqlUrl,
    'mutation($a: String!, $p: String!) { signIn(accountId: $a, password: $p) { token } }',
    { a: accountId, p: actorPassword },
  );
  if (!signedIn.data?.signIn) throw new Error(`sign-in failed: ${JSON.stringify(signedIn.errors)}`);
  const token = signedIn.data.signIn.token as string;
  return { userId, facilityId, accountId, token, headers: { authorization: `Bearer ${token}` } };
}
