// The console's audit screen in a real browser: the system administrator
// verifies the rooms' and consent's access-record chains and identity's audit trail (all intact), reads
// identity's audit trail (in Japanese, then English), records a disclosure
// request for a subject (a missing relationship is refused first with the
// graph's own words), withholds a part on a legal ground, and exports the
// report as CSV and as JSON: both files are downloaded and hold the subject's
// report. Then one rooms access record is altered directly in the database
// and the page names where the chain breaks. A user who is not the system
// administrator opening #/audit sees the graph's Japanese refusal and
// nothing else. Certificates are off here (their browser tests are
// console-sign-in and console-facilities).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { actorPassword, actorWithRole, type Actor } from '../support/actors';
import { consoleBrowser, type ConsoleBrowser, screenshot, signInToConsole } from '../support/browser';
import { graphql } from '../support/graphql-client';
import { subjectWithConsent } from '../support/sharing-fixtures';
import { startTestSystem, type TestSystem } from '../support/test-system';

describe('the web console, audit and disclosure', () => {
  let t: TestSystem;
  let browser: ConsoleBrowser;
  let sa: Actor;
  let hm: Actor;
  let user: Actor;
  let subjectId: string;
  let roomId: string;
  let requestId: string;
  let admin: Page;
  let downloads: string;
  const as = (actor: Actor, query: string, variables: Record<string, unknown> = {}) =>
    graphql(t.graphqlUrl, query, variables, actor.headers);

  /** A page of its own (its own session) for the actor, signed in and on the inbox. */
  async function signedIn(actor: Actor): Promise<Page> {
    const page = await browser.newPage();
    await signInToConsole(page, t.system.gateway.url, actor.accountId, actorPassword);
    return page;
  }

  beforeAll(async () => {
    t = await startTestSystem({ console: true });
    sa = await actorWithRole(t, 'SYSTEM_ADMIN');
    hm = await actorWithRole(t, 'HOSPITAL_MANAGER');
    user = await actorWithRole(t, 'USER');
    // A subject with consent and a room with a post and a read: records in all three trails.
    const registered = await as(
      hm,
      `mutation($input: RegisterSubjectInput!) { registerSubject(input: $input) { id } }`,
      {
        input: {
          name: '高岡 太郎',
          nameKana: 'タカオカ タロウ',
          birthDate: '1940-04-01',
          category: 'RECEIVING_HOME_SUPPORT',
        },
      },
    );
    expect(registered.errors).toBeUndefined();
    subjectId = await subjectWithConsent(t, hm, registered.data?.registerSubject.id as string);
    const opened = await as(
      hm,
      `mutation($s: ID!, $m: [ID!]) { openRoom(input: { subjectId: $s, title: "部屋", memberIds: $m }) { id } }`,
      { s: subjectId, m: [user.userId] },
    );
    expect(opened.errors).toBeUndefined();
    roomId = opened.data?.openRoom.id as string;
    const posted = await as(
      user,
      `mutation($r: ID!) { createPost(roomId: $r, category: MEDICAL, body: "訪問しました") { id } }`,
      { r: roomId },
    );
    expect(posted.errors).toBeUndefined();
    expect(
      (await as(user, `query($r: ID!) { room(id: $r) { timeline { items { id } } } }`, { r: roomId })).errors,
    ).toBeUndefined();
    downloads = fs.mkdtempSync(path.join(os.tmpdir(), 'renkei-console-audit-'));
    browser = await consoleBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await t?.stop();
    if (downloads) fs.rmSync(downloads, { recursive: true, force: true });
  });

  it('verifies the rooms’ and consent’s access-record chains and identity’s audit trail on a button press: all intact', async () => {
    admin = await signedIn(sa);
    await admin.getByRole('link', { name: '監査と開示' }).click();
    await admin.getByRole('heading', { name: '監査と開示' }).waitFor();
    expect(admin.url()).toBe(`${t.system.gateway.url}/#/audit`);
    const rooms = admin.locator('[data-chain="rooms"]');
    const consent = admin.locator('[data-chain="consent"]');
    const identity = admin.locator('[data-chain="identity"]');
    expect(await rooms.textContent()).toContain('まだ検証していません');

    const roomsHeld = await t.db.prisma.roomsAccessRecord.count();
    const consentHeld = await t.db.prisma.consentAccessRecord.count();
    const identityHeld = await t.db.prisma.auditEvent.count();
    await admin.getByRole('button', { name: '検証する' }).click();
    await admin.locator('[data-chain="rooms"][data-ok="true"]').waitFor();
    await admin.locator('[data-chain="consent"][data-ok="true"]').waitFor();
    await admin.locator('[data-chain="identity"][data-ok="true"]').waitFor();
    expect(await identity.locator('h2').textContent()).toBe('利用者管理の監査ログ');
    for (const [chain, held] of [
      [rooms, roomsHeld],
      [consent, consentHeld],
      [identity, identityHeld],
    ] as const) {
      expect(await chain.locator('[data-verdict]').textContent()).toBe('改ざんなし');
      // At least the records held before the press: verifying may itself be recorded.
      const checked = Number((await chain.locator('[data-records]').textContent())?.replace(/[^\d]/g, ''));
      expect(checked).toBeGreaterThanOrEqual(held);
      expect(held).toBeGreaterThan(0);
      expect(await chain.locator('[data-checked-at]').textContent()).toMatch(/\d{4}\/\d{2}\/\d{2} \d{1,2}:\d{2}:\d{2}/);
      expect(await chain.locator('[data-broken-at]').count()).toBe(0);
    }
    await screenshot(admin, 'console-audit');
  });

  it('shows identity’s audit trail newest first, readable in Japanese and in English', async () => {
    await admin.getByRole('tab', { name: '監査ログ' }).click();
    const signIn = admin
      .locator(`tr[data-audit-event][data-action="session.signIn"]`)
      .filter({ hasText: 'SYSTEM_ADMIN' });
    await signIn.first().waitFor();
    const cells = await signIn.first().locator('td').allTextContents();
    expect(cells[0]).toMatch(/\d{4}\/\d{2}\/\d{2}/);
    expect(cells[2]).toContain('サインイン');
    expect(cells[3]).toBe('成功');
    // The registration of the subject by the hospital manager, with the role and the subject as the record acted on.
    const registration = admin.locator('tr[data-audit-event][data-action="subject.register"]').first();
    const registered = await registration.locator('td').allTextContents();
    expect(registered[1]).toMatch(/^HOSPITAL_MANAGER \d+管理責任者（病院）$/);
    expect(registered[2]).toContain('対象者の登録');
    expect(registered[4]).toContain(subjectId);
    // Newest first, as the graph gives them.
    const ids = (await admin
      .locator('tr[data-audit-event]')
      .evaluateAll((rows) => rows.map((row) => Number(row.getAttribute('data-audit-event'))))) as number[];
    expect(ids.length).toBeGreaterThan(3);
    expect([...ids].sort((a, b) => b - a)).toEqual(ids);

    // Only one action.
    await admin.getByLabel('操作コードで絞り込む').fill('subject.register');
    await admin.getByRole('button', { name: '絞り込む' }).click();
    await admin.getByRole('button', { name: '解除' }).waitFor();
    const actions = await admin
      .locator('tr[data-audit-event]')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-action')));
    expect(actions.length).toBeGreaterThan(0);
    expect(new Set(actions)).toEqual(new Set(['subject.register']));
    await admin.getByRole('button', { name: '解除' }).click();
    await admin.locator('tr[data-audit-event][data-action="session.signIn"]').first().waitFor();

    // In English the screen reads again; the trail says the same in English.
    await admin.getByLabel('言語').selectOption('en');
    await admin.getByRole('heading', { name: 'Audit and disclosure' }).waitFor();
    await admin.getByRole('tab', { name: 'Audit trail' }).click();
    const english = admin
      .locator(`tr[data-audit-event][data-action="session.signIn"]`)
      .filter({ hasText: 'SYSTEM_ADMIN' });
    const englishCells = await english.first().locator('td').allTextContents();
    expect(englishCells[2]).toContain('Sign-in');
    expect(englishCells[3]).toBe('Success');
    const englishRegistration = admin.locator('tr[data-audit-event][data-action="subject.register"]').first();
    expect((await englishRegistration.locator('td').allTextContents())[1]).toContain('Hospital manager');
    await admin.getByLabel('Language').selectOption('ja');
    await admin.getByRole('heading', { name: '監査と開示' }).waitFor();
  });

  it('records a disclosure request for the subject, after the graph refuses one without the relationship', async () => {
    await admin.getByRole('tab', { name: '開示請求' }).click();
    await admin.getByText('開示請求はありません。').waitFor();
    await admin.getByRole('button', { name: '開示請求を記録する' }).click();
    await admin.locator('input[name="subjectId"]').fill(subjectId);
    await admin.locator('select[name="requestedBy"]').selectOption('FAMILY');
    await admin.getByLabel('請求者の氏名').fill('高岡 一郎');
    await admin.getByLabel('受付の経路').fill('窓口（長寿福祉課）');
    await admin.getByRole('button', { name: '記録する' }).click();
    const refusal = admin.getByRole('alert');
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain('対象者本人以外からの請求では入力してください');
    expect(await t.db.prisma.disclosureRequest.count({ where: { subjectId } })).toBe(0);

    await admin.getByLabel('対象者との関係').fill('長男');
    await admin.getByRole('button', { name: '記録する' }).click();
    await admin.locator('[data-status="RECEIVED"]').waitFor();
    requestId = /#\/audit\/([0-9a-f-]{36})$/.exec(admin.url())?.[1] as string;
    expect(requestId).toBeDefined();
    expect(await t.db.prisma.disclosureRequest.findUniqueOrThrow({ where: { id: requestId } })).toMatchObject({
      subjectId,
      requestedBy: 'FAMILY',
      requesterName: '高岡 一郎',
      relationship: '長男',
      recordedBy: sa.userId,
      status: 'RECEIVED',
    });
    const fields = await admin.locator('dl.fields').textContent();
    expect(fields).toContain(subjectId);
    expect(fields).toContain('家族');
    expect(fields).toContain('長男');
    expect(fields).toContain('窓口（長寿福祉課）');
    expect(
      await admin.locator('[data-step]').evaluateAll((steps) => steps.map((s) => s.getAttribute('data-step'))),
    ).toEqual(['recorded']);

    // Listed, for the subject.
    await admin.getByRole('link', { name: '開示請求の一覧へ' }).click();
    await admin.getByRole('tab', { name: '開示請求', selected: true }).waitFor();
    await admin.getByLabel('対象者のIDで絞り込む').fill(subjectId);
    await admin.getByRole('button', { name: '絞り込む' }).click();
    const row = admin.locator(`tr[data-disclosure-request="${requestId}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('受付済み（未出力）');
    await row.getByRole('link').click();
    await admin.locator('[data-status="RECEIVED"]').waitFor();
  });

  it('withholds a part on a legal ground while the request is received', async () => {
    await admin.getByRole('button', { name: '一部を不開示にする' }).click();
    await admin.locator('select[name="part"]').selectOption('ROOMS');
    await admin.locator('select[name="ground"]').selectOption('ELDER_ABUSE');
    await admin.getByLabel('理由', { exact: true }).fill('家族による虐待の疑いがあるため');
    await admin.getByRole('button', { name: '不開示を記録する' }).click();
    await admin.locator('tr[data-withheld="ROOMS"]').waitFor();
    expect(await admin.getByRole('status').textContent()).toContain('不開示を記録しました');
    expect(await admin.locator('tr[data-withheld="ROOMS"] td').allTextContents()).toEqual([
      '部屋',
      '被虐待高齢者',
      '家族による虐待の疑いがあるため',
      expect.stringContaining('あなた'),
      expect.stringMatching(/\d{4}\/\d{2}\/\d{2}/),
    ]);
    expect(await t.db.prisma.disclosureWithholding.findMany({ where: { requestId } })).toEqual([
      expect.objectContaining({ part: 'ROOMS', ground: 'ELDER_ABUSE', decidedBy: sa.userId }),
    ]);
  });

  it('exports the report as CSV and as JSON: both files are downloaded and hold the subject’s report', async () => {
    const [csvDownload] = await Promise.all([
      admin.waitForEvent('download'),
      admin.getByRole('button', { name: 'CSVでダウンロード' }).click(),
    ]);
    expect(csvDownload.suggestedFilename()).toMatch(new RegExp(`^disclosure-${requestId}-\\d{8}T\\d{6}\\.csv$`));
    const csvFile = path.join(downloads, csvDownload.suggestedFilename());
    await csvDownload.saveAs(csvFile);
    const csv = fs.readFileSync(csvFile, 'utf8');
    expect(csv.startsWith('\uFEFFsection,item,at,')).toBe(true);
    const lines = csv.split('\r\n');
    expect(lines[1]).toMatch(new RegExp(`^request,${requestId},`));
    expect(lines[1]).toContain(subjectId);
    expect(lines.some((line) => line.startsWith('withheld,ROOMS,') && line.includes('ELDER_ABUSE'))).toBe(true);
    expect(lines.some((line) => line.startsWith(`subject_record,${subjectId},`))).toBe(true);
    expect(lines.some((line) => line.startsWith('consent_record,'))).toBe(true);
    expect(lines.some((line) => line.startsWith('access,ROOMS:') && line.includes('timeline'))).toBe(true);
    // The room is withheld: no room row, and no post body anywhere.
    expect(lines.some((line) => line.startsWith('room,'))).toBe(false);
    expect(csv).not.toContain('訪問しました');
    await admin.locator('[data-status="REPORTED"]').waitFor();

    const [jsonDownload] = await Promise.all([
      admin.waitForEvent('download'),
      admin.getByRole('button', { name: 'JSONでダウンロード' }).click(),
    ]);
    expect(jsonDownload.suggestedFilename()).toMatch(new RegExp(`^disclosure-${requestId}-\\d{8}T\\d{6}\\.json$`));
    const jsonFile = path.join(downloads, jsonDownload.suggestedFilename());
    await jsonDownload.saveAs(jsonFile);
    const report = JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as Record<string, any>;
    expect(report).toMatchObject({
      requestId,
      subjectId,
      withheldParts: ['ROOMS'],
      rooms: null,
      subjectRecord: { id: subjectId, nameKana: 'タカオカ タロウ' },
      request: { id: requestId, status: 'REPORTED', requestedBy: 'FAMILY', relationship: '長男' },
      export: { format: 'JSON', exportedBy: sa.userId },
    });
    expect(report.consentRecords).toHaveLength(1);
    expect((report.roomsAccesses as Array<{ what: string }>).map((a) => a.what)).toContain('timeline');

    // Both exports are listed and in the history; a reported request can no longer withhold a part.
    await admin.locator('tr[data-export="JSON"]').waitFor();
    expect(await admin.locator('tr[data-export]').count()).toBe(2);
    expect(await admin.getByRole('status').textContent()).toContain(jsonDownload.suggestedFilename());
    expect(
      await admin.locator('[data-step]').evaluateAll((steps) => steps.map((s) => s.getAttribute('data-step'))),
    ).toEqual(['recorded', 'withheld', 'exported', 'exported']);
    expect(await admin.getByRole('button', { name: '一部を不開示にする' }).count()).toBe(0);
    expect(await t.db.prisma.disclosureExport.count({ where: { requestId } })).toBe(2);
  });

  it('shows a chain altered in the database as broken, naming where it breaks', async () => {
    const target = (await t.db.prisma.roomsAccessRecord.findMany({ orderBy: { seq: 'asc' }, take: 3 }))[2]!;
    await t.db.prisma.$transaction([
      t.db.prisma.$executeRawUnsafe(
        'ALTER TABLE rooms.access_record DISABLE TRIGGER access_record_no_update_or_delete',
      ),
      t.db.prisma
        .$executeRaw`UPDATE rooms.access_record SET actor_id = ${randomUUID()}::uuid WHERE seq = ${target.seq}`,
      t.db.prisma.$executeRawUnsafe('ALTER TABLE rooms.access_record ENABLE TRIGGER access_record_no_update_or_delete'),
    ]);

    await admin.goto(`${t.system.gateway.url}/#/audit`);
    await admin.getByRole('tab', { name: 'アクセス記録の検証' }).click();
    await admin.getByRole('button', { name: '検証する' }).click();
    const rooms = admin.locator('[data-chain="rooms"][data-ok="false"]');
    await rooms.waitFor();
    expect(await rooms.locator('[data-verdict]').textContent()).toBe('改ざんまたは欠落あり');
    expect(await rooms.locator('[data-broken-at]').textContent()).toBe(target.seq.toString());
    expect(await rooms.locator('[data-reason="HASH_MISMATCH"]').textContent()).toContain('書き換えられています');
    expect(await rooms.locator('[data-records]').textContent()).toContain('2');
    await admin.locator('[data-chain="consent"][data-ok="true"]').waitFor();
  });

  it('shows a user who is not the system administrator the graph’s Japanese refusal, and nothing else', async () => {
    const page = await signedIn(user);
    expect(await page.getByRole('link', { name: '監査と開示' }).count()).toBe(0);
    const expected = await graphql(
      t.graphqlUrl,
      '{ auditEvents(first: 50) { nextCursor } }',
      {},
      { ...user.headers, 'accept-language': 'ja' },
    );
    const message = expected.errors?.[0]?.message as string;
    expect(message).toMatch(/[\u3040-\u30ff\u4e00-\u9faf]/);

    await page.goto(`${t.system.gateway.url}/#/audit`);
    const refusal = page.getByRole('alert');
    await refusal.waitFor();
    expect(await refusal.textContent()).toBe(message);
    const main = page.locator('main');
    expect(await main.locator('h1, table, button, form, [role="tab"]').count()).toBe(0);
    expect((await main.textContent())?.trim()).toBe(message);

    // One request's page too: the graph's refusal, with only the way back.
    await page.goto(`${t.system.gateway.url}/#/audit/${requestId}`);
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toMatch(/[\u3040-\u30ff\u4e00-\u9faf]/);
    expect(await main.locator('dl, table, button').count()).toBe(0);
    expect(await page.content()).not.toContain(subjectId);
  });
});
