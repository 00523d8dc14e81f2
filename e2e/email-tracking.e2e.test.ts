import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MailServers, type MailUser, startMailServers } from '../server/modules/email/mail-servers.fixture.ts';
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

// Open and click tracking in the browser against a real Dovecot and SMTP receiver: an email written
// with "Track opens and clicks" on, read by the customer over IMAP; their mail client loads its
// image and follows a link, and the contact's timeline says so while it is open.

const user = {
  name: 'Tina Tracker',
  email: `tina.${Date.now()}@example.test`,
  password: 'a tracker minded passphrase',
  workspace: 'Track GmbH',
};

describe.runIf(hasChromium)('email tracking', () => {
  let server: Server;
  let browser: Awaited<ReturnType<typeof launch>>;
  let page: Page;
  let errors: string[];
  let mail: MailServers;
  let me: MailUser;
  let customer: MailUser;

  beforeAll(async () => {
    mail = await startMailServers();
    me = await mail.addUser(`tina${Date.now()}`);
    customer = await mail.addUser(`kunde${Date.now()}`);
    server = await startServer({ env: { RAPPORT_OUTBOUND_ALLOW: '127.0.0.1' } });
    browser = await launch();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    errors = watchConsole(page);
    await signUpInBrowser(page, server.url, user);
    const mb = await pageApi(page, 'POST', '/mailboxes', mail.mailboxBody(me, { name: 'Sales' }));
    expect(mb.status).toBe(201);
    // No undo wait: the message goes as soon as it is queued.
    expect((await pageApi(page, 'PATCH', '/email-settings', { undoSeconds: 0 })).status).toBe(200);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await mail?.stop();
  });

  const shot = (name: string) => page.screenshot({ path: join(screenshotDir, `${name}.png`) });
  // The server's base URL names localhost; the recipient's client reaches the same server.
  const local = (url: string) => `${server.url}${new URL(url).pathname}`;

  it('sends a tracked email, and shows the customer’s open and click on the contact’s timeline', async () => {
    const contact = await pageApi(page, 'POST', '/contacts', { firstName: 'Karl', emails: [{ value: customer.address }] });
    const contactId = (contact.body as { id: string }).id;
    await page.goto(`${server.url}/contacts/${contactId}`);
    await page.getByRole('button', { name: 'Write email' }).click();
    const dialog = page.getByRole('dialog', { name: 'New email' });
    await dialog.getByLabel('Subject').fill('Unsere Preise');
    await dialog.getByLabel('Message').fill('Hallo Karl,\ndie Preise: https://example.com/pricing\nGruß');
    const track = dialog.getByRole('switch', { name: 'Track opens and clicks' });
    // Off for every new message.
    expect(await track.isChecked()).toBe(false);
    await track.check({ force: true });
    expect(await track.isChecked()).toBe(true);
    await expect.poll(() => dialog.getByRole('combobox', { name: 'From' }).inputValue()).toMatch(/^Sales </);
    await shot('email-tracking-compose');
    expect(await axeScan(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Send' }).click();
    await dialog.waitFor({ state: 'detached' });
    const item = page.getByTestId('activity').filter({ hasText: 'Unsere Preise' });
    await item.getByText('Email sent').waitFor({ timeout: 20_000 });
    await item.getByRole('button', { name: 'Show email' }).click();
    const summary = item.getByTestId('email-tracking');
    await summary.getByText('Not opened yet').waitFor();
    // The sender's own copy (shown here) has the real link and no tracking image.
    await item.getByTestId('email-html').waitFor();
    const body = page.frameLocator('[data-testid="email-html"]').locator('body');
    await body.locator('a').first().waitFor();
    const shown = await body.innerHTML();
    expect(shown).toContain('href="https://example.com/pricing"');
    expect(shown).not.toContain('/t/');

    // The customer's mailbox, over IMAP: the HTML's link and image go through Rapport.
    let got: Awaited<ReturnType<MailServers['inbox']>>[number] | undefined;
    await expect
      .poll(async () => (got = (await mail.inbox(customer)).find((m) => m.subject === 'Unsere Preise')), { timeout: 20_000 })
      .toBeDefined();
    const html = String(got?.html);
    const pixel = html.match(/<img src="([^"]+\/t\/o\/[^"]+)"/)?.[1] ?? '';
    const link = html.match(/<a href="([^"]+\/t\/c\/[^"]+)"/)?.[1] ?? '';
    expect(pixel).not.toBe('');
    expect(link).not.toBe('');
    expect(html).not.toContain('href="https://example.com/pricing"');
    expect(got?.text).toContain('https://example.com/pricing');

    // Their mail client loads the image; they follow the link and land on the real address.
    const img = await fetch(local(pixel), { headers: { 'user-agent': 'Thunderbird/128' } });
    expect(img.status).toBe(200);
    expect(img.headers.get('content-type')).toBe('image/gif');
    const click = await fetch(local(link), { redirect: 'manual' });
    expect(click.status).toBe(302);
    expect(click.headers.get('location')).toBe('https://example.com/pricing');

    // The open timeline hears of it (live updates) without a reload.
    await summary.getByText(/^Opened once · last/).waitFor({ timeout: 15_000 });
    await summary.getByText('Clicked: https://example.com/pricing (1)').waitFor();
    await item.scrollIntoViewIfNeeded();
    await shot('email-tracking-timeline');
    expect(await axeScan(page)).toEqual([]);

    // A tampered link redirects nowhere.
    const bad = await fetch(local(link.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'))), { redirect: 'manual' });
    expect(bad.status).toBe(404);
    expect(bad.headers.get('location')).toBeNull();
    expect(errors).toEqual([]);
  });

  it('hides the switch once an admin turns tracking off in Settings', async () => {
    await page.goto(`${server.url}/settings?tab=templates`);
    const allowed = page.getByRole('switch', { name: 'Allow open and click tracking' });
    // Enabled once the saved setting is read (a forced click on a disabled switch does nothing).
    await expect.poll(() => allowed.isEnabled()).toBe(true);
    expect(await allowed.isChecked()).toBe(true);
    // The switch shows the saved setting: it changes once the server has it.
    await allowed.click({ force: true });
    await page.getByText('Tracking setting saved').waitFor();
    await expect.poll(() => allowed.isChecked()).toBe(false);
    expect((await pageApi(page, 'GET', '/email-settings')).body).toEqual({ undoSeconds: 0, tracking: false });
    const contact = await pageApi(page, 'POST', '/contacts', { firstName: 'Otto', emails: [{ value: customer.address }] });
    await page.goto(`${server.url}/contacts/${(contact.body as { id: string }).id}`);
    // The form reads the setting when it opens: the switch is decided once that answer is in.
    const settingsRead = page.waitForResponse((r) => r.url().endsWith('/api/v1/email-settings') && r.request().method() === 'GET');
    await page.getByRole('button', { name: 'Write email' }).click();
    const dialog = page.getByRole('dialog', { name: 'New email' });
    expect(await (await settingsRead).json()).toMatchObject({ tracking: false });
    await dialog.getByLabel('Subject').waitFor();
    await page.waitForTimeout(300);
    expect(await dialog.getByRole('switch', { name: 'Track opens and clicks' }).count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
