import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, api, signUp, testApp } from '../../test/harness.ts';
import { createOk } from '../../test/samples.ts';
import { type MailServers, type MailUser, startMailServers } from './mail-servers.fixture.ts';
import { connect } from './mailbox.fixture.ts';

// Templates and merge fields through the API, and a merged message sent through the real SMTP
// receiver and read back from the customer's Dovecot INBOX over IMAP.

let servers: MailServers;
beforeAll(async () => {
  await testApp();
  servers = await startMailServers();
}, 60_000);
afterAll(() => servers?.stop());

/** The raw source of the message with this Message-ID in a folder, over IMAP. */
async function fetchRaw(u: MailUser, folder: string, messageId: string) {
  const c = await servers.client(u);
  try {
    const lock = await c.getMailboxLock(folder);
    try {
      for await (const m of c.fetch('1:*', { envelope: true, source: true })) {
        if (m.envelope?.messageId === `<${messageId}>`) return m.source?.toString('utf8') ?? '';
      }
      return null;
    } finally {
      lock.release();
    }
  } finally {
    await c.logout();
  }
}

describe('email templates', () => {
  it('saves, lists, changes and deletes a template; a private one is its author’s alone', async () => {
    const s = await signUp();
    const other = await addMember(s, 'member');
    const mine = await createOk(s, '/email-templates', { name: 'Intro', subject: 'Hi', body: 'Hello {{contact.firstName | "there"}}' });
    const shared = await createOk(s, '/email-templates', { name: 'Follow-up', subject: 'Again', body: 'x', visibility: 'shared' });
    const names = async (who: typeof s) => ((await api(who).get('/email-templates')).json().data as { name: string }[]).map((t) => t.name);
    expect(await names(s)).toEqual(['Follow-up', 'Intro']);
    expect(await names(other)).toEqual(['Follow-up']);
    expect((await api(other).get(`/email-templates/${mine.id}`)).statusCode).toBe(404);
    // A member may not change a shared template someone else wrote; its author may.
    expect((await api(other).patch(`/email-templates/${shared.id}`, { name: 'Mine now' })).statusCode).toBe(403);
    const renamed = await api(s).patch(`/email-templates/${mine.id}`, { name: 'Introduction', version: 1 });
    expect(renamed.json()).toMatchObject({ name: 'Introduction', version: 2 });
    expect((await api(s).patch(`/email-templates/${mine.id}`, { name: 'Stale', version: 1 })).statusCode).toBe(409);
    expect((await api(s).delete(`/email-templates/${mine.id}`)).statusCode).toBe(200);
    expect(await names(s)).toEqual(['Follow-up']);
  });

  it('refuses an unknown or malformed merge field when saved, naming the field and the token', async () => {
    const s = await signUp();
    const r = await api(s).post('/email-templates', { name: 'Typo', subject: 'Hi {{contact.firstNmae}}', body: 'ok' });
    expect(r.statusCode).toBe(422);
    expect(r.headers['content-type']).toContain('application/problem+json');
    expect(r.json().errors).toEqual([
      expect.objectContaining({ field: 'body.subject', code: 'unknown_merge_field', params: { token: '{{contact.firstNmae}}' } }),
    ]);
    const custom = await api(s).post('/email-templates', { name: 'C', subject: 'x', body: 'Size {{contact.custom.shoe}}' });
    expect(custom.json().errors[0]).toMatchObject({ field: 'body.body', params: { token: '{{contact.custom.shoe}}' } });
    expect(custom.json().errors[0].message).toContain('contact has no custom field "shoe"');
    const broken = await api(s).post('/email-templates', { name: 'B', subject: 'x', body: 'Hi {{contact.firstName | there}}' });
    expect(broken.json().errors[0]).toMatchObject({ field: 'body.body', code: 'bad_merge_field' });
    const open = await api(s).post('/email-templates', { name: 'B', subject: 'x', body: 'Hi {{contact.firstName' });
    expect(open.json().errors[0]).toMatchObject({ field: 'body.body', code: 'bad_merge_field' });
    // Once the custom field exists, the same template is saved; a patch is checked the same way.
    await createOk(s, '/fields', { objectType: 'contact', key: 'shoe', label: 'Shoe size', type: 'number' });
    const ok = await createOk(s, '/email-templates', { name: 'C', subject: 'x', body: 'Size {{contact.custom.shoe}}' });
    const bad = await api(s).patch(`/email-templates/${ok.id}`, { body: '{{deal.nope}}' });
    expect(bad.json().errors[0]).toMatchObject({ field: 'body.body', params: { token: '{{deal.nope}}' } });
  });

  it('previews a template for a contact and deal: values filled, fallbacks for empty ones, HTML escaped', async () => {
    const s = await signUp({ name: 'Sam Seller' });
    await createOk(s, '/fields', { objectType: 'contact', key: 'shoe', label: 'Shoe size', type: 'number' });
    const company = await createOk(s, '/companies', { name: 'Acme <Tools> & Co' });
    const contact = await createOk(s, '/contacts', {
      firstName: '<b>Ada</b>',
      companies: [{ companyId: company.id, isPrimary: true }],
      custom: { shoe: 42 },
    });
    const bare = await createOk(s, '/contacts', { lastName: 'Nobody' });
    const stageId = (await api(s).get('/pipelines')).json().data[0].stages[0].id;
    const deal = await createOk(s, '/deals', { name: 'Big "deal"', stageId });
    const body =
      'Hi {{contact.firstName | "there"}} of {{ contact.company.name }}, size {{contact.custom.shoe|"?"}}. Re {{deal.name}}.\nBest, {{member.name}}';
    const r = await api(s).post('/email-templates/preview', {
      subject: 'About {{deal.name}}',
      body,
      merge: { contactId: contact.id, dealId: deal.id },
    });
    expect(r.statusCode, r.body).toBe(200);
    const name = 'Sam Seller';
    expect(r.json().subject).toBe('About Big "deal"');
    expect(r.json().text).toBe(`Hi <b>Ada</b> of Acme <Tools> & Co, size 42. Re Big "deal".\nBest, ${name}`);
    expect(r.json().html).toContain('Hi &lt;b&gt;Ada&lt;/b&gt; of Acme &lt;Tools&gt; &amp; Co, size 42. Re Big &quot;deal&quot;.<br>');
    expect(r.json().html).not.toContain('<b>');
    const fallback = await api(s).post('/email-templates/preview', { subject: 'x', body, merge: { contactId: bare.id } });
    expect(fallback.json().text).toMatch(/^Hi there of , size \?\. Re \./);
    // A record of another workspace is refused by name, never read.
    const stranger = await signUp();
    const foreign = await api(stranger).post('/email-templates/preview', { subject: 'x', body: 'y', merge: { contactId: contact.id } });
    expect(foreign.statusCode).toBe(422);
    expect(foreign.json().errors[0].field).toBe('body.merge.contactId');
  });

  it('fills merge fields on the server when sending, for the recipient’s contact; the customer receives text and escaped HTML', async () => {
    const s = await signUp();
    const me = await servers.addUser(`tpl${Date.now()}`);
    const customer = await servers.addUser(`tplc${Date.now()}`);
    const mailboxId = (await connect(s, servers, me)).id;
    const contact = await createOk(s, '/contacts', { firstName: 'Tom & <Jerry>', emails: [{ value: customer.address, label: 'work' }] });
    const sent = await api(s).post('/emails', {
      mailboxId,
      to: [customer.address],
      subject: 'Hello {{contact.firstName}}',
      text: 'Dear {{contact.firstName | "customer"}},\nsee you.',
      merge: { contactId: contact.id },
    });
    expect(sent.statusCode, sent.body).toBe(201);
    expect(sent.json().subject).toBe('Hello Tom & <Jerry>');
    const raw = await fetchRaw(customer, 'INBOX', sent.json().messageId);
    expect(raw).not.toBeNull();
    const parsed = await simpleParser(raw ?? '');
    expect(parsed.subject).toBe('Hello Tom & <Jerry>');
    expect(parsed.text?.trim()).toBe('Dear Tom & <Jerry>,\nsee you.');
    expect(parsed.html).toContain('Dear Tom &amp; &lt;Jerry&gt;,<br>');
    // An unknown field in a send is refused before anything goes out.
    const before = servers.received.length;
    const bad = await api(s).post('/emails', { mailboxId, to: [customer.address], subject: 'x', text: '{{contact.nickname}}', merge: {} });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().errors[0]).toMatchObject({ field: 'body.text', params: { token: '{{contact.nickname}}' } });
    expect(servers.received.length).toBe(before);
  });
});

describe('signatures', () => {
  it('keeps each member’s signature per mailbox, only for mailboxes they can see', async () => {
    const s = await signUp();
    const u = await servers.addUser(`sig${Date.now()}`);
    const mailboxId = (await connect(s, servers, u)).id;
    expect((await api(s).get('/email-signatures')).json().data).toEqual([{ mailboxId, body: '', updatedAt: null }]);
    const put = await api(s).patch(`/email-signatures/${mailboxId}`, { body: '-- \nAda, Sales' });
    expect(put.statusCode, put.body).toBe(200);
    expect((await api(s).get('/email-signatures')).json().data).toEqual([expect.objectContaining({ mailboxId, body: '-- \nAda, Sales' })]);
    await api(s).patch(`/email-signatures/${mailboxId}`, { body: 'Ada' });
    expect((await api(s).get('/email-signatures')).json().data[0].body).toBe('Ada');
    // Someone else's personal mailbox is not theirs to sign for.
    const other = await addMember(s, 'member');
    expect((await api(other).patch(`/email-signatures/${mailboxId}`, { body: 'x' })).statusCode).toBe(404);
    expect((await api(other).get('/email-signatures')).json().data).toEqual([]);
  });
});
