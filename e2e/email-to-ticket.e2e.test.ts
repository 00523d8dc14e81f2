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

// Email to ticket in the browser, against a real Dovecot and SMTP receiver on loopback: an admin
// makes a shared mailbox a support address in Settings; a customer's email becomes a ticket with an
// acknowledgement in the customer's mailbox; the agent answers on the ticket page and the answer
// arrives in the customer's mailbox, threaded, with the ticket's reference.

const user = {
  name: 'Sam Support',
  email: `sam.${Date.now()}@example.test`,
  password: 'a helpful desk passphrase',
  workspace: 'Desk GmbH',
};

describe.runIf(hasChromium)('email to ticket', () => {
  let server: Server;
  let browser: Awaited<ReturnType<typeof launch>>;
  let page: Page;
  let errors: string[];
  let mail: MailServers;
  let support: MailUser;
  let customer: MailUser;

  beforeAll(async () => {
    mail = await startMailServers();
    support = await mail.addUser(`help${Date.now()}`);
    customer = await mail.addUser(`carla${Date.now()}`);
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

  const shot = (name: string) => page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });

  async function until<T>(what: string, check: () => Promise<T | undefined | null | false>, ms = 60_000): Promise<T> {
    const end = Date.now() + ms;
    for (;;) {
      const v = await check();
      if (v) return v;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 300));
    }
  }

  it('makes a shared mailbox a support address, turns a customer’s email into a ticket and mails the answer back threaded', async () => {
    // The shared mailbox itself is connected over the API (email.e2e.test.ts drives that form).
    const mb = await pageApi(page, 'POST', '/mailboxes', mail.mailboxBody(support, { name: 'Acme Support', shared: true }));
    expect(mb.status, JSON.stringify(mb.body)).toBe(201);

    await page.goto(`${server.url}/settings?tab=mailboxes`);
    const card = page.getByTestId('support-addresses');
    await card.getByText('Support addresses (email to ticket)').waitFor();
    // The switch follows the server: it turns on once the address is saved (then the settings show).
    await card.getByLabel(`Support address: Acme Support <${support.address}>`).click();
    await card.getByLabel('Acknowledge each new ticket by email').waitFor();
    await card.getByLabel('Acknowledge each new ticket by email').check();
    await card.getByLabel('Acknowledgement subject').fill('Thanks for writing: {{ticket.subject}}');
    await card.getByRole('button', { name: 'Save support settings' }).click();
    await page.getByText('Saved').first().waitFor();
    await expect.poll(async () => (await pageApi(page, 'GET', '/support-mailboxes')).body.data[0]?.autoAcknowledge).toBe(true);
    await shot('email-to-ticket-settings');
    expect(await axeScan(page)).toEqual([]);

    const question = `<q.${Date.now()}@customer.example.test>`;
    await mail.append(
      support,
      'INBOX',
      rawMessage({
        from: `Carla Customer <${customer.address}>`,
        to: support.address,
        subject: 'Printer on fire',
        messageId: question,
        text: 'It smokes.',
      }),
    );
    expect((await pageApi(page, 'POST', `/mailboxes/${mb.body.id}/sync`, {})).status).toBe(202);

    // The ticket, in the agent's queue.
    await until('the ticket', async () => (await pageApi(page, 'GET', '/tickets')).body.data.length > 0);
    await page.getByRole('link', { name: 'Tickets', exact: true }).click();
    await page.getByTestId('tickets-table').getByText('Printer on fire').waitFor();
    const ack = await until('the acknowledgement', async () =>
      (await mail.inbox(customer)).find((m) => m.subject?.startsWith('Thanks for writing')),
    );
    expect(ack.subject).toMatch(/^Thanks for writing: Printer on fire \[#1\]$/);
    expect(ack.inReplyTo).toBe(question);

    await page.getByRole('link', { name: 'Printer on fire' }).click();
    await page.getByRole('heading', { name: '#1 Printer on fire' }).waitFor();
    await page.getByLabel('Reply to the customer').fill('We replaced the toner, Carla.');
    await page.getByRole('button', { name: 'Send reply' }).click();
    await page.getByTestId('conversation').getByText('We replaced the toner, Carla.').waitFor();
    const answer = await until('the answer in the customer’s mailbox', async () =>
      (await mail.inbox(customer)).find((m) => m.text?.includes('We replaced the toner, Carla.')),
    );
    expect(answer.subject).toBe('Re: Printer on fire [#1]');
    expect(answer.inReplyTo).toBe(ack.messageId);
    expect(answer.from?.value[0].address).toBe(support.address);
    await shot('email-to-ticket-ticket');
    expect(errors).toEqual([]);
  });
});
