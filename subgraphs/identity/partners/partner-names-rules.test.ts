import type { GraphQLError } from 'graphql';
import { roles, type Principal, type UserPrincipal } from '../../../lib/access/principal';
import { partnerNameOf, partnerNameStatuses, partnerNamesReader } from './partner-names-rules';

const user = (role: UserPrincipal['role'], overrides: Partial<UserPrincipal> = {}): UserPrincipal => ({
  kind: 'user',
  userId: '00000000-0000-4000-8000-000000000001',
  role,
  facilityId: '00000000-0000-4000-8000-000000000002',
  orgUnitId: null,
  sessionId: 'session',
  mustChangePassword: false,
  certificate: null,
  address: null,
  ...overrides,
});

function refusal(principal: Principal): { code: unknown; reason: unknown } | null {
  try {
    partnerNamesReader(principal);
    return null;
  } catch (error) {
    const { extensions } = error as GraphQLError;
    return { code: extensions.code, reason: extensions.reason };
  }
}

describe("who may read partners' names", () => {
  it.each(roles)('%s, signed in, may', (role) => {
    expect(partnerNamesReader(user(role))).toMatchObject({ kind: 'user', role });
  });

  it('refuses an anonymous caller (no session, or a partner token the gateway did not take as one)', () => {
    expect(refusal({ kind: 'anonymous', certificate: null, address: '127.0.0.1' })).toEqual({
      code: 'UNAUTHENTICATED',
      reason: undefined,
    });
  });

  it('refuses a caller that is no person (the gateway’s service principal)', () => {
    expect(refusal({ kind: 'service', service: 'gateway' })).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('refuses a user who has yet to change the initial password', () => {
    expect(refusal(user('USER', { mustChangePassword: true }))).toEqual({
      code: 'FORBIDDEN',
      reason: 'PASSWORD_CHANGE_REQUIRED',
    });
  });
});

describe("which partners' names", () => {
  it('lists the active partners, and the suspended ones only when asked', () => {
    expect(partnerNameStatuses(false)).toEqual(['ACTIVE']);
    expect(partnerNameStatuses(true)).toEqual(['ACTIVE', 'SUSPENDED']);
  });

  it('gives the id, the name and whether active, nothing else of the registry row', () => {
    const row = {
      id: 'p1',
      name: 'Himi care network',
      status: 'SUSPENDED' as const,
      fhirBaseUrl: 'https://himi.example/fhir',
      jwks: { keys: [] },
      ourClientId: 'takaoka',
    };
    expect(partnerNameOf(row)).toEqual({ id: 'p1', name: 'Himi care network', active: false });
    expect(partnerNameOf({ ...row, status: 'ACTIVE' })).toEqual({ id: 'p1', name: 'Himi care network', active: true });
  });
});
