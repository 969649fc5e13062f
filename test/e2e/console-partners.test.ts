// The console's partner systems screen (Art. 20-2, 20-3) in a real browser:
// the system admin registers a partner (a field the graph refuses is named
// beside that field, nothing stored), finds it listed, opens it, changes and
// suspends it, and reads our exchange identity to give to partners; a room's
// manager issues a share code for a partner chosen by name (shown once),
// finds it listed and revokes it; a user reads partners' names and its own
// membership in a partner's room, while the registry answers the user with
// the graph's refusal only. Certificates are off here (their browser tests
// are console-sign-in and console-facilities).
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair } from 'jose';
import type { Page } from 'playwright-core';
import { hashShareCode } from '../../subgraphs/rooms/exchange/services/share-code-service';
import { actorPassword, actorWithRole, type Actor } from '../support/actors';
import { consoleBrowser, type ConsoleBrowser, screenshot, signInToConsole } from '../support/browser';
import { openRoomAs, registerSimulatedPartner, type SimulatedPartner } from '../support/simulated-partner';
import { startTestSystem, type TestSystem } from '../support/test-system';

describe('the web console, partner systems', () => {
  let t: TestSystem;
  let browser: ConsoleBrowser;
  let sa: Actor;
  let hm: Actor;
  let user: Actor;
  let fm: Actor;
  let himi: SimulatedPartner;
  let roomId: string;
  let membershipId: string;

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
    fm = await actorWithRole(t, 'FACILITY_MANAGER', { facilityId: user.facilityId });
    himi = await registerSimulatedPartner(t, sa, '氷見市多職種ネット', 'himi.example');
    roomId = await openRoomAs(t, hm);
    // The user is in a room of Himi's network: an outbound join the partner completed, as the sync job records it.
    const requestId = randomUUID();
    await t.db.prisma.outboundJoinRequest.create({
      data: {
        id: requestId,
        partnerId: himi.id,
        reason: '訪問看護の連携のため',
        facilityId: user.facilityId,
        requestedBy: user.userId,
        status: 'APPROVED',
        exchangeStatus: 'COMPLETED',
        partnerTaskId: 'task-himi-1',
        sentAt: new Date(),
      },
    });
    membershipId = randomUUID();
    await t.db.prisma.externalMembership.create({
      data: {
        id: membershipId,
        requestId,
        partnerId: himi.id,
        userId: user.userId,
        facilityId: user.facilityId,
        careTeamId: 'team-himi-7',
        roomStatus: 'active',
      },
    });
    browser = await consoleBrowser({ permissions: ['clipboard-read', 'clipboard-write'] });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  it('the system admin registers a partner (a bad field named beside it), finds it, changes and suspends it', async () => {
    const { publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    const jwks = JSON.stringify({ keys: [await exportJWK(publicKey)] });
    const admin = await signedIn(sa);
    await admin.goto(`${t.system.gateway.url}/#/partners`);
    await admin.getByRole('heading', { name: '連携先の登録' }).waitFor();
    await admin.locator(`tr[data-partner="${himi.id}"]`, { hasText: '氷見市多職種ネット' }).waitFor();

    await admin.getByRole('button', { name: '連携先を登録する' }).click();
    const form = admin.getByRole('form', { name: '連携先を登録する' });
    await form.getByLabel('名称').fill('射水市在宅医療ネット');
    await form.getByLabel('FHIR ベース URL').fill('http://imizu.example/fhir');
    await form.getByLabel('依頼の識別子システム').fill('https://imizu.example/requests');
    await form.getByLabel('利用者の識別子システム').fill('https://imizu.example/users');
    await form.getByLabel('相手の公開鍵（JWK セット、JSON）').fill(jwks);
    await form.getByLabel('参加依頼の同意').selectOption('REQUIRED');
    const before = await t.db.prisma.partner.count();
    await form.getByRole('button', { name: '登録する' }).click();
    // The graph's BAD_USER_INPUT names fhirBaseUrl: its words stand beside that field, and nothing is stored.
    const refusal = form.locator('[data-field="fhirBaseUrl"] [role="alert"]');
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain('https://');
    expect(await form.getByLabel('FHIR ベース URL').getAttribute('aria-invalid')).toBe('true');
    expect(await form.locator('[data-field="name"] [role="alert"]').count()).toBe(0);
    expect(await t.db.prisma.partner.count()).toBe(before);
    await screenshot(admin, 'console-partners-register');

    await form.getByLabel('FHIR ベース URL').fill('https://imizu.example/fhir/');
    await form.getByRole('button', { name: '登録する' }).click();
    await admin.waitForURL(/#\/partners\/[0-9a-f-]{36}$/);
    const id = /#\/partners\/([0-9a-f-]{36})$/.exec(admin.url())![1]!;
    await admin.getByRole('heading', { name: '射水市在宅医療ネット' }).waitFor();
    expect(await admin.locator('[data-status]').getAttribute('data-status')).toBe('ACTIVE');
    const fields = await admin.locator('[data-partner-fields]').textContent();
    expect(fields).toContain('https://imizu.example/fhir');
    expect(fields).toContain('必須（同意のない依頼は受け付けない）');
    expect(await t.db.prisma.partner.findUniqueOrThrow({ where: { id } })).toMatchObject({
      name: '射水市在宅医療ネット',
      fhirBaseUrl: 'https://imizu.example/fhir',
      consentInJoin: 'REQUIRED',
      status: 'ACTIVE',
      createdBy: sa.userId,
    });

    // Listed, and opened from the list.
    await admin.getByRole('link', { name: '連携先の一覧へ' }).click();
    const row = admin.locator(`tr[data-partner="${id}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('https://imizu.example/fhir');
    expect(await row.textContent()).toContain('連携中');
    await screenshot(admin, 'console-partners');
    await row.getByRole('link', { name: '射水市在宅医療ネット' }).click();
    await admin.getByRole('heading', { name: '射水市在宅医療ネット' }).waitFor();

    // A change sends only what changed.
    await admin.getByRole('button', { name: '登録内容を変更する' }).click();
    const edit = admin.getByRole('form', { name: '登録内容の変更' });
    await edit.getByLabel('相手が当方に付けた ID').fill('takaoka-at-imizu');
    await edit.getByRole('button', { name: '変更を保存する' }).click();
    await admin.locator('[data-partner-fields]', { hasText: 'takaoka-at-imizu' }).waitFor();
    await screenshot(admin, 'console-partners-partner');
    expect((await t.db.prisma.partner.findUniqueOrThrow({ where: { id } })).ourClientId).toBe('takaoka-at-imizu');

    // Suspended with a reason, then reactivated.
    await admin.getByRole('button', { name: '連携を停止する' }).click();
    await admin.getByLabel('停止の理由（500文字以内）').fill('協定の更新待ち');
    await admin.getByRole('button', { name: /^停止を確定/ }).click();
    await admin.locator('[data-status="SUSPENDED"]').waitFor();
    expect(await admin.locator('.reason').textContent()).toContain('協定の更新待ち');
    expect(await t.db.prisma.partner.findUniqueOrThrow({ where: { id } })).toMatchObject({
      status: 'SUSPENDED',
      statusReason: '協定の更新待ち',
      statusChangedBy: sa.userId,
    });
    await admin.getByRole('button', { name: '連携を再開する' }).click();
    await admin.getByLabel('再開の理由（500文字以内）').fill('協定を更新した');
    await admin.getByRole('button', { name: '再開を確定' }).click();
    await admin.locator('[data-status="ACTIVE"]').waitFor();
    expect((await t.db.prisma.partner.findUniqueOrThrow({ where: { id } })).status).toBe('ACTIVE');
    await browser.release(admin);
  }, 90_000);

  it('the system admin reads our exchange identity, to copy or save for a partner', async () => {
    const admin = await signedIn(sa);
    await admin.goto(`${t.system.gateway.url}/#/partners`);
    await admin.getByRole('tab', { name: '当方の連携情報' }).click();
    const identity = admin.locator('[data-exchange-identity]');
    await identity.waitFor();
    const base = t.system.exchange.fhirBaseUrl;
    expect(await identity.textContent()).toContain(base);
    expect(await identity.textContent()).toContain(`${base}/.well-known/jwks.json`);
    const ca = admin.locator('[data-network-ca]');
    expect(await ca.locator('pre').textContent()).toContain('-----BEGIN CERTIFICATE-----');
    expect(await ca.getByRole('link', { name: 'CA 証明書を保存（PEM）' }).getAttribute('download')).toBe(
      'renkei-network-ca.pem',
    );
    await ca.getByRole('button', { name: /コピー/ }).click();
    await ca.getByRole('status').waitFor();
    expect(await ca.getByRole('status').textContent()).toBe('コピーしました。');
    expect(await admin.evaluate<string>('navigator.clipboard.readText()')).toContain('-----BEGIN CERTIFICATE-----');
    // Per partner: the id it gave us (the fixtures' partner gave none).
    expect(await admin.locator(`tr[data-partner="${himi.id}"]`).textContent()).toContain('（未設定）');
    await screenshot(admin, 'console-partners-identity');
    await browser.release(admin);
  }, 60_000);

  it('a room’s manager issues a share code for a partner chosen by name, shown once, and revokes it', async () => {
    const manager = await signedIn(hm);
    await manager.goto(`${t.system.gateway.url}/#/partners`);
    await manager.getByRole('tab', { name: '管理している部屋の共有コード' }).click();
    const room = manager.locator(`[data-room="${roomId}"]`);
    await room.waitFor();
    await room.getByText('発行した共有コードはありません。').waitFor();
    const picker = room.getByLabel('相手の団体');
    await picker.locator(`option[value="${himi.id}"]`).waitFor({ state: 'attached' });
    await picker.selectOption({ label: '氷見市多職種ネット' });
    await room.getByLabel('有効日数（1〜90日）').fill('7');
    await room.getByRole('button', { name: '共有コードを発行する' }).click();

    const issued = room.locator('[data-issued-code]');
    await issued.waitFor();
    const code = (await issued.locator('code').textContent())!;
    expect(code).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(await issued.textContent()).toContain('このコードは今回だけ表示されます');
    expect(await issued.textContent()).toContain('氷見市多職種ネット');
    const stored = await t.db.prisma.roomShareCode.findUniqueOrThrow({ where: { codeHash: hashShareCode(code) } });
    expect(stored).toMatchObject({ roomId, partnerId: himi.id, issuedBy: hm.userId, revokedAt: null });
    const days = (stored.expiresAt.getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.9);
    expect(days).toBeLessThanOrEqual(7);

    const row = room.locator(`tr[data-share-code="${stored.id}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('氷見市多職種ネット');
    expect(await row.locator('[data-status]').getAttribute('data-status')).toBe('ACTIVE');
    await screenshot(manager, 'console-partners-share-codes');

    // Read again, the code is nowhere: only its metadata.
    await manager.reload();
    await manager.getByRole('tab', { name: '管理している部屋の共有コード' }).click();
    await row.waitFor();
    expect(await manager.content()).not.toContain(code);

    manager.once('dialog', (dialog) => void dialog.accept());
    await row.getByRole('button', { name: '無効にする' }).click();
    await row.locator('[data-status="REVOKED"]').waitFor();
    expect(await t.db.prisma.roomShareCode.findUniqueOrThrow({ where: { id: stored.id } })).toMatchObject({
      revokedBy: hm.userId,
    });
    expect((await t.db.prisma.roomShareCode.findUniqueOrThrow({ where: { id: stored.id } })).revokedAt).not.toBeNull();
    await browser.release(manager);
  }, 60_000);

  it('a user reads partners’ names and its room at a partner, while the registry refuses the user', async () => {
    const page = await signedIn(user);
    await page.goto(`${t.system.gateway.url}/#/partners`);
    // partnerNames works for a user: the names, nothing of the registry.
    const names = page.locator('[data-partner-names]');
    await names.locator(`tr[data-partner="${himi.id}"]`, { hasText: '氷見市多職種ネット' }).waitFor();
    expect(await page.getByRole('tab', { name: '連携先の登録' }).count()).toBe(0);
    expect(await page.content()).not.toContain('himi.example/fhir');

    await page.getByRole('tab', { name: '参加している他団体の部屋' }).click();
    const membership = page.locator(`tr[data-membership="${membershipId}"]`);
    await membership.locator('td', { hasText: '氷見市多職種ネット' }).waitFor();
    const text = await membership.textContent();
    expect(text).toContain('team-himi-7');
    expect(text).toContain('活動中');
    expect(await membership.locator('[data-status]').getAttribute('data-status')).toBe('ACTIVE');

    // The registry's page: the graph's refusal, and nothing of the partner.
    await page.goto(`${t.system.gateway.url}/#/partners/${himi.id}`);
    const refusal = page.getByRole('alert');
    await refusal.waitFor();
    expect(await refusal.textContent()).toMatch(/できません|システム管理者/);
    const content = await page.content();
    expect(content).not.toContain('himi.example');
    expect(content).not.toContain('氷見市多職種ネット');
    await browser.release(page);
  }, 60_000);

  it('the user’s facility manager sees the membership among its facility’s users', async () => {
    const page = await signedIn(fm);
    await page.goto(`${t.system.gateway.url}/#/partners`);
    await page.getByRole('tab', { name: '他団体の部屋への参加状況' }).click();
    const membership = page.locator(`tr[data-membership="${membershipId}"]`);
    await membership.locator('td', { hasText: '氷見市多職種ネット' }).waitFor();
    expect(await membership.textContent()).toContain('team-himi-7');
  }, 60_000);
});
