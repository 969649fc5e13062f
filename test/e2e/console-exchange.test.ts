// The console's partner exchange screen (Art. 20-2) in a real browser: a
// partner system posts a join Task for a room a hospital manager opened; the
// request waits in that manager's inbox, shows who asks, from where and why,
// and is approved there; the partner then reads its Task completed. A second
// request is rejected with a reason, which the partner reads too. Certificates
// are off here (their browser tests are console-sign-in and console-facilities).
import type { Page } from 'playwright-core';
import { actorPassword, actorWithRole, type Actor } from '../support/actors';
import { consoleBrowser, type ConsoleBrowser, screenshot, signInToConsole } from '../support/browser';
import { eventually } from '../support/eventually';
import { as } from '../support/identity-fixtures';
import {
  fhirRequest,
  issueShareCodeAs,
  joinTaskFrom,
  openRoomAs,
  partnerJwt,
  registerSimulatedPartner,
  type SimulatedPartner,
} from '../support/simulated-partner';
import { startTestSystem, type TestSystem } from '../support/test-system';

describe('the web console, partners’ join requests', () => {
  let t: TestSystem;
  let browser: ConsoleBrowser;
  let page: Page;
  let hm: Actor;
  let himi: SimulatedPartner;
  let roomId: string;

  /** A join Task from Himi's network for the room; resolves with its id at the partner and our request's id. */
  async function joinRequest(): Promise<{ taskId: string; requestId: string }> {
    const { code } = await issueShareCodeAs(t, hm, roomId, himi);
    const base = t.system.exchange.fhirBaseUrl;
    const created = await fhirRequest(base, 'POST', '/Task', {
      token: await partnerJwt(himi, base),
      body: joinTaskFrom(himi, code),
    });
    expect(created.status).toBe(201);
    const request = await eventually(
      async () =>
        ((await as(t, hm)('{ inboundJoinRequests { id correlationId } }')).data?.inboundJoinRequests ?? []).find(
          (r: { correlationId: string }) => r.correlationId === created.json.id,
        ),
      (r) => r !== undefined,
    );
    return { taskId: created.json.id as string, requestId: request.id as string };
  }

  const taskStatus = async (taskId: string) => {
    const base = t.system.exchange.fhirBaseUrl;
    return (await fhirRequest(base, 'GET', `/Task/${taskId}`, { token: await partnerJwt(himi, base) })).json;
  };

  beforeAll(async () => {
    t = await startTestSystem({ console: true, workers: true });
    const sa = await actorWithRole(t, 'SYSTEM_ADMIN');
    hm = await actorWithRole(t, 'HOSPITAL_MANAGER');
    himi = await registerSimulatedPartner(t, sa, '氷見市多職種ネット', 'himi.example');
    roomId = await openRoomAs(t, hm);
    browser = await consoleBrowser();
    page = await browser.newPage();
    await signInToConsole(page, t.system.gateway.url, hm.accountId, actorPassword);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  it('shows the request in the inbox and its details, and approves it: the partner reads its Task completed', async () => {
    const { taskId, requestId } = await joinRequest();
    await page.reload();
    const count = page.locator('[data-section="inboundJoins"] [data-count]');
    await count.waitFor();
    expect(await count.textContent()).toBe('1');
    await page
      .getByRole('region', { name: '受信箱' })
      .getByRole('link', { name: '他団体システムからの参加依頼' })
      .click();
    await page.locator(`tr[data-inbound-join="${requestId}"] a`).click();
    await page.locator(`[data-inbound-join="${requestId}"] [data-status="PENDING"]`).waitFor();
    expect(await page.locator('dl.fields').first().textContent()).toContain('太郎さんの部屋');
    expect(await page.locator('ol.history').textContent()).toContain('受付');
    await screenshot(page, 'console-inbound-join');
    await page.getByRole('button', { name: '参加を承認する' }).click();
    await page.locator('[data-status="APPROVED"]').waitFor();
    expect(await page.getByRole('status').textContent()).toContain('処理しました');
    await eventually(
      () => taskStatus(taskId),
      (task) => task.status === 'completed',
    );
    expect(await t.db.prisma.externalParticipant.count({ where: { roomId } })).toBe(1);
  });

  it('rejects another with a reason, which the partner reads in its Task', async () => {
    const { taskId, requestId } = await joinRequest();
    await page.goto(`${t.system.gateway.url}/#/exchange/${requestId}`);
    await page.getByRole('button', { name: '却下する' }).click();
    await page.getByLabel('却下の理由（1000文字以内）').fill('すでに訪問看護の担当者が参加しています。');
    await page.getByRole('button', { name: '却下を確定' }).click();
    await page.locator('[data-status="REJECTED"]').waitFor();
    expect(await page.locator('ol.history').textContent()).toContain('すでに訪問看護の担当者が参加しています。');
    const task = await eventually(
      () => taskStatus(taskId),
      (answer) => answer.status === 'rejected',
    );
    expect(JSON.stringify(task.statusReason)).toContain('すでに訪問看護の担当者が参加しています。');
    expect(await t.db.prisma.externalParticipant.count({ where: { roomId } })).toBe(1);
  });
});
