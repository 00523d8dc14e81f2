import { join } from 'node:path';
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

// Settings → Customer portal (issue 14): an admin sees where the portal is, picks the shared
// mailbox its mail goes out from and lets customers see their company's tickets; the choice stays
// after a reload; a mailbox removed meanwhile is refused with the error beside the field.

const admin = { name: 'Paula Portal', email: `paula.${Date.now()}@example.test`, password: 'a portal passphrase', workspace: 'Portal KG' };
const slug = `portal-kg-${Date.now()}`;

describe.runIf(hasChromium)('customer portal settings', () => {
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
    await signUpInBrowser(page, server.url, admin);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await mail?.stop();
  });

  it('picks the sender mailbox and company tickets, keeps them after a reload, and shows a refusal beside the field', async () => {
    expect((await pageApi(page, 'PUT', '/knowledge/help-centre', { slug })).status).toBe(200);
    const support = await mail.addUser(`support${Date.now()}`);
    const spare = await mail.addUser(`spare${Date.now()}`);
    const box = await pageApi(page, 'POST', '/mailboxes', mail.mailboxBody(support, { name: 'Portal support', shared: true }));
    const spareBox = await pageApi(page, 'POST', '/mailboxes', mail.mailboxBody(spare, { name: 'Spare inbox', shared: true }));
    expect([box.status, spareBox.status]).toEqual([201, 201]);

    await page.goto(`${server.url}/settings?tab=portal`);
    const card = page.getByTestId('portal-settings');
    await card.getByRole('link', { name: `${server.url}/help/${slug}/portal` }).waitFor();
    const sender = card.getByRole('combobox', { name: 'Send portal mail from' });
    expect(await sender.inputValue()).toBe('The notifications mailbox');
    await sender.click();
    await page.getByRole('option', { name: `Portal support <${support.address}>` }).click();
    const companyTickets = card.getByRole('switch', { name: /Customers see their company/ });
    expect(await companyTickets.isChecked()).toBe(false);
    await companyTickets.check();
    await card.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved').first().waitFor();
    expect((await pageApi(page, 'GET', '/portal/settings')).body).toEqual({ senderMailboxId: box.body.id, companyTickets: true });

    await page.reload();
    await card.waitFor();
    await expect.poll(() => sender.inputValue()).toBe(`Portal support <${support.address}>`);
    expect(await companyTickets.isChecked()).toBe(true);
    expect(await axeScan(page)).toEqual([]);
    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: join(screenshotDir, 'portal-settings.png'), fullPage: true });

    // The spare inbox is chosen, then removed by someone else before the save: refused, nothing changed.
    await sender.click();
    await page.getByRole('option', { name: `Spare inbox <${spare.address}>` }).click();
    expect((await pageApi(page, 'DELETE', `/mailboxes/${spareBox.body.id}`)).status).toBeLessThan(300);
    await card.getByRole('button', { name: 'Save' }).click();
    await card.getByText('Choose a shared mailbox of this workspace.').waitFor();
    expect((await pageApi(page, 'GET', '/portal/settings')).body).toEqual({ senderMailboxId: box.body.id, companyTickets: true });
    await card.screenshot({ path: join(screenshotDir, 'portal-settings-error.png') });

    // Back to the notifications mailbox: saved.
    await sender.click();
    await page.getByRole('option', { name: 'The notifications mailbox' }).click();
    await card.getByRole('button', { name: 'Save' }).click();
    await expect.poll(async () => (await pageApi(page, 'GET', '/portal/settings')).body.senderMailboxId).toBeNull();
    expect(await card.getByText('Choose a shared mailbox of this workspace.').count()).toBe(0);

    const refused = (e: string) => e.includes('422') && e.includes('/api/v1/portal/settings');
    expect(errors.filter(refused)).toHaveLength(1);
    expect(errors.filter((e) => !refused(e))).toEqual([]);
  }, 180_000);
});
