// docker-compose.yml read the way `docker compose` reads it, for the tests
// that check it (no Docker engine runs on the build machines): YAML parsed,
// then compose's variable interpolation applied to every string, with a
// sample value for each variable the operator must set (`${NAME:?message}`)
// and the default for the others (`${NAME:-default}`). The raw document is
// kept too, for the checks that no secret is written in the file itself.
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from '../../lib/repo-paths';

export type Env = Record<string, string>;

export interface Service {
  name: string;
  /** The service after interpolation. */
  raw: Record<string, unknown>;
  /** The service as written (`${NAME:?…}` still in it). */
  written: Record<string, unknown>;
  /** Built from this repository's Dockerfile (`build: .`). */
  isApp: boolean;
  command: string[];
  env: Env;
  /** The environment as written, before interpolation. */
  writtenEnv: Env;
  dependsOn: Record<string, string>;
  /** Named volumes and bind mounts: where each is mounted, from which source, read-only or not. */
  mounts: Mount[];
}

export interface Mount {
  source: string;
  target: string;
  readOnly: boolean;
  /** A named volume (declared at the top level) rather than a path on the host. */
  named: boolean;
}

export interface Interpolation {
  name: string;
  /** `:?` / `?`: compose stops with the message when the variable is unset (or, with the colon, empty). */
  required: boolean;
  fallback: string | undefined;
}

export function readRepoFile(relative: string): string {
  return fs.readFileSync(path.join(repoRoot, relative), 'utf8');
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const interpolationPattern = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

/** Every `${…}` in a string, as compose reads it. */
export function interpolationsIn(text: string): Interpolation[] {
  return [...text.matchAll(interpolationPattern)]
    .filter((m) => m[0] !== '$$')
    .map((m) => ({
      name: (m[1] ?? m[4]) as string,
      required: m[2] === ':?' || m[2] === '?',
      fallback: m[2] === ':-' || m[2] === '-' ? (m[3] ?? '') : undefined,
    }));
}

/** The value a test gives a variable the operator sets: URL-safe, and naming the variable. */
export function sampleValue(name: string): string {
  return `sample-${name.toLowerCase().replace(/_/g, '-')}`;
}

export function interpolate(text: string): string {
  return text.replace(
    interpolationPattern,
    (whole, braced?: string, operator?: string, argument?: string, bare?: string) => {
      if (whole === '$$') return '$';
      const name = (braced ?? bare) as string;
      if (operator === ':-' || operator === '-') return argument ?? '';
      return sampleValue(name);
    },
  );
}

function interpolateDeep(value: unknown): unknown {
  if (typeof value === 'string') return interpolate(value);
  if (Array.isArray(value)) return value.map(interpolateDeep);
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolateDeep(v)]));
  return value;
}

function normalizeEnvironment(service: string, value: unknown): Env {
  if (value === undefined || value === null) return {};
  if (Array.isArray(value)) {
    return Object.fromEntries(
      value.map((entry) => {
        const text = String(entry);
        const eq = text.indexOf('=');
        if (eq < 0)
          throw new Error(`service ${service}: environment entry "${text}" has no value (NAME=value expected)`);
        return [text.slice(0, eq), text.slice(eq + 1)];
      }),
    );
  }
  if (isRecord(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, v === null ? '' : String(v)]));
  }
  throw new Error(`service ${service}: environment must be a map or a list`);
}

function normalizeDependsOn(value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (Array.isArray(value)) return Object.fromEntries(value.map((name) => [String(name), 'service_started']));
  if (isRecord(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([name, spec]) => [
        name,
        isRecord(spec) && typeof spec.condition === 'string' ? spec.condition : 'service_started',
      ]),
    );
  }
  return {};
}

function normalizeCommand(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === 'string') return value.trim().split(/\s+/);
  return [];
}

function normalizeMounts(service: string, value: unknown, namedVolumes: string[]): Mount[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new Error(`service ${service}: volumes must be a list`);
  return value.map((entry) => {
    if (typeof entry === 'string') {
      const [source = '', target = '', options = ''] = entry.split(':');
      return { source, target, readOnly: options.split(',').includes('ro'), named: namedVolumes.includes(source) };
    }
    if (isRecord(entry)) {
      const source = String(entry.source ?? '');
      return {
        source,
        target: String(entry.target ?? ''),
        readOnly: entry.read_only === true,
        named: namedVolumes.includes(source),
      };
    }
    throw new Error(`service ${service}: a volume entry is neither a string nor a map`);
  });
}

function isBuiltFromRepo(build: unknown): boolean {
  const context = isRecord(build) ? build.context : build;
  return typeof context === 'string' && path.resolve(repoRoot, context) === repoRoot;
}

export interface ComposeFile {
  text: string;
  /** After interpolation. */
  document: Record<string, unknown>;
  written: Record<string, unknown>;
  services: Service[];
  namedVolumes: string[];
}

export function loadCompose(file = 'docker-compose.yml'): ComposeFile {
  const text = readRepoFile(file);
  const written: unknown = parse(text);
  if (!isRecord(written) || !isRecord(written.services)) throw new Error(`${file} has no services map`);
  const document = interpolateDeep(written) as Record<string, unknown>;
  const namedVolumes = isRecord(document.volumes) ? Object.keys(document.volumes) : [];
  const services = Object.entries(document.services as Record<string, unknown>).map(([name, raw]): Service => {
    if (!isRecord(raw)) throw new Error(`service ${name} is not a map`);
    const writtenService = (written.services as Record<string, Record<string, unknown>>)[name] ?? {};
    return {
      name,
      raw,
      written: writtenService,
      isApp: isBuiltFromRepo(raw.build),
      command: normalizeCommand(raw.command),
      env: normalizeEnvironment(name, raw.environment),
      writtenEnv: normalizeEnvironment(name, writtenService.environment),
      dependsOn: normalizeDependsOn(raw.depends_on),
      mounts: normalizeMounts(name, raw.volumes, namedVolumes),
    };
  });
  return { text, document, written, services, namedVolumes };
}

/** `node dist/X.js` → `X.ts`, or undefined when the command is not of that form. */
export function entrySourceOf(command: string[]): string | undefined {
  if (command[0] !== 'node' || command.length < 2) return undefined;
  const script = command[1] as string;
  const match = /^(?:\.\/)?dist\/(.+)\.js$/.exec(script);
  return match ? `${match[1]}.ts` : undefined;
}

/** The named volume and the path inside it where a service sees `file`, or undefined when no volume holds it. */
export function volumePathOf(service: Service, file: string): { volume: string; inside: string } | undefined {
  const mount = service.mounts
    .filter((m) => m.named && (file === m.target || file.startsWith(`${m.target}/`)))
    .sort((a, b) => b.target.length - a.target.length)[0];
  return mount && { volume: mount.source, inside: path.posix.relative(mount.target, file) };
}
