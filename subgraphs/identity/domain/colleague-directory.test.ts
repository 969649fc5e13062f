import type { Principal, UserPrincipal } from '../../../lib/access/principal';
import { parseInput } from '../../../lib/input';
import {
  directoryLimit,
  directorySearch,
  directoryTerms,
  isListable,
  matchesDirectory,
  mayUseDirectory,
} from './colleague-directory';

const user = (role: UserPrincipal['role']): UserPrincipal => ({
  kind: 'user',
  userId: 'u-1',
  role,
  facilityId: 'f-1',
  orgUnitId: null,
  sessionId: 's-1',
  mustChangePassword: false,
  certificate: null,
  address: null,
});

const nurse = { name: '高岡 花子', nameKana: 'タカオカ ハナコ', status: 'ACTIVE', facilityStatus: 'ACTIVE' };

describe('who may search the directory of professionals', () => {
  it('any signed-in user of the network, whatever the role', () => {
    for (const role of ['SYSTEM_ADMIN', 'ADMIN_MANAGER', 'HOSPITAL_MANAGER', 'FACILITY_MANAGER', 'USER'] as const)
      expect(mayUseDirectory(user(role))).toBe(true);
  });

  it('not an anonymous caller, the gateway itself or anything else that is not a user (a partner system)', () => {
    const anonymous: Principal = { kind: 'anonymous', certificate: null, address: null };
    const service: Principal = { kind: 'service', service: 'gateway' };
    expect(mayUseDirectory(anonymous)).toBe(false);
    expect(mayUseDirectory(service)).toBe(false);
    expect(mayUseDirectory({ kind: 'partner', partnerId: 'p-1' } as unknown as Principal)).toBe(false);
  });
});

describe('the search as the boundary takes it', () => {
  const parse = (value: string) => parseInput(directorySearch, value, 'search');

  it('is NFKC-normalized and loses its spaces', () => {
    expect(parse(' ﾀｶｵｶ　ﾊﾅｺ ')).toBe('タカオカハナコ');
  });

  it('needs at least 2 characters once spaces are gone', () => {
    expect(() => parse('た')).toThrow(
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) }),
    );
    expect(() => parse('た 　')).toThrow();
    expect(parse('たか')).toBe('たか');
  });

  it('takes at most 50 characters', () => {
    expect(parse('あ'.repeat(50))).toHaveLength(50);
    expect(() => parse('あ'.repeat(51))).toThrow();
  });

  it('answers at most 20 people', () => {
    expect(directoryLimit).toBe(20);
  });
});

describe('who a search finds', () => {
  it('by kana, however it is typed: hiragana, half-width katakana, spaces', () => {
    expect(matchesDirectory(nurse, directoryTerms('たかおか'))).toBe(true);
    expect(matchesDirectory(nurse, directoryTerms('ﾊﾅｺ'))).toBe(true);
    expect(matchesDirectory(nurse, directoryTerms('おか　はな'))).toBe(true);
  });

  it('by the name as written, spaces ignored', () => {
    expect(matchesDirectory(nurse, directoryTerms('高岡花'))).toBe(true);
    expect(matchesDirectory(nurse, directoryTerms('岡 花子'))).toBe(true);
  });

  it('Latin names whatever the case or width', () => {
    const person = { ...nurse, name: 'Anna Smith', nameKana: 'アンナ スミス' };
    expect(matchesDirectory(person, directoryTerms('ＳＭＩ'))).toBe(true);
    expect(matchesDirectory(person, directoryTerms('smith'))).toBe(true);
  });

  it('not someone whose name and kana do not contain it', () => {
    expect(matchesDirectory(nurse, directoryTerms('やまだ'))).toBe(false);
  });

  it('small kana stay distinct, as for subjects (Art. 18)', () => {
    expect(matchesDirectory({ ...nurse, nameKana: 'ハットリ' }, directoryTerms('はつと'))).toBe(false);
  });

  it('only active accounts of facilities in use', () => {
    expect(isListable(nurse)).toBe(true);
    for (const status of ['SUSPENDED', 'DISABLED_INACTIVE', 'RETIRED', 'DELETED'])
      expect(matchesDirectory({ ...nurse, status }, directoryTerms('たかおか'))).toBe(false);
    expect(matchesDirectory({ ...nurse, facilityStatus: 'STOPPED' }, directoryTerms('たかおか'))).toBe(false);
  });
});
