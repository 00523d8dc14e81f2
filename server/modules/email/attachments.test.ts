import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addMember, api, signUp, testApp } from '../../test/harness.ts';
import { contentDisposition } from './attachments.ts';
import { type MailServers, startMailServers } from './mail-servers.fixture.ts';
import { connect, contact, mid, storedEmail, synced } from './mailbox.fixture.ts';

// Attachments of synced mail against the real Dovecot: stored up to the cap, downloadable as files
// with their type, the ones over the cap noted on the email while the rest arrives, and none of a
// private email's given to someone who may not read it.

let servers: MailServers;
beforeAll(async () => {
  await testApp();
  servers = await startMailServers();
}, 60_000);
afterAll(() => servers?.stop());
afterEach(() => {
  delete process.env.RAPPORT_EMAIL_ATTACHMENT_MAX_BYTES;
});

let n = 0;
const user = (what: string) => servers.addUser(`${what}${Date.now().toString(36)}${++n}`);

const pdf = Buffer.from('%PDF-1.4 a small offer\n'.repeat(10));
const big = Buffer.alloc(6000, 7);

/** A message with a text part, a PDF named in RFC 2231 (UTF-8, percent-encoded) and a binary over the cap. */
function withAttachments(from: string, to: string, messageId: string) {
  const b = 'b-attach';
  return [
    `From: ${from}`,
    `To: ${to}`,
    'Subject: Offer attached',
    `Message-ID: ${messageId}`,
    `Date: ${new Date().toUTCString().replace('GMT', '+0000')}`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${b}"`,
    '',
    `--${b}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Please find the offer attached.',
    `--${b}`,
    'Content-Type: application/pdf',
    "Content-Disposition: attachment; filename*=utf-8''Angebot%20M%C3%BCller.pdf",
    'Content-Transfer-Encoding: base64',
    '',
    pdf.toString('base64'),
    `--${b}`,
    'Content-Type: application/octet-stream; name="huge.bin"',
    'Content-Disposition: attachment; filename="huge.bin"',
    'Content-Transfer-Encoding: base64',
    '',
    big.toString('base64'),
    `--${b}--`,
    '',
  ].join('\r\n');
}

describe('attachments', () => {
  it('stores them up to the cap, notes the one over it, and serves them as files only to who may read the email', async () => {
    process.env.RAPPORT_EMAIL_ATTACHMENT_MAX_BYTES = '5000';
    const s = await signUp();
    const colleague = await addMember(s, 'member');
    const u = await user('att');
    await contact(s, 'carla@customer.example.test');
    const id = mid('att');
    await servers.append(u, 'INBOX', withAttachments('carla@customer.example.test', u.address, id));
    const mb = await connect(s, servers, u);
    await synced(s, mb.id);
    const e = await storedEmail(s, id);
    const email = (await api(s).get(`/emails/${e.id}`)).json();
    expect(email.text.trim()).toBe('Please find the offer attached.');
    expect(email.attachments).toEqual([
      { id: expect.any(String), filename: 'Angebot Müller.pdf', contentType: 'application/pdf', size: pdf.length, note: null },
      {
        id: null,
        filename: 'huge.bin',
        contentType: 'application/octet-stream',
        size: big.length,
        note: 'not stored: 6 KB is over the 5 KB limit',
      },
    ]);

    const file = await api(s).get(`/emails/${e.id}/attachments/${email.attachments[0].id}`);
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toBe('application/pdf');
    expect(file.headers['content-disposition']).toBe(
      `attachment; filename="Angebot M_ller.pdf"; filename*=UTF-8''Angebot%20M%C3%BCller.pdf`,
    );
    expect(file.headers['x-content-type-options']).toBe('nosniff');
    expect(file.rawPayload.equals(pdf)).toBe(true);

    // Shared: the colleague downloads it too. Private: not even its existence is confirmed.
    expect((await api(colleague).get(`/emails/${e.id}/attachments/${email.attachments[0].id}`)).statusCode).toBe(200);
    expect((await api(s).patch(`/email-threads/${e.thread_id}`, { shared: false })).statusCode).toBe(200);
    const hidden = await api(colleague).get(`/emails/${e.id}/attachments/${email.attachments[0].id}`);
    expect(hidden.statusCode).toBe(404);
    expect(hidden.headers['content-type']).toContain('application/problem+json');
    expect((await api(colleague).get(`/emails/${e.id}`)).json().attachments).toEqual([]);
    expect((await api(s).get(`/emails/${e.id}/attachments/${email.attachments[0].id}`)).statusCode).toBe(200);
    // Another workspace, and a malformed id.
    const stranger = await signUp();
    expect((await api(stranger).get(`/emails/${e.id}/attachments/${email.attachments[0].id}`)).statusCode).toBe(404);
    const bad = await api(s).get(`/emails/${e.id}/attachments/not-an-id`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe('params.attachmentId');
  });

  it('names files safely in the Content-Disposition header whatever they hold', () => {
    expect(contentDisposition('a"b\r\nc.txt')).toBe(`attachment; filename="a_b__c.txt"; filename*=UTF-8''a_b__c.txt`);
    expect(contentDisposition(null)).toBe(`attachment; filename="attachment"; filename*=UTF-8''attachment`);
    expect(contentDisposition("it's (1).txt")).toBe(`attachment; filename="it's (1).txt"; filename*=UTF-8''it%27s%20%281%29.txt`);
  });
});
