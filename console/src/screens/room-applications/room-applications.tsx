// Forms 8–10: what waits for this person on the route of Art. 20 (a facility
// manager confirms what its users submitted; a system, admin or hospital
// manager decides what was confirmed), all of them on request, and one
// application with its history and the steps this person may take.
import { useState } from 'react';
import {
  ApproveRoomApplicationDocument,
  ConfirmRoomApplicationDocument,
  RejectRoomApplicationDocument,
  RoomApplicationDetailDocument,
  RoomApplicationListDocument,
  WithdrawRoomApplicationDocument,
} from '../../../../generated/console/operations';
import type { Me } from '../../app';
import { href } from '../../route';
import { useSession, useWords } from '../../session';
import { History, StepButtons, StepOutcome, useStep, when } from '../decision';
import { BackLink, LoadedView, NotLoaded, Tabs, useLoaded } from '../loading';
import { roomStepsFor, waitingStatusFor } from './steps';
import { words } from './words';

type W = (typeof words)['ja'];

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
  const rows = useLoaded(
    async () =>
      (await session.call(RoomApplicationListDocument, { status: filter === 'waiting' ? waiting : null }))
        .roomApplications,
    [filter],
  );

  return (
    <section aria-labelledby="room-applications-title">
      <h1 id="room-applications-title">{w.title}</h1>
      <p className="lead">{w.lead}</p>
      <Tabs
        options={waiting ? [['waiting', w.waiting] as const, ['all', w.all] as const] : [['all', w.all] as const]}
        value={filter}
        onChange={setFilter}
      />
      <LoadedView loaded={rows} isEmpty={(r) => r.length === 0} emptyText={w.none}>
        {(list) => (
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
              {list.map((row) => (
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
      </LoadedView>
    </section>
  );
}

function RoomApplicationDetail({ me, id }: { me: Me; id: string }) {
  const session = useSession();
  const w = useWords(words);
  const loaded = useLoaded(
    async () => (await session.call(RoomApplicationDetailDocument, { id })).roomApplication,
    [id],
  );
  const { busy, problem, notice, act } = useStep(loaded.reload, w.done);
  const back = { href: href({ page: 'room-applications' }), label: w.back };
  const application = loaded.value;
  if (!application) return <NotLoaded back={back} loaded={loaded} notFound={w.notFound} />;
  const may = roomStepsFor(me, application);
  const count = (ids: readonly string[]) => `${ids.length} ${w.people}`;

  return (
    <section aria-labelledby="room-application-title" data-room-application={application.id}>
      <BackLink {...back} />
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
      <StepButtons
        busy={busy}
        act={act}
        steps={[
          { label: w.confirm, show: may.confirm, run: () => session.call(ConfirmRoomApplicationDocument, { id }) },
          { label: w.approve, show: may.decide, run: () => session.call(ApproveRoomApplicationDocument, { id }) },
          {
            label: w.withdraw,
            show: may.withdraw,
            secondary: true,
            run: () => session.call(WithdrawRoomApplicationDocument, { id }),
          },
        ]}
        reject={{
          show: may.decide,
          label: w.reject,
          reasonLabel: w.rejectReason,
          confirm: w.confirmReject,
          cancel: w.cancel,
          maxLength: 1000,
          run: (reason) => session.call(RejectRoomApplicationDocument, { id, reason }),
        }}
      />
    </section>
  );
}
