// Facilities and users (#/facilities, #/facilities/<id>): the facilities
// using the network, and a facility's registration, users and terminal
// certificates. The system admin and admin managers see every facility and
// issue and revoke certificates (docs/access-rules.md); a facility manager
// sees its own facility. The graph decides every request: a refusal shows
// its own message and nothing else of what was asked.
import { FacilityListDocument, FacilitySummaryDocument, type Role } from '../../../../generated/console/operations';
import type { Me } from '../../app';
import { href } from '../../route';
import { useSession, useWords } from '../../session';
import { FacilityPage } from './facility';
import { PaperFacilityRegistration } from './paper';
import { day } from './format';
import { useLoad, type Loaded } from './load';
import { facilityStatuses, kinds, words } from './words';
import { useState } from 'react';
import { GraphError } from '../../graphql';
import './facilities.css';

/** Who sees every facility; other roles see their own. */
const overseers: readonly Role[] = ['SYSTEM_ADMIN', 'ADMIN_MANAGER'];
const pageSize = 50;

export function Facilities({ me, id }: { me: Me; id?: string }) {
  if (id) return <FacilityPage key={id} me={me} id={id} />;
  return overseers.includes(me.user.role) ? <AllFacilities role={me.user.role} /> : <OwnFacility me={me} />;
}

type Row = { id: string; name: string; kind: string; insideCity: boolean; status: string; createdAt: string };

function AllFacilities({ role }: { role: Role }) {
  const session = useSession();
  const w = useWords(words);
  const [more, setMore] = useState<{ rows: Row[]; cursor: string | null; busy: boolean; problem: string | null }>({
    rows: [],
    cursor: null,
    busy: false,
    problem: null,
  });
  const [first] = useLoad(async (s) => {
    const { facilities } = await s.call(FacilityListDocument, { first: pageSize });
    setMore({ rows: [], cursor: facilities.nextCursor, busy: false, problem: null });
    return facilities.items;
  }, 'all');

  async function showMore() {
    if (!more.cursor) return;
    setMore((m) => ({ ...m, busy: true, problem: null }));
    try {
      const { facilities } = await session.call(FacilityListDocument, { first: pageSize, after: more.cursor });
      setMore((m) => ({
        rows: [...m.rows, ...facilities.items],
        cursor: facilities.nextCursor,
        busy: false,
        problem: null,
      }));
    } catch (error) {
      const message = error instanceof GraphError ? error.message : session.t.networkError;
      setMore((m) => ({ ...m, busy: false, problem: message }));
    }
  }

  const loaded: Loaded<Row[]> = first.state === 'done' ? { state: 'done', data: [...first.data, ...more.rows] } : first;
  return (
    <section aria-labelledby="facilities-title">
      <h1 id="facilities-title">{session.t.facilities}</h1>
      <p className="lead">{w.listLead}</p>
      {/* Only the system admin decides Forms 1-3, so only it records and approves a paper Form 1 here. */}
      {role === 'SYSTEM_ADMIN' && <PaperFacilityRegistration />}
      <FacilityTable loaded={loaded} />
      {first.state === 'done' && more.cursor && (
        <p>
          <button type="button" className="secondary" onClick={showMore} disabled={more.busy}>
            {more.busy ? session.t.loading : w.more}
          </button>
        </p>
      )}
      {more.problem && (
        <p role="alert" className="problem">
          {more.problem}
        </p>
      )}
    </section>
  );
}

function OwnFacility({ me }: { me: Me }) {
  const session = useSession();
  const w = useWords(words);
  const facilityId = me.user.facility.id;
  const [loaded] = useLoad(async (s) => {
    const { facility } = await s.call(FacilitySummaryDocument, { id: facilityId });
    return facility ? [facility] : [];
  }, facilityId);
  return (
    <section aria-labelledby="facilities-title">
      <h1 id="facilities-title">{session.t.facilities}</h1>
      <p className="lead">{w.ownLead}</p>
      <FacilityTable loaded={loaded} />
    </section>
  );
}

function FacilityTable({ loaded }: { loaded: Loaded<Row[]> }) {
  const session = useSession();
  const w = useWords(words);
  const kind = useWords(kinds);
  const status = useWords(facilityStatuses);
  if (loaded.state === 'loading') return <p className="loading">{session.t.loading}</p>;
  if (loaded.state === 'problem')
    return (
      <p role="alert" className="problem">
        {loaded.message}
      </p>
    );
  if (loaded.data.length === 0) return <p className="empty">{w.noFacilities}</p>;
  return (
    <table className="records facilities">
      <thead>
        <tr>
          <th scope="col">{w.name}</th>
          <th scope="col">{w.kind}</th>
          <th scope="col">{w.location}</th>
          <th scope="col">{w.status}</th>
          <th scope="col">{w.registeredOn}</th>
        </tr>
      </thead>
      <tbody>
        {loaded.data.map((f) => (
          <tr key={f.id} data-facility={f.id}>
            <td>
              <a href={href({ page: 'facilities', id: f.id })}>{f.name}</a>
            </td>
            <td>{kind[f.kind as keyof typeof kind] ?? f.kind}</td>
            <td>{f.insideCity ? w.insideCity : w.outsideCity}</td>
            <td>
              <span className={`badge ${f.status === 'ACTIVE' ? 'good' : 'off'}`}>
                {status[f.status as keyof typeof status] ?? f.status}
              </span>
            </td>
            <td>{day(f.createdAt, session.language)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
