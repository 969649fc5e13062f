// A room's share codes (Art. 20-2), for a manager of the room: the codes
// issued (partner, status, expiry: never the code itself), issuing one for a
// partner chosen by name with its lifetime in days (the code is shown this
// once, to copy and give to the partner's administrator), and revoking one
// after a confirmation. Mounted on a room's page, and on the partners page
// for every room the caller manages (ManagedRoomsShareCodes).
import { useState, type FormEvent } from 'react';
import {
  IssueRoomShareCodeDocument,
  RevokeRoomShareCodeDocument,
  RoomShareCodesDocument,
  ShareCodeRoomsDocument,
  type ShareCodeRoomsQuery,
} from '../../../../generated/console/operations';
import type { Me } from '../../app';
import { href } from '../../route';
import { useSession, useWords } from '../../session';
import { StepOutcome, useStep, when } from '../decision';
import { LoadedView, problemOf, useLoaded } from '../loading';
import { CopyButton } from './copy';
import { nameOf, usePartnerNames } from './names';
import { shareCodeBadge } from './status';
import { words } from './words';
import './partners.css';

/** The graph's bounds of a code's lifetime (issueRoomShareCode: 1 to 90 days, 14 when absent). */
const days = { min: 1, max: 90, usual: 14 };

/** Whether `me` manages rooms at all (the opener of a room, the system admin): the roles that decide rooms. */
export function managesRooms(me: Me): boolean {
  return ['SYSTEM_ADMIN', 'ADMIN_MANAGER', 'HOSPITAL_MANAGER'].includes(me.user.role);
}

export function ShareCodes({ roomId, me }: { roomId: string; me: Me }) {
  const session = useSession();
  const w = useWords(words);
  const names = usePartnerNames();
  const loaded = useLoaded(async () => (await session.call(RoomShareCodesDocument, { roomId })).room, [roomId]);
  const { busy, problem, notice, act } = useStep(loaded.reload, w.revoked);
  const [issued, setIssued] = useState<{ code: string; partnerId: string } | null>(null);
  const room = loaded.value;

  return (
    <section className="share-codes" aria-label={w.shareCodes} data-share-codes={roomId}>
      <h3>{w.shareCodes}</h3>
      <p className="muted">{w.shareCodesLead}</p>
      {issued && (
        <div className="secret" data-issued-code>
          <p>
            {w.issuedFor} <strong>{nameOf(names, issued.partnerId)}</strong>
          </p>
          <p>
            <code className="one-time">{issued.code}</code> <CopyButton text={issued.code} label={w.shareCode} />
          </p>
          <p>
            <strong>{w.shownOnce}</strong>
          </p>
          <div className="actions">
            <button type="button" className="secondary" onClick={() => setIssued(null)}>
              {w.hideCode}
            </button>
          </div>
        </div>
      )}
      {/* Only an open room takes new codes, and only a role that manages rooms may issue one (the graph checks the room). */}
      {room?.status === 'OPEN' && managesRooms(me) && (
        <IssueForm
          roomId={roomId}
          partners={names}
          onIssued={(code, partnerId) => {
            setIssued({ code, partnerId });
            void loaded.reload();
          }}
        />
      )}
      <StepOutcome problem={problem} notice={notice} />
      <LoadedView
        loaded={loaded}
        isEmpty={(value) => value === null || value.shareCodes.length === 0}
        emptyText={w.noShareCodes}
      >
        {(value) => (
          <table className="list">
            <thead>
              <tr>
                <th>{w.partner}</th>
                <th>{w.status}</th>
                <th>{w.issuedAt}</th>
                <th>{w.expiresAt}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {value!.shareCodes.map((code) => (
                <tr key={code.id} data-share-code={code.id}>
                  <td title={code.partnerId}>{nameOf(names, code.partnerId)}</td>
                  <td>
                    <span className={`badge ${shareCodeBadge[code.status]}`} data-status={code.status}>
                      {w[`code_${code.status}`]}
                    </span>
                    {code.revokedAt && (
                      <div className="muted">
                        {when(code.revokedAt, session.language)}
                        {code.revokedBy && <>（{code.revokedBy.name}）</>}
                      </div>
                    )}
                  </td>
                  <td>
                    {when(code.issuedAt, session.language)}
                    <span className="muted">（{code.issuedBy.name}）</span>
                  </td>
                  <td>{when(code.expiresAt, session.language)}</td>
                  <td>
                    {code.status === 'ACTIVE' && (
                      <button
                        type="button"
                        className="secondary danger small"
                        disabled={busy}
                        onClick={() =>
                          window.confirm(w.confirmRevoke) &&
                          void act(() => session.call(RevokeRoomShareCodeDocument, { id: code.id }))
                        }
                      >
                        {w.revoke}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </LoadedView>
    </section>
  );
}

function IssueForm(props: {
  roomId: string;
  partners: ReturnType<typeof usePartnerNames>;
  onIssued: (code: string, partnerId: string) => void;
}) {
  const session = useSession();
  const w = useWords(words);
  const [partnerId, setPartnerId] = useState('');
  const [lifetime, setLifetime] = useState(String(days.usual));
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const active = (props.partners ?? []).filter((p) => p.active);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      const data = await session.call(IssueRoomShareCodeDocument, {
        roomId: props.roomId,
        partnerId,
        expiresInDays: Number(lifetime),
      });
      props.onIssued(data.issueRoomShareCode.code, partnerId);
      setPartnerId('');
    } catch (error) {
      setProblem(problemOf(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="issue" aria-label={w.issue} onSubmit={(event) => void submit(event)}>
      <label>
        {w.partner}
        <select name="partnerId" required value={partnerId} onChange={(e) => setPartnerId(e.target.value)}>
          <option value="">{props.partners === null ? session.t.loading : w.choosePartner}</option>
          {active.map((partner) => (
            <option key={partner.id} value={partner.id}>
              {partner.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        {w.expiresInDays}
        <input
          name="expiresInDays"
          type="number"
          required
          min={days.min}
          max={days.max}
          value={lifetime}
          onChange={(e) => setLifetime(e.target.value)}
        />
      </label>
      <button type="submit" disabled={busy || active.length === 0}>
        {w.issue}
      </button>
      {props.partners !== null && active.length === 0 && <p className="muted">{w.noActivePartners}</p>}
      {problem && (
        <p role="alert" className="problem">
          {problem}
        </p>
      )}
    </form>
  );
}

type RoomRow = ShareCodeRoomsQuery['rooms']['items'][number];

/** Every room the caller manages and that is not closed (the opener's; the system admin's: all), each with its codes. */
export function ManagedRoomsShareCodes({ me }: { me: Me }) {
  const session = useSession();
  const w = useWords(words);
  const loaded = useLoaded(async () => {
    const rooms: RoomRow[] = [];
    let after: string | null = null;
    do {
      const page: ShareCodeRoomsQuery = await session.call(ShareCodeRoomsDocument, { after });
      rooms.push(...page.rooms.items);
      after = page.rooms.nextCursor ?? null;
    } while (after && rooms.length < 500);
    const manages = (room: RoomRow) => me.user.role === 'SYSTEM_ADMIN' || room.openedBy?.id === me.user.id;
    return rooms.filter((room) => room.status !== 'CLOSED' && manages(room));
  }, [me.user.id]);
  return (
    <section aria-labelledby="managed-rooms-title">
      <h2 id="managed-rooms-title">{w.managedRooms}</h2>
      <p className="lead">{w.managedRoomsLead}</p>
      <LoadedView loaded={loaded} isEmpty={(rooms) => rooms.length === 0} emptyText={w.noManagedRooms}>
        {(rooms) =>
          rooms.map((room) => (
            <article key={room.id} className="managed-room" data-room={room.id}>
              <h3>
                <a href={href({ page: 'rooms', id: room.id })}>{room.title}</a>
              </h3>
              <ShareCodes roomId={room.id} me={me} />
            </article>
          ))
        }
      </LoadedView>
    </section>
  );
}
