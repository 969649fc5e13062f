// pg_dump and pg_restore (PostgreSQL's client tools, the server's major
// version or newer) as child processes. The password goes in PGPASSWORD, not
// on the command line where `ps` would show it; Prisma's own URL parameters
// (schema=, connection_limit=) are dropped because libpq refuses them. The
// tools get the environment the entry point hands over (PATH, locale), never
// read here.
import { execFile } from 'node:child_process';
import { BackupError } from './backup-error';

const libpqParameters = new Set([
  'sslmode',
  'sslcert',
  'sslkey',
  'sslrootcert',
  'sslpassword',
  'application_name',
  'connect_timeout',
  'options',
  'host',
  'port',
  'target_session_attrs',
]);

/** A libpq connection string without the password, and the environment that carries it. */
export function libpqConnection(
  databaseUrl: string,
  baseEnv: NodeJS.ProcessEnv,
): { dbname: string; env: NodeJS.ProcessEnv } {
  const url = new URL(databaseUrl);
  const password = decodeURIComponent(url.password);
  url.password = '';
  for (const name of [...url.searchParams.keys()]) if (!libpqParameters.has(name)) url.searchParams.delete(name);
  const env: NodeJS.ProcessEnv = { ...baseEnv };
  // A PGPASSWORD or service file from the operator's shell must not stand in for the URL's.
  for (const name of ['PGPASSWORD', 'PGSERVICE', 'PGDATABASE', 'PGOPTIONS']) delete env[name];
  if (password) env.PGPASSWORD = password;
  return { dbname: url.toString(), env };
}

function run(tool: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(tool, args, { env, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (!error) return resolve(stdout);
      const code = (error as NodeJS.ErrnoException).code;
      reject(
        new BackupError(
          'TOOL_FAILED',
          code === 'ENOENT'
            ? `${tool} is not installed (PostgreSQL's client tools: apt-get install postgresql-client)`
            : `${tool} failed: ${stderr.trim().split('\n').slice(-5).join(' / ') || error.message}`,
        ),
      );
    });
  });
}

export async function pgDumpVersion(baseEnv: NodeJS.ProcessEnv): Promise<string> {
  return (await run('pg_dump', ['--version'], baseEnv)).trim();
}

/** A custom-format dump of the whole database (every schema) as of an exported snapshot. */
export async function pgDump(
  databaseUrl: string,
  snapshot: string,
  outFile: string,
  baseEnv: NodeJS.ProcessEnv,
): Promise<void> {
  const { dbname, env } = libpqConnection(databaseUrl, baseEnv);
  await run(
    'pg_dump',
    ['--format=custom', `--snapshot=${snapshot}`, '--no-password', `--file=${outFile}`, `--dbname=${dbname}`],
    env,
  );
}

/**
 * Restores a dump into an empty database in one transaction (all or nothing), owned by the role
 * that connects (the database's owner): the source's role names need not exist here.
 */
export async function pgRestore(databaseUrl: string, dumpFile: string, baseEnv: NodeJS.ProcessEnv): Promise<void> {
  const { dbname, env } = libpqConnection(databaseUrl, baseEnv);
  await run(
    'pg_restore',
    ['--no-owner', '--single-transaction', '--exit-on-error', '--no-password', `--dbname=${dbname}`, dumpFile],
    env,
  );
}
