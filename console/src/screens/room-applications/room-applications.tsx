// Forms 8–10: what waits for this person on the route of Art. 20 (a facility
// manager confirms what its users submitted; a system, admin or hospital
// manager decides what was confirmed), all of them on request, and one
// application with its history and the steps this person may take.
import { useEffect, useState } from 'react';
import {
  ApproveRoomApplicationDocument,
  ConfirmRoomApplicationDocument,
  RejectRoomApplicationDocument,
  RoomApplicationDetailDocument,
  RoomApplicationListDocument,
  WithdrawRoomApplicationDocument,
  type Role,
  type RoomApplicationDetailQuery,
  type RoomApplicationListQuery,
  type RoomApplicationStatus,
} from '../../../../generated/console/operations';
import type { Me } from '../../app';
import { GraphError } from '../../graphql';
import { href } from '../../route';
import { useSession, useWords } from '../../session';
import { History, RejectForm, StepOutcome, useStep, when } from '../decision';
import { words } from './words';

type W = (typeof words)['ja'];
type Row = RoomApplicationListQuery['roomApplications'][number];
type Detail = NonNullable<RoomApplicationDetailQuery['roomApplication']>;

const deciders: readonly Role[] = ['SYSTEM_ADMIN', 'ADMIN_MANAGER', 'HOSPITAL_MANAGER'];

/** The status that waits for this role: a facility manager confirms, the deciders decide. */
export function waitingStatusFor(role: Role): RoomApplicationStatus | null {
  if (role === 'FACILITY_MANAGER') return 'SUBMITTED';
  return deciders.includes(role) ? 'FORWARDED' : null;
}

export function roomStepsFor(me: Me, a: Pick<Detail, 'status' | 'facilityId' | 'submittedBy'>) {
  const role = me.user.role;
  return {
    confirm: role === 'FACILITY_MANAGER' && a.status === 'SUBMITTED' && a.facilityId === me.user.facility.id,
    decide: deciders.includes(role) && a.status === 'FORWARDED',
    withdraw: (a.status === 'SUBMITTED' || a.status === 'FORWARDED') && a.submittedBy.id === me.user.id,
  };
}

function formName(form: number, w: W): string {
  const name = ({ 8: w.form8, 9: w.form9, 10: w.form10 } as Record<number, string>)[form];
  return `${w.form}${form} ${name ?? ''}`.trim();
}

export function RoomApplications({ me, id }: { me: Me; id?: string }) {
  if (id) return <RoomApplicationDetail me={me} id={id} />;
  return <RoomApplicationList me={me} />;
}

function RoomApplicationList({ me }: { me: Me }) {
  const session = useSession();
  const w = useWords(words);
  const waiting = waitingStatusFor(me.user.role);
  const [filter, setFilter] = useState<'waiting' | 'all'>(waiting ? 'waiting' : 'all');
  const [rows, setRows] = useState<Row[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    setRows(null);
    setProblem(null);
    session
      .call(RoomApplicationListDocument, { status: filter === 'waiting' ? waiting : null })
      .then((data) => live && setRows(data.roomApplications))
      .catch((error: unknown) => live && setProblem(error instanceof GraphError ? error.message : String(error)));
    return () => {
      live = false;
    };
  }, [filter, session.language]);

  return (
    <section aria-labelledby="room-applications-title">
      <h1 id="room-applications-title">{w.title}</h1>
      <p className="lead">{w.lead}</p>
      <div className="tabs" role="tablist">
        {(waiting ? (['waiting', 'all'] as const) : (['all'] as const)).map((f) => (
          <button
            key={f}
            type="button"
            role="tab"
            aria-selected={filter === f}
            className={filter === f ? 'tab current' : 'tab'}
            onClick={() => setFilter(f)}
          >
            {w[f]}
          </button>
        ))}
      </div>
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
              <th>{w.form}</th>
              <th>{w.roomTitle}</th>
              <th>{w.submittedBy}</th>
              <th>{w.submittedAt}</th>
              <th>{w.status}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.id} data-room-application={row.id}>
                <td>
                  <a href={href({ page: 'room-applications', id: row.id })}>{formName(row.form, w)}</a>
                </td>
                <td>{row.title ?? '—'}</td>
                <td>{row.submittedBy.name}</td>
                <td>{when(row.submittedAt, session.language)}</td>
                <td>
                  <span className={`badge ${row.status.toLowerCase()}`}>{w[row.status]}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function RoomApplicationDetail({ me, id }: { me: Me; id: string }) {
  const session = useSession();
  const w = useWords(words);
  const [application, setApplication] = useState<Detail | null | undefined>(undefined);
  const [rejecting, setRejecting] = useState(false);
  const load = async () => setApplication((await session.call(RoomApplicationDetailDocument, { id })).roomApplication);
  const { busy, problem, notice, setProblem, act } = useStep(load, w.done);

  useEffect(() => {
    setApplication(undefined);
    load().catch((error: unknown) => setProblem(error instanceof GraphError ? error.message : String(error)));
  }, [id, session.language]);

  const back = (
    <p>
      <a href={href({ page: 'room-applications' })}>← {w.back}</a>
    </p>
  );
  if (application === undefined && !problem) return <p className="loading">{session.t.loading}</p>;
  if (!application)
    return (
      <section>
        {back}
        <p role="alert" className="problem">
          {problem ?? w.notFound}
        </p>
      </section>
    );
  const may = roomStepsFor(me, application);
  const count = (ids: readonly string[]) => `${ids.length} ${w.people}`;

  return (
    <section aria-labelledby="room-application-title" data-room-application={application.id}>
      {back}
      <h1 id="room-application-title">{formName(application.form, w)}</h1>
      <p className="lead">
        <span className={`badge ${application.status.toLowerCase()}`} data-status={application.status}>
          {w[application.status]}
        </span>
        {application.recordedFromPaper && <span className="badge">{w.paper}</span>}
      </p>
      <dl className="fields">
        {application.title && (
          <>
            <dt>{w.roomTitle}</dt>
            <dd>{application.title}</dd>
          </>
        )}
        {application.room && (
          <>
            <dt>{w.room}</dt>
            <dd>{application.room.title}</dd>
          </>
        )}
        <dt>{w.submittedBy}</dt>
        <dd>{application.submittedBy.name}</dd>
        <dt>{w.submittedAt}</dt>
        <dd>{when(application.submittedAt, session.language)}</dd>
        {application.form === 8 && (
          <>
            <dt>{w.members}</dt>
            <dd>{count(application.memberIds)}</dd>
          </>
        )}
        {application.form === 9 && (
          <>
            <dt>{w.addMembers}</dt>
            <dd>{count(application.addMemberIds)}</dd>
            <dt>{w.removeMembers}</dt>
            <dd>{count(application.removeMemberIds)}</dd>
          </>
        )}
        {application.closedReason && (
          <>
            <dt>{w.closedReason}</dt>
            <dd>{w[application.closedReason]}</dd>
          </>
        )}
        {application.closureNote && (
          <>
            <dt>{w.closureNote}</dt>
            <dd>{application.closureNote}</dd>
          </>
        )}
        {application.paperReference && (
          <>
            <dt>{w.paperReference}</dt>
            <dd>{application.paperReference}</dd>
          </>
        )}
        {application.decisionReason && (
          <>
            <dt>{w.decisionReason}</dt>
            <dd>{application.decisionReason}</dd>
          </>
        )}
      </dl>
      {application.copyToSystemAdmin && <p className="muted">{w.copied}</p>}
      <h2>{w.history}</h2>
      <History
        steps={application.steps}
        stepName={(action) => {
          const key = `step_${action}` as keyof W;
          return key in w ? w[key] : action;
        }}
      />
      <StepOutcome problem={problem} notice={notice} />
      {(may.confirm || may.decide || may.withdraw) && !rejecting && (
        <div className="actions">
          {may.confirm && (
            <button
              type="button"
              disabled={busy}
              onClick={() => void act(() => session.call(ConfirmRoomApplicationDocument, { id }))}
            >
              {w.confirm}
            </button>
          )}
          {may.decide && (
            <button
              type="button"
              disabled={busy}
              onClick={() => void act(() => session.call(ApproveRoomApplicationDocument, { id }))}
            >
              {w.approve}
            </button>
          )}
          {may.decide && (
            <button type="button" className="secondary danger" disabled={busy} onClick={() => setRejecting(true)}>
              {w.reject}
            </button>
          )}
          {may.withdraw && (
            <button
              type="button"
              className="secondary"
              disabled={busy}
              onClick={() => void act(() => session.call(WithdrawRoomApplicationDocument, { id }))}
            >
              {w.withdraw}
            </button>
          )}
        </div>
      )}
      {rejecting && (
        <RejectForm
          label={w.rejectReason}
          confirm={w.confirmReject}
          cancel={w.cancel}
          maxLength={1000}
          busy={busy}
          onCancel={() => setRejecting(false)}
          onReject={(reason) =>
            void act(() => session.call(RejectRoomApplicationDocument, { id, reason })).then(
              (done) => done && setRejecting(false),
            )
          }
        />
      )}
    </section>
  );
}
