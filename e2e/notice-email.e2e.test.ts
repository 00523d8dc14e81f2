import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MailServers, startMailServers } from '../server/modules/email/mail-servers.fixture.ts';
import {
  axeScan,
  hasChromium,
  launch,
  type Page,
  pageApi,
  type Server,
  screenshotDir,
  signUpInBrowser,
  startServer,
  watchConsole,
} from './harness.ts';

// Notices by email, driven through the pages: an admin picks the shared mailbox that sends
// notifications (Settings → Mailboxes), turns on "Also by email" in My profile, and a task's
// reminder then arrives at their address through the real SMTP receiver.

const user = {
  name: 'Nora Notice',
  email: `nora.${Date.now()}@example.test`,
  password: 'a noticeably long passphrase',
  workspace: 'Notice AG',
};

describe.runIf(hasChromium)('notices by email', () => {
  let server: Server;
  let browser: Awaited<ReturnType<typeof launch>>;
  let page: Page;
  let errors: string[];
  let mail: MailServers;

  beforeAll(async () => {
    mail = await startMailServers();
    server = await startServer({ env: { RAPPORT_OUTBOUND_ALLOW: '127.0.0.1' } });
    browser = await launch();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    errors = watchConsole(page);
    await signUpInBrowser(page, server.url, user);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await mail?.stop();
  });

  it('sends a task reminder by email from the mailbox an admin chose', async () => {
    const team = await mail.addUser(`team${Date.now()}`);
    const connected = await pageApi(page, 'POST', '/mailboxes', mail.mailboxBody(team, { name: 'Team inbox', shared: true }));
    expect(connected.status).toBe(201);

    await page.goto(`${server.url}/settings?tab=mailboxes`);
    // Eleven tabs at 1280 px: every one is in view (they used to scroll sideways, Mailboxes cut off).
    const tabs = page.getByRole('tablist');
    expect(await tabs.evaluate((el) => el.scrollWidth > el.clientWidth + 1)).toBe(false);
    const box = await page.getByRole('tab', { name: 'Mailboxes' }).boundingBox();
    expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(page.viewportSize()?.width ?? 0);
    const sender = page.getByRole('combobox', { name: 'Send notifications from' });
    await sender.click();
    await page.getByRole('option', { name: `Team inbox <${team.address}>` }).click();
    await page.getByText('Saved').first().waitFor();
    await page.screenshot({ path: join(screenshotDir, 'notice-sender.png') });
    expect(await axeScan(page)).toEqual([]);

    await page.goto(`${server.url}/settings?tab=profile`);
    const byEmail = page.getByRole('switch', { name: 'Also by email' });
    await byEmail.waitFor();
    expect(await page.getByText('Each notice above also reaches your email address').count()).toBe(1);
    await byEmail.check();
    await expect.poll(async () => (await pageApi(page, 'GET', '/notifications/preferences')).body).toMatchObject({ byEmail: true });

    // Due in ten minutes with a reminder fifteen minutes before: the reminder is due now.
    const task = await pageApi(page, 'POST', '/tasks', {
      title: 'Send Ada the signed contract',
      dueAt: new Date(Date.now() + 10 * 60_000).toISOString(),
      reminderMinutes: 15,
    });
    expect(task.status).toBe(201);
    const mine = () => mail.received.filter((r) => r.to.includes(user.email));
    await expect.poll(() => mine().length, { timeout: 90_000, interval: 500 }).toBe(1);
    const parsed = await simpleParser(mine()[0].raw);
    expect(mine()[0].from).toBe(team.address);
    expect(parsed.subject).toContain('Send Ada the signed contract');
    expect(parsed.text).toContain(`/tasks/${(task.body as { id: string }).id}`);
    expect(errors).toEqual([]);
  }, 150_000);
});
