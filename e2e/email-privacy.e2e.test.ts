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

// A mailbox's sharing and matching settings in Settings → Mailboxes, and a private email on a
// contact's timeline: a placeholder on the timeline, the content (and its attachment, as a
// download) for the mailbox's owner when opened, and the switch that shares the conversation.

const user = {
  name: 'Pia Privat',
  email: `pia.${Date.now()}@example.test`,
  password: 'a private mailbox passphrase',
  workspace: 'Privat AG',
};

describe.runIf(hasChromium)('email privacy and mailbox settings', () => {
  let server: Server;
  let browser: Awaited<ReturnType<typeof launch>>;
  let page: Page;
  let errors: string[];
  let mail: MailServers;
  let me: MailUser;

  beforeAll(async () => {
    mail = await startMailServers();
    me = await mail.addUser(`pia${Date.now()}`);
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

  const shot = (name: string) => page.screenshot({ path: join(screenshotDir, `${name}.png`) });

  it('changes a mailbox’s settings, shows a private email as such, and shares its conversation', async () => {
    const contact = await pageApi(page, 'POST', '/contacts', { firstName: 'Karl', emails: [{ value: 'karl@kunde.example.test' }] });
    const contactId = (contact.body as { id: string }).id;
    // A text part and a PDF attachment.
    const b = 'b-e2e';
    await mail.append(
      me,
      'INBOX',
      [
        'From: Karl <karl@kunde.example.test>',
        `To: ${me.address}`,
        'Subject: Vertrauliches Angebot',
        `Message-ID: <private.${Date.now()}@kunde.example.test>`,
        `Date: ${new Date().toUTCString().replace('GMT', '+0000')}`,
        'MIME-Version: 1.0',
        `Content-Type: multipart/mixed; boundary="${b}"`,
        '',
        `--${b}`,
        'Content-Type: text/plain; charset=utf-8',
        '',
        'Nur für Sie.',
        `--${b}`,
        'Content-Type: application/pdf',
        'Content-Disposition: attachment; filename="Angebot.pdf"',
        'Content-Transfer-Encoding: base64',
        '',
        Buffer.from('%PDF-1.4 Angebot').toString('base64'),
        `--${b}--`,
        '',
      ].join('\r\n'),
    );
    const created = await pageApi(page, 'POST', '/mailboxes', mail.mailboxBody(me, { name: 'Pia privat', privacy: 'private' }));
    expect(created.status).toBe(201);
    const mailboxId = (created.body as { id: string }).id;

    const imap = await mail.client(me);
    await imap.mailboxCreate('Projekte');
    await imap.logout();

    await page.goto(`${server.url}/settings?tab=mailboxes`);
    const row = page.getByTestId('mailbox-row');
    await row.getByText('Synced').waitFor({ timeout: 20_000 });
    await row.getByRole('button', { name: 'Settings' }).click();
    const form = page.getByRole('form', { name: 'Settings of Pia privat' });
    expect(await form.getByRole('combobox', { name: 'New conversations are' }).inputValue()).toBe(
      'Private: others only see that an email happened',
    );
    await form.getByRole('combobox', { name: 'Unknown senders' }).click();
    await page.getByRole('option', { name: 'Make them leads' }).click();
    await form.getByLabel('Also put emails on the open deals of the contacts in them').uncheck();
    await form.getByLabel('Never make contacts or leads of').fill('newsletter.example.test\nbad address');
    await form.getByRole('button', { name: 'Save' }).click();
    // A line that is not an address or a domain is named, and nothing is saved.
    await form.getByText(`"bad address": This value is not in the expected form.`).waitFor();
    expect(errors.splice(0)).toEqual([expect.stringMatching(/status of 400 .*\/api\/v1\/mailboxes/)]);
    await form.getByLabel('Never make contacts or leads of').fill('newsletter.example.test\n@spam.example.test');
    await form.getByLabel('Tell me when it has not synced for (minutes)').fill('90');
    // The server's folders: INBOX and Sent always synced, the others when picked.
    const folders = form.getByRole('group', { name: 'Folders to sync' });
    expect(await folders.getByLabel('INBOX (always)').isDisabled()).toBe(true);
    await folders.getByLabel('Projekte').check();
    // The comparison with the server, on request: its result shows on the mailbox's row.
    await form.getByRole('button', { name: 'Compare with the server now' }).click();
    await row
      .getByTestId('mailbox-reconciliation')
      .getByText(/^Compared with the server .*: nothing missing$/)
      .waitFor({ timeout: 20_000 });
    await shot('email-mailbox-settings');
    expect(await axeScan(page)).toEqual([]);
    await form.getByRole('button', { name: 'Save' }).click();
    await form.waitFor({ state: 'detached' });
    const saved = await pageApi(page, 'GET', `/mailboxes/${mailboxId}`);
    expect(saved.body).toMatchObject({
      privacy: 'private',
      newSenders: 'lead',
      matchDeals: false,
      ignoreSenders: ['newsletter.example.test', '@spam.example.test'],
      staleAfterMinutes: 90,
      folders: ['Projekte'],
      health: { stale: false, reconciliation: { missing: 0, repaired: 0, vanished: 0, note: null } },
    });

    await page.goto(`${server.url}/contacts/${contactId}`);
    const item = page.getByTestId('activity').filter({ has: page.getByTestId('private-email') });
    await item.getByText('Private email').waitFor();
    expect(await item.textContent()).not.toContain('Vertrauliches Angebot');
    await item.getByRole('button', { name: 'Show email' }).click();
    // The owner reads it, and decides whether the workspace does.
    await item.getByTestId('email-text').getByText('Nur für Sie.').waitFor();
    // Its attachment is a download: the file's own type, saved rather than shown.
    const link = item.getByTestId('email-attachments').getByRole('link', { name: 'Angebot.pdf' });
    const download = await page.request.get(`${server.url}${await link.getAttribute('href')}`);
    expect(download.status()).toBe(200);
    expect(download.headers()['content-type']).toBe('application/pdf');
    expect(download.headers()['content-disposition']).toMatch(/^attachment; filename="Angebot.pdf"/);
    expect((await download.body()).toString()).toBe('%PDF-1.4 Angebot');
    const share = item.getByRole('switch', { name: 'Shared with the workspace' });
    expect(await share.isChecked()).toBe(false);
    // The pointer off the button it clicked: a hovered subtle button is a hover colour, not the page's.
    await page.mouse.move(0, 0);
    await shot('email-private-timeline');
    expect(await axeScan(page)).toEqual([]);
    await share.click();
    const sharedItem = page.getByTestId('activity').filter({ hasText: 'Vertrauliches Angebot' });
    await sharedItem.waitFor();
    expect(await page.getByTestId('private-email').count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
