import { defaultOperationLimits, defaultRateLimits, knownEnvironmentVariables, loadConfig, redactUrl } from './config';
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

describe('loadConfig', () => {
  it('keeps the audit checkpoints under DATA_DIR unless told otherwise, every 5 minutes', () => {
    expect(loadConfig({ DATA_DIR: '/srv/renkei' }).auditCheckpoints).toEqual({
      checkpointDir: '/srv/renkei/audit-checkpoints',
      keyFile: '/srv/renkei/keys/audit-checkpoint.key',
      everyMinutes: 5,
      syslog: null,
    });
    expect(
      loadConfig({
        AUDIT_CHECKPOINT_DIR: '/worm/checkpoints',
        AUDIT_CHECKPOINT_KEY_FILE: '/keys/audit.key',
        AUDIT_CHECKPOINT_MINUTES: '0',
        AUDIT_CHECKPOINT_SYSLOG: 'tcp://logs.example.jp:6514',
      }).auditCheckpoints,
    ).toEqual({
      checkpointDir: '/worm/checkpoints',
      keyFile: '/keys/audit.key',
      everyMinutes: 0,
      syslog: { protocol: 'tcp', host: 'logs.example.jp', port: 6514 },
    });
    expect(
      problemsOf(() => loadConfig({ AUDIT_CHECKPOINT_MINUTES: 'often', AUDIT_CHECKPOINT_SYSLOG: 'syslog://x' })),
    ).toEqual([
      expect.stringMatching(/^AUDIT_CHECKPOINT_MINUTES: /),
      expect.stringMatching(/^AUDIT_CHECKPOINT_SYSLOG: must be udp:\/\/host:port or tcp:\/\/host:port/),
    ]);
  });

  it('serves metrics on PORT + 5000 at 127.0.0.1 unless told otherwise; 0 or off: not at all', () => {
    expect(loadConfig({}).metrics).toEqual({ host: '127.0.0.1', port: 9000 });
    expect(loadConfig({ PORT: '4003' }).metrics).toEqual({ host: '127.0.0.1', port: 9003 });
    expect(loadConfig({ PORT: '4003', METRICS_HOST: '0.0.0.0', METRICS_PORT: '9100' }).metrics).toEqual({
      host: '0.0.0.0',
      port: 9100,
    });
    expect(loadConfig({ METRICS_PORT: 'off' }).metrics).toBeNull();
    expect(loadConfig({ METRICS_PORT: '0' }).metrics).toBeNull();
    // An ephemeral service port (tests) has no fixed neighbour.
    expect(loadConfig({ PORT: '0' }).metrics).toBeNull();
    expect(problemsOf(() => loadConfig({ PORT: '61000' }))).toEqual([
      'METRICS_PORT: PORT + 5000 is past 65535; set METRICS_PORT to a free port, or to off',
    ]);
    expect(problemsOf(() => loadConfig({ PORT: '4000', METRICS_PORT: '4000' }))).toEqual([
      'METRICS_PORT: must differ from PORT (metrics are never served on the public port)',
    ]);
    expect(problemsOf(() => loadConfig({ METRICS_PORT: 'on' }))).toEqual([
      'METRICS_PORT: must be a port (1-65535), or 0 or off',
    ]);
  });

  it('defaults to the secure gateway settings and reads the abuse limits', () => {
    const defaults = loadConfig({});
    expect(defaults.graphql).toEqual({
      introspection: false,
      graphiql: false,
      fieldSuggestions: false,
      limits: defaultOperationLimits,
      persistedOperations: { mode: 'off', file: undefined },
    });
    expect(defaults.rateLimits).toEqual(defaultRateLimits);
    const set = loadConfig({
      GRAPHQL_INTROSPECTION: 'on',
      GRAPHQL_MAX_DEPTH: '12',
      PERSISTED_OPERATIONS: 'enforce',
      PERSISTED_OPERATIONS_FILE: 'ops.json',
      RATE_LIMIT_SIGN_IN_PER_MINUTE: '0',
    });
    expect(set.graphql).toMatchObject({
      introspection: true,
      limits: { maxDepth: 12 },
      persistedOperations: { mode: 'enforce', file: expect.stringMatching(/\/ops\.json$/) },
    });
    expect(set.rateLimits.signInPerMinute).toBe(0);
    expect(problemsOf(() => loadConfig({ PERSISTED_OPERATIONS: 'log', GRAPHQL_FIELD_SUGGESTIONS: 'yes' }))).toEqual([
      'GRAPHQL_FIELD_SUGGESTIONS: must be on or off',
      'PERSISTED_OPERATIONS_FILE: is required when PERSISTED_OPERATIONS is log',
    ]);
  });

  it('reads the partner exchange base URL without its trailing slash, and refuses one with a query', () => {
    expect(loadConfig({ FHIR_BASE_URL: 'https://renkei.takaoka.example/fhir/' }).fhirBaseUrl).toBe(
      'https://renkei.takaoka.example/fhir',
    );
    expect(loadConfig({}).fhirBaseUrl).toBeUndefined();
    expect(problemsOf(() => loadConfig({ FHIR_BASE_URL: 'https://renkei.takaoka.example/fhir?x=1' }))).toEqual([
      'FHIR_BASE_URL: must have no query or fragment',
    ]);
    expect(problemsOf(() => loadConfig({ FHIR_BASE_URL: 'ftp://x/fhir' }))).toHaveLength(1);
  });

  it('gives embedded defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 4000,
      databaseUrl: undefined,
      redisUrl: undefined,
      queuePrefix: 'renkei',
      logLevel: 'info',
    });
    expect(config.dataDir).toMatch(/\.data$/);
  });

  it('reads every variable it documents', () => {
    const config = loadConfig({
      HOST: '0.0.0.0',
      PORT: '4100',
      DATABASE_URL: 'postgresql://u:p@db:5432/renkei',
      REDIS_URL: 'redis://redis:6379',
      QUEUE_PREFIX: 'takaoka',
      IDENTITY_URL: 'http://identity:4001/graphql',
      ROOMS_URL: 'http://rooms:4002/graphql',
      CONSENT_URL: 'http://consent:4003/graphql',
      SUBGRAPH_TIMEOUT_MS: '5000',
      LOG_LEVEL: 'warn',
    });
    expect(config).toMatchObject({
      host: '0.0.0.0',
      port: 4100,
      databaseUrl: 'postgresql://u:p@db:5432/renkei',
      subgraphUrls: {
        identity: 'http://identity:4001/graphql',
        rooms: 'http://rooms:4002/graphql',
        consent: 'http://consent:4003/graphql',
      },
      subgraphTimeoutMs: 5000,
    });
  });

  it('lists every problem at once', () => {
    const problems = problemsOf(() =>
      loadConfig(
        { PORT: 'eighty', DATABASE_URL: 'mysql://x/y', REDIS_URL: 'localhost:6379', QUEUE_PREFIX: 'Bad Prefix!' },
        ['DATABASE_URL', 'IDENTITY_URL'],
      ),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^PORT: /),
        expect.stringMatching(/^DATABASE_URL: must be a URL starting with postgresql:/),
        expect.stringMatching(/^REDIS_URL: /),
        expect.stringMatching(/^QUEUE_PREFIX: /),
        'IDENTITY_URL: is required for this service',
      ]),
    );
    expect(problems).toHaveLength(5);
  });

  it('refuses a database URL without a database name and out-of-range ports', () => {
    expect(problemsOf(() => loadConfig({ DATABASE_URL: 'postgresql://db:5432', PORT: '70000' }))).toHaveLength(2);
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', PORT: '' }).port).toBe(4000);
    expect(problemsOf(() => loadConfig({ DATABASE_URL: '' }, ['DATABASE_URL']))).toEqual([
      'DATABASE_URL: is required for this service',
    ]);
  });

  it('reads the server certificate files as a pair, and the CA certificate alone', () => {
    const config = loadConfig({
      TLS_CERT_FILE: '/tls/server.crt',
      TLS_KEY_FILE: '/tls/server.key',
      CA_CERT_FILE: '/p/ca.crt',
    });
    expect(config.tlsFiles).toEqual({ certFile: '/tls/server.crt', keyFile: '/tls/server.key' });
    expect(config.caCertFile).toBe('/p/ca.crt');
    expect(loadConfig({}).tlsFiles).toBeUndefined();
    expect(loadConfig({}).caCertFile).toBeUndefined();
    expect(problemsOf(() => loadConfig({ TLS_CERT_FILE: '/tls/server.crt' }))).toEqual([
      'TLS_KEY_FILE: is required when TLS_CERT_FILE is set (the certificate and its key come together)',
    ]);
    expect(problemsOf(() => loadConfig({ TLS_KEY_FILE: '/tls/server.key' }))).toEqual([
      'TLS_CERT_FILE: is required when TLS_KEY_FILE is set (the certificate and its key come together)',
    ]);
  });

  it('publishes the names it knows', () => {
    expect(knownEnvironmentVariables).toEqual(
      expect.arrayContaining(['DATABASE_URL', 'REDIS_URL', 'PORT', 'IDENTITY_URL']),
    );
  });
});

describe('CERTIFICATE_EXPIRY_*', () => {
  it('warns 30 and 7 days ahead by default and reads other thresholds, largest first, and files to watch', () => {
    expect(loadConfig({}).certificateExpiry).toEqual({ warningDays: [30, 7], files: [] });
    const config = loadConfig({
      CERTIFICATE_EXPIRY_WARNING_DAYS: '7, 60,14,7',
      CERTIFICATE_EXPIRY_FILES: '/tls/server.crt',
    });
    expect(config.certificateExpiry).toEqual({ warningDays: [60, 14, 7], files: ['/tls/server.crt'] });
  });

  it.each(['0', '400', 'thirty', '30,,x', ',', '7.5'])('refuses %j', (value) => {
    expect(problemsOf(() => loadConfig({ CERTIFICATE_EXPIRY_WARNING_DAYS: value }))).toEqual([
      expect.stringMatching(/^CERTIFICATE_EXPIRY_WARNING_DAYS: must be one or more whole numbers of days/),
    ]);
  });
});

describe('CORS_ORIGINS', () => {
  it('is empty by default and reads exact origins (a trailing slash is dropped)', () => {
    expect(loadConfig({}).corsOrigins).toEqual([]);
    expect(loadConfig({ CORS_ORIGINS: 'http://localhost:5173, https://console.example.jp/' }).corsOrigins).toEqual([
      'http://localhost:5173',
      'https://console.example.jp',
    ]);
  });

  it('refuses wildcards, paths and other schemes, naming each entry', () => {
    expect(
      problemsOf(() =>
        loadConfig({ CORS_ORIGINS: '*,https://console.example.jp/app,ftp://x.example,https://*.example.jp,not a url' }),
      ),
    ).toEqual([
      'CORS_ORIGINS: "*" wildcards are not accepted; list each origin',
      'CORS_ORIGINS: "https://console.example.jp/app" must be an origin only (scheme, host and port), e.g. https://console.example.jp',
      'CORS_ORIGINS: "ftp://x.example" must start with https:// or http://',
      'CORS_ORIGINS: "https://*.example.jp" wildcards are not accepted; list each origin',
      'CORS_ORIGINS: "not a url" is not a URL',
    ]);
  });
});

describe('redactUrl', () => {
  it('hides passwords', () => {
    expect(redactUrl('postgresql://renkei:secret@db:5432/renkei')).toBe('postgresql://renkei:***@db:5432/renkei');
    expect(redactUrl('nonsense')).toBe('(unparseable URL)');
  });
});
