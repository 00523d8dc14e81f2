import { join } from 'node:path';
import ICAL from 'ical.js';
import { simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
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

// A meeting logged from a contact's page with a contact and an outside address as attendees, its
// invite sent from the user's own mailbox (real Dovecot and SMTP on loopback), and the guest's
// answer from "another calendar" showing on the timeline once the mailbox synced it.

const user = {
  name: 'Mo Meeting',
  email: `mo.${Date.now()}@example.test`,
  password: 'a meeting minded passphrase',
  workspace: 'Meet GmbH',
};

describe.runIf(hasChromium)('meetings', () => {
  let server: Server;
  let browser: Awaited<ReturnType<typeof launch>>;
  let page: Page;
  let errors: string[];
  let mail: MailServers;
  let me: MailUser;
  let guest: MailUser;

  beforeAll(async () => {
    mail = await startMailServers();
    me = await mail.addUser(`mo${Date.now()}`);
    guest = await mail.addUser(`greta${Date.now()}`);
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

  /** The `n`th invite in the guest's INBOX (1 for the first), read over IMAP and parsed by ical.js. */
  async function inviteOf(u: MailUser, n = 1) {
    for (let i = 0; i < 200; i++) {
      const c = await mail.client(u);
      const found: ICAL.Component[] = [];
      try {
        const lock = await c.getMailboxLock('INBOX');
        try {
          if ((c.mailbox as { exists: number }).exists) {
            for await (const m of c.fetch('1:*', { source: true })) {
              const part = (await simpleParser(m.source as Buffer)).attachments.find((a) => a.contentType === 'text/calendar');
              if (part) found.push(new ICAL.Component(ICAL.parse(part.content.toString('utf8')) as unknown[]));
            }
          }
        } finally {
          lock.release();
        }
      } finally {
        await c.logout();
      }
      if (found[n - 1]) return found[n - 1];
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('no invite arrived');
  }

  it('logs a meeting with attendees from a contact page, invites them, and shows the answer from their calendar', async () => {
    const mailbox = await pageApi(page, 'POST', '/mailboxes', mail.mailboxBody(me));
    expect(mailbox.status).toBe(201);
    const mailboxId = (mailbox.body as { id: string }).id;
    const contact = await pageApi(page, 'POST', '/contacts', { firstName: 'Greta', lastName: 'Gast', emails: [{ value: guest.address }] });
    expect(contact.status).toBe(201);
    const contactId = (contact.body as { id: string }).id;

    await page.goto(`${server.url}/contacts/${contactId}`);
    const form = page.getByRole('form', { name: 'Log an activity' });
    await form.getByText('Meeting', { exact: true }).click();
    await form.getByRole('textbox', { name: 'Subject' }).fill('Project kick-off');
    await form.getByLabel('When').fill('2026-12-07T10:00');
    await form.getByLabel('Minutes').fill('45');
    await form.getByLabel('Location').fill('Room Ada');
    const attendees = form.getByLabel('Attendees');
    await attendees.fill('Greta');
    await page.getByRole('option', { name: `Greta Gast <${guest.address}>` }).click();
    await attendees.fill('Olli Outside <olli@outside.example.test>');
    await attendees.press('Enter');
    // The suggestions stay open for the next attendee until the list is left.
    await attendees.press('Escape');
    await form.getByLabel('Send invites by email from my mailbox').check();
    await form.getByRole('button', { name: /^Log meeting$/i }).click();

    const entry = page.getByTestId('activity').filter({ hasText: 'Project kick-off' });
    await entry.getByText('at Room Ada').waitFor();
    await entry.getByText('Greta Gast · no answer yet').waitFor();
    await entry.getByText('Olli Outside · no answer yet').waitFor();
    await expect.poll(() => entry.getByTestId('attendee').count()).toBe(2);

    // The guest's mailbox got the invite; their calendar answers it, and the answer comes back by email.
    const invite = await inviteOf(guest);
    expect(invite.getFirstPropertyValue('method')).toBe('REQUEST');
    const vevent = invite.getFirstSubcomponent('vevent') as ICAL.Component;
    expect(String(vevent.getFirstPropertyValue('location'))).toBe('Room Ada');
    vevent.removeAllProperties('attendee');
    vevent.addPropertyWithValue('attendee', `mailto:${guest.address}`).setParameter('partstat', 'ACCEPTED');
    invite.updatePropertyWithValue('method', 'REPLY');
    const smtp = nodemailer.createTransport({
      host: '127.0.0.1',
      port: mail.smtpPort,
      secure: false,
      ignoreTLS: true,
      auth: { user: guest.user, pass: guest.password },
    });
    await smtp.sendMail({
      from: guest.address,
      to: me.address,
      subject: 'Accepted: Project kick-off',
      text: 'Accepted',
      icalEvent: { method: 'REPLY', content: invite.toString() },
    });
    smtp.close();
    expect((await pageApi(page, 'POST', `/mailboxes/${mailboxId}/sync`, {})).status).toBe(202);
    await entry.getByText('Greta Gast · accepted').waitFor({ timeout: 30_000 });
    await entry.getByText('Olli Outside · no answer yet').waitFor();

    // Moving it to another room sends the guest the update (next SEQUENCE); their answer stays.
    await entry.getByRole('button', { name: 'Edit' }).click();
    const edit = page.getByRole('form', { name: 'Edit activity' });
    await edit.getByLabel('Location').fill('Room Babbage');
    await edit.getByRole('button', { name: 'Save' }).click();
    await entry.getByText('at Room Babbage').waitFor();
    await entry.getByText('Greta Gast · accepted').waitFor();
    const update = (await inviteOf(guest, 2)).getFirstSubcomponent('vevent') as ICAL.Component;
    expect([update.getFirstPropertyValue('sequence'), String(update.getFirstPropertyValue('location'))]).toEqual([1, 'Room Babbage']);

    // From the top: a full-page shot of a scrolled page draws the sticky header in the middle.
    await page.evaluate('window.scrollTo(0, 0)');
    await shot('meeting-attendees');
    expect(await axeScan(page)).toEqual([]);
    expect(errors).toEqual([]);
  });
});
