import {
  carriesIdentifier,
  classifyAnswer,
  classifyTransportError,
  identifierToken,
  ifNoneExist,
  taskToAdopt,
  tasksInSearchset,
  type IdentifiedResource,
} from './partner-answer';

const ours = {
  system: 'https://takaoka.example/fhir/sid/outbound-join-request',
  value: '7f0c1a2e-0000-4000-8000-000000000001',
};
const task = (extra: Record<string, unknown> = {}) => ({
  resourceType: 'Task',
  id: 't-1',
  status: 'requested',
  intent: 'order',
  identifier: [ours],
  ...extra,
});
const outcome = (code: string) => ({
  resourceType: 'OperationOutcome',
  issue: [{ severity: 'error', code, diagnostics: 'no such share code' }],
});
const failure = (result: ReturnType<typeof classifyAnswer>) => {
  if (result.ok) throw new Error('expected a failure');
  const { code, retryable, status, outcomeUnknown, message } = result.error;
  return { code, retryable, status, outcomeUnknown, message };
};

describe("classifying a partner's answer", () => {
  it('takes a valid resource of the expected type with an id', () => {
    expect(classifyAnswer({ status: 201, body: task() }, 'Task')).toEqual({ ok: true, resource: task() });
    expect(
      classifyAnswer({ status: 200, body: { resourceType: 'CareTeam', id: 'room-1', status: 'active' } }, 'CareTeam')
        .ok,
    ).toBe(true);
    // A search's Bundle often has no id; everything else must.
    expect(
      classifyAnswer({ status: 200, body: { resourceType: 'Bundle', type: 'searchset' } }, 'Bundle', {
        idRequired: false,
      }).ok,
    ).toBe(true);
  });

  it('treats a 2xx that is not JSON, empty or not a resource as NOT_FHIR: retried, the outcome unknown', () => {
    for (const body of ['<html><body>OK</body></html>', '', {}, [1, 2], { hello: 'world' }]) {
      expect(failure(classifyAnswer({ status: 200, body }, 'Task'))).toMatchObject({
        code: 'NOT_FHIR',
        retryable: true,
        outcomeUnknown: true,
        status: 200,
      });
    }
  });

  it('treats another resource type as WRONG_RESOURCE_TYPE, even an OperationOutcome with 200', () => {
    expect(failure(classifyAnswer({ status: 200, body: { resourceType: 'Patient', id: 'p' } }, 'Task'))).toMatchObject({
      code: 'WRONG_RESOURCE_TYPE',
      retryable: true,
    });
    expect(failure(classifyAnswer({ status: 201, body: outcome('informational') }, 'Task'))).toMatchObject({
      code: 'WRONG_RESOURCE_TYPE',
      retryable: true,
    });
  });

  it('treats an invalid resource of the right type as INVALID_FHIR (R4 validation), and one without a usable id too', () => {
    expect(failure(classifyAnswer({ status: 201, body: task({ status: 'bogus' }) }, 'Task'))).toMatchObject({
      code: 'INVALID_FHIR',
      retryable: true,
    });
    expect(failure(classifyAnswer({ status: 201, body: task({ id: undefined }) }, 'Task'))).toMatchObject({
      code: 'INVALID_FHIR',
      retryable: true,
    });
  });

  it('keeps a 4xx with an OperationOutcome final (REFUSED) with its status and issue code', () => {
    const result = classifyAnswer({ status: 404, body: outcome('not-found') }, 'Task');
    expect(failure(result)).toMatchObject({ code: 'REFUSED', retryable: false, status: 404, outcomeUnknown: false });
    expect(!result.ok && result.error.issueCode).toBe('not-found');
    expect(failure(classifyAnswer({ status: 400, body: outcome('invalid') }, 'Task'))).toMatchObject({
      code: 'REFUSED',
      status: 400,
    });
  });

  it('retries 5xx, 408, 429 and 401/403 as HTTP_<status>; only a 5xx leaves the outcome unknown', () => {
    expect(failure(classifyAnswer({ status: 503, body: outcome('transient') }, 'Task'))).toMatchObject({
      code: 'HTTP_503',
      retryable: true,
      outcomeUnknown: true,
    });
    for (const status of [401, 403, 408, 429]) {
      expect(failure(classifyAnswer({ status, body: outcome('login') }, 'Task'))).toMatchObject({
        code: `HTTP_${status}`,
        retryable: true,
        outcomeUnknown: false,
      });
    }
  });

  it('retries any non-2xx that is not an OperationOutcome, a 4xx too (a proxy page is not the partner refusing)', () => {
    expect(failure(classifyAnswer({ status: 502, body: '<html><h1>Bad Gateway</h1></html>' }, 'Task'))).toMatchObject({
      code: 'HTTP_502',
      retryable: true,
      outcomeUnknown: true,
    });
    expect(failure(classifyAnswer({ status: 404, body: '<html>Not Found</html>' }, 'Task'))).toMatchObject({
      code: 'HTTP_404',
      retryable: true,
    });
    expect(failure(classifyAnswer({ status: 400, body: {} }, 'Task'))).toMatchObject({
      code: 'HTTP_400',
      retryable: true,
    });
    // An OperationOutcome that is not valid R4 is not the partner's FHIR server speaking either.
    expect(
      failure(classifyAnswer({ status: 404, body: { resourceType: 'OperationOutcome', issue: [] } }, 'Task')),
    ).toMatchObject({ code: 'HTTP_404', retryable: true });
  });

  it('never puts the body in the message', () => {
    const secret = '<html>高岡 太郎 share-abc123</html>';
    for (const status of [200, 404, 502]) {
      const { message } = failure(classifyAnswer({ status, body: secret }, 'Task'));
      expect(message).not.toContain('高岡');
      expect(message).not.toContain('share-abc123');
    }
    expect(
      failure(classifyAnswer({ status: 200, body: { resourceType: '高岡 太郎', id: 'x' } }, 'Task')).message,
    ).not.toContain('高岡');
  });
});

describe('classifying a call that got no answer', () => {
  const fetchFailed = (code: string) =>
    Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('x'), { code }) });

  it('names the transport failure and whether the request may have reached the partner', () => {
    const cases: Array<[unknown, string, boolean]> = [
      [Object.assign(new Error('aborted'), { name: 'TimeoutError' }), 'TIMEOUT', true],
      [fetchFailed('UND_ERR_CONNECT_TIMEOUT'), 'TIMEOUT', false],
      [fetchFailed('ECONNREFUSED'), 'CONNECTION_REFUSED', false],
      [fetchFailed('ECONNRESET'), 'CONNECTION_RESET', true],
      [fetchFailed('UND_ERR_SOCKET'), 'CONNECTION_RESET', true],
      [fetchFailed('UNABLE_TO_VERIFY_LEAF_SIGNATURE'), 'TLS', false],
      [fetchFailed('ERR_TLS_CERT_ALTNAME_INVALID'), 'TLS', false],
      [fetchFailed('ENOTFOUND'), 'DNS', false],
      [new TypeError('fetch failed'), 'NETWORK', true],
    ];
    for (const [error, code, outcomeUnknown] of cases) {
      const classified = classifyTransportError(error);
      expect({
        code: classified.code,
        retryable: classified.retryable,
        outcomeUnknown: classified.outcomeUnknown,
      }).toEqual({ code, retryable: true, outcomeUnknown });
    }
  });
});

describe('our identifier in FHIR searches', () => {
  it('is a token system|value, URL-encoded for If-None-Exist, with FHIR search escapes', () => {
    expect(identifierToken(ours)).toBe(`${ours.system}|${ours.value}`);
    expect(ifNoneExist(ours)).toBe(
      `identifier=https%3A%2F%2Ftakaoka.example%2Ffhir%2Fsid%2Foutbound-join-request%7C${ours.value}`,
    );
    expect(new URLSearchParams(ifNoneExist(ours)).get('identifier')).toBe(identifierToken(ours));
    expect(identifierToken({ system: 'urn:a|b', value: 'x,y$z\\' })).toBe('urn:a\\|b|x\\,y\\$z\\\\');
  });

  it('matches system and value exactly', () => {
    expect(carriesIdentifier(task(), ours)).toBe(true);
    expect(carriesIdentifier(task({ identifier: [{ system: ours.system, value: 'other' }] }), ours)).toBe(false);
    expect(carriesIdentifier(task({ identifier: [{ value: ours.value }] }), ours)).toBe(false);
  });
});

describe('what an identifier search finds', () => {
  const bundle = (entry: unknown[], type = 'searchset') => ({ resourceType: 'Bundle', id: 'b', type, entry });

  it('keeps only Tasks carrying exactly our identifier, in the partner order, skipping included resources', () => {
    const found = tasksInSearchset(
      bundle([
        { resource: task({ id: 'a' }), search: { mode: 'match' } },
        {
          resource: task({ id: 'loose', identifier: [{ system: ours.system, value: 'other' }] }),
          search: { mode: 'match' },
        },
        { resource: { resourceType: 'CareTeam', id: 'c', status: 'active' }, search: { mode: 'include' } },
        { resource: task({ id: 'b' }) },
      ]),
      ours,
    );
    expect(found.ok && found.resource.map((t) => t.id)).toEqual(['a', 'b']);
    expect(tasksInSearchset(bundle([]), ours)).toEqual({ ok: true, resource: [] });
  });

  it('refuses a Bundle that is not a searchset, or a matching Task that is invalid', () => {
    expect(tasksInSearchset(bundle([], 'collection'), ours)).toMatchObject({
      ok: false,
      error: { code: 'INVALID_FHIR' },
    });
    expect(tasksInSearchset(bundle([{ resource: task({ status: 'bogus' }) }]), ours)).toMatchObject({
      ok: false,
      error: { code: 'INVALID_FHIR' },
    });
  });

  it('adopts the first of several and names the others (never creates another)', () => {
    const tasks = [task({ id: 'a' }), task({ id: 'b' }), task({ id: 'c' })] as IdentifiedResource[];
    expect(taskToAdopt(tasks)).toEqual({ task: tasks[0], others: ['b', 'c'] });
    expect(taskToAdopt(tasks.slice(0, 1))).toEqual({ task: tasks[0], others: [] });
    expect(taskToAdopt([])).toBeNull();
  });
});
