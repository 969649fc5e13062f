// Configuration is read from the environment once, at start, into one typed
// object. Nothing else in the code base reads process.env. Each entry point
// states which optional settings it requires (a subgraph process needs a
// database URL; the all-in-one start can embed its own services).
import path from 'node:path';
import { z } from 'zod';
import { StartupError } from './startup-error';

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

const databaseUrl = urlWithProtocols(['postgresql:', 'postgres:']).refine(
  (value) => !URL.canParse(value) || new URL(value).pathname.length > 1,
  { message: 'must name a database (postgresql://user@host:5432/DBNAME)' },
);

/** Every variable Renkei reads, with its parser. The README documents each one. */
export const environmentSchema = z.object({
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: port.default(4000),
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
  CLIENT_CERT_MODE: z.enum(['tls', 'proxy', 'off']).default('tls'),
  CA_DIR: z.string().min(1).optional(),
  TLS_HOSTNAMES: z.string().min(1).default('localhost,127.0.0.1'),
  TRUSTED_PROXIES: z.string().default(''),
  CLIENT_CERT_HEADER: z.string().regex(/^[a-z0-9-]+$/, 'must be a lowercase header name').default('x-client-certificate'),
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
    .refine((value) => !URL.canParse(value) || (!new URL(value).search && !new URL(value).hash), { message: 'must have no query or fragment' })
    .transform((value) => value.replace(/\/+$/, ''))
    .optional(),
  // Partners whose servers present certificates from their own (private) CA: PEM files to trust for our calls to them.
  PARTNER_CA_FILES: z.string().default(''),
});

export const knownEnvironmentVariables = Object.keys(environmentSchema.shape);

export type SubgraphName = 'identity' | 'rooms' | 'consent';
export const subgraphNames: readonly SubgraphName[] = ['identity', 'rooms', 'consent'];

export interface Config {
  host: string;
  port: number;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  dataDir: string;
  redisServerBin: string;
  queuePrefix: string;
  subgraphUrls: Record<SubgraphName, string | undefined>;
  subgraphTimeoutMs: number;
  logLevel: z.infer<typeof environmentSchema>['LOG_LEVEL'];
  /** tls: the gateway serves HTTPS and requires client certificates; proxy: a trusted proxy does; off: development only. */
  clientCertMode: 'tls' | 'proxy' | 'off';
  caDir: string;
  tlsHostnames: string[];
  trustedProxies: string[];
  clientCertHeader: string;
  internalTokenKeyFile: string | undefined;
  internalTokenPublicKeyFile: string | undefined;
  /** The partner-exchange endpoint's public base URL (FHIR_BASE_URL); default: the gateway's own URL + /fhir. */
  fhirBaseUrl: string | undefined;
  /** PEM files of partners' private CAs, trusted for our calls to their FHIR endpoints (Art. 20-3). */
  partnerCaFiles: string[];
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
}

type Requirement = 'DATABASE_URL' | 'REDIS_URL' | 'IDENTITY_URL' | 'ROOMS_URL' | 'CONSENT_URL' | 'INTERNAL_TOKEN_KEY_FILE' | 'INTERNAL_TOKEN_PUBLIC_KEY_FILE';

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
  if (problems.length > 0 || !parsed.success) throw new StartupError(problems);

  const e = parsed.data;
  const dataDir = path.resolve(e.DATA_DIR);
  return {
    host: e.HOST,
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    dataDir,
    redisServerBin: e.REDIS_SERVER_BIN,
    queuePrefix: e.QUEUE_PREFIX,
    subgraphUrls: { identity: e.IDENTITY_URL, rooms: e.ROOMS_URL, consent: e.CONSENT_URL },
    subgraphTimeoutMs: e.SUBGRAPH_TIMEOUT_MS,
    logLevel: e.LOG_LEVEL,
    clientCertMode: e.CLIENT_CERT_MODE,
    caDir: path.resolve(e.CA_DIR ?? path.join(dataDir, 'ca')),
    tlsHostnames: splitList(e.TLS_HOSTNAMES),
    trustedProxies: splitList(e.TRUSTED_PROXIES),
    clientCertHeader: e.CLIENT_CERT_HEADER,
    internalTokenKeyFile: e.INTERNAL_TOKEN_KEY_FILE,
    internalTokenPublicKeyFile: e.INTERNAL_TOKEN_PUBLIC_KEY_FILE,
    fhirBaseUrl: e.FHIR_BASE_URL,
    partnerCaFiles: splitList(e.PARTNER_CA_FILES).map((file) => path.resolve(file)),
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
  };
}

function splitList(value: string): string[] {
  return value.split(',').map((v) => v.trim()).filter((v) => v.length > 0);
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
