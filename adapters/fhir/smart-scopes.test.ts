import { allPermissions, grantScopes, permissionsOf, permits, scopesSupported } from './smart-scopes';

describe('grantScopes: what a token request is granted', () => {
  it('grants the contract scopes in v2 syntax, merged per resource type', () => {
    expect(grantScopes('system/Task.c system/Task.rs system/CareTeam.rs')).toEqual({
      ok: true,
      scopes: ['system/Task.crs', 'system/CareTeam.rs'],
    });
  });

  it('maps v1 scopes: read = rs, write = cud limited to what we offer (no delete)', () => {
    expect(grantScopes('system/Task.read system/Task.write')).toEqual({ ok: true, scopes: ['system/Task.crus'] });
    expect(grantScopes('system/CareTeam.read')).toEqual({ ok: true, scopes: ['system/CareTeam.rs'] });
    expect(grantScopes('system/*.read')).toEqual({
      ok: true,
      scopes: ['system/Task.rs', 'system/CareTeam.rs', 'system/Subscription.r'],
    });
  });

  it('grants a v2 scope as far as we offer it', () => {
    expect(grantScopes('system/Task.cruds')).toEqual({ ok: true, scopes: ['system/Task.crus'] });
  });

  it('no scope: everything we offer', () => {
    expect(grantScopes(undefined)).toEqual({ ok: true, scopes: ['system/Task.crus', 'system/CareTeam.rs'] });
    expect(grantScopes('  ')).toEqual({ ok: true, scopes: ['system/Task.crus', 'system/CareTeam.rs'] });
  });

  it.each([
    'system/Patient.rs',
    'user/Task.rs',
    'patient/Task.read',
    'system/Task.d',
    'system/CareTeam.c',
    'system/Task.rc',
    'system/Task.rr',
    'system/Task.rs?status=received',
    'openid',
    'system/Task',
  ])('refuses the whole request for %s, naming it', (scope) => {
    expect(grantScopes(`system/Task.c ${scope}`)).toEqual({ ok: false, scope });
  });
});

describe('permissionsOf / permits: what a stored token may do', () => {
  it('reads v2 and v1 scopes', () => {
    const p = permissionsOf(['system/Task.crs', 'system/CareTeam.read']);
    expect(permits(p, 'Task', 'c')).toBe(true);
    expect(permits(p, 'Task', 'u')).toBe(false);
    expect(permits(p, 'CareTeam', 'r')).toBe(true);
  });

  it('never more than we offer, and nothing from scopes it does not understand', () => {
    expect(permits(permissionsOf(['system/Task.cruds']), 'Task', 'd')).toBe(false);
    expect(permissionsOf(['user/Task.rs', 'garbage']).size).toBe(0);
  });

  it('contract v1 partners keep every interaction the contract has', () => {
    expect([...allPermissions].sort()).toEqual([
      'CareTeam.r',
      'CareTeam.s',
      'Subscription.c',
      'Subscription.d',
      'Subscription.r',
      'Task.c',
      'Task.r',
      'Task.s',
      'Task.u',
    ]);
  });

  it('grants Subscription (push notifications) only when asked for', () => {
    expect(grantScopes('system/Subscription.crd system/Task.rs')).toEqual({
      ok: true,
      scopes: ['system/Task.rs', 'system/Subscription.crd'],
    });
    expect(grantScopes('system/Subscription.u')).toEqual({ ok: false, scope: 'system/Subscription.u' });
    expect(permits(permissionsOf(['system/Task.crus']), 'Subscription', 'c')).toBe(false);
  });

  it('advertises the scopes it grants', () => {
    expect(scopesSupported()).toEqual(
      expect.arrayContaining([
        'system/Task.c',
        'system/Task.crus',
        'system/CareTeam.rs',
        'system/Task.read',
        'system/Task.write',
      ]),
    );
    for (const scope of scopesSupported()) expect(grantScopes(scope).ok).toBe(true);
  });
});
