// Configuration is read from the environment once, at start, into one typed
// object. Nothing else in the code base reads process.env. Each entry point
// states which optional settings it requires (a subgraph process needs a
// database URL; the all-in-one start can embed its own services).
import path from 'node:path';
import { z } from 'zod';
import { StartupError } from './startup-error';
import { parseSyslogTarget, type SyslogTarget } from './audit/checkpoint-syslog';

const port = z.coerce
  .number({ invalid_type_error: 'must be a number' })
  .int('must be a whole number')
  .min(0, 'must be between 0 and 65535')
  .max(65535, 'must be between 0 and 65535');

function urlWithProtocols(protocols: string[]) {
  return z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { message: `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}` },
  );
}

const onOff = z.enum(['on', 'off'], { errorMap: () => ({ message: 'must be on or off' }) });

/**
 * An exact browser origin (scheme, host, port; no path, no wildcard), as a
 * browser sends it in the Origin header: "https://console.example.jp".
 */
export function originProblem(value: string): string | null {
  if (value === '*' || value.includes('*')) return 'wildcards are not accepted; list each origin';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'is not a URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must start with https:// or http://';
  if (url.origin !== value.replace(/\/$/, ''))
    return `must be an origin only (scheme, host and port), e.g. ${url.origin}`;
  return null;
}

const originList = z
  .string()
  .default('')
  .superRefine((value, ctx) => {
    for (const origin of splitList(value)) {
      const problem = originProblem(origin);
      if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${JSON.stringify(origin)} ${problem}` });
    }
  })
  .transform((value) => splitList(value).map((origin) => origin.replace(/\/$/, '')));
const limit = (min: number, max: number) =>
  z.coerce.number({ invalid_type_error: 'must be a number' }).int('must be a whole number').min(min).max(max);

/**
 * The gateway's query limits (gateway/operation-limits.ts). Chosen so every
 * operation in this repository's tests, bench/ and the disclosure export
 * passes with room to spare; see the README ("Abuse limits").
 */
export const defaultOperationLimits = Object.freeze({
  maxTokens: 1000,
  maxDepth: 8,
  maxAliases: 15,
  maxRootFields: 10,
  maxDirectives: 10,
  maxCost: 10_000,
  listSize: 10,
});

/** Requests per minute (0: that limit is off); gateway/rate-limits.ts. */
export const defaultRateLimits = Object.freeze({
  sessionPerMinute: 300,
  certificatePerMinute: 600,
  signInPerMinute: 20,
  // The partner endpoint (/fhir): token requests per client address, and requests per partner.
  partnerTokenPerMinute: 30,
  partnerPerMinute: 600,
});

const databaseUrl = urlWithProtocols(['postgresql:', 'postgres:']).refine(
  (value) => !URL.canParse(value) || new URL(value).pathname.length > 1,
  { message: 'must name a database (postgresql://user@host:5432/DBNAME)' },
);

/** Every variable Renkei reads, with its parser. The README documents each one. */
export const environmentSchema = z.object({
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: port.default(4000),
  // The internal metrics endpoint (lib/metrics/metrics-server.ts): its own listener, never the public port.
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  METRICS_PORT: z
    .union([z.literal('off'), port], { errorMap: () => ({ message: 'must be a port (1-65535), or 0 or off' }) })
    .optional(),
  DATABASE_URL: databaseUrl.optional(),
  REDIS_URL: urlWithProtocols(['redis:', 'rediss:']).optional(),
  DATA_DIR: z.string().min(1).default('.data'),
  REDIS_SERVER_BIN: z.string().min(1).default('redis-server'),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'must be 1-40 lowercase letters, digits or dashes')
    .default('renkei'),
  IDENTITY_URL: urlWithProtocols(['http:', 'https:']).optional(),
  ROOMS_URL: urlWithProtocols(['http:', 'https:']).optional(),
  CONSENT_URL: urlWithProtocols(['http:', 'https:']).optional(),
  SUBGRAPH_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  // At most a second: the bound the README states for a change that does not pass through identity.
  PRINCIPAL_CACHE_MS: z.coerce.number().int().min(0).max(1000).default(1000),
  CLIENT_CERT_MODE: z.enum(['tls', 'proxy', 'off']).default('tls'),
  CA_DIR: z.string().min(1).optional(),
  // The network CA's certificate alone, for a process that verifies certificates but never issues them (gateway, worker).
  CA_CERT_FILE: z.string().min(1).optional(),
  // A server certificate (PEM, chain allowed) and its key from files, instead of one issued from the CA at every start.
  TLS_CERT_FILE: z.string().min(1).optional(),
  TLS_KEY_FILE: z.string().min(1).optional(),
  // init-secrets copies CA_DIR here without the CA's key: the CA_DIR of a worker that signs partner calls but issues nothing.
  EXCHANGE_KEYS_DIR: z.string().min(1).optional(),
  AUDIT_CHECKPOINT_DIR: z.string().min(1).optional(),
  AUDIT_CHECKPOINT_KEY_FILE: z.string().min(1).optional(),
  AUDIT_CHECKPOINT_MINUTES: z.coerce.number().int().min(0).max(1440).default(5),
  // A syslog collector that also receives every signed checkpoint (lib/audit/checkpoint-syslog.ts).
  AUDIT_CHECKPOINT_SYSLOG: z
    .string()
    .refine((value) => parseSyslogTarget(value) !== null, {
      message: 'must be udp://host:port or tcp://host:port (port 514 when left out)',
    })
    .optional(),
  TLS_HOSTNAMES: z.string().min(1).default('localhost,127.0.0.1'),
  TRUSTED_PROXIES: z.string().default(''),
  CLIENT_CERT_HEADER: z
    .string()
    .regex(/^[a-z0-9-]+$/, 'must be a lowercase header name')
    .default('x-client-certificate'),
  INTERNAL_TOKEN_KEY_FILE: z.string().min(1).optional(),
  INTERNAL_TOKEN_PUBLIC_KEY_FILE: z.string().min(1).optional(),
  PASSWORD_MIN_LENGTH: z.coerce.number().int().min(8, 'must be at least 8').max(64).default(8),
  PASSWORD_HISTORY: z.coerce.number().int().min(1).max(24).default(5),
  PASSWORD_MAX_AGE_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  LOCKOUT_THRESHOLD: z.coerce.number().int().min(3).max(20).default(5),
  LOCKOUT_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
  SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(240).default(30),
  SESSION_ABSOLUTE_HOURS: z.coerce.number().int().min(1).max(24).default(12),
  INACTIVITY_DAYS: z.coerce.number().int().min(7).max(3650).default(180),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // Partners address us (and sign their JWTs' aud) with the public URL, which differs from the listen URL behind a proxy.
  FHIR_BASE_URL: urlWithProtocols(['https:', 'http:'])
    .refine((value) => !URL.canParse(value) || (!new URL(value).search && !new URL(value).hash), {
      message: 'must have no query or fragment',
    })
    .transform((value) => value.replace(/\/+$/, ''))
    .optional(),
  // Partners whose servers present certificates from their own (private) CA: PEM files to trust for our calls to them.
  PARTNER_CA_FILES: z.string().default(''),
  // How long a worker holds a job without renewing its lock; a killed worker's jobs are taken by
  // another after at most twice this (adapters/workers.ts). BullMQ's default; lower it to recover sooner.
  JOB_LOCK_SECONDS: z.coerce.number().int().min(5).max(600).default(30),
  // Production settings of the gateway that do not depend on NODE_ENV: secure (off) unless set.
  // Browser origins allowed to call /graphql across origins (a console served elsewhere, a dev server); none by default.
  CORS_ORIGINS: originList,
  GRAPHQL_INTROSPECTION: onOff.default('off'),
  // GraphiQL at /graphiql (gateway/graphiql.ts): development only, from the development dependencies.
  GRAPHIQL: onOff.default('off'),
  GRAPHQL_FIELD_SUGGESTIONS: onOff.default('off'),
  GRAPHQL_MAX_TOKENS: limit(100, 100_000).default(defaultOperationLimits.maxTokens),
  GRAPHQL_MAX_DEPTH: limit(2, 50).default(defaultOperationLimits.maxDepth),
  GRAPHQL_MAX_ALIASES: limit(0, 1000).default(defaultOperationLimits.maxAliases),
  GRAPHQL_MAX_ROOT_FIELDS: limit(1, 1000).default(defaultOperationLimits.maxRootFields),
  GRAPHQL_MAX_DIRECTIVES: limit(0, 1000).default(defaultOperationLimits.maxDirectives),
  GRAPHQL_MAX_COST: limit(100, 10_000_000).default(defaultOperationLimits.maxCost),
  GRAPHQL_LIST_SIZE: limit(1, 1000).default(defaultOperationLimits.listSize),
  PERSISTED_OPERATIONS: z.enum(['off', 'log', 'enforce']).default('off'),
  PERSISTED_OPERATIONS_FILE: z.string().min(1).optional(),
  RATE_LIMIT_SESSION_PER_MINUTE: limit(0, 1_000_000).default(defaultRateLimits.sessionPerMinute),
  RATE_LIMIT_CERTIFICATE_PER_MINUTE: limit(0, 1_000_000).default(defaultRateLimits.certificatePerMinute),
  RATE_LIMIT_SIGN_IN_PER_MINUTE: limit(0, 1_000_000).default(defaultRateLimits.signInPerMinute),
  RATE_LIMIT_PARTNER_TOKEN_PER_MINUTE: limit(0, 1_000_000).default(defaultRateLimits.partnerTokenPerMinute),
  RATE_LIMIT_PARTNER_PER_MINUTE: limit(0, 1_000_000).default(defaultRateLimits.partnerPerMinute),
  // Certificates that expire soon (adapters/jobs/certificate-expiry.ts): days ahead to warn, and PEM files to watch
  // beside the CA and the terminals (the gateway's server certificate when it comes from a file).
  CERTIFICATE_EXPIRY_WARNING_DAYS: z
    .string()
    .default('30,7')
    .refine((value) => warningDays(value) !== null, {
      message: 'must be one or more whole numbers of days from 1 to 365, comma-separated (e.g. 30,7)',
    }),
  CERTIFICATE_EXPIRY_FILES: z.string().default(''),
  // Backups (lib/backup): where archives go, the key that encrypts them (never in an archive), how many to keep.
  BACKUP_DIR: z.string().min(1).optional(),
  BACKUP_KEY_FILE: z.string().min(1).optional(),
  BACKUP_KEEP: limit(1, 10_000).default(7),
  // npm run db:roles (lib/database-roles.ts): each role's connection string, whose password it sets on the role.
  OWNER_DATABASE_URL: databaseUrl.optional(),
  IDENTITY_DATABASE_URL: databaseUrl.optional(),
  ROOMS_DATABASE_URL: databaseUrl.optional(),
  CONSENT_DATABASE_URL: databaseUrl.optional(),
  WORKER_DATABASE_URL: databaseUrl.optional(),
});

export const knownEnvironmentVariables = Object.keys(environmentSchema.shape);

export type SubgraphName = 'identity' | 'rooms' | 'consent';
export const subgraphNames: readonly SubgraphName[] = ['identity', 'rooms', 'consent'];

export interface Config {
  host: string;
  port: number;
  /** Where GET /metrics is served (METRICS_HOST, METRICS_PORT; default PORT + 5000); null: not served. */
  metrics: { host: string; port: number } | null;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  dataDir: string;
  redisServerBin: string;
  queuePrefix: string;
  subgraphUrls: Record<SubgraphName, string | undefined>;
  subgraphTimeoutMs: number;
  /** How long a gateway may reuse a resolved principal while identity's epoch stands (0: never). */
  principalCacheMs: number;
  logLevel: z.infer<typeof environmentSchema>['LOG_LEVEL'];
  /** tls: the gateway serves HTTPS and requires client certificates; proxy: a trusted proxy does; off: development only. */
  clientCertMode: 'tls' | 'proxy' | 'off';
  caDir: string;
  /** CA_CERT_FILE: the CA's certificate without its key; undefined: the CA is opened from caDir. */
  caCertFile: string | undefined;
  /** TLS_CERT_FILE and TLS_KEY_FILE (both or neither); undefined: a server certificate is issued from the CA at start. */
  tlsFiles: { certFile: string; keyFile: string } | undefined;
  /** EXCHANGE_KEYS_DIR (init-secrets only): where CA_DIR is copied without ca.key, for the worker. */
  exchangeKeysDir: string | undefined;
  tlsHostnames: string[];
  trustedProxies: string[];
  clientCertHeader: string;
  internalTokenKeyFile: string | undefined;
  internalTokenPublicKeyFile: string | undefined;
  /** The partner-exchange endpoint's public base URL (FHIR_BASE_URL); default: the gateway's own URL + /fhir. */
  fhirBaseUrl: string | undefined;
  /** PEM files of partners' private CAs, trusted for our calls to their FHIR endpoints (Art. 20-3). */
  partnerCaFiles: string[];
  /** Signed checkpoints of the access chains (lib/audit/checkpoints.ts): where, with which key, how often (0: not scheduled). */
  auditCheckpoints: { checkpointDir: string; keyFile: string; everyMinutes: number; syslog: SyslogTarget | null };
  /** A running job's lock (JOB_LOCK_SECONDS), in ms; the stalled check runs as often. */
  jobLockMs: number;
  /** Origins whose browsers may call the gateway across origins (CORS_ORIGINS); empty: same origin only. */
  corsOrigins: string[];
  graphql: {
    introspection: boolean;
    /** GraphiQL at /graphiql (development only); needs introspection. */
    graphiql: boolean;
    fieldSuggestions: boolean;
    limits: OperationLimits;
    persistedOperations: { mode: PersistedOperationsMode; file: string | undefined };
  };
  rateLimits: RateLimits;
  /** Warnings before certificates expire: thresholds in days (largest first) and extra PEM files to watch. */
  certificateExpiry: { warningDays: number[]; files: string[] };
  /** Backup archives (npm run backup / restore): their directory, the key that encrypts them, the generations kept. */
  backup: { dir: string; keyFile: string; keep: number };
  identity: {
    passwordMinLength: number;
    passwordHistory: number;
    passwordMaxAgeDays: number;
    lockoutThreshold: number;
    lockoutMinutes: number;
    sessionIdleMinutes: number;
    sessionAbsoluteHours: number;
    inactivityDays: number;
  };
  /** The roles' own connection strings, for npm run db:roles (the role's name and password in each). */
  roleDatabaseUrls: Partial<Record<'owner' | SubgraphName | 'worker', string>>;
}

export type OperationLimits = { [K in keyof typeof defaultOperationLimits]: number };
export type RateLimits = { [K in keyof typeof defaultRateLimits]: number };
/** The gateway's limits (gateway/rate-limits.ts). */
export type GatewayRateLimits = Pick<RateLimits, 'sessionPerMinute' | 'certificatePerMinute' | 'signInPerMinute'>;
/** The partner endpoint's limits (adapters/fhir/partner-rate-limits.ts). */
export type PartnerRateLimits = Pick<RateLimits, 'partnerTokenPerMinute' | 'partnerPerMinute'>;
export type PersistedOperationsMode = 'off' | 'log' | 'enforce';

type Requirement =
  | 'DATABASE_URL'
  | 'REDIS_URL'
  | 'IDENTITY_URL'
  | 'ROOMS_URL'
  | 'CONSENT_URL'
  | 'INTERNAL_TOKEN_KEY_FILE'
  | 'INTERNAL_TOKEN_PUBLIC_KEY_FILE';

/**
 * Parses the environment. Throws a StartupError listing every problem,
 * including required variables that are missing for this entry point.
 */
export function loadConfig(env: NodeJS.ProcessEnv, required: Requirement[] = []): Config {
  const relevant = Object.fromEntries(
    knownEnvironmentVariables.map((name) => [name, env[name] === '' ? undefined : env[name]]),
  );
  const parsed = environmentSchema.safeParse(relevant);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      problems.push(`${issue.path.join('.')}: ${issue.message}`);
    }
  }
  for (const name of required) {
    if (relevant[name] === undefined) problems.push(`${name}: is required for this service`);
  }
  const persisted = relevant.PERSISTED_OPERATIONS;
  if ((persisted === 'log' || persisted === 'enforce') && relevant.PERSISTED_OPERATIONS_FILE === undefined) {
    problems.push(`PERSISTED_OPERATIONS_FILE: is required when PERSISTED_OPERATIONS is ${persisted}`);
  }
  if ((relevant.TLS_CERT_FILE === undefined) !== (relevant.TLS_KEY_FILE === undefined)) {
    const [set, unset] =
      relevant.TLS_CERT_FILE === undefined ? ['TLS_KEY_FILE', 'TLS_CERT_FILE'] : ['TLS_CERT_FILE', 'TLS_KEY_FILE'];
    problems.push(`${unset}: is required when ${set} is set (the certificate and its key come together)`);
  }
  if (relevant.GRAPHIQL === 'on' && relevant.GRAPHQL_INTROSPECTION !== 'on') {
    problems.push('GRAPHIQL: needs GRAPHQL_INTROSPECTION=on (GraphiQL reads the schema by introspection)');
  }
  const metricsPort = parsed.success ? metricsPortOf(parsed.data.PORT, parsed.data.METRICS_PORT) : null;
  if (metricsPort && !metricsPort.ok) problems.push(metricsPort.problem);
  if (problems.length > 0 || !parsed.success) throw new StartupError(problems);

  const e = parsed.data;
  const dataDir = path.resolve(e.DATA_DIR);
  return {
    host: e.HOST,
    port: e.PORT,
    metrics: metricsPort?.ok && metricsPort.port !== null ? { host: e.METRICS_HOST, port: metricsPort.port } : null,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    dataDir,
    redisServerBin: e.REDIS_SERVER_BIN,
    queuePrefix: e.QUEUE_PREFIX,
    subgraphUrls: { identity: e.IDENTITY_URL, rooms: e.ROOMS_URL, consent: e.CONSENT_URL },
    subgraphTimeoutMs: e.SUBGRAPH_TIMEOUT_MS,
    principalCacheMs: e.PRINCIPAL_CACHE_MS,
    logLevel: e.LOG_LEVEL,
    clientCertMode: e.CLIENT_CERT_MODE,
    caDir: path.resolve(e.CA_DIR ?? path.join(dataDir, 'ca')),
    caCertFile: e.CA_CERT_FILE ? path.resolve(e.CA_CERT_FILE) : undefined,
    tlsFiles:
      e.TLS_CERT_FILE && e.TLS_KEY_FILE
        ? { certFile: path.resolve(e.TLS_CERT_FILE), keyFile: path.resolve(e.TLS_KEY_FILE) }
        : undefined,
    exchangeKeysDir: e.EXCHANGE_KEYS_DIR ? path.resolve(e.EXCHANGE_KEYS_DIR) : undefined,
    tlsHostnames: splitList(e.TLS_HOSTNAMES),
    trustedProxies: splitList(e.TRUSTED_PROXIES),
    clientCertHeader: e.CLIENT_CERT_HEADER,
    internalTokenKeyFile: e.INTERNAL_TOKEN_KEY_FILE,
    internalTokenPublicKeyFile: e.INTERNAL_TOKEN_PUBLIC_KEY_FILE,
    fhirBaseUrl: e.FHIR_BASE_URL,
    partnerCaFiles: splitList(e.PARTNER_CA_FILES).map((file) => path.resolve(file)),
    jobLockMs: e.JOB_LOCK_SECONDS * 1000,
    auditCheckpoints: {
      checkpointDir: path.resolve(e.AUDIT_CHECKPOINT_DIR ?? path.join(dataDir, 'audit-checkpoints')),
      keyFile: path.resolve(e.AUDIT_CHECKPOINT_KEY_FILE ?? path.join(dataDir, 'keys', 'audit-checkpoint.key')),
      everyMinutes: e.AUDIT_CHECKPOINT_MINUTES,
      syslog: e.AUDIT_CHECKPOINT_SYSLOG ? parseSyslogTarget(e.AUDIT_CHECKPOINT_SYSLOG) : null,
    },
    corsOrigins: e.CORS_ORIGINS,
    graphql: {
      introspection: e.GRAPHQL_INTROSPECTION === 'on',
      graphiql: e.GRAPHIQL === 'on',
      fieldSuggestions: e.GRAPHQL_FIELD_SUGGESTIONS === 'on',
      limits: {
        maxTokens: e.GRAPHQL_MAX_TOKENS,
        maxDepth: e.GRAPHQL_MAX_DEPTH,
        maxAliases: e.GRAPHQL_MAX_ALIASES,
        maxRootFields: e.GRAPHQL_MAX_ROOT_FIELDS,
        maxDirectives: e.GRAPHQL_MAX_DIRECTIVES,
        maxCost: e.GRAPHQL_MAX_COST,
        listSize: e.GRAPHQL_LIST_SIZE,
      },
      persistedOperations: {
        mode: e.PERSISTED_OPERATIONS,
        file: e.PERSISTED_OPERATIONS_FILE ? path.resolve(e.PERSISTED_OPERATIONS_FILE) : undefined,
      },
    },
    rateLimits: {
      sessionPerMinute: e.RATE_LIMIT_SESSION_PER_MINUTE,
      certificatePerMinute: e.RATE_LIMIT_CERTIFICATE_PER_MINUTE,
      signInPerMinute: e.RATE_LIMIT_SIGN_IN_PER_MINUTE,
      partnerTokenPerMinute: e.RATE_LIMIT_PARTNER_TOKEN_PER_MINUTE,
      partnerPerMinute: e.RATE_LIMIT_PARTNER_PER_MINUTE,
    },
    certificateExpiry: {
      warningDays: warningDays(e.CERTIFICATE_EXPIRY_WARNING_DAYS) as number[],
      files: splitList(e.CERTIFICATE_EXPIRY_FILES).map((file) => path.resolve(file)),
    },
    backup: {
      dir: path.resolve(e.BACKUP_DIR ?? path.join(dataDir, 'backups')),
      keyFile: path.resolve(e.BACKUP_KEY_FILE ?? path.join(dataDir, 'keys', 'backup.key')),
      keep: e.BACKUP_KEEP,
    },
    identity: {
      passwordMinLength: e.PASSWORD_MIN_LENGTH,
      passwordHistory: e.PASSWORD_HISTORY,
      passwordMaxAgeDays: e.PASSWORD_MAX_AGE_DAYS,
      lockoutThreshold: e.LOCKOUT_THRESHOLD,
      lockoutMinutes: e.LOCKOUT_MINUTES,
      sessionIdleMinutes: e.SESSION_IDLE_MINUTES,
      sessionAbsoluteHours: e.SESSION_ABSOLUTE_HOURS,
      inactivityDays: e.INACTIVITY_DAYS,
    },
    roleDatabaseUrls: {
      owner: e.OWNER_DATABASE_URL,
      identity: e.IDENTITY_DATABASE_URL,
      rooms: e.ROOMS_DATABASE_URL,
      consent: e.CONSENT_DATABASE_URL,
      worker: e.WORKER_DATABASE_URL,
    },
  };
}

/** "30,7" → [30, 7] (distinct, largest first), or null when any entry is not 1-365 days. */
function warningDays(value: string): number[] | null {
  const entries = splitList(value);
  if (entries.length === 0 || entries.some((entry) => !/^\d{1,3}$/.test(entry))) return null;
  const days = entries.map(Number);
  if (days.some((d) => d < 1 || d > 365)) return null;
  return [...new Set(days)].sort((a, b) => b - a);
}

/** Metrics default to PORT + 5000 (4000 → 9000), so the processes of one machine do not clash; 0 or off: none. */
export const metricsPortOffset = 5000;

function metricsPortOf(
  servicePort: number,
  setting: number | 'off' | undefined,
): { ok: true; port: number | null } | { ok: false; problem: string } {
  if (setting === 'off' || setting === 0) return { ok: true, port: null };
  if (setting === undefined) {
    // An ephemeral service port (tests) has no fixed neighbour: no metrics unless METRICS_PORT says where.
    if (servicePort === 0) return { ok: true, port: null };
    if (servicePort + metricsPortOffset > 65535)
      return {
        ok: false,
        problem: `METRICS_PORT: PORT + ${metricsPortOffset} is past 65535; set METRICS_PORT to a free port, or to off`,
      };
    return { ok: true, port: servicePort + metricsPortOffset };
  }
  if (setting === servicePort)
    return { ok: false, problem: 'METRICS_PORT: must differ from PORT (metrics are never served on the public port)' };
  return { ok: true, port: setting };
}

function splitList(value: string): string[] {
  return value
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v.length > 0);
}

/** A connection string safe to print: the password is replaced. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}
