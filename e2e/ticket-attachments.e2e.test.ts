import { readFileSync } from 'node:fs';
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

// Files on tickets (issue 14): an agent attaches a file to a reply on the ticket page, a file over
// the cap is refused with the reason and the typed text kept; the customer downloads the agent's
// file in the portal (JavaScript off) and answers with a file of their own, which the agent then
// downloads from the ticket.

const user = {
  name: 'Fay Files',
  email: `fay.${Date.now()}@example.test`,
  password: 'a files passphrase of length',
  workspace: 'Files GmbH',
};
const slug = `files-${Date.now().toString(36)}`;
/** A small cap, so that a file over it is quick to make. */
const CAP = 200_000;

describe.runIf(hasChromium)('ticket attachments', () => {
  let server: Server;
  let browser: Awaited<ReturnType<typeof launch>>;
  let page: Page;
  let errors: string[];
  let mail: MailServers;

  beforeAll(async () => {
    mail = await startMailServers();
    server = await startServer({ env: { RAPPORT_OUTBOUND_ALLOW: '127.0.0.1', RAPPORT_EMAIL_ATTACHMENT_MAX_BYTES: String(CAP) } });
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

  it('attaches files on the ticket page and in the portal, and both sides download them', async () => {
    const customer = await mail.addUser(`cleo${Date.now()}`);
    const support = await mail.addUser(`desk${Date.now()}`);
    expect((await pageApi(page, 'PUT', '/knowledge/help-centre', { slug })).status).toBe(200);
    const box = await pageApi(page, 'POST', '/mailboxes', mail.mailboxBody(support, { name: 'Files support', shared: true }));
    expect(box.status).toBe(201);
    expect((await pageApi(page, 'PATCH', '/portal/settings', { senderMailboxId: (box.body as { id: string }).id })).status).toBe(200);
    const made = await pageApi(page, 'POST', '/tickets', {
      subject: 'Invoice total wrong',
      description: 'The March invoice adds VAT twice.',
      requesterEmail: customer.address,
    });
    expect(made.status).toBe(201);
    const ticketId = (made.body as { id: string }).id;

    // The agent: a file over the cap is refused, nothing is sent, the text stays.
    await page.goto(`${server.url}/tickets/${ticketId}`);
    await page.getByRole('heading', { name: '#1 Invoice total wrong' }).waitFor();
    const reply = page.getByLabel('Reply to the customer');
    await reply.fill('Here is the corrected invoice.');
    const fileInput = page.locator('input[type="file"]');
    await fileInput.setInputFiles({ name: 'scan.tiff', mimeType: 'image/tiff', buffer: Buffer.alloc(CAP + 1000, 1) });
    await page.getByRole('button', { name: 'Send reply' }).click();
    await page.getByText('scan.tiff takes the attachments over the 196 KB limit.').waitFor();
    expect(await reply.inputValue()).toBe('Here is the corrected invoice.');
    expect(await page.getByTestId('conversation').count()).toBe(0);
    await page.screenshot({ path: join(screenshotDir, 'ticket-attachment-too-large.png') });

    // A file that fits: sent with the reply, listed on it, downloaded as a file.
    await fileInput.setInputFiles({ name: 'Rechnung März.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 corrected') });
    await page.getByRole('button', { name: 'Send reply' }).click();
    const sent = page.getByTestId('conversation').locator('[data-kind="reply"]').filter({ hasText: 'Here is the corrected invoice.' });
    await sent.getByRole('link', { name: 'Rechnung März.pdf' }).waitFor();
    expect(await reply.inputValue()).toBe('');
    const [download] = await Promise.all([page.waitForEvent('download'), sent.getByRole('link', { name: 'Rechnung März.pdf' }).click()]);
    expect(download.suggestedFilename()).toBe('Rechnung März.pdf');
    expect(readFileSync(await download.path(), 'utf8')).toBe('%PDF-1.4 corrected');
    expect(await axeScan(page)).toEqual([]);
    await page.screenshot({ path: join(screenshotDir, 'ticket-attachments.png'), fullPage: true });

    // The customer signs in with JavaScript off and reads the reply with its file.
    const visitor = await browser.context.newPage();
    const cdp = await browser.context.newCDPSession(visitor);
    await cdp.send('Emulation.setScriptExecutionDisabled', { value: true });
    await visitor.goto(`${server.url}/help/${slug}/portal`);
    await visitor.getByLabel('Your email').fill(customer.address);
    await visitor.getByRole('button', { name: 'Email me a sign-in link' }).click();
    await visitor.getByRole('heading', { name: 'Check your email' }).waitFor();
    const linkMail = () => mail.received.filter((r) => r.to.includes(customer.address) && r.raw.toString().includes('Your sign-in link'));
    await expect.poll(() => linkMail().length, { timeout: 60_000, interval: 500 }).toBe(1);
    const text = (await simpleParser(linkMail()[0].raw)).text ?? '';
    const link = new URL(/https?:\/\/\S+\/portal\/sign-in\?token=\S+/.exec(text)?.[0] as string);
    await visitor.goto(`${server.url}${link.pathname}${link.search}`);
    await visitor.getByRole('button', { name: 'Continue to your requests' }).click();
    await visitor.getByRole('link', { name: 'Invoice total wrong' }).click();
    await visitor.getByText('Here is the corrected invoice.').waitFor();
    const [got] = await Promise.all([visitor.waitForEvent('download'), visitor.getByRole('link', { name: 'Rechnung März.pdf' }).click()]);
    expect(readFileSync(await got.path(), 'utf8')).toBe('%PDF-1.4 corrected');

    // Their answer with a file of their own.
    await visitor.getByLabel('Your reply').fill('Thanks! The old one, for your records.');
    await visitor.getByLabel('Attach files (optional)').setInputFiles({
      name: 'old-invoice.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('VAT 19% + VAT 19%'),
    });
    await visitor.getByRole('button', { name: 'Send reply' }).click();
    await visitor.getByText('Thanks! The old one, for your records.').waitFor();
    await visitor.getByRole('link', { name: 'old-invoice.txt' }).waitFor();
    await visitor.screenshot({ path: join(screenshotDir, 'portal-attachments.png'), fullPage: true });

    // Too large in the portal: the reason, the text kept.
    await visitor.getByLabel('Your reply').fill('And a big scan.');
    await visitor.getByLabel('Attach files (optional)').setInputFiles({
      name: 'big-scan.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.alloc(CAP + 1000, 2),
    });
    await visitor.getByRole('button', { name: 'Send reply' }).click();
    await visitor.getByText('big-scan.pdf takes your files over the 196 KB limit.', { exact: false }).first().waitFor();
    expect(await visitor.getByLabel('Your reply').inputValue()).toBe('And a big scan.');
    await visitor.screenshot({ path: join(screenshotDir, 'portal-attachment-too-large.png'), fullPage: true });

    // A new request with a file, from the portal.
    await visitor.goto(`${server.url}/help/${slug}/portal/new`);
    await visitor.getByLabel('Subject').fill('Second question');
    await visitor.getByLabel('How can we help?').fill('See the photo.');
    await visitor
      .getByLabel('Attach files (optional)')
      .setInputFiles({ name: 'photo.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('jpeg') });
    await visitor.getByRole('button', { name: 'Send' }).click();
    await visitor.getByRole('heading', { name: /Second question/ }).waitFor();
    await visitor.getByRole('link', { name: 'photo.jpg' }).waitFor();

    // With scripts on, axe checks the portal's ticket page with its files and file input.
    await cdp.send('Emulation.setScriptExecutionDisabled', { value: false });
    await visitor.reload();
    await visitor.getByRole('link', { name: 'photo.jpg' }).waitFor();
    expect(await axeScan(visitor)).toEqual([]);
    await visitor.close();

    // The agent downloads the customer's file from the ticket.
    await page.reload();
    const theirs = page.getByTestId('conversation').locator('[data-kind="reply"]').filter({ hasText: 'for your records' });
    const [fromCustomer] = await Promise.all([
      page.waitForEvent('download'),
      theirs.getByRole('link', { name: 'old-invoice.txt' }).click(),
    ]);
    expect(readFileSync(await fromCustomer.path(), 'utf8')).toBe('VAT 19% + VAT 19%');
    // The refused upload is the one error the browser logged: its 413.
    expect(errors.filter((e) => !(e.includes('413') && e.includes(`/api/v1/tickets/${ticketId}/messages`)))).toEqual([]);
  }, 240_000);
});
