// The rooms this person takes part in (the graph decides which), and one
// room (room.tsx).
import { useEffect, useState } from 'react';
import { MyRoomsDocument, type MyRoomsQuery } from '../../../../generated/console/operations';
import type { Me } from '../../app';
import { GraphError } from '../../graphql';
import { href } from '../../route';
import { useSession, useWords } from '../../session';
import { when } from '../decision';
import { Room } from './room';
import { words } from './words';

type Row = MyRoomsQuery['rooms']['items'][number];

export function Rooms({ me, id }: { me: Me; id?: string }) {
  if (id) return <Room me={me} id={id} />;
  return <RoomList />;
}

function RoomList() {
  const session = useSession();
  const w = useWords(words);
  const [rows, setRows] = useState<Row[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  async function page(after: string | null) {
    const data = await session.call(MyRoomsDocument, { after });
    setRows((current) => [...(after ? (current ?? []) : []), ...data.rooms.items]);
    setCursor(data.rooms.nextCursor ?? null);
  }

  useEffect(() => {
    setRows(null);
    setProblem(null);
    page(null).catch((error: unknown) => setProblem(error instanceof GraphError ? error.message : String(error)));
  }, [session.language]);

  return (
    <section aria-labelledby="rooms-title">
      <h1 id="rooms-title">{w.title}</h1>
      <p className="lead">{w.lead}</p>
      {problem && (
        <p role="alert" className="problem">
          {problem}
        </p>
      )}
      {!problem && rows === null && <p className="loading">{session.t.loading}</p>}
      {rows !== null && rows.length === 0 && <p className="empty">{w.none}</p>}
      {rows !== null && rows.length > 0 && (
        <table className="list">
          <thead>
            <tr>
              <th>{w.roomTitle}</th>
              <th>{w.status}</th>
              <th>{w.openedAt}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.id} data-room={row.id}>
                <td>
                  <a href={href({ page: 'rooms', id: row.id })}>{row.title}</a>
                </td>
                <td>
                  <span className={`badge ${row.status === 'OPEN' ? 'good' : 'off'}`}>{w[row.status]}</span>
                </td>
                <td>{when(row.openedAt, session.language)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {cursor && (
        <button
          type="button"
          className="secondary"
          onClick={() =>
            void page(cursor).catch((error: unknown) =>
              setProblem(error instanceof GraphError ? error.message : String(error)),
            )
          }
        >
          {w.more}
        </button>
      )}
    </section>
  );
}
