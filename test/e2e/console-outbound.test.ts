// The console's outbound joins screen (Art. 20-3) in a real browser: a USER
// asks to join a partner's room with the share code the partner gave (a
// malformed code is refused first, in Japanese), the user's facility manager
// confirms it, the system admin approves it, and the request's page shows the
// partner's answers as the partner (test/support/mock-partner.ts, behind its
// own CA) receives, accepts and completes the join. The user picks the partner
// by name (partnerNames), and every role reads partners' names. Then the system admin
// runs again a send that stopped while the partner answered 503, rejects a
// request with a reason the user reads, and the user withdraws one.
// Certificates are off here
// (their browser tests are console-sign-in and console-facilities).
import type { Page } from 'playwright-core';
import { actorPassword, actorWithRole, type Actor } from '../support/actors';
import { consoleBrowser, type ConsoleBrowser, screenshot, signInToConsole } from '../support/browser';
import { eventually } from '../support/eventually';
import { graphql } from '../support/graphql-client';
import { startMockPartner, type MockPartner } from '../support/mock-partner';
import {
  approvedRequest,
  ops,
  ourClientId,
  partnerCertificateAuthority,
  registerPartner,
} from '../support/mock-partner-fixtures';
import { ourIdentifierSystems } from '../../lib/exchange/identifier-systems';
import { startTestSystem, type TestSystem } from '../support/test-system';

describe('the web console, joining partners’ rooms', () => {
  let t: TestSystem;
  let partner: MockPartner;
  let removeCa: () => void;
  let partnerId: string;
  let browser: ConsoleBrowser;
  let user: Actor;
  let fm: Actor;
  let sa: Actor;

  /** A page of its own (its own session) for the actor, signed in and on the inbox. */
  async function signedIn(actor: Actor): Promise<Page> {
    const page = await browser.newPage();
    await signInToConsole(page, t.system.gateway.url, actor.accountId, actorPassword);
    return page;
  }

  beforeAll(async () => {
    const partnerCa = await partnerCertificateAuthority();
    removeCa = partnerCa.remove;
    t = await startTestSystem({
      console: true,
      workers: true,
      exchangeDelivery: {
        // Only the partner's CA is trusted, as in outbound-join.test.ts; the partner's answers are polled quickly.
        partnerCalls: {
          timeoutMs: 2_000,
          poll: { firstDelayMs: 150, maxDelayMs: 400 },
          syncStaleMs: 0,
          trustedCaPems: [partnerCa.ca.caCertificatePem],
        },
        retry: { attempts: 4, baseDelayMs: 200, maxDelayMs: 600 },
        every: { 'external-room-sync': 300 },
      },
    });
    partner = await startMockPartner({ tls: partnerCa.tls, ourJwk: t.system.exchange.key.publicJwk, ourClientId });
    user = await actorWithRole(t, 'USER');
    fm = await actorWithRole(t, 'FACILITY_MANAGER', { facilityId: user.facilityId });
    sa = await actorWithRole(t, 'SYSTEM_ADMIN');
    partnerId = await registerPartner(t.db.prisma, partner.url, sa.userId);
    browser = await consoleBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await t?.stop();
    await partner?.stop();
    removeCa?.();
  });

  it('a user asks, the facility manager confirms, the system admin approves, and the page follows the partner’s answers', async () => {
    // The user asks; a malformed share code is refused with the graph's own words, in Japanese.
    const asker = await signedIn(user);
    await asker.goto(`${t.system.gateway.url}/#/outbound`);
    await asker.getByRole('button', { name: '参加を依頼する' }).click();
    // The user picks the partner by name (partnerNames), no id to type.
    const picker = asker.locator('form.ask select[name="partnerId"]');
    await picker.locator(`option[value="${partnerId}"]`).waitFor({ state: 'attached' });
    expect(await picker.locator('option').allTextContents()).toContain('Himi care network');
    await picker.selectOption({ label: 'Himi care network' });
    await asker.getByLabel('共有コード').fill('share code!');
    await asker.getByLabel('参加の理由').fill('訪問看護の連携のため');
    await asker.getByRole('button', { name: '依頼を送る' }).click();
    const refusal = asker.getByRole('alert');
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain('受け取ったとおりのコード');
    expect(await t.db.prisma.outboundJoinRequest.count({ where: { requestedBy: user.userId } })).toBe(0);

    const code = `share-${Date.now().toString(36)}`;
    await asker.getByLabel('共有コード').fill(code);
    await asker.getByRole('button', { name: '依頼を送る' }).click();
    await asker.locator('[data-status="SUBMITTED"]').waitFor();
    const id = /#\/outbound\/([0-9a-f-]{36})$/.exec(asker.url())?.[1] as string;
    expect(id).toBeDefined();
    expect(await asker.locator('dl.fields').first().textContent()).toContain('訪問看護の連携のため');
    // A user reads the partner's name too, on the request and in the list.
    await asker.locator('h1', { hasText: 'Himi care network' }).waitFor();
    // The share code is not on the page; the database keeps it only until the partner holds the Task.
    expect(await asker.content()).not.toContain(code);
    expect(await t.db.prisma.outboundJoinRequest.findUniqueOrThrow({ where: { id } })).toMatchObject({
      status: 'SUBMITTED',
      partnerId,
      requestedBy: user.userId,
      shareCode: code,
    });

    // The facility manager finds it waiting first in the list and confirms it.
    const manager = await signedIn(fm);
    await manager.goto(`${t.system.gateway.url}/#/outbound`);
    const waiting = manager.locator(`tr[data-outbound-join="${id}"][data-waiting]`);
    await waiting.waitFor();
    // The facility manager knows the partner by name, as everyone does.
    await waiting.locator('td', { hasText: 'Himi care network' }).waitFor();
    await waiting.locator('a').click();
    await manager.getByRole('button', { name: '確認してシステム管理者へ回す' }).click();
    await manager.locator('[data-status="FORWARDED"]').waitFor();
    expect(await manager.getByRole('status').textContent()).toContain('処理しました');
    expect((await t.db.prisma.outboundJoinRequest.findUniqueOrThrow({ where: { id } })).status).toBe('FORWARDED');

    // The system admin approves it: it is sent, and the page shows the partner holding it.
    const admin = await signedIn(sa);
    await admin.goto(`${t.system.gateway.url}/#/outbound`);
    await admin.locator(`tr[data-outbound-join="${id}"][data-waiting] a`).click();
    await admin.getByRole('button', { name: '承認して相手に送る' }).click();
    await admin.locator('[data-status="APPROVED"]').waitFor();
    await admin.locator('[data-exchange-status="RECEIVED"]').waitFor({ timeout: 20_000 });
    expect(await admin.locator('h1').textContent()).toContain('Himi care network');
    const sent = await t.db.prisma.outboundJoinRequest.findUniqueOrThrow({ where: { id } });
    expect(sent).toMatchObject({ status: 'APPROVED', exchangeStatus: 'RECEIVED', shareCode: null });
    expect(partner.taskFor(id)).toBeDefined();

    // The partner accepts, then completes the join: the user's page follows without a reload.
    await asker.reload();
    await asker.locator('[data-exchange-status="RECEIVED"]').waitFor();
    partner.taskFor(id)!.status = 'accepted';
    await asker.locator('[data-exchange-status="ACCEPTED"]').waitFor({ timeout: 20_000 });
    const systems = ourIdentifierSystems(t.system.exchange.fhirBaseUrl);
    partner.careTeams.set('team-console', {
      status: 'active',
      participants: [{ system: systems.user, value: user.userId, display: 'USER' }],
    });
    const task = partner.taskFor(id)!;
    task.careTeamId = 'team-console';
    task.status = 'completed';
    await asker.locator('[data-exchange-status="COMPLETED"]').waitFor({ timeout: 20_000 });
    expect(await asker.locator('[data-partner-answer]').textContent()).toContain('参加済み');
    expect(await asker.locator('ol.history').textContent()).toContain('相手の部屋に参加');
    await eventually(
      () => t.db.prisma.externalMembership.findMany({ where: { requestId: id } }),
      (rows) => rows.length === 1 && rows[0]!.userId === user.userId && rows[0]!.status === 'ACTIVE',
    );
    await screenshot(asker, 'console-outbound');
    for (const page of [asker, manager, admin]) await browser.release(page);
  }, 90_000);

  it('shows the system admin a send that stopped while the partner failed, and runs it again from the list', async () => {
    partner.behavior.post = 'server-error';
    const id = await approvedRequest(t.graphqlUrl, { user, fm, sa }, partnerId, `share-${Date.now().toString(36)}-2`);
    const letter = await eventually(
      () => t.db.prisma.exchangeDeadLetter.findFirst({ where: { payload: { equals: { requestId: id } } } }),
      (found) => found !== null,
    );
    const admin = await signedIn(sa);
    await admin.goto(`${t.system.gateway.url}/#/outbound/${id}`);
    await admin.locator('[data-exchange-status="NOT_SENT"]').waitFor();
    expect(await admin.locator('[data-partner-answer]').textContent()).toContain('HTTP_503');

    partner.behavior.post = 'normal';
    await admin.goto(`${t.system.gateway.url}/#/outbound`);
    const row = admin.locator(`tr[data-dead-letter="${letter!.id}"]`);
    expect(await row.textContent()).toContain('HTTP_503');
    await screenshot(admin, 'console-outbound-dead-letters');
    await row.getByRole('button', { name: '再実行する' }).click();
    expect(
      await admin.getByRole('region', { name: '相手との通信で止まった処理' }).getByRole('status').textContent(),
    ).toBe('再実行しました。');
    await row.waitFor({ state: 'detached' });
    expect((await t.db.prisma.exchangeDeadLetter.findUniqueOrThrow({ where: { id: letter!.id } })).retriedBy).toBe(
      sa.userId,
    );
    await admin.goto(`${t.system.gateway.url}/#/outbound/${id}`);
    await admin.locator('[data-exchange-status="RECEIVED"]').waitFor({ timeout: 20_000 });
    expect((await t.db.prisma.outboundJoinRequest.findUniqueOrThrow({ where: { id } })).exchangeStatus).toBe(
      'RECEIVED',
    );
    await browser.release(admin);
  }, 90_000);

  it('the system admin rejects a confirmed request with a reason the user reads; the user withdraws another', async () => {
    const ask = async () => {
      const asked = await graphql(
        t.graphqlUrl,
        ops.ask,
        { p: partnerId, c: `share-${Date.now().toString(36)}-3`, r: '退院前カンファレンスのため' },
        user.headers,
      );
      return asked.data?.askOutboundJoin.id as string;
    };
    const rejected = await ask();
    await graphql(t.graphqlUrl, ops.confirm, { id: rejected }, fm.headers);
    const admin = await signedIn(sa);
    await admin.goto(`${t.system.gateway.url}/#/outbound/${rejected}`);
    await admin.getByRole('button', { name: '却下する' }).click();
    await admin.getByLabel('却下の理由（1000文字以内）').fill('相手の団体との協定が準備中です。');
    await admin.getByRole('button', { name: '却下を確定' }).click();
    await admin.locator('[data-status="REJECTED"]').waitFor();

    const asker = await signedIn(user);
    await asker.goto(`${t.system.gateway.url}/#/outbound/${rejected}`);
    await asker.locator('[data-status="REJECTED"]').waitFor();
    expect(await asker.locator('dl.fields').first().textContent()).toContain('相手の団体との協定が準備中です。');
    expect(await asker.getByRole('button', { name: '依頼を取り下げる' }).count()).toBe(0);
    expect(partner.taskFor(rejected)).toBeUndefined();

    const withdrawn = await ask();
    await asker.goto(`${t.system.gateway.url}/#/outbound/${withdrawn}`);
    asker.once('dialog', (dialog) => void dialog.accept());
    await asker.getByRole('button', { name: '依頼を取り下げる' }).click();
    await asker.locator('[data-status="WITHDRAWN"]').waitFor();
    expect((await t.db.prisma.outboundJoinRequest.findUniqueOrThrow({ where: { id: withdrawn } })).status).toBe(
      'WITHDRAWN',
    );
  }, 60_000);
});
