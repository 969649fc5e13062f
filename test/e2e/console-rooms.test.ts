// The console's rooms in a real browser: a member finds the room in "部屋",
// sees who it is for and its members, posts under an Art. 8 category and
// edits the post; another member opens the room, which marks the post read;
// the author then sees the read receipt. Opening a room with several unread
// posts marks them read in one markPostsRead request. A member asks to add a
// colleague found in the directory by kana and to remove a member (Form 9);
// the facility manager confirms and the hospital manager approves in the
// room applications screen, and the members list shows the change. The
// room's manager records a paper Form 9. Someone outside the room opening
// its address sees the graph's Japanese refusal and nothing of the room.
// Certificates are off here (their browser tests are console-sign-in and
// console-facilities): people sign in with account ID and password.
import type { Page } from 'playwright-core';
import { actorPassword, actorWithRole, type Actor } from '../support/actors';
import { consoleBrowser, type ConsoleBrowser, screenshot, signInToConsole } from '../support/browser';
import { syncCare } from '../support/directory-fixtures';
import { eventually } from '../support/eventually';
import { graphql } from '../support/graphql-client';
import { subjectWithConsent } from '../support/sharing-fixtures';
import { startTestSystem, type TestSystem } from '../support/test-system';

describe('the web console, rooms', () => {
  let t: TestSystem;
  let browser: ConsoleBrowser;
  let author: Actor;
  let colleague: Actor;
  let outsider: Actor;
  let hm: Actor;
  let fm: Actor;
  let leaver: Actor;
  let newcomer: Actor;
  let paperNewcomer: Actor;
  let roomId: string;
  let subjectName: string;

  beforeAll(async () => {
    t = await startTestSystem({ console: true, workers: true });
    hm = await actorWithRole(t, 'HOSPITAL_MANAGER');
    author = await actorWithRole(t, 'USER');
    colleague = await actorWithRole(t, 'USER');
    outsider = await actorWithRole(t, 'USER');
    fm = await actorWithRole(t, 'FACILITY_MANAGER', { facilityId: colleague.facilityId });
    leaver = await actorWithRole(t, 'USER');
    newcomer = await actorWithRole(t, 'USER');
    paperNewcomer = await actorWithRole(t, 'USER');
    const names = [
      [leaver, '伏木 一郎', 'フシキ イチロウ'],
      [newcomer, '砺波 ゆき', 'トナミ ユキ'],
      [paperNewcomer, '氷見 まこと', 'ヒミ マコト'],
    ] as const;
    for (const [actor, name, nameKana] of names)
      await t.db.prisma.user.update({ where: { id: actor.userId }, data: { name, nameKana } });
    const subjectId = await subjectWithConsent(t, hm);
    subjectName = (await t.db.prisma.subject.findUniqueOrThrow({ where: { id: subjectId } })).name;
    const opened = await graphql(
      t.graphqlUrl,
      'mutation($s: ID!, $m: [ID!]) { openRoom(input: { subjectId: $s, title: "高岡 太郎さんの部屋", memberIds: $m }) { id } }',
      { s: subjectId, m: [author.userId, colleague.userId, leaver.userId] },
      hm.headers,
    );
    if (opened.errors) throw new Error(JSON.stringify(opened.errors));
    roomId = opened.data?.openRoom.id as string;
    await syncCare(t, subjectId);
    browser = await consoleBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  async function signedIn(actor: Actor): Promise<Page> {
    const page = await browser.newPage();
    await signInToConsole(page, t.system.gateway.url, actor.accountId, actorPassword);
    return page;
  }

  it('a member finds the room, sees who it is for, posts under an Art. 8 category and edits the post', async () => {
    const page = await signedIn(author);
    await page.getByRole('navigation').getByRole('link', { name: '部屋', exact: true }).click();
    await page.locator(`tr[data-room="${roomId}"] a`).click();
    await page.getByRole('heading', { name: '高岡 太郎さんの部屋' }).waitFor();
    await page.locator('[data-subject]').filter({ hasText: subjectName }).waitFor();
    expect(await page.locator('[data-members]').textContent()).toContain('USER');
    expect(await page.getByText('まだ投稿はありません。').count()).toBe(1);
    await page.getByLabel('分類（第8条）').selectOption('MEDICAL');
    await page.getByLabel('内容').fill('退院後の服薬状況を確認しました。');
    await page.getByRole('button', { name: '投稿する' }).click();
    const post = page.locator('li[data-post]').first();
    await post.waitFor();
    expect(await post.locator('[data-category]').textContent()).toBe('医療情報');
    expect(await post.locator('.post-body').textContent()).toBe('退院後の服薬状況を確認しました。');
    expect(await post.locator('[data-read-by]').textContent()).toBe('まだ誰も読んでいません');
    await post.getByRole('button', { name: '編集' }).click();
    await post.locator('textarea').fill('退院後の服薬状況を確認しました。朝の薬は自己管理できています。');
    await post.getByRole('button', { name: '保存' }).click();
    await post.locator('.post-body').filter({ hasText: '自己管理' }).waitFor();
    expect(await post.textContent()).toContain('編集済み');
    const stored = await t.db.prisma.post.findFirstOrThrow({ where: { roomId } });
    expect(stored.body).toContain('自己管理できています');
    await browser.release(page);
  });

  it('another member reads it, and the author sees the read receipt', async () => {
    const reader = await signedIn(colleague);
    await reader.goto(`${t.system.gateway.url}/#/rooms/${roomId}`);
    await reader.locator('li[data-post] .post-body').filter({ hasText: '自己管理' }).waitFor();
    // Not the reader's own post: no edit button, no receipt line.
    expect(await reader.getByRole('button', { name: '編集' }).count()).toBe(0);
    const postId = (await t.db.prisma.post.findFirstOrThrow({ where: { roomId } })).id;
    await eventually(
      () => t.db.prisma.postRead.count({ where: { postId } }),
      (reads) => reads === 1,
    );
    await browser.release(reader);

    const page = await signedIn(author);
    await page.goto(`${t.system.gateway.url}/#/rooms/${roomId}`);
    const receipt = page.locator('li[data-post] [data-read-by]');
    await receipt.filter({ hasText: '既読 1人' }).waitFor();
    expect(await receipt.textContent()).toContain(`USER`);
    await screenshot(page, 'console-room');
    await browser.release(page);
  });

  it('opening a room with several unread posts marks them read in one request; the author sees the receipts', async () => {
    const bodies = ['訪問看護の初回訪問を終えました。', '福祉用具の手配を始めます。', '次回の受診は来週です。'];
    const postIds: string[] = [];
    for (const body of bodies) {
      const created = await graphql(
        t.graphqlUrl,
        'mutation($r: ID!, $b: String!) { createPost(roomId: $r, category: COORDINATION, body: $b) { id } }',
        { r: roomId, b: body },
        author.headers,
      );
      postIds.push(created.data?.createPost.id as string);
    }
    const reader = await signedIn(colleague);
    const marks = { batch: 0, single: 0 };
    reader.on('request', (request) => {
      const body = request.url().endsWith('/graphql') ? (request.postData() ?? '') : '';
      if (body.includes('markPostsRead')) marks.batch += 1;
      if (body.includes('markPostRead(')) marks.single += 1;
    });
    await reader.goto(`${t.system.gateway.url}/#/rooms/${roomId}`);
    await reader.locator('li[data-post] .post-body').filter({ hasText: '次回の受診' }).waitFor();
    await eventually(
      () => t.db.prisma.postRead.count({ where: { postId: { in: postIds }, userId: colleague.userId } }),
      (reads) => reads === 3,
    );
    expect(marks).toEqual({ batch: 1, single: 0 });
    await browser.release(reader);

    const page = await signedIn(author);
    await page.goto(`${t.system.gateway.url}/#/rooms/${roomId}`);
    for (const postId of postIds)
      await page.locator(`li[data-post="${postId}"] [data-read-by]`).filter({ hasText: '既読 1人' }).waitFor();
    await browser.release(page);
  });

  it('a member asks to add a colleague found by kana and to remove a member (Form 9); it is confirmed and approved', async () => {
    const page = await signedIn(colleague);
    await page.goto(`${t.system.gateway.url}/#/rooms/${roomId}`);
    await page.getByText('参加者の変更を申請（様式9）').click();
    const change = page.locator('details.member-change');
    await change.getByLabel('同僚を探す（氏名またはふりがな、2文字以上）').fill('ﾄﾅﾐ');
    await change.getByRole('button', { name: '検索', exact: true }).click();
    const row = change.locator(`tr[data-colleague="${newcomer.userId}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('トナミ ユキ');
    await screenshot(page, 'console-room-members');
    await row.getByRole('button', { name: '選ぶ: 砺波 ゆき' }).click();
    await change.getByRole('checkbox', { name: /伏木 一郎/ }).check();
    await change.getByRole('button', { name: '変更を申請する' }).click();
    await page.getByRole('status').filter({ hasText: '参加者の変更を申請しました。' }).waitFor();
    const application = await t.db.prisma.roomApplication.findFirstOrThrow({ where: { roomId, form: 9 } });
    expect(application.content).toMatchObject({ add: [newcomer.userId], remove: [leaver.userId] });
    await browser.release(page);

    const manager = await signedIn(fm);
    await manager.goto(`${t.system.gateway.url}/#/room-applications/${application.id}`);
    await manager.getByRole('button', { name: '確認して管理者へ送る' }).click();
    await manager.locator('[data-status="FORWARDED"]').waitFor();
    await browser.release(manager);

    const decider = await signedIn(hm);
    await decider.goto(`${t.system.gateway.url}/#/room-applications/${application.id}`);
    await decider.getByRole('button', { name: '承認する' }).click();
    await decider.locator('[data-status="APPLIED"]').waitFor();
    await decider.goto(`${t.system.gateway.url}/#/rooms/${roomId}`);
    await decider.locator(`[data-members] [data-member="${newcomer.userId}"]`).waitFor();
    expect(await decider.locator(`[data-members] [data-member="${leaver.userId}"]`).count()).toBe(0);
    expect(await decider.locator('[data-members]').textContent()).toContain('砺波 ゆき（トナミ ユキ）');
    await browser.release(decider);
  });

  it('the room’s manager records a paper Form 9: one colleague in, then out', async () => {
    const page = await signedIn(hm);
    await page.goto(`${t.system.gateway.url}/#/rooms/${roomId}`);
    await page.getByText('参加者の変更（書面の様式9）').click();
    const paper = page.locator('details.paper-member-change');
    await paper.getByLabel('書面の保管場所（任意）').fill('地域連携室 棚2');
    await paper.getByLabel('同僚を探す（氏名またはふりがな、2文字以上）').fill('ひみ');
    await paper.getByRole('button', { name: '検索', exact: true }).click();
    await paper.getByRole('button', { name: '選ぶ: 氷見 まこと' }).click();
    await paper.getByRole('button', { name: '参加者に追加する' }).click();
    await paper.getByRole('status').filter({ hasText: '参加者に追加しました。' }).waitFor();
    await page.locator(`[data-members] [data-member="${paperNewcomer.userId}"]`).waitFor();
    const recorded = await t.db.prisma.roomApplication.findFirstOrThrow({
      where: { roomId, form: 9, content: { path: ['recordedFromPaper'], equals: true } },
      orderBy: { submittedAt: 'asc' },
    });
    expect(recorded.content).toMatchObject({ add: [paperNewcomer.userId], paperReference: '地域連携室 棚2' });

    await paper.getByLabel('外す参加者').selectOption(paperNewcomer.userId);
    page.once('dialog', (dialog) => void dialog.accept());
    await paper.getByRole('button', { name: '参加者から外す' }).click();
    await paper.getByRole('status').filter({ hasText: '参加者から外しました。' }).waitFor();
    expect(await page.locator(`[data-members] [data-member="${paperNewcomer.userId}"]`).count()).toBe(0);
    await browser.release(page);
  });

  it('a member schedules a meeting and records its minutes, then asks for the room to be closed (Form 10)', async () => {
    const page = await signedIn(colleague);
    await page.goto(`${t.system.gateway.url}/#/rooms/${roomId}`);
    await page.getByRole('heading', { name: '会議' }).waitFor();
    await page.getByLabel('日時').fill('2026-12-10T14:00');
    await page.getByLabel('議題').fill('退院前カンファレンス');
    await page.getByRole('button', { name: '会議を予定する' }).click();
    const meeting = page.locator('li[data-meeting]').first();
    await meeting.waitFor();
    expect(await meeting.textContent()).toContain('2026/12/10 14:00');
    await meeting.getByRole('button', { name: '議事録を記録' }).click();
    await meeting.locator('textarea').fill('退院日は12月15日。訪問看護は週2回で開始する。');
    await meeting.getByRole('button', { name: '議事録を記録' }).click();
    await meeting.locator('[data-minutes]').filter({ hasText: '週2回' }).waitFor();
    const stored = await t.db.prisma.meeting.findFirstOrThrow({ where: { roomId } });
    expect(stored.scheduledAt.toISOString()).toBe('2026-12-10T05:00:00.000Z');
    expect(stored.minutes).toContain('週2回');

    await page.getByText('部屋の閉鎖（様式10）').click();
    await page.getByLabel('閉鎖の理由').selectOption('MOVED');
    await page.getByRole('button', { name: '閉鎖を申請する' }).click();
    await page.getByRole('status').filter({ hasText: '閉鎖の申請を提出しました。' }).waitFor();
    const closure = await t.db.prisma.roomApplication.findFirstOrThrow({ where: { roomId, form: 10 } });
    expect(closure.status).toBe('SUBMITTED');
    // Only asked for: the room stays open until the route of Art. 20 decides.
    expect((await t.db.prisma.room.findUniqueOrThrow({ where: { id: roomId } })).status).toBe('OPEN');
    await browser.release(page);
  });

  it('someone outside the room sees the graph’s Japanese refusal and nothing of the room', async () => {
    const page = await signedIn(outsider);
    await page.goto(`${t.system.gateway.url}/#/rooms/${roomId}`);
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/[ぁ-んァ-ン一-龠]/);
    expect(await page.getByText('高岡 太郎さんの部屋').count()).toBe(0);
    expect(await page.getByText('自己管理').count()).toBe(0);
    expect(await page.getByText(subjectName).count()).toBe(0);
    await browser.release(page);
  });
});
