import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ticket, TicketMessage } from '../../../contract/support.ts';
import { addMember, api, type Session, signUp, testApp } from '../../test/harness.ts';
import { type MailServers, type MailUser, rawMessage, startMailServers } from '../email/mail-servers.fixture.ts';
import { connect, mid, q, synced, syncNow } from '../email/mailbox.fixture.ts';
import { parseEmail } from '../email/parse.ts';
import { TICKETS_PER_SENDER_HOUR } from './ticket-mail.ts';

// Email-to-ticket against the real mail servers (Dovecot and the SMTP receiver of
// mail-servers.fixture.ts): what a customer sends to the support address becomes a ticket, their
// replies join it, the agent's replies arrive in the customer's own mailbox threaded, and nothing
// a machine wrote ever starts a conversation between two robots.

let servers: MailServers;
beforeAll(async () => {
  await testApp();
  servers = await startMailServers();
}, 60_000);
afterAll(() => servers?.stop());

let n = 0;
const user = (what: string) => servers.addUser(`${what}${Date.now().toString(36)}${++n}`);

async function until<T>(what: string, check: () => Promise<T | undefined | null | false>, ms = 45_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** A workspace with a shared support mailbox on the test servers, acknowledging new tickets. */
async function desk(opts: { ack?: boolean } = {}) {
  const s = await signUp();
  const support = await user('support');
  const mb = await connect(s, servers, support, { shared: true, name: 'Acme Support' });
  // The first sync (on connecting) ends before a test asks for another: asked for while it runs, the
  // next would be folded into it, and waiting for a sync begun later would wait for the next period.
  await synced(s, mb.id);
  const r = await api(s).put(`/support-mailboxes/${mb.id}`, { autoAcknowledge: opts.ack ?? true });
  expect(r.statusCode, r.body).toBe(200);
  return { s, support, mailboxId: mb.id };
}

/**
 * The workspace's email-to-ticket jobs once `count` of them exist and all have finished; their
 * outcomes, oldest first. The count matters: the outbox consumer enqueues a sync's jobs a moment
 * after the sync, so "all finished" alone may be said of an earlier sync's jobs.
 */
async function settled(s: Session, count: number) {
  return until(`${count} email-to-ticket jobs`, async () => {
    const rows = await q<{ status: string; result: { done: string; why?: string } | null }>(
      `select status, result from jobs where workspace_id = $1 and name in ('tickets.mailIn', 'tickets.mailOut') order by created_at`,
      [s.workspaceId],
    );
    return rows.length >= count && rows.every((j) => j.status === 'completed' || j.status === 'dead') ? rows : null;
  });
}

async function emailTickets(s: Session) {
  const r = await api(s).get('/tickets?limit=100');
  expect(r.statusCode, r.body).toBe(200);
  return (r.json().data as Ticket[]).filter((t) => t.channel === 'email');
}

async function messages(s: Session, ticketId: string) {
  const r = await api(s).get(`/tickets/${ticketId}/messages`);
  expect(r.statusCode, r.body).toBe(200);
  return r.json().data as TicketMessage[];
}

/** A customer's email with files (multipart/mixed), as their client sends it. */
function withFiles(
  from: string,
  to: string,
  subject: string,
  messageId: string,
  files: { name: string; type: string; bytes: Buffer }[],
  inReplyTo?: string,
) {
  const b = 'b-files';
  return [
    `From: ${from}`,
    `To: ${to}`,
    `Subject: ${subject}`,
    `Message-ID: ${messageId}`,
    ...(inReplyTo ? [`In-Reply-To: ${inReplyTo}`, `References: ${inReplyTo}`] : []),
    `Date: ${new Date().toUTCString().replace('GMT', '+0000')}`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${b}"`,
    '',
    `--${b}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Please see the attached files.',
    ...files.flatMap((f) => [
      `--${b}`,
      `Content-Type: ${f.type}; name="${f.name}"`,
      `Content-Disposition: attachment; filename="${f.name}"`,
      'Content-Transfer-Encoding: base64',
      '',
      f.bytes.toString('base64'),
    ]),
    `--${b}--`,
    '',
  ].join('\r\n');
}

/** The customer's mailbox, read over IMAP as their mail client would. */
const inboxOf = (u: MailUser) => servers.inbox(u);

// Each test waits on a sync, the outbox consumer and jobs, and on the mail servers: seconds each, more on a busy machine.
describe('email to ticket', { timeout: 120_000 }, () => {
  it('opens a ticket for a new thread, acknowledges it once, threads the reply into it, and mails the agent’s answer back threaded', async () => {
    const { s, support, mailboxId } = await desk();
    const customer = await user('customer');
    const first = mid('printer');
    await servers.append(
      support,
      'INBOX',
      rawMessage({
        from: `Carla Customer <${customer.address}>`,
        to: support.address,
        subject: 'Printer on fire',
        messageId: first,
        text: 'It smokes.',
      }),
    );
    await syncNow(s, mailboxId);
    const ticket = await until('the ticket', async () => (await emailTickets(s))[0]);
    expect(ticket).toMatchObject({ subject: 'Printer on fire', description: 'It smokes.', channel: 'email', status: 'new' });
    const requester = (await api(s).get(`/contacts/${ticket.requesterId}`)).json();
    expect(requester.emails[0].value).toBe(customer.address);

    // The acknowledgement: in the customer's own INBOX, answering their email, marked automatic, with the reference.
    const ack = await until('the acknowledgement', async () =>
      (await inboxOf(customer)).find((m) => m.subject?.includes(`[#${ticket.number}]`)),
    );
    expect(ack.inReplyTo).toBe(first);
    expect(ack.headers.get('auto-submitted')).toBe('auto-replied');
    expect(ack.from?.value[0].address).toBe(support.address);
    expect(ack.text).toContain('Printer on fire');

    // The customer answers the acknowledgement from their client, quoting it.
    const reply = mid('reply');
    await servers.append(
      support,
      'INBOX',
      rawMessage({
        from: customer.address,
        to: support.address,
        subject: `Re: ${ack.subject}`,
        messageId: reply,
        inReplyTo: ack.messageId as string,
        text: `It is the HP in room 4.\n\nOn Tue, Dec 1, 2026 at 10:00 AM Acme Support <${support.address}> wrote:\n> thank you for writing to us.\n`,
      }),
    );
    await syncNow(s, mailboxId);
    const fromCustomer = await until('the reply on the ticket', async () => (await messages(s, ticket.id)).find((m) => m.kind === 'reply'));
    expect(fromCustomer).toMatchObject({ authorContactId: ticket.requesterId, authorMemberId: null, body: 'It is the HP in room 4.' });
    expect(await emailTickets(s)).toHaveLength(1);

    // The agent answers on the ticket; the customer's client threads it under their reply.
    const answer = await api(s).post(`/tickets/${ticket.id}/messages`, { kind: 'reply', body: 'We replaced the toner.' });
    expect(answer.statusCode, answer.body).toBe(201);
    const mailed = await until('the agent’s answer by email', async () =>
      (await inboxOf(customer)).find((m) => m.text?.includes('We replaced the toner.')),
    );
    expect(mailed.subject).toBe(`Re: Printer on fire [#${ticket.number}]`);
    expect(mailed.inReplyTo).toBe(reply);
    expect(mailed.headers.get('auto-submitted')).toBeUndefined();
    // An internal note never leaves the building.
    await api(s).post(`/tickets/${ticket.id}/messages`, { kind: 'note', body: 'Secret: the toner was empty.' });
    const outcomes = await settled(s, 4);
    expect(outcomes.filter((o) => o.status === 'dead')).toEqual([]);
    expect((await inboxOf(customer)).some((m) => m.text?.includes('Secret'))).toBe(false);
    expect((await inboxOf(customer)).filter((m) => m.subject?.includes(`[#${ticket.number}]`))).toHaveLength(2);
  });

  it('names the email’s stored files on its ticket and reply without copying them, and mails an agent’s files with the answer', async () => {
    process.env.RAPPORT_EMAIL_ATTACHMENT_MAX_BYTES = '5000';
    try {
      const { s, support, mailboxId } = await desk({ ack: false });
      const customer = await user('files');
      const first = mid('files');
      const pdf = Buffer.from('%PDF-1.4 the broken invoice\n'.repeat(5));
      await servers.append(
        support,
        'INBOX',
        withFiles(customer.address, support.address, 'Invoice is wrong', first, [
          { name: 'invoice.pdf', type: 'application/pdf', bytes: pdf },
          { name: 'huge.bin', type: 'application/octet-stream', bytes: Buffer.alloc(6000, 7) },
        ]),
      );
      await syncNow(s, mailboxId);
      const ticket = await until('the ticket', async () => (await emailTickets(s))[0]);
      const files = (await api(s).get(`/tickets/${ticket.id}/attachments`)).json().data;
      expect(files).toEqual([
        { id: expect.any(String), messageId: null, filename: 'invoice.pdf', contentType: 'application/pdf', size: pdf.length, note: null },
        {
          id: expect.any(String),
          messageId: null,
          filename: 'huge.bin',
          contentType: 'application/octet-stream',
          size: 6000,
          note: 'not stored: 6 KB is over the 5 KB limit',
        },
      ]);
      const download = await api(s).get(`/tickets/${ticket.id}/attachments/${files[0].id}`);
      expect(download.statusCode).toBe(200);
      expect(download.rawPayload.equals(pdf)).toBe(true);
      expect((await api(s).get(`/tickets/${ticket.id}/attachments/${files[1].id}`)).statusCode).toBe(404);
      // A reference to the email's stored file: the bytes are held once.
      const rows = await q<{ content: unknown; email_attachment_id: string | null }>(
        'select content, email_attachment_id from ticket_attachments where workspace_id = $1 order by created_at, id',
        [s.workspaceId],
      );
      expect(rows.map((r) => [r.content, r.email_attachment_id !== null])).toEqual([
        [null, true],
        [null, false],
      ]);

      // The customer answers with a screenshot: it is on their reply.
      await servers.append(
        support,
        'INBOX',
        withFiles(
          customer.address,
          support.address,
          `Re: Invoice is wrong [#${ticket.number}]`,
          mid('files-re'),
          [{ name: 'screen.png', type: 'image/png', bytes: Buffer.from('png') }],
          first,
        ),
      );
      await syncNow(s, mailboxId);
      const theirs = await until('the customer’s reply', async () => (await messages(s, ticket.id)).find((m) => m.kind === 'reply'));
      expect(theirs.attachments.map((a) => a.filename)).toEqual(['screen.png']);

      // The agent answers with the corrected invoice: it arrives attached.
      const corrected = Buffer.from('%PDF-1.4 corrected');
      const answer = await api(s).post(`/tickets/${ticket.id}/messages`, {
        kind: 'reply',
        body: 'Here is the corrected invoice.',
        attachments: [{ filename: 'corrected.pdf', contentType: 'application/pdf', content: corrected.toString('base64') }],
      });
      expect(answer.statusCode, answer.body).toBe(201);
      const mailed = await until('the answer with its file', async () =>
        (await inboxOf(customer)).find((m) => m.text?.includes('Here is the corrected invoice.')),
      );
      expect(mailed.attachments.map((a) => [a.filename, a.contentType, a.content.toString()])).toEqual([
        ['corrected.pdf', 'application/pdf', '%PDF-1.4 corrected'],
      ]);
    } finally {
      delete process.env.RAPPORT_EMAIL_ATTACHMENT_MAX_BYTES;
    }
  });

  it('never opens a ticket for, nor answers, an auto-reply or a bounce; on a ticket they become internal notes', async () => {
    const { s, support, mailboxId } = await desk();
    const robot = await user('vacation');
    await servers.append(
      support,
      'INBOX',
      rawMessage({
        from: robot.address,
        to: support.address,
        subject: 'Out of office',
        messageId: mid('ooo'),
        headers: ['Auto-Submitted: auto-replied'],
        text: 'I am away until Monday.',
      }),
    );
    await servers.append(
      support,
      'INBOX',
      rawMessage({
        from: `MAILER-DAEMON@${support.address.split('@')[1]}`,
        to: support.address,
        subject: 'Undelivered Mail',
        messageId: mid('bounce'),
      }),
    );
    // And mail from the support address itself (a copy of its own message) is no customer's: stored as sent, never read as a request.
    await servers.append(
      support,
      'INBOX',
      rawMessage({ from: support.address, to: support.address, subject: 'Note to self', messageId: mid('self') }),
    );
    await syncNow(s, mailboxId);
    const outcomes = await settled(s, 2);
    // Two jobs made in one batch: their order is not the point.
    expect(outcomes.map((o) => o.result).sort((x, y) => String(x?.why).localeCompare(String(y?.why)))).toEqual([
      { done: 'ignored', why: 'an automatic message (auto_reply)' },
      { done: 'ignored', why: 'an automatic message (bounce)' },
    ]);
    expect(await emailTickets(s)).toEqual([]);
    expect(await inboxOf(robot)).toEqual([]);

    // A real ticket, then the customer's out-of-office answering its acknowledgement.
    const customer = await user('away');
    const first = mid('question');
    await servers.append(
      support,
      'INBOX',
      rawMessage({ from: customer.address, to: support.address, subject: 'Invoice question', messageId: first }),
    );
    await syncNow(s, mailboxId);
    const ticket = await until('the ticket', async () => (await emailTickets(s))[0]);
    const ack = await until('the acknowledgement', async () => (await inboxOf(customer))[0]);
    await servers.append(
      support,
      'INBOX',
      rawMessage({
        from: customer.address,
        to: support.address,
        subject: `Automatic reply: ${ack.subject}`,
        messageId: mid('ooo2'),
        inReplyTo: ack.messageId as string,
        headers: ['Auto-Submitted: auto-replied', 'X-Autoreply: yes'],
        text: 'Back on Monday.',
      }),
    );
    await syncNow(s, mailboxId);
    const note = await until('the note', async () => (await messages(s, ticket.id)).find((m) => m.kind === 'note'));
    expect(note.body).toContain('Back on Monday.');
    expect(note.authorMemberId).toBeNull();
    await settled(s, 5);
    // Only the one acknowledgement: the out-of-office was not answered.
    expect(await inboxOf(customer)).toHaveLength(1);
    expect(await emailTickets(s)).toHaveLength(1);
    // The note is no reply: the ticket still waits for its first answer, as new.
    expect((await emailTickets(s))[0].status).toBe('new');
  });

  it('joins a ticket by [#N] in the subject only for someone already on it; a stranger’s guess opens a ticket of their own', async () => {
    const { s, support, mailboxId } = await desk({ ack: false });
    const customer = await user('ref');
    await servers.append(
      support,
      'INBOX',
      rawMessage({ from: customer.address, to: support.address, subject: 'Broken login', messageId: mid('login') }),
    );
    await syncNow(s, mailboxId);
    const ticket = await until('the ticket', async () => (await emailTickets(s))[0]);

    // A new email (no In-Reply-To: written fresh, headers lost) naming the ticket by its reference.
    await servers.append(
      support,
      'INBOX',
      rawMessage({
        from: customer.address,
        to: support.address,
        subject: `More on [#${ticket.number}]`,
        messageId: mid('more'),
        text: 'Still broken.',
      }),
    );
    const stranger = await user('stranger');
    await servers.append(
      support,
      'INBOX',
      rawMessage({
        from: stranger.address,
        to: support.address,
        subject: `Re: [#${ticket.number}]`,
        messageId: mid('guess'),
        text: 'Let me in.',
      }),
    );
    await syncNow(s, mailboxId);
    await settled(s, 3);
    const all = await emailTickets(s);
    expect(all).toHaveLength(2);
    expect((await messages(s, ticket.id)).map((m) => m.body)).toEqual(['Still broken.']);
    const theirs = all.find((t) => t.id !== ticket.id) as Ticket;
    expect(theirs.subject).toBe('Re:');
    expect(theirs.requesterId).not.toBe(ticket.requesterId);
    // No acknowledgement was asked for: nothing went out.
    expect(await inboxOf(customer)).toEqual([]);
  });

  it('reopens a solved ticket when the customer writes again, and opens a new one for a closed ticket', async () => {
    const { s, support, mailboxId } = await desk({ ack: false });
    const customer = await user('again');
    const first = mid('again');
    await servers.append(
      support,
      'INBOX',
      rawMessage({ from: customer.address, to: support.address, subject: 'VPN down', messageId: first }),
    );
    await syncNow(s, mailboxId);
    const ticket = await until('the ticket', async () => (await emailTickets(s))[0]);
    const solved = await api(s).patch(`/tickets/${ticket.id}`, { status: 'solved', version: ticket.version });
    expect(solved.statusCode, solved.body).toBe(200);
    await servers.append(
      support,
      'INBOX',
      rawMessage({
        from: customer.address,
        to: support.address,
        subject: 'Re: VPN down',
        messageId: mid('again2'),
        inReplyTo: first,
        text: 'Down again.',
      }),
    );
    await syncNow(s, mailboxId);
    await until('the ticket reopened', async () => (await api(s).get(`/tickets/${ticket.id}`)).json().status === 'open');

    const reopened = (await api(s).get(`/tickets/${ticket.id}`)).json() as Ticket;
    const closed = await api(s).patch(`/tickets/${ticket.id}`, { status: 'closed', version: reopened.version });
    expect(closed.statusCode, closed.body).toBe(200);
    await servers.append(
      support,
      'INBOX',
      rawMessage({
        from: customer.address,
        to: support.address,
        subject: 'Re: VPN down',
        messageId: mid('again3'),
        inReplyTo: first,
        text: 'And again.',
      }),
    );
    await syncNow(s, mailboxId);
    await until('a second ticket', async () => (await emailTickets(s)).length === 2);
    expect((await api(s).get(`/tickets/${ticket.id}`)).json().status).toBe('closed');
  });

  it('puts a reply to a merged ticket’s thread on the ticket it was merged into', async () => {
    const { s, support, mailboxId } = await desk({ ack: false });
    const customer = await user('merged');
    const second = mid('second');
    await servers.append(
      support,
      'INBOX',
      rawMessage({ from: customer.address, to: support.address, subject: 'Cannot print', messageId: mid('first') }),
    );
    await servers.append(
      support,
      'INBOX',
      rawMessage({ from: customer.address, to: support.address, subject: 'Printing again', messageId: second }),
    );
    await syncNow(s, mailboxId);
    const [a, b] = await until('two tickets', async () => {
      const all = await emailTickets(s);
      return all.length === 2 ? all.sort((x, y) => x.number - y.number) : null;
    });
    const merged = await api(s).post(`/tickets/${a.id}/merge`, { sourceId: b.id, version: a.version });
    expect(merged.statusCode, merged.body).toBe(200);
    await servers.append(
      support,
      'INBOX',
      rawMessage({
        from: customer.address,
        to: support.address,
        subject: 'Re: Printing again',
        messageId: mid('after'),
        inReplyTo: second,
        text: 'Any news?',
      }),
    );
    await syncNow(s, mailboxId);
    await until('the reply on the surviving ticket', async () => (await messages(s, a.id)).some((m) => m.body === 'Any news?'));
    expect((await messages(s, b.id)).some((m) => m.body === 'Any news?')).toBe(false);
    expect(await emailTickets(s)).toHaveLength(2);
  });

  it(`leaves a sender’s new threads as ordinary mail past ${TICKETS_PER_SENDER_HOUR} tickets an hour`, async () => {
    const { s, support, mailboxId } = await desk({ ack: false });
    const flood = await user('flood');
    for (let i = 0; i <= TICKETS_PER_SENDER_HOUR; i++) {
      await servers.append(
        support,
        'INBOX',
        rawMessage({ from: flood.address, to: support.address, subject: `Spam ${i}`, messageId: mid(`flood${i}`) }),
      );
    }
    await syncNow(s, mailboxId);
    const outcomes = await settled(s, TICKETS_PER_SENDER_HOUR + 1);
    expect(outcomes).toHaveLength(TICKETS_PER_SENDER_HOUR + 1);
    expect(await emailTickets(s)).toHaveLength(TICKETS_PER_SENDER_HOUR);
    expect(outcomes.filter((o) => o.result?.done === 'ignored')).toHaveLength(1);
    // The email itself is kept, as any other.
    const [{ n: stored }] = await q<{ n: number }>('select count(*)::int as n from email_messages where workspace_id = $1', [
      s.workspaceId,
    ]);
    expect(stored).toBe(TICKETS_PER_SENDER_HOUR + 1);
  });
});

describe('support mailbox settings', () => {
  it('takes only a shared mailbox of the workspace and a team of it, and only from an admin', async () => {
    const s = await signUp();
    const personal = await connect(s, servers, await user('personal'));
    const refused = await api(s).put(`/support-mailboxes/${personal.id}`, {});
    expect(refused.statusCode).toBe(422);
    expect(refused.json().errors[0]).toMatchObject({ field: 'params.id', code: 'not_shared' });

    const shared = await connect(s, servers, await user('shared'), { shared: true });
    const badTeam = await api(s).put(`/support-mailboxes/${shared.id}`, { teamId: '0190a5a0-0000-7000-8000-000000000000' });
    expect(badTeam.statusCode).toBe(422);
    expect(badTeam.json().errors[0].field).toBe('body.teamId');

    const other = await signUp();
    const foreign = await api(other).put(`/support-mailboxes/${shared.id}`, {});
    expect(foreign.statusCode).toBe(404);

    const member = await addMember(s, 'member');
    expect((await api(member).put(`/support-mailboxes/${shared.id}`, {})).statusCode).toBe(403);

    const ok = await api(s).put(`/support-mailboxes/${shared.id}`, { ackSubject: 'Got it: {{ticket.subject}}' });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ mailboxId: shared.id, autoAcknowledge: false, ackSubject: 'Got it: {{ticket.subject}}' });
    expect((await api(member).get('/support-mailboxes')).json().data).toHaveLength(1);
    expect((await api(other).get('/support-mailboxes')).json().data).toEqual([]);
    expect((await api(s).delete(`/support-mailboxes/${shared.id}`)).statusCode).toBe(204);
    expect((await api(s).delete(`/support-mailboxes/${shared.id}`)).statusCode).toBe(404);
  });
});

describe('automatic mail', () => {
  const headersOf = async (extra: string[], from = 'someone@example.test') =>
    (
      await parseEmail(
        Buffer.from(rawMessage({ from, to: 'support@example.test', subject: 'x', messageId: '<a@b>', headers: extra })),
        new Date(),
      )
    ).automated;

  it('is told from a person’s mail by its headers (RFC 3834 and what vacation programs and mail systems send)', async () => {
    expect(await headersOf([])).toBeNull();
    expect(await headersOf(['Auto-Submitted: no'])).toBeNull();
    expect(await headersOf(['Auto-Submitted: auto-replied'])).toBe('auto_reply');
    expect(await headersOf(['Auto-Submitted: auto-generated'])).toBe('auto_reply');
    expect(await headersOf(['X-Autoreply: yes'])).toBe('auto_reply');
    expect(await headersOf(['Precedence: auto_reply'])).toBe('auto_reply');
    expect(await headersOf(['Precedence: bulk'])).toBe('bulk');
    expect(await headersOf(['List-Id: <news.example.test>'])).toBe('bulk');
    expect(await headersOf(['X-Failed-Recipients: gone@example.test'])).toBe('bounce');
    expect(await headersOf([], 'MAILER-DAEMON@mx.example.test')).toBe('bounce');
    expect(await headersOf(['Return-Path: <>'])).toBe('bounce');
    expect(await headersOf(['Return-Path: <someone@example.test>'])).toBeNull();
  });
});
