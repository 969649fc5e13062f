// One room: who it is for (when the caller may see that), its members and
// notices, and its timeline, newest first. A member posts in an open room
// under one of Art. 8's categories, edits their own posts, and reading the
// timeline marks the others' posts read in one request (read receipts). A suspended or
// closed room is shown read-only.
import { useEffect, useState, type FormEvent } from 'react';
import {
  CreatePostDocument,
  EditPostDocument,
  MarkPostsReadDocument,
  RoomNoticesDocument,
  RoomOverviewDocument,
  RoomSubjectDocument,
  RoomTimelineDocument,
  type PostCategory,
  type RoomOverviewQuery,
  type TimelinePostFragment,
} from '../../../../generated/console/operations';
import type { Me } from '../../app';
import { GraphError } from '../../graphql';
import { href } from '../../route';
import { useSession, useWords } from '../../session';
import { StepOutcome, when } from '../decision';
import { Closure } from './closure';
import { Meetings } from './meetings';
import { Members } from './members';
import { ShareCodes } from '../partners/share-codes';
import { categories, words } from './words';

type Overview = NonNullable<RoomOverviewQuery['room']>;
type W = (typeof words)['ja'];

export function Room({ me, id }: { me: Me; id: string }) {
  const session = useSession();
  const w = useWords(words);
  const [room, setRoom] = useState<Overview | null | undefined>(undefined);
  const [subject, setSubject] = useState<{ name: string; nameKana: string } | null | undefined>(undefined);
  const [notices, setNotices] = useState<Array<{ id: string; message: string; createdAt: string }>>([]);
  const [posts, setPosts] = useState<TimelinePostFragment[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const fail = (error: unknown) => setProblem(error instanceof GraphError ? error.message : String(error));

  async function readTimeline(after: string | null) {
    const data = await session.call(RoomTimelineDocument, { id, after });
    const page = data.room?.timeline;
    if (!page) return;
    setPosts((current) => [...(after ? current : []), ...page.items]);
    setCursor(page.nextCursor ?? null);
    await markRead(page.items);
  }

  /** Others' posts this person has not read yet: read now that they are on screen, in one request. */
  async function markRead(shown: readonly TimelinePostFragment[]) {
    const unread = shown.filter((p) => p.author.id !== me.user.id && !p.readBy.some((u) => u.id === me.user.id));
    if (unread.length === 0) return;
    const { markPostsRead } = await session.call(MarkPostsReadDocument, {
      roomId: id,
      postIds: unread.map((p) => p.id),
    });
    const marked = new Map(markPostsRead.map((p) => [p.id, p]));
    setPosts((current) => current.map((p) => marked.get(p.id) ?? p));
  }

  useEffect(() => {
    setRoom(undefined);
    setProblem(null);
    session
      .call(RoomOverviewDocument, { id })
      .then(async (data) => {
        setRoom(data.room);
        if (!data.room) return;
        // Who the room is for is asked separately: a refusal there (need to know) leaves the rest of the page.
        session
          .call(RoomSubjectDocument, { id })
          .then((s) => setSubject(s.room?.subject ?? null))
          .catch(() => setSubject(null));
        // Notices are for the room's managers; for anyone else there are none to show.
        session
          .call(RoomNoticesDocument, { id })
          .then((n) => setNotices(n.room?.notices ?? []))
          .catch(() => setNotices([]));
        await readTimeline(null);
      })
      .catch(fail);
  }, [id, session.language]);

  const back = (
    <p>
      <a href={href({ page: 'rooms' })}>← {w.back}</a>
    </p>
  );
  if (room === undefined && !problem) return <p className="loading">{session.t.loading}</p>;
  if (!room)
    return (
      <section>
        {back}
        <p role="alert" className="problem">
          {problem ?? w.notFound}
        </p>
      </section>
    );
  const open = room.status === 'OPEN';
  // The room's manager (domain/room-access.ts): its opener, if a deciding manager, or the system admin.
  const manager =
    me.user.role === 'SYSTEM_ADMIN' ||
    (room.openedBy?.id === me.user.id && ['ADMIN_MANAGER', 'HOSPITAL_MANAGER'].includes(me.user.role));

  return (
    <section aria-labelledby="room-title" data-room={room.id} className="room">
      {back}
      <h1 id="room-title">{room.title}</h1>
      <p className="lead">
        <span className={`badge ${open ? 'good' : 'off'}`} data-status={room.status}>
          {w[room.status]}
        </span>
        <span className="muted">
          {w.openedAt} {when(room.openedAt, session.language)}
        </span>
      </p>
      <dl className="fields">
        <dt>{w.subject}</dt>
        <dd data-subject>
          {subject === undefined ? '…' : subject ? `${subject.name}（${subject.nameKana}）` : w.subjectHidden}
        </dd>
      </dl>
      <h2>{w.members}</h2>
      <Members
        me={me}
        roomId={room.id}
        members={room.members}
        manager={manager}
        open={open}
        closed={room.status === 'CLOSED'}
        onMembers={(members) => setRoom((current) => (current ? { ...current, members } : current))}
      />
      {notices.length > 0 && (
        <>
          <h2>{w.notices}</h2>
          <ul className="notices">
            {notices.map((n) => (
              <li key={n.id} className="notice">
                {when(n.createdAt, session.language)} — {n.message}
              </li>
            ))}
          </ul>
        </>
      )}
      {!open && (
        <p className="notice" role="status">
          {w.readOnly}
        </p>
      )}
      <h2>{w.timeline}</h2>
      <StepOutcome problem={problem} notice={notice} />
      {open && (
        <Composer
          w={w}
          onPost={async (category, body) => {
            setProblem(null);
            setNotice(null);
            try {
              const { createPost } = await session.call(CreatePostDocument, { roomId: id, category, body });
              setPosts((current) => [createPost, ...current]);
              setNotice(w.posted);
              return true;
            } catch (error) {
              fail(error);
              return false;
            }
          }}
        />
      )}
      {posts.length === 0 && <p className="empty">{w.noPosts}</p>}
      <ol className="timeline">
        {posts.map((post) => (
          <PostItem
            key={post.id}
            post={post}
            mine={post.author.id === me.user.id}
            editable={open && post.author.id === me.user.id}
            w={w}
            onEdit={async (body, category) => {
              setProblem(null);
              try {
                const { editPost } = await session.call(EditPostDocument, { postId: post.id, body, category });
                setPosts((current) => current.map((p) => (p.id === post.id ? editPost : p)));
                return true;
              } catch (error) {
                fail(error);
                return false;
              }
            }}
          />
        ))}
      </ol>
      {cursor && (
        <button type="button" className="secondary" onClick={() => void readTimeline(cursor).catch(fail)}>
          {w.olderPosts}
        </button>
      )}
      <Meetings roomId={room.id} open={open} />
      {/* Share codes for partners (Art. 20-2): the room's manager issues them while the room is open. */}
      {manager && open && <ShareCodes roomId={room.id} me={me} />}
      {open && <Closure roomId={room.id} />}
    </section>
  );
}

function Composer({ w, onPost }: { w: W; onPost: (category: PostCategory, body: string) => Promise<boolean> }) {
  const [category, setCategory] = useState<PostCategory>('MEDICAL');
  const [body, setBody] = useState('');
  const [busy, setBusy] = useState(false);
  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    if (await onPost(category, body.trim())) setBody('');
    setBusy(false);
  }
  return (
    <form className="composer" onSubmit={(e) => void submit(e)}>
      <label>
        {w.category}
        <select name="category" value={category} onChange={(e) => setCategory(e.target.value as PostCategory)}>
          {categories.map((c) => (
            <option key={c} value={c}>
              {w[c]}
            </option>
          ))}
        </select>
      </label>
      <label>
        {w.body}
        <textarea
          name="body"
          required
          maxLength={10000}
          rows={4}
          value={body}
          onChange={(e) => setBody(e.target.value)}
        />
      </label>
      <div className="actions">
        <button type="submit" disabled={busy}>
          {w.post}
        </button>
      </div>
    </form>
  );
}

function PostItem(props: {
  post: TimelinePostFragment;
  mine: boolean;
  editable: boolean;
  w: W;
  onEdit: (body: string, category: PostCategory) => Promise<boolean>;
}) {
  const { post, w } = props;
  const session = useSession();
  const [editing, setEditing] = useState(false);
  const [body, setBody] = useState(post.body);
  const [category, setCategory] = useState<PostCategory>(post.category);
  const readers = post.readBy.filter((u) => u.id !== post.author.id);

  async function save(event: FormEvent) {
    event.preventDefault();
    if (await props.onEdit(body.trim(), category)) setEditing(false);
  }

  return (
    <li className="post" data-post={post.id}>
      <div className="post-head">
        <span className="badge" data-category={post.category}>
          {w[post.category]}
        </span>
        <strong>{post.author.name}</strong>
        <span className="muted">
          {when(post.createdAt, session.language)}
          {post.editedAt && ` (${w.edited})`}
        </span>
        {props.editable && !editing && (
          <button type="button" className="secondary small" onClick={() => setEditing(true)}>
            {w.edit}
          </button>
        )}
      </div>
      {editing ? (
        <form className="composer" onSubmit={(e) => void save(e)}>
          <select value={category} onChange={(e) => setCategory(e.target.value as PostCategory)}>
            {categories.map((c) => (
              <option key={c} value={c}>
                {w[c]}
              </option>
            ))}
          </select>
          <textarea required maxLength={10000} rows={4} value={body} onChange={(e) => setBody(e.target.value)} />
          <div className="actions">
            <button type="submit">{w.save}</button>
            <button type="button" className="secondary" onClick={() => setEditing(false)}>
              {w.cancel}
            </button>
          </div>
        </form>
      ) : (
        <p className="post-body">{post.body}</p>
      )}
      {props.mine && (
        <p className="read-by muted" data-read-by>
          {readers.length === 0
            ? w.unreadByOthers
            : `${w.readBy} ${readers.length}${w.people}: ${readers.map((u) => u.name).join('、')}`}
        </p>
      )}
    </li>
  );
}
