import { validateR4 } from '../validator';
import {
  filterCriteriaExtension,
  joinTaskStatusTopic,
  notificationBundle,
  parseSubscription,
  payloadContentExtension,
  renderSubscription,
} from './subscription-rules';

const partner = { fhirBaseUrl: 'https://himi.example/fhir' };
const taskId = '0b9e2c3a-5f7d-4e21-9a7b-2f1c3d4e5f60';

function makeSubscription(overrides: Record<string, unknown> = {}, channel: Record<string, unknown> = {}) {
  return {
    resourceType: 'Subscription',
    status: 'requested',
    reason: 'join Task status',
    criteria: joinTaskStatusTopic,
    channel: {
      type: 'rest-hook',
      endpoint: 'https://himi.example/hooks/renkei',
      payload: 'application/fhir+json',
      _payload: { extension: [{ url: payloadContentExtension, valueCode: 'full-resource' }] },
      header: ['Authorization: Bearer s3cret'],
      ...channel,
    },
    ...overrides,
  };
}

describe('parseSubscription', () => {
  it('takes the backport profile as we offer it', () => {
    const parsed = parseSubscription(
      makeSubscription({
        _criteria: { extension: [{ url: filterCriteriaExtension, valueString: `Task?_id=${taskId}` }] },
      }),
      partner,
    );
    expect(parsed).toEqual({
      ok: true,
      value: {
        endpoint: 'https://himi.example/hooks/renkei',
        headers: ['Authorization: Bearer s3cret'],
        payloadContent: 'FULL_RESOURCE',
        taskId,
        reason: 'join Task status',
      },
    });
  });

  it('defaults to id-only, all the partner’s Tasks, no header', () => {
    const parsed = parseSubscription(makeSubscription({}, { _payload: undefined, header: undefined }), partner);
    expect(parsed).toMatchObject({ ok: true, value: { payloadContent: 'ID_ONLY', taskId: null, headers: [] } });
  });

  it.each([
    ['another topic', makeSubscription({ criteria: 'Task?status=completed' }), 'Subscription.criteria'],
    [
      'another filter',
      makeSubscription({
        _criteria: { extension: [{ url: filterCriteriaExtension, valueString: 'Task?requester=x' }] },
      }),
      'Subscription.criteria',
    ],
    [
      // 36 characters of the id's alphabet, not the shape of an id.
      'a filter on something that is not an id',
      makeSubscription({
        _criteria: { extension: [{ url: filterCriteriaExtension, valueString: `Task?_id=${'-'.repeat(36)}` }] },
      }),
      'Subscription.criteria',
    ],
    ['an end', makeSubscription({ end: '2030-01-01T00:00:00Z' }), 'Subscription.end'],
    ['status off', makeSubscription({ status: 'off' }), 'Subscription.status'],
    ['websocket', makeSubscription({}, { type: 'websocket' }), 'Subscription.channel.type'],
    ['http', makeSubscription({}, { endpoint: 'http://himi.example/hook' }), 'Subscription.channel.endpoint'],
    [
      'credentials',
      makeSubscription({}, { endpoint: 'https://u:p@himi.example/hook' }),
      'Subscription.channel.endpoint',
    ],
    ['a fragment', makeSubscription({}, { endpoint: 'https://himi.example/hook#x' }), 'Subscription.channel.endpoint'],
    ['another host', makeSubscription({}, { endpoint: 'https://10.0.0.1/hook' }), 'Subscription.channel.endpoint'],
    ['not a URL', makeSubscription({}, { endpoint: 'hook' }), 'Subscription.channel.endpoint'],
    ['xml', makeSubscription({}, { payload: 'application/fhir+xml' }), 'Subscription.channel.payload'],
    [
      'empty payload',
      makeSubscription({}, { _payload: { extension: [{ url: payloadContentExtension, valueCode: 'empty' }] } }),
      'Subscription.channel.payload',
    ],
    ['another header', makeSubscription({}, { header: ['X-Api-Key: 1'] }), 'Subscription.channel.header'],
    [
      'two headers',
      makeSubscription({}, { header: ['Authorization: a', 'Authorization: b'] }),
      'Subscription.channel.header',
    ],
    [
      'a header with a line break',
      makeSubscription({}, { header: ['Authorization: a\r\nX: b'] }),
      'Subscription.channel.header',
    ],
    [
      'a heartbeat',
      makeSubscription({}, { extension: [{ url: 'x', valuePositiveInt: 60 }] }),
      'Subscription.channel.extension',
    ],
  ])('refuses %s, naming the element', (_name, body, expression) => {
    expect(parseSubscription(body, partner)).toMatchObject({ ok: false, expression });
  });
});

describe('renderSubscription and notificationBundle', () => {
  const stored = {
    id: '5d7e1f0a-1111-4c2b-8d3e-000000000001',
    status: 'ACTIVE' as const,
    taskId,
    endpoint: 'https://himi.example/hooks/renkei',
    payloadContent: 'ID_ONLY' as const,
    reason: 'r',
    lastErrorCode: null,
    updatedAt: new Date('2026-12-05T00:00:00Z'),
  };

  it('renders valid R4, never the channel header', () => {
    const rendered = renderSubscription(stored);
    expect(validateR4(rendered)).toEqual({ valid: true });
    expect(JSON.stringify(rendered)).not.toMatch(/Authorization|header/);
  });

  it('builds a valid R4 history Bundle with the events in number order and their stored numbers', () => {
    const bundle = notificationBundle({
      fhirBaseUrl: 'https://renkei.example/fhir',
      subscription: stored,
      status: 'active',
      type: 'event-notification',
      eventsSinceStart: 3,
      at: new Date('2026-12-05T00:00:05Z'),
      events: [
        { eventNumber: 3, occurredAt: new Date('2026-12-05T00:00:02Z'), taskId },
        { eventNumber: 2, occurredAt: new Date('2026-12-05T00:00:01Z'), taskId },
      ],
    }) as any;
    expect(validateR4(bundle)).toEqual({ valid: true });
    expect(bundle.type).toBe('history');
    const parameters = bundle.entry[0].resource.parameter;
    expect(parameters.find((p: any) => p.name === 'type').valueCode).toBe('event-notification');
    expect(
      parameters.filter((p: any) => p.name === 'notification-event').map((p: any) => p.part[0].valueString),
    ).toEqual(['2', '3']);
    expect(bundle.entry[1]).toEqual({
      fullUrl: `https://renkei.example/fhir/Task/${taskId}`,
      request: { method: 'PUT', url: `Task/${taskId}` },
      response: { status: '200' },
    });
  });

  it('a handshake carries no event', () => {
    const bundle = notificationBundle({
      fhirBaseUrl: 'https://renkei.example/fhir',
      subscription: stored,
      status: 'active',
      type: 'handshake',
      eventsSinceStart: 0,
      at: new Date(),
      events: [],
    }) as any;
    expect(validateR4(bundle)).toEqual({ valid: true });
    expect(bundle.entry).toHaveLength(1);
  });
});
