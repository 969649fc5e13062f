// docker-compose.yml is never run on the build machines (no Docker engine),
// so this test checks it against the code instead: every command starts a
// real entry point, every variable is one Renkei reads and is valid, each
// service sets what its entry point requires, migrations run first, every
// service connects as its own database role, and the gateway's subgraph URLs
// reach the right services on the right ports. docker-compose-production.test.ts
// checks it as a production deployment (compose schema, secrets, volumes,
// healthchecks, scaling); test/support/compose-file.ts reads it as compose does.
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { environmentSchema, knownEnvironmentVariables, subgraphNames } from '../../lib/config';
import { repoRoot } from '../../lib/repo-paths';
import { subgraphSchemaFiles } from '../../lib/subgraph-schema';
import { r4DefinitionsPath } from '../../adapters/fhir/r4-definitions';
import { ownerRole, serviceRoles } from '../../lib/database-roles';
import { entrySourceOf, loadCompose, readRepoFile, type Service } from '../support/compose-file';
import { entryPoints, requiredVariables } from '../support/entry-points';

/** Read by the libraries (express, Apollo Server), not by Renkei's config, which never depends on it. */
const libraryVariables = ['NODE_ENV'];

/** The migration runner itself, or db:roles with --migrate (the roles, then the migrations as the owner role). */
function runsMigrations(service: Service): boolean {
  const command = service.command.join(' ');
  return command === 'node dist/scripts/migrate.js' || command === 'node dist/scripts/db-roles.js --migrate';
}

const { services } = loadCompose();
const byName = new Map(services.map((s) => [s.name, s]));
const appServices = services.filter((s) => s.isApp);
const nodeServices = appServices.filter((s) => s.command[0] === 'node');
const migrateServices = appServices.filter(runsMigrations);

function entryOf(service: Service): string {
  const source = entrySourceOf(service.command);
  if (!source)
    throw new Error(`service ${service.name}: command ${JSON.stringify(service.command)} is not "node dist/<path>.js"`);
  return source;
}

describe('docker-compose.yml', () => {
  it('has app services built from this repository', () => {
    expect(appServices.length).toBeGreaterThan(0);
    expect(fs.existsSync(path.join(repoRoot, 'Dockerfile'))).toBe(true);
  });

  it('gives every app service an explicit command: an entry point or the migrations', () => {
    const unrecognized = appServices
      .filter((s) => !runsMigrations(s) && entrySourceOf(s.command) === undefined)
      .map((s) => `${s.name}: ${JSON.stringify(s.raw.command ?? null)}`);
    expect(unrecognized).toEqual([]);
  });

  describe('(a) entry points', () => {
    it('compiles every entry point X.ts to dist/X.js (tsconfig.build.json)', () => {
      const parsed = ts.getParsedCommandLineOfConfigFile(
        path.join(repoRoot, 'tsconfig.build.json'),
        {},
        {
          ...ts.sys,
          onUnRecoverableConfigFileDiagnostic: (d) => {
            throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
          },
        },
      );
      if (!parsed) throw new Error('cannot read tsconfig.build.json');
      const { outDir, rootDir } = parsed.options;
      expect({ outDir, rootDir }).toEqual({ outDir: path.join(repoRoot, 'dist'), rootDir: repoRoot });
      const compiled = new Set(parsed.fileNames.map((f) => path.relative(repoRoot, f)));
      expect(
        entryPoints.filter((e) => !compiled.has(e)).map((e) => `${e} is not compiled by tsconfig.build.json`),
      ).toEqual([]);
    });

    it.each(nodeServices.map((s) => [s.name, s] as const))(
      '%s runs a known entry point whose source exists',
      (_name, service) => {
        const source = entryOf(service);
        const problems: string[] = [];
        if (!fs.existsSync(path.join(repoRoot, source)))
          problems.push(`${service.command[1]} would be compiled from ${source}, which does not exist`);
        if (!entryPoints.includes(source))
          problems.push(`${source} is not one of the entry points: ${entryPoints.join(', ')}`);
        expect(problems).toEqual([]);
      },
    );

    it('runs every subgraph, the worker and the gateway', () => {
      const running = nodeServices.map(entryOf);
      const wanted = entryPoints.filter((e) => e !== 'start/all-in-one.ts');
      expect(
        wanted.filter((e) => !running.includes(e)).map((e) => `no service runs node dist/${e.replace(/\.ts$/, '.js')}`),
      ).toEqual([]);
    });
  });

  describe('(b) environment variables', () => {
    it.each(appServices.map((s) => [s.name, s] as const))(
      '%s sets only variables Renkei knows, with valid values',
      (_name, service) => {
        const unknown = Object.keys(service.env)
          .filter((name) => !knownEnvironmentVariables.includes(name) && !libraryVariables.includes(name))
          .map((name) => `${name} is not read by Renkei (known: ${knownEnvironmentVariables.join(', ')})`);
        expect(unknown).toEqual([]);
        const parsed = environmentSchema.safeParse(
          Object.fromEntries(Object.entries(service.env).filter(([name]) => !libraryVariables.includes(name))),
        );
        const invalid = parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
        expect(invalid).toEqual([]);
      },
    );
  });

  describe('(b2) production settings', () => {
    it.each(appServices.map((s) => [s.name, s] as const))('%s runs with NODE_ENV=production', (_name, service) => {
      expect(service.env.NODE_ENV).toBe('production');
    });

    it("sets the gateway's production settings explicitly: no introspection, no field suggestions, a persisted-operations mode", () => {
      const gateway = nodeServices.find((s) => entrySourceOf(s.command) === 'gateway/main.ts');
      expect(gateway?.env).toMatchObject({
        GRAPHQL_INTROSPECTION: 'off',
        GRAPHQL_FIELD_SUGGESTIONS: 'off',
        PERSISTED_OPERATIONS: expect.stringMatching(/^(off|log|enforce)$/),
      });
      if (gateway?.env.PERSISTED_OPERATIONS !== 'off') expect(gateway?.env.PERSISTED_OPERATIONS_FILE).toBeTruthy();
    });
  });

  describe('(c) required variables', () => {
    it.each(nodeServices.map((s) => [s.name, s] as const))(
      '%s sets every variable its entry point requires',
      (_name, service) => {
        const source = entryOf(service);
        const missing = requiredVariables(source)
          .filter((name) => !service.env[name])
          .map((name) => `${name} (required by ${source})`);
        expect(missing).toEqual([]);
      },
    );

    it('listens beyond the container (HOST 0.0.0.0) wherever a PORT is set', () => {
      const loopback = nodeServices
        .filter((s) => s.env.PORT !== undefined && s.env.HOST !== '0.0.0.0')
        .map((s) => `${s.name}: HOST=${s.env.HOST ?? '(unset, defaults to 127.0.0.1)'}`);
      expect(loopback).toEqual([]);
    });
  });

  describe('(d) migrations', () => {
    it('has one service that runs the migrations against DATABASE_URL', () => {
      expect(migrateServices.map((s) => s.name)).toHaveLength(1);
      const migrate = migrateServices[0] as Service;
      expect(migrate.env.DATABASE_URL).toBeTruthy();
    });

    it('migrates the database the services use (the same server and database, whatever the role)', () => {
      const where = (url: string) => `${new URL(url).host}${new URL(url).pathname}`;
      const migrateUrl = migrateServices[0]?.env.DATABASE_URL ?? '';
      const others = appServices
        .filter((s) => s.env.DATABASE_URL !== undefined && where(s.env.DATABASE_URL) !== where(migrateUrl))
        .map((s) => `${s.name}: ${s.env.DATABASE_URL} (migrate uses ${migrateUrl})`);
      expect(others).toEqual([]);
    });

    it('starts every service that uses the database only after the migrations succeeded', () => {
      const migrate = migrateServices[0]?.name ?? '(no migrate service)';
      const problems = nodeServices
        .filter((s) => !runsMigrations(s) && requiredVariables(entryOf(s)).includes('DATABASE_URL'))
        .filter((s) => s.dependsOn[migrate] !== 'service_completed_successfully')
        .map(
          (s) =>
            `${s.name}: depends_on ${migrate} is ${s.dependsOn[migrate] ?? 'missing'}, expected condition service_completed_successfully`,
        );
      expect(problems).toEqual([]);
    });
  });

  describe('(d2) database roles (lib/database-roles.ts)', () => {
    const migrate = () => migrateServices[0] as Service;
    const user = (url: string | undefined) => (url ? decodeURIComponent(new URL(url).username) : '(no DATABASE_URL)');
    /** The entry point → the role it must connect as. */
    const roleOf: Record<string, string> = {
      'subgraphs/identity/main.ts': serviceRoles.identity,
      'subgraphs/rooms/main.ts': serviceRoles.rooms,
      'subgraphs/consent/main.ts': serviceRoles.consent,
      'adapters/main.ts': serviceRoles.worker,
      // The first administrator is identity's data.
      'scripts/bootstrap-admin.ts': serviceRoles.identity,
    };

    it('migrates through db:roles --migrate, which gets every role its password and runs the migrations as the owner', () => {
      expect(migrate().command).toEqual(['node', 'dist/scripts/db-roles.js', '--migrate']);
      expect(user(migrate().env.OWNER_DATABASE_URL)).toBe(ownerRole);
      for (const [service, role] of Object.entries(serviceRoles))
        expect([service, user(migrate().env[`${service.toUpperCase()}_DATABASE_URL`])]).toEqual([service, role]);
    });

    it.each(Object.entries(roleOf))('%s connects as %s, with the URL whose password db:roles sets', (entry, role) => {
      const users = nodeServices.filter((s) => entrySourceOf(s.command) === entry);
      expect(users.length).toBeGreaterThan(0);
      for (const service of users) {
        expect([service.name, user(service.env.DATABASE_URL)]).toEqual([service.name, role]);
        const serviceKey = Object.entries(serviceRoles).find(([, r]) => r === role)?.[0] ?? '';
        expect(service.env.DATABASE_URL).toBe(migrate().env[`${serviceKey.toUpperCase()}_DATABASE_URL`]);
      }
    });

    it('uses the database superuser only in the migrate step', () => {
      const admin = user(migrate().env.DATABASE_URL);
      expect(byName.get('postgres')?.raw.environment).toMatchObject({ POSTGRES_USER: admin });
      const others = appServices
        .filter((s) => s !== migrate())
        .flatMap((s) =>
          Object.entries(s.env)
            .filter(([name]) => name.endsWith('DATABASE_URL'))
            .map(([, url]) => [s.name, url]),
        )
        .filter(([, url]) => user(url) === admin || user(url) === ownerRole);
      expect(others).toEqual([]);
    });
  });

  describe('(e) gateway subgraph URLs', () => {
    const gateways = nodeServices.filter((s) => entrySourceOf(s.command) === 'gateway/main.ts');

    it('has one gateway', () => {
      expect(gateways.map((s) => s.name)).toHaveLength(1);
    });

    it.each(subgraphNames.map((n) => [n] as const))(
      '%s: the URL names the service running that subgraph, on its PORT, at /graphql',
      (subgraph) => {
        const gateway = gateways[0] as Service;
        const variable = `${subgraph.toUpperCase()}_URL`;
        const value = gateway.env[variable];
        if (value === undefined) throw new Error(`gateway ${gateway.name} does not set ${variable}`);
        const url = new URL(value);
        const target = byName.get(url.hostname);
        if (!target) throw new Error(`${variable}=${value}: no service named "${url.hostname}" in docker-compose.yml`);
        const problems: string[] = [];
        const expectedSource = `subgraphs/${subgraph}/main.ts`;
        if (entrySourceOf(target.command) !== expectedSource) {
          problems.push(
            `${variable}=${value}: service ${target.name} runs ${JSON.stringify(target.command)}, not dist/subgraphs/${subgraph}/main.js`,
          );
        }
        const urlPort = url.port || (url.protocol === 'https:' ? '443' : '80');
        const servicePort = target.env.PORT ?? '4000 (the default)';
        if (urlPort !== servicePort)
          problems.push(
            `${variable}=${value}: port ${urlPort}, but service ${target.name} listens on PORT ${servicePort}`,
          );
        if (url.pathname !== '/graphql') problems.push(`${variable}=${value}: path must be /graphql`);
        if (!(target.name in gateway.dependsOn)) problems.push(`gateway does not depend_on ${target.name}`);
        expect(problems).toEqual([]);
      },
    );
  });
});

describe('Dockerfile', () => {
  const dockerfile = fs.existsSync(path.join(repoRoot, 'Dockerfile')) ? readRepoFile('Dockerfile') : '';

  it("sets NODE_ENV=production and the gateway's secure settings in the runtime image", () => {
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('FROM '));
    const env = Object.fromEntries(
      [...runtime.replace(/\\\n/g, ' ').matchAll(/^ENV\s+(.+)$/gm)].flatMap((m) =>
        [...(m[1] as string).matchAll(/([A-Z_]+)=(\S+)/g)].map((kv) => [kv[1], kv[2]]),
      ),
    );
    expect(env).toMatchObject({
      NODE_ENV: 'production',
      GRAPHQL_INTROSPECTION: 'off',
      GRAPHQL_FIELD_SUGGESTIONS: 'off',
    });
  });

  it('ships the files that the compiled code reads from the repository root at run time', () => {
    const needed = [
      'package.json',
      'dist',
      'prisma/migrations',
      'gateway/supergraph.graphql',
      path.relative(repoRoot, path.dirname(r4DefinitionsPath)),
      ...subgraphNames.flatMap((n) => subgraphSchemaFiles(n).map((file) => path.relative(repoRoot, file))),
    ];
    const copied = [...dockerfile.matchAll(/^COPY\s+(.+)$/gm)].flatMap((m) =>
      (m[1] as string)
        .split(/\s+/)
        .filter((part) => !part.startsWith('--'))
        .slice(0, -1)
        .map((p) => p.replace(/^\/app\//, '').replace(/\/$/, '')),
    );
    expect(needed.filter((file) => !copied.includes(file))).toEqual([]);
  });
});
