// Stopping drains the gateway's operations before the subgraphs stop. A client
// that hangs up does not end its operation: the gateway's HTTP server closes as
// soon as its sockets are gone, while the operation's query plan still has
// fetches to make. Found by the bench (README, Performance): under load, a stop
// logged "unexpected error" (fetch failed, the subgraph's side closed) for
// operations whose clients had gone. Here the operation is held deterministically:
// rooms' table is locked while the gateway waits on rooms, the client hangs up,
// the system is told to stop, and the lock is released; the plan's next fetch
// (consent, the first subgraph to stop) must still find consent running.
import { Client } from 'pg';
import { actorWithRole } from '../support/actors';
import { captureLogger } from '../support/capture-logger';
import { syncCare } from '../support/directory-fixtures';
import { eventually } from '../support/eventually';
import { graphql } from '../support/graphql-client';
import { subjectWithConsent } from '../support/sharing-fixtures';
import { startTestSystem } from '../support/test-system';

const roomsQuery = `{ rooms { items { id title subject { name } consentStatus } nextCursor } }`;

it('lets an operation whose client hung up finish before the subgraphs stop, and logs no error', async () => {
  const log = captureLogger();
  const t = await startTestSystem({ logger: log.logger });
  const lock = new Client({ connectionString: t.db.url });
  try {
    const admin = await actorWithRole(t, 'SYSTEM_ADMIN');
    const subjectId = await subjectWithConsent(t, admin);
    const opened = await graphql(
      t.graphqlUrl,
      `
        mutation ($input: OpenRoomInput!) {
          openRoom(input: $input) {
            id
          }
        }
      `,
      { input: { subjectId, title: '停止の確認' } },
      admin.headers,
    );
    expect(opened.errors).toBeUndefined();
    await syncCare(t, subjectId);
    // The operation crosses rooms, identity and consent (Room.consentStatus is consent's, after rooms answers).
    const before = await graphql(t.graphqlUrl, roomsQuery, {}, admin.headers);
    expect(before).toEqual({
      status: 200,
      data: {
        rooms: {
          items: [
            {
              id: expect.any(String),
              title: '停止の確認',
              subject: { name: expect.any(String) },
              consentStatus: 'GRANTED',
            },
          ],
          nextCursor: null,
        },
      },
    });

    await lock.connect();
    await lock.query('BEGIN');
    await lock.query('LOCK TABLE rooms.room IN ACCESS EXCLUSIVE MODE');
    const hangUp = new AbortController();
    const request = fetch(t.graphqlUrl, {
      method: 'POST',
      headers: { ...admin.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ query: roomsQuery }),
      signal: hangUp.signal,
    }).catch((error: unknown) => error);
    // Rooms is now waiting on the lock, inside the operation's first fetch.
    await eventually(
      async () =>
        (
          await lock.query<{ waiting: number }>(
            `SELECT count(*)::int AS waiting FROM pg_locks WHERE NOT granted AND relation = 'rooms.room'::regclass`,
          )
        ).rows[0]!.waiting,
      (waiting) => waiting > 0,
    );
    hangUp.abort();
    expect(await request).toMatchObject({ name: 'AbortError' });

    const since = log.lines.length;
    const stopping = t.system.stop();
    // Whatever the stop does first, it does while rooms still waits; then rooms answers.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await lock.query('COMMIT');
    await stopping;
    // The stop waited for the operation (before, it returned first, and the operation's fetches then failed
    // against stopped subgraphs: two warnings and two "unexpected error" lines, a second later).
    const after = log.lines.slice(since);
    expect(after).toContainEqual(expect.objectContaining({ msg: 'the operations in flight finished', operations: 1 }));
    expect(after.filter((line) => line.level >= 40)).toEqual([]);
  } finally {
    await lock.end().catch(() => undefined);
    await t.stop().catch(() => undefined);
  }
});
