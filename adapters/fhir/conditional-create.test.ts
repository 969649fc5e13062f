import { parseIdentifierToken, parseIfNoneExist } from './conditional-create';
import { cancellationFromPatch, cancellationFromPut } from './task-cancellation';

describe('If-None-Exist and identifier tokens', () => {
  const identifier = { system: 'https://himi.example/requests', value: 'r-1' };
  it('reads identifier=system|value, encoded or not; absent is no condition', () => {
    expect(parseIfNoneExist(undefined)).toEqual({ ok: true, identifier: null });
    expect(parseIfNoneExist('identifier=https://himi.example/requests|r-1')).toEqual({ ok: true, identifier });
    expect(parseIfNoneExist(`identifier=${encodeURIComponent('https://himi.example/requests|r-1')}`)).toEqual({
      ok: true,
      identifier,
    });
    expect(parseIfNoneExist('?identifier=https://himi.example/requests|r-1')).toEqual({ ok: true, identifier });
  });
  it('refuses anything else', () => {
    for (const bad of [
      '',
      'identifier=r-1',
      'identifier=|r-1',
      'identifier=sys|',
      'status=requested',
      'identifier=a|b&status=requested',
      'identifier=a|b&identifier=c|d',
      ['identifier=a|b', 'identifier=a|b'],
      `identifier=s|${'x'.repeat(600)}`,
    ]) {
      expect(parseIfNoneExist(bad)).toMatchObject({ ok: false, message: expect.stringMatching(/^If-None-Exist/) });
    }
  });
  it('search tokens need both parts', () => {
    expect(parseIdentifierToken('a|b|c')).toEqual({ ok: true, identifier: { system: 'a', value: 'b|c' } });
    expect(parseIdentifierToken('abc')).toMatchObject({ ok: false });
  });
});

describe('a requester cancelling its Task (PUT or JSON Patch)', () => {
  const id = '0b7f5c8e-2f1e-4d7a-9c1b-111111111111';
  it('PUT: the same id, status cancelled, an optional reason', () => {
    expect(cancellationFromPut({ resourceType: 'Task', id, status: 'cancelled' }, id)).toEqual({
      ok: true,
      reason: null,
    });
    expect(
      cancellationFromPut(
        { resourceType: 'Task', id, status: 'cancelled', statusReason: { text: ' 患者が転居 ' } },
        id,
      ),
    ).toEqual({ ok: true, reason: '患者が転居' });
    expect(cancellationFromPut({ resourceType: 'Task', id, status: 'completed' }, id)).toMatchObject({
      ok: false,
      expression: 'Task.status',
    });
    expect(cancellationFromPut({ resourceType: 'Task', id: 'other', status: 'cancelled' }, id)).toMatchObject({
      ok: false,
      expression: 'Task.id',
    });
    expect(cancellationFromPut({ resourceType: 'Patient', id }, id)).toMatchObject({
      ok: false,
      expression: 'resourceType',
    });
    expect(
      cancellationFromPut(
        { resourceType: 'Task', id, status: 'cancelled', statusReason: { text: 'x'.repeat(1001) } },
        id,
      ),
    ).toMatchObject({ ok: false, expression: 'Task.statusReason' });
  });
  it('PATCH: replace /status with cancelled, optionally /statusReason and a test of /status; nothing else', () => {
    expect(cancellationFromPatch([{ op: 'replace', path: '/status', value: 'cancelled' }])).toEqual({
      ok: true,
      reason: null,
    });
    expect(
      cancellationFromPatch([
        { op: 'test', path: '/status', value: 'received' },
        { op: 'replace', path: '/status', value: 'cancelled' },
        { op: 'add', path: '/statusReason', value: { text: '不要になった' } },
      ]),
    ).toEqual({ ok: true, reason: '不要になった', expectStatus: 'received' });
    expect(cancellationFromPatch([{ op: 'replace', path: '/status', value: 'accepted' }])).toMatchObject({ ok: false });
    expect(
      cancellationFromPatch([
        { op: 'replace', path: '/status', value: 'cancelled' },
        { op: 'replace', path: '/input', value: [] },
      ]),
    ).toMatchObject({ ok: false, expression: 'PATCH[1]' });
    expect(cancellationFromPatch([{ op: 'add', path: '/statusReason', value: { text: 'x' } }])).toMatchObject({
      ok: false,
      message: 'the patch must set /status to cancelled',
    });
    expect(cancellationFromPatch({ op: 'replace' })).toMatchObject({ ok: false });
    expect(cancellationFromPatch([])).toMatchObject({ ok: false });
  });
});
