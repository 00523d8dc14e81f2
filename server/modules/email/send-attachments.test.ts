import { simpleParser } from 'mailparser';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EmailMessage } from '../../../contract/email.ts';
import { api, signUp, testApp } from '../../test/harness.ts';
import { type MailServers, type MailUser, startMailServers } from './mail-servers.fixture.ts';
import { connect, mid, storedEmail, synced } from './mailbox.fixture.ts';

// Attachments on send and forwarding, against the real SMTP receiver and Dovecot: what the
// customer's INBOX and our Sent folder hold is read back over IMAP.

let servers: MailServers;
beforeAll(async () => {
  await testApp();
  servers = await startMailServers();
}, 60_000);
afterAll(() => servers?.stop());
afterEach(() => {
  delete process.env.RAPPORT_EMAIL_ATTACHMENT_MAX_BYTES;
});

/** The parsed message with this Message-ID in a folder, over IMAP. */
async function fetchParsed(u: MailUser, folder: string, messageId: string) {
  const c = await servers.client(u);
  try {
    const lock = await c.getMailboxLock(folder);
    try {
      for await (const m of c.fetch('1:*', { envelope: true, source: true })) {
        if (m.envelope?.messageId === `<${messageId}>`) return simpleParser(m.source ?? '');
      }
      return null;
    } finally {
      lock.release();
    }
  } finally {
    await c.logout();
  }
}

const pdf = Buffer.from('%PDF-1.4 offer for you\n');

describe('attachments on send', () => {
  it('sends uploaded files: the customer and our Sent folder get them, and the sent email lists them for download', async () => {
    const s = await signUp();
    const me = await servers.addUser(`att${Date.now()}`);
    const customer = await servers.addUser(`attc${Date.now()}`);
    const mailboxId = (await connect(s, servers, me)).id;
    const sent = await api(s).post('/emails', {
      mailboxId,
      to: [customer.address],
      subject: 'Offer attached',
      text: 'See the offer.',
      attachments: [{ filename: 'Angebot Größe.pdf', contentType: 'application/pdf', content: pdf.toString('base64') }],
    });
    expect(sent.statusCode, sent.body).toBe(201);
    const email = sent.json() as EmailMessage;
    for (const [who, folder] of [
      [customer, 'INBOX'],
      [me, 'Sent'],
    ] as const) {
      const got = await fetchParsed(who, folder, email.messageId);
      expect(
        got?.attachments.map((a) => [a.filename, a.contentType, a.content.toString()]),
        folder,
      ).toEqual([['Angebot Größe.pdf', 'application/pdf', pdf.toString()]]);
    }
    expect(email.attachments).toEqual([expect.objectContaining({ filename: 'Angebot Größe.pdf', size: pdf.length, note: null })]);
    const file = await api(s).get(`/emails/${email.id}/attachments/${email.attachments[0].id}`);
    expect(file.statusCode).toBe(200);
    expect(file.rawPayload.toString()).toBe(pdf.toString());
  });

  it('refuses files over the cap by name before anything is sent', async () => {
    process.env.RAPPORT_EMAIL_ATTACHMENT_MAX_BYTES = '1000';
    const s = await signUp();
    const me = await servers.addUser(`big${Date.now()}`);
    const mailboxId = (await connect(s, servers, me)).id;
    const before = servers.received.length;
    const r = await api(s).post('/emails', {
      mailboxId,
      to: ['x@customer.example.test'],
      subject: 'Too big',
      text: 'x',
      attachments: [
        { filename: 'small.txt', contentType: 'text/plain', content: Buffer.alloc(600, 'a').toString('base64') },
        { filename: 'second.txt', contentType: 'text/plain', content: Buffer.alloc(600, 'b').toString('base64') },
      ],
    });
    expect(r.statusCode).toBe(422);
    expect(r.json().errors).toEqual([
      expect.objectContaining({
        field: 'body.attachments.1',
        code: 'attachments_too_large',
        message: expect.stringContaining('second.txt'),
      }),
    ]);
    expect(servers.received.length).toBe(before);
    expect((await servers.listing(me, 'Sent')).messageIds).toEqual([]);
  });
});

describe('forwarding', () => {
  it('forwards a received email with its attachments and a Fwd: subject, not threaded as a reply', async () => {
    const s = await signUp();
    const me = await servers.addUser(`fwd${Date.now()}`);
    const colleague = await servers.addUser(`fwdc${Date.now()}`);
    const id = mid('fwd');
    const b = 'b-fwd';
    await servers.append(
      me,
      'INBOX',
      [
        'From: customer@customer.example.test',
        `To: ${me.address}`,
        'Subject: Contract',
        `Message-ID: ${id}`,
        `Date: ${new Date().toUTCString()}`,
        'MIME-Version: 1.0',
        `Content-Type: multipart/mixed; boundary="${b}"`,
        '',
        `--${b}`,
        'Content-Type: text/plain; charset=utf-8',
        '',
        'Signed contract attached.',
        `--${b}`,
        'Content-Type: application/pdf; name="contract.pdf"',
        'Content-Disposition: attachment; filename="contract.pdf"',
        'Content-Transfer-Encoding: base64',
        '',
        pdf.toString('base64'),
        `--${b}--`,
        '',
      ].join('\r\n'),
    );
    const mailboxId = (await connect(s, servers, me)).id;
    await synced(s, mailboxId);
    const original = await storedEmail(s, id.slice(1, -1));
    const r = await api(s).post('/emails', {
      mailboxId,
      to: [colleague.address],
      subject: 'Fwd: Contract',
      text: 'FYI\n\n---------- Forwarded message ----------\n> Signed contract attached.',
      forwardOf: original.id,
    });
    expect(r.statusCode, r.body).toBe(201);
    const got = await fetchParsed(colleague, 'INBOX', r.json().messageId);
    expect(got?.subject).toBe('Fwd: Contract');
    expect(got?.inReplyTo).toBeUndefined();
    expect(got?.text).toContain('> Signed contract attached.');
    expect(got?.attachments.map((a) => [a.filename, a.content.toString()])).toEqual([['contract.pdf', pdf.toString()]]);
    // An email that cannot be read (another workspace's, or none) is refused by name.
    const unknown = await api(s).post('/emails', {
      mailboxId,
      to: [colleague.address],
      subject: 'x',
      text: 'x',
      forwardOf: crypto.randomUUID(),
    });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().errors[0].field).toBe('body.forwardOf');
  });
});
