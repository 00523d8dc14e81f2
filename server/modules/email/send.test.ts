import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mailbox } from '../../../contract/email.ts';
import { api, signUp, testApp, testDatabase } from '../../test/harness.ts';
import { type MailServers, rawMessage, startMailServers } from './mail-servers.fixture.ts';

// Sending through the SMTP receiver of the fixture, which delivers into the recipient's Dovecot
// INBOX: the customer's side is read back over IMAP, as their mail client would.

let servers: MailServers;
beforeAll(async () => {
  await testApp();
  servers = await startMailServers();
}, 60_000);
afterAll(() => servers?.stop());

describe('sending', () => {
  it('sends a reply through SMTP with threading headers, files it in Sent, and shows it on the timeline once', async () => {
    const s = await signUp();
    const me = await servers.addUser(`me${Date.now()}`);
    const customer = await servers.addUser(`cust${Date.now()}`);
    const contact = await api(s).post('/contacts', { firstName: 'Cora', emails: [{ value: customer.address, label: 'work' }] });
    const contactId = contact.json().id as string;
    const question = `<question.${Date.now()}@customer.example.test>`;
    await servers.append(
      me,
      'INBOX',
      rawMessage({ from: customer.address, to: me.address, subject: 'Pricing?', messageId: question, text: 'How much?' }),
    );

    const created = await api(s).post('/mailboxes', servers.mailboxBody(me, { name: 'My mail' }));
    expect(created.statusCode, created.body).toBe(201);
    const mailboxId = created.json().id as string;
    for (let i = 0; i < 100; i++) {
      const mb = (await api(s).get(`/mailboxes/${mailboxId}`)).json() as Mailbox;
      if (mb.health.state === 'ok') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const incoming = (await testDatabase()).query<{ id: string }>('select id from email_messages where workspace_id = $1', [s.workspaceId]);
    const [{ id: parentId }] = await incoming;

    const sent = await api(s).post('/emails', {
      mailboxId,
      to: [customer.address],
      subject: 'Re: Pricing?',
      text: 'It is 10 € a month.',
      replyTo: parentId,
    });
    expect(sent.statusCode, sent.body).toBe(201);
    const body = sent.json();
    expect(body).toMatchObject({ direction: 'sent', subject: 'Re: Pricing?', inReplyTo: question.slice(1, -1), note: null });

    // The SMTP server got it from the mailbox's user, with the headers a client threads by.
    const got = servers.received.find((r) => r.raw.includes(body.messageId));
    expect(got).toMatchObject({ from: me.address, to: [customer.address], authUser: me.user });
    const parsed = await simpleParser(got?.raw ?? '');
    expect(parsed.inReplyTo).toBe(question);
    expect(parsed.references).toBe(question);
    expect(parsed.text?.trim()).toBe('It is 10 € a month.');

    // The customer's INBOX has it (delivered by the receiver into Dovecot), and so has our Sent folder.
    expect((await servers.listing(customer, 'INBOX')).messageIds).toContain(`<${body.messageId}>`);
    expect((await servers.listing(me, 'Sent')).messageIds).toContain(`<${body.messageId}>`);

    // On the contact's timeline at once, as sent; the next sync of Sent finds it and doubles nothing.
    const timeline = async () =>
      ((await api(s).get(`/contacts/${contactId}/timeline`)).json().data as { type: string; subject: string; outcome: string }[]).filter(
        (a) => a.type === 'email',
      );
    expect((await timeline()).map((a) => [a.subject, a.outcome])).toEqual([
      ['Re: Pricing?', 'sent'],
      ['Pricing?', 'received'],
    ]);
    const before = Date.now();
    await api(s).post(`/mailboxes/${mailboxId}/sync`, {});
    let mb: Mailbox | undefined;
    for (let i = 0; i < 100; i++) {
      mb = (await api(s).get(`/mailboxes/${mailboxId}`)).json() as Mailbox;
      if (mb.health.state === 'ok' && Date.parse(mb.health.lastSuccessAt ?? '') >= before) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(mb?.health.folders.find((f) => f.role === 'sent')?.messages).toBe(1);
    expect(await timeline()).toHaveLength(2);
    const events = await (await testDatabase()).query<{ type: string }>(
      "select type from domain_events where workspace_id = $1 and type like 'email.%' order by type",
      [s.workspaceId],
    );
    expect(events.map((e) => e.type)).toEqual(['email.received', 'email.sent']);
  });

  it('says why a message was not sent, and sends nothing from a mailbox that is not yours', async () => {
    const s = await signUp();
    const me = await servers.addUser(`me2${Date.now()}`);
    const created = await api(s).post('/mailboxes', servers.mailboxBody(me, { name: 'My mail' }));
    const mailboxId = created.json().id as string;
    await servers.addUser(me.user, 'changed since');
    const r = await api(s).post('/emails', { mailboxId, to: ['x@customer.example.test'], subject: 'Hi', text: 'x' });
    expect(r.statusCode, r.body).toBe(502);
    expect(r.json().detail).toBe('Not sent: password rejected by the SMTP server (127.0.0.1)');
    const { addMember } = await import('../../test/harness.ts');
    const other = await addMember(s, 'admin');
    const foreign = await api(other).post('/emails', { mailboxId, to: ['x@customer.example.test'], subject: 'Hi', text: 'x' });
    expect(foreign.statusCode).toBe(403);
  });

  it('sends once for a double submit with the same Idempotency-Key, and answers both with the first answer', async () => {
    const s = await signUp();
    const me = await servers.addUser(`idem${Date.now()}`);
    const created = await api(s).post('/mailboxes', servers.mailboxBody(me, { name: 'My mail' }));
    const mailboxId = created.json().id as string;
    const subject = `Once only ${Date.now()}`;
    const body = { mailboxId, to: ['once@customer.example.test'], subject, text: 'Sent once.' };
    const key = { 'idempotency-key': `send-${Date.now()}` };
    const [a, b] = await Promise.all([api(s).post('/emails', body, key), api(s).post('/emails', body, key)]);
    expect([a.statusCode, b.statusCode]).toEqual([201, 201]);
    expect(a.json().id).toBe(b.json().id);
    expect([a.headers['idempotent-replayed'], b.headers['idempotent-replayed']].filter(Boolean)).toEqual(['true']);
    const later = await api(s).post('/emails', body, key);
    expect(later.json().id).toBe(a.json().id);
    expect(servers.received.filter((r) => r.raw.includes(`Subject: ${subject}`))).toHaveLength(1);
    expect((await servers.listing(me, 'Sent')).messageIds).toHaveLength(1);
    // The same key for another message is refused; without a key, the same message is a new one.
    const other = await api(s).post('/emails', { ...body, text: 'Something else' }, key);
    expect(other.statusCode).toBe(422);
    expect(other.json().code).toBe('idempotency_key_reused');
    expect((await api(s).post('/emails', body)).statusCode).toBe(201);
    expect(servers.received.filter((r) => r.raw.includes(`Subject: ${subject}`))).toHaveLength(2);
  });

  it('keeps a key free after a send that failed, so the fixed request goes out', async () => {
    const s = await signUp();
    const me = await servers.addUser(`idemfail${Date.now()}`);
    const created = await api(s).post('/mailboxes', servers.mailboxBody(me, { name: 'My mail' }));
    const mailboxId = created.json().id as string;
    const key = { 'idempotency-key': `fail-${Date.now()}` };
    const body = { mailboxId, to: ['x@customer.example.test'], subject: 'Retry me', text: 'x' };
    const password = me.password;
    await servers.addUser(me.user, 'changed for a while');
    expect((await api(s).post('/emails', body, key)).statusCode).toBe(502);
    await servers.addUser(me.user, password);
    const ok = await api(s).post('/emails', body, key);
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.headers['idempotent-replayed']).toBeUndefined();
  });
});
