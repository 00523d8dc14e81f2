import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MailServers, type MailUser, rawMessage, startMailServers } from '../server/modules/email/mail-servers.fixture.ts';
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

// Two-way email in the browser against a real Dovecot and SMTP receiver on loopback (allowed as an
// operator would, with RAPPORT_OUTBOUND_ALLOW): connect a mailbox in Settings, see a customer's
// email on the contact's timeline (its HTML in a sandbox that runs no script), reply from the page,
// and find the reply, threaded, in the customer's mailbox read over IMAP.

const user = { name: 'Mia Mail', email: `mia.${Date.now()}@example.test`, password: 'a mailbox minded passphrase', workspace: 'Mail GmbH' };

describe.runIf(hasChromium)('email', () => {
  let server: Server;
  let browser: Awaited<ReturnType<typeof launch>>;
  let page: Page;
  let errors: string[];
  let mail: MailServers;
  let me: MailUser;
  let customer: MailUser;
  const question = `<question.${Date.now()}@customer.example.test>`;

  beforeAll(async () => {
    mail = await startMailServers();
    me = await mail.addUser(`mia${Date.now()}`);
    customer = await mail.addUser(`kunde${Date.now()}`);
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

  it('connects a mailbox, shows a customer’s email on the timeline safely, and replies threaded', async () => {
    const contact = await pageApi(page, 'POST', '/contacts', {
      firstName: 'Karla',
      lastName: 'Kundin',
      emails: [{ value: customer.address }],
    });
    expect(contact.status).toBe(201);
    const contactId = (contact.body as { id: string }).id;
    // A hostile HTML part: nothing of it may run or load.
    await mail.append(
      me,
      'INBOX',
      rawMessage({
        from: `Karla Kundin <${customer.address}>`,
        to: me.address,
        subject: 'Angebot für 2027',
        messageId: question,
        text: 'Können Sie uns ein Angebot schicken?',
        html: '<p>Können Sie uns ein <b>Angebot</b> schicken?</p><script>parent.document.title="pwned"</script><img src="https://tracker.example.test/p.gif" onerror="parent.document.title=\'pwned\'"><a href="javascript:parent.document.title=\'pwned\'">click</a>',
      }),
    );

    await page.goto(`${server.url}/settings?tab=mailboxes`);
    await page.getByRole('button', { name: 'Connect a mailbox' }).click();
    const form = page.getByRole('form', { name: 'Connect a mailbox' });
    await form.getByLabel('Label').fill('My inbox');
    await form.getByLabel('Email address').fill(me.address);
    await form.getByLabel('IMAP server').fill('127.0.0.1');
    await form.getByLabel('IMAP port').fill(String(mail.imapPort));
    await form.getByRole('combobox', { name: 'IMAP security' }).click();
    await page.getByRole('option', { name: 'None (local servers only)' }).click();
    await form.getByLabel('SMTP server').fill('127.0.0.1');
    await form.getByLabel('SMTP port').fill(String(mail.smtpPort));
    await form.getByRole('combobox', { name: 'SMTP security' }).click();
    await page.getByRole('option', { name: 'None (local servers only)' }).click();
    await form.getByLabel('User name').fill(me.user);
    // A wrong password first: the server's refusal, in words, beside the field.
    await form.getByLabel('Password or app password').fill('wrong');
    await form.getByRole('button', { name: 'Check and connect' }).click();
    await form.getByText('password rejected by the server (127.0.0.1)').waitFor();
    // The browser logs the refused request; it is the one expected here, and nothing else.
    expect(errors.splice(0)).toEqual([expect.stringMatching(/status of 422 .*\/api\/v1\/mailboxes/)]);
    await form.getByLabel('Password or app password').fill(me.password);
    await form.getByRole('button', { name: 'Check and connect' }).click();
    await form.waitFor({ state: 'detached' });
    const row = page.getByTestId('mailbox-row');
    await row.getByText('Synced').waitFor({ timeout: 20_000 });
    expect(await row.getByTestId('mailbox-count').textContent()).toBe('1');
    expect(await page.content()).not.toContain(me.password);
    await shot('email-mailboxes');
    expect(await axeScan(page)).toEqual([]);

    await page.goto(`${server.url}/contacts/${contactId}`);
    const item = page.getByTestId('activity').filter({ hasText: 'Angebot für 2027' });
    await item.getByText('Email received').waitFor();
    await item.getByRole('button', { name: 'Show email' }).click();
    const frame = item.getByTestId('email-html');
    await frame.waitFor();
    expect(await frame.getAttribute('sandbox')).toBe('allow-popups allow-popups-to-escape-sandbox');
    const inner = page.frameLocator('[data-testid="email-html"]');
    await inner.getByText('Angebot', { exact: true }).waitFor();
    // The tracker image stays parked: no src until the reader asks for images.
    expect(await inner.locator('script, img[src]').count()).toBe(0);
    expect(await inner.locator('a').getAttribute('href')).toBeNull();
    expect(await page.title()).not.toBe('pwned');
    await item.getByRole('button', { name: 'Reply' }).scrollIntoViewIfNeeded();
    await shot('email-timeline');

    await item.getByRole('button', { name: 'Reply' }).click();
    const dialog = page.getByRole('dialog', { name: 'Reply' });
    expect(await dialog.getByLabel('To').inputValue()).toBe(customer.address);
    expect(await dialog.getByLabel('Subject').inputValue()).toBe('Re: Angebot für 2027');
    await dialog.getByLabel('Message').fill('Gern, das Angebot kommt morgen.');
    await dialog.getByRole('button', { name: 'Send' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByTestId('activity').filter({ hasText: 'Gern, das Angebot kommt morgen.' }).getByText('Email sent').waitFor();

    // The customer's mailbox has it, threaded under the question.
    const c = await mail.client(customer);
    try {
      const lock = await c.getMailboxLock('INBOX');
      try {
        const found = [];
        for await (const m of c.fetch('1:*', { envelope: true, headers: ['in-reply-to', 'references'] })) found.push(m);
        const reply = found.find((m) => m.envelope?.subject === 'Re: Angebot für 2027');
        expect(reply?.envelope?.inReplyTo).toBe(question);
        expect(reply?.headers?.toString()).toContain(`References: ${question}`);
      } finally {
        lock.release();
      }
    } finally {
      await c.logout();
    }
    expect(await axeScan(page)).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('writes a new email from a contact page with the contact’s address filled in', async () => {
    const contact = await pageApi(page, 'POST', '/contacts', {
      firstName: 'Otto',
      emails: [{ value: customer.address.replace('@', '+otto@') }],
    });
    await page.goto(`${server.url}/contacts/${(contact.body as { id: string }).id}`);
    await page.getByRole('button', { name: 'Write email' }).click();
    const dialog = page.getByRole('dialog', { name: 'New email' });
    expect(await dialog.getByLabel('To').inputValue()).toBe(customer.address.replace('@', '+otto@'));
    await dialog.getByLabel('Subject').fill('Hallo Otto');
    await dialog.getByLabel('Message').fill('Erste Nachricht.');
    await dialog.getByRole('button', { name: 'Send' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByTestId('activity').filter({ hasText: 'Hallo Otto' }).getByText('Email sent').waitFor();
    expect(mail.received.some((r) => r.raw.includes('Subject: Hallo Otto'))).toBe(true);
    expect(errors).toEqual([]);
  });
});
