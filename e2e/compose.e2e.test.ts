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

// Writing email in the browser against a real Dovecot and SMTP receiver: a template with merge
// fields saved in Settings (a typo refused by name), a signature, and an email written from a
// contact page with the template — the customer's mailbox, read over IMAP, gets it filled in.

const user = {
  name: 'Wanda Writer',
  email: `wanda.${Date.now()}@example.test`,
  password: 'a writer minded passphrase',
  workspace: 'Write GmbH',
};

describe.runIf(hasChromium)('writing email', () => {
  let server: Server;
  let browser: Awaited<ReturnType<typeof launch>>;
  let page: Page;
  let errors: string[];
  let mail: MailServers;
  let me: MailUser;
  let customer: MailUser;

  beforeAll(async () => {
    mail = await startMailServers();
    me = await mail.addUser(`wanda${Date.now()}`);
    customer = await mail.addUser(`kundin${Date.now()}`);
    server = await startServer({ env: { RAPPORT_OUTBOUND_ALLOW: '127.0.0.1' } });
    browser = await launch();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    errors = watchConsole(page);
    await signUpInBrowser(page, server.url, user);
    const mb = await pageApi(page, 'POST', '/mailboxes', mail.mailboxBody(me, { name: 'Sales' }));
    expect(mb.status).toBe(201);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await mail?.stop();
  });

  const shot = (name: string) => page.screenshot({ path: join(screenshotDir, `${name}.png`) });

  it('saves a template and a signature in Settings, and writes from a contact page with the merge fields filled', async () => {
    const company = await pageApi(page, 'POST', '/companies', { name: 'Kunde & Co' });
    const contact = await pageApi(page, 'POST', '/contacts', {
      firstName: 'Klara',
      emails: [{ value: customer.address }],
      companies: [{ companyId: (company.body as { id: string }).id, isPrimary: true }],
    });
    const contactId = (contact.body as { id: string }).id;

    await page.goto(`${server.url}/settings?tab=templates`);
    await page.getByRole('button', { name: 'New template' }).click();
    const form = page.getByRole('form', { name: 'Email template' });
    await form.getByLabel('Name').fill('Erstkontakt');
    await form.getByLabel('Subject').fill('Angebot für {{contact.company.name}}');
    // A misspelt field is refused by name, beside the body.
    await form.getByLabel('Message').fill('Hallo {{contact.frstName}},');
    await form.getByRole('button', { name: 'Save template' }).click();
    await form.getByText('{{contact.frstName}} is not a merge field here').waitFor();
    expect(errors.splice(0)).toEqual([expect.stringMatching(/status of 422 .*\/api\/v1\/email-templates/)]);
    await form
      .getByLabel('Message')
      .fill('Hallo {{contact.firstName | "zusammen"}},\nhier ist das Angebot für {{contact.company.name}}.\n{{member.name}}');
    await form.getByRole('button', { name: 'Save template' }).click();
    await form.waitFor({ state: 'detached' });
    await page.getByRole('cell', { name: 'Erstkontakt', exact: true }).waitFor();
    const sig = page.getByRole('form', { name: /^Signature for Sales/ });
    await sig.getByRole('textbox').fill('Wanda Writer, Vertrieb');
    await sig.getByRole('button', { name: 'Save signature' }).click();
    await page.getByText('Signature saved').waitFor();
    // The workspace's undo window, set here to 4 s for the sends below.
    const undo = page.getByRole('form', { name: 'Undo window (seconds)' });
    expect(await undo.getByLabel('Undo window (seconds)').inputValue()).toBe('10');
    await undo.getByLabel('Undo window (seconds)').fill('4');
    await undo.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Undo window saved').waitFor();
    expect((await pageApi(page, 'GET', '/email-settings')).body).toEqual({ undoSeconds: 4, tracking: true });
    await shot('compose-templates');
    expect(await axeScan(page)).toEqual([]);

    await page.goto(`${server.url}/contacts/${contactId}`);
    await page.getByRole('button', { name: 'Write email' }).click();
    const dialog = page.getByRole('dialog', { name: 'New email' });
    // The signature is in the message before anything is written, as text that can be edited.
    await expect.poll(() => dialog.getByLabel('Message').inputValue()).toBe('\n\n-- \nWanda Writer, Vertrieb');
    await dialog.getByRole('combobox', { name: 'Template' }).click();
    await page.getByRole('option', { name: 'Erstkontakt' }).click();
    expect(await dialog.getByLabel('Subject').inputValue()).toBe('Angebot für {{contact.company.name}}');
    const preview = dialog.getByRole('region', { name: 'Preview for this recipient' });
    await preview.getByText('Angebot für Kunde & Co', { exact: true }).waitFor();
    await preview.getByText(/Hallo Klara,/).waitFor();
    await shot('compose-dialog');
    expect(await axeScan(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Send' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByTestId('activity').filter({ hasText: 'Angebot für Kunde & Co' }).getByText('Email sent').waitFor();

    const got = (await mail.inbox(customer)).find((m) => m.subject === 'Angebot für Kunde & Co');
    expect(got?.text?.trim()).toBe('Hallo Klara,\nhier ist das Angebot für Kunde & Co.\nWanda Writer\n\n-- \nWanda Writer, Vertrieb');
    expect(got?.html).toContain('Kunde &amp; Co');
    expect(errors).toEqual([]);
  });

  it('sends an uploaded file, shows it on the sent email, and forwards that email with it', async () => {
    const fritz = await mail.addUser(`fritz${Date.now()}`);
    const contact = await pageApi(page, 'POST', '/contacts', { firstName: 'Fritz', emails: [{ value: fritz.address }] });
    const contactId = (contact.body as { id: string }).id;
    await page.goto(`${server.url}/contacts/${contactId}`);
    await page.getByRole('button', { name: 'Write email' }).click();
    const dialog = page.getByRole('dialog', { name: 'New email' });
    await dialog.getByLabel('Subject').fill('Preisliste');
    // The signature goes in once it has loaded (below anything typed before): wait for it, then write over it.
    await expect.poll(() => dialog.getByLabel('Message').inputValue()).toContain('Wanda Writer, Vertrieb');
    await dialog.getByLabel('Message').fill('Anbei die Preisliste.');
    await dialog
      .locator('input[type="file"]')
      .setInputFiles({ name: 'preise.txt', mimeType: 'text/plain', buffer: Buffer.from('Preis: 10 €') });
    await dialog.getByText('preise.txt').waitFor();
    await dialog.getByRole('button', { name: 'Send' }).click();
    await dialog.waitFor({ state: 'detached' });
    const item = page.getByTestId('activity').filter({ hasText: 'Preisliste' });
    await item.getByText('Email sent').waitFor();
    const got = (await mail.inbox(fritz)).find((m) => m.subject === 'Preisliste');
    expect(got?.attachments.map((a) => [a.filename, a.content.toString()])).toEqual([['preise.txt', 'Preis: 10 €']]);

    await item.getByRole('button', { name: 'Show email' }).click();
    await item.getByTestId('email-attachments').getByRole('link', { name: 'preise.txt' }).waitFor();
    await item.getByRole('button', { name: 'Forward' }).click();
    const fwd = page.getByRole('dialog', { name: 'Forward' });
    expect(await fwd.getByLabel('Subject').inputValue()).toBe('Fwd: Preisliste');
    // The signature goes above the quoted original.
    await expect
      .poll(() => fwd.getByLabel('Message').inputValue())
      .toMatch(/^\n\n-- \nWanda Writer, Vertrieb\n\n-{10} Forwarded message -{10}\n[\s\S]*> Anbei die Preisliste\.$/);
    await fwd
      .getByTestId('forwarded-files')
      .getByText(/preise\.txt/)
      .waitFor();
    await fwd.getByLabel('To').fill(me.address);
    await shot('compose-forward');
    expect(await axeScan(page)).toEqual([]);
    await fwd.getByRole('button', { name: 'Send' }).click();
    await fwd.waitFor({ state: 'detached' });
    await expect
      .poll(async () => (await mail.inbox(me)).find((m) => m.subject === 'Fwd: Preisliste')?.attachments.map((a) => a.filename), {
        timeout: 20_000,
        interval: 500,
      })
      .toEqual(['preise.txt']);
    expect(errors).toEqual([]);
  });
  it('undoes a send (nothing arrives over IMAP), and schedules one that shows on the timeline until cancelled', async () => {
    const ulla = await mail.addUser(`ulla${Date.now()}`);
    const contact = await pageApi(page, 'POST', '/contacts', { firstName: 'Ulla', emails: [{ value: ulla.address }] });
    await page.goto(`${server.url}/contacts/${(contact.body as { id: string }).id}`);
    await page.getByRole('button', { name: 'Write email' }).click();
    let dialog = page.getByRole('dialog', { name: 'New email' });
    await dialog.getByLabel('Subject').fill('Versehentlich');
    await dialog.getByLabel('Message').fill('Das sollte nicht raus.');
    await dialog.getByRole('button', { name: 'Send' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByText('Sending…').waitFor();
    await shot('compose-undo');
    await page.getByRole('button', { name: 'Undo' }).click();
    await page.getByText('Not sent: the message was undone.').waitFor();
    await page.waitForTimeout(6000);
    expect(mail.received.some((r) => r.raw.includes('Subject: Versehentlich'))).toBe(false);
    expect((await mail.inbox(ulla)).map((m) => m.subject)).not.toContain('Versehentlich');

    await page.getByRole('button', { name: 'Write email' }).click();
    dialog = page.getByRole('dialog', { name: 'New email' });
    await dialog.getByLabel('Subject').fill('Nächste Woche');
    await dialog.getByLabel('Message').fill('Erinnerung.');
    await dialog.getByLabel('Send later').fill('2099-06-01T09:30');
    await dialog.getByRole('button', { name: 'Schedule' }).click();
    await dialog.waitFor({ state: 'detached' });
    const scheduled = page.getByTestId('scheduled-email').filter({ hasText: 'Nächste Woche' });
    await scheduled.getByText(/Scheduled for/).waitFor();
    await shot('compose-scheduled');
    expect(await axeScan(page)).toEqual([]);
    await scheduled.getByRole('button', { name: 'Cancel' }).click();
    await scheduled.waitFor({ state: 'detached' });
    const left = await pageApi(page, 'GET', '/email-outbox');
    expect((left.body as { data: unknown[] }).data).toEqual([]);
    expect(mail.received.some((r) => r.raw.includes('Nächste Woche'))).toBe(false);
    expect(errors).toEqual([]);
  });

  it('shows a send the server refused on the timeline, with the reason, and sends it again once put right', async () => {
    const olga = await mail.addUser(`olga${Date.now()}`);
    const contact = await pageApi(page, 'POST', '/contacts', { firstName: 'Olga', emails: [{ value: olga.address }] });
    await page.goto(`${server.url}/contacts/${(contact.body as { id: string }).id}`);
    // The mailbox's password changes on the mail server after it was connected: SMTP refuses the send.
    const password = me.password;
    await mail.addUser(me.user, 'changed on the server');
    await page.getByRole('button', { name: 'Write email' }).click();
    const dialog = page.getByRole('dialog', { name: 'New email' });
    await dialog.getByLabel('Subject').fill('Angebot');
    await dialog.getByLabel('Message').fill('Anbei das Angebot.');
    await dialog.getByRole('button', { name: 'Send' }).click();
    await dialog.waitFor({ state: 'detached' });
    const failed = page.getByTestId('failed-email').filter({ hasText: 'Angebot' });
    await failed.getByText(/^Not sent: /).waitFor({ timeout: 30_000 });
    await shot('compose-failed');
    expect(await axeScan(page)).toEqual([]);
    // And a notice says so, wherever the sender is.
    await expect
      .poll(async () => ((await pageApi(page, 'GET', '/notifications')).body as { data: { title: string }[] }).data[0]?.title)
      .toBe(`Not sent: “Angebot” to ${olga.address}`);

    await mail.addUser(me.user, password);
    await failed.getByRole('button', { name: 'Send again' }).click();
    await failed.waitFor({ state: 'detached', timeout: 30_000 });
    await expect.poll(async () => (await mail.inbox(olga)).map((m) => m.subject), { timeout: 30_000 }).toEqual(['Angebot']);
    expect(errors).toEqual([]);
  });
});
