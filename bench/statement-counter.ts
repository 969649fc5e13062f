// Preloaded (node --import) into each process of the bench's production
// topology, before its entry point: counts every SQL statement the process
// sends through node-postgres (BEGIN and COMMIT included), as the all-in-one
// side's system-child.ts counts its pool's, and keeps the last 500 texts.
// The bench asks over the IPC channel it spawned the process with; nothing
// else in the process changes. PostgreSQL here has no pg_stat_statements,
// so the count cannot be read from the database side.
//
// When the bench goes away (its IPC channel closes: a crash, a kill), the
// process stops itself as SIGTERM would stop it, so no service outlives the
// run.
import { Client } from 'pg';

let statements = 0;
const recent: string[] = [];
const originalQuery = Client.prototype.query;
Client.prototype.query = function countingQuery(this: Client, ...args: unknown[]) {
  statements += 1;
  const first = args[0] as string | { text?: string };
  recent[statements % 500] = typeof first === 'string' ? first : (first?.text ?? '?');
  return (originalQuery as (...a: unknown[]) => unknown).apply(this, args);
} as typeof originalQuery;

if (process.send) {
  process.on('message', (message: { type?: string; since?: number }) => {
    if (message?.type !== 'statements') return;
    const since = message.since;
    const texts =
      since === undefined
        ? undefined
        : Array.from({ length: Math.min(500, statements - since) }, (_, i) => recent[(since + 1 + i) % 500]!);
    process.send?.({ type: 'statements', count: statements, texts });
  });
  process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
}
