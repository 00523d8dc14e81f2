import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, type Session, signUp, testApp } from '../../test/harness.ts';
import { type MailServers, rawMessage, startMailServers } from './mail-servers.fixture.ts';
import { connect, contact, emailTimeline, mid, q, storedEmail, synced, syncNow } from './mailbox.fixture.ts';
import { subjectKey } from './threads.ts';

// Matching and threading of synced mail, against the real Dovecot: which records an email lands
// on, what an unknown sender becomes, and which thread a message joins.

let servers: MailServers;
beforeAll(async () => {
  await testApp();
  servers = await startMailServers();
}, 60_000);
afterAll(() => servers?.stop());

let n = 0;
const user = (what: string) => servers.addUser(`${what}${Date.now().toString(36)}${++n}`);

async function sales(s: Session) {
  const p = (await api(s).get('/pipelines')).json().data[0];
  const stage = (name: string) => p.stages.find((x: { name: string }) => x.name === name).id as string;
  return { id: p.id as string, proposal: stage('Proposal'), won: stage('Won') };
}

async function deal(s: Session, name: string, stageId: string, contactId: string) {
  const r = await api(s).post('/deals', { name, stageId, contacts: [{ contactId }] });
  expect(r.statusCode, r.body).toBe(201);
  return r.json().id as string;
}

describe('matching', () => {
  it('links an email to its contacts, their companies, companies by domain and the open deals of the contacts', async () => {
    const s = await signUp();
    const u = await user('match');
    const p = await sales(s);
    const acme = (await api(s).post('/companies', { name: 'Acme', domain: 'acme.example.test' })).json().id as string;
    const other = (await api(s).post('/companies', { name: 'Other', domain: 'other.example.test' })).json().id as string;
    const carla = await contact(s, 'carla@customer.example.test');
    const open = await deal(s, 'Open deal', p.proposal, carla);
    const won = await deal(s, 'Won deal', p.won, carla);
    const id = mid('match');
    // Carla, and someone at Acme whom no contact holds.
    await servers.append(
      u,
      'INBOX',
      rawMessage({
        from: 'Carla <carla@customer.example.test>',
        to: u.address,
        cc: 'pat@acme.example.test',
        subject: 'Order',
        messageId: id,
      }),
    );
    await connect(s, servers, u).then((mb) => synced(s, mb.id));
    const [onCarla] = await emailTimeline(s, `/contacts/${carla}`);
    expect(onCarla.links).toEqual(
      expect.arrayContaining([
        { recordType: 'contact', recordId: carla },
        { recordType: 'company', recordId: acme },
        { recordType: 'deal', recordId: open },
      ]),
    );
    expect(onCarla.links.map((l) => l.recordId)).not.toContain(won);
    expect(onCarla.links.map((l) => l.recordId)).not.toContain(other);
    expect((await emailTimeline(s, `/companies/${acme}`)).map((a) => a.id)).toEqual([onCarla.id]);
    expect((await emailTimeline(s, `/deals/${open}`)).map((a) => a.id)).toEqual([onCarla.id]);
    expect(await emailTimeline(s, `/deals/${won}`)).toEqual([]);
  });

  it('leaves deals alone when the mailbox says so', async () => {
    const s = await signUp();
    const u = await user('nodeal');
    const p = await sales(s);
    const carla = await contact(s, 'carla@customer.example.test');
    const open = await deal(s, 'Open deal', p.proposal, carla);
    await servers.append(
      u,
      'INBOX',
      rawMessage({ from: 'carla@customer.example.test', to: u.address, subject: 'Hi', messageId: mid('nd') }),
    );
    await connect(s, servers, u, { matchDeals: false }).then((mb) => synced(s, mb.id));
    expect(await emailTimeline(s, `/contacts/${carla}`)).toHaveLength(1);
    expect(await emailTimeline(s, `/deals/${open}`)).toEqual([]);
  });

  it('makes an unknown sender a contact once, and never a no-reply, internal or ignored sender', async () => {
    const s = await signUp();
    const u = await user('newc');
    const send = (from: string, subject: string) =>
      servers.append(u, 'INBOX', rawMessage({ from, to: u.address, subject, messageId: mid('new') }));
    await send('Nina Newman <nina@prospect.example.test>', 'First');
    await send('Nina Newman <nina@prospect.example.test>', 'Second');
    await send('Shop <no-reply@prospect.example.test>', 'Your order');
    await send(`Colleague <boss@mail.example.test>`, 'Internal');
    await send('Newsletter <news@letters.example.test>', 'News');
    await send('Spam <x@sub.spam.example.test>', 'Offer');
    const mb = await connect(s, servers, u, { newSenders: 'contact', ignoreSenders: ['news@letters.example.test', '@spam.example.test'] });
    expect(mb).toMatchObject({ newSenders: 'contact', ignoreSenders: ['news@letters.example.test', '@spam.example.test'] });
    await synced(s, mb.id);
    const contacts = (await api(s).get('/contacts')).json().data as {
      id: string;
      firstName: string;
      lastName: string;
      emails: { value: string }[];
    }[];
    expect(contacts.map((c) => [c.firstName, c.lastName, c.emails[0].value])).toEqual([['Nina', 'Newman', 'nina@prospect.example.test']]);
    expect((await emailTimeline(s, `/contacts/${contacts[0].id}`)).map((a) => a.subject).sort()).toEqual(['First', 'Second']);
    // A later sync makes nothing twice.
    await syncNow(s, mb.id);
    expect((await api(s).get('/contacts')).json().data).toHaveLength(1);
  });

  it('makes an unknown sender a lead when the mailbox says so, and links later mail to that lead', async () => {
    const s = await signUp();
    const u = await user('newl');
    await servers.append(
      u,
      'INBOX',
      rawMessage({ from: 'Leo Lead <leo@maybe.example.test>', to: u.address, subject: 'Interested', messageId: mid('l') }),
    );
    const mb = await connect(s, servers, u, { newSenders: 'lead' });
    await synced(s, mb.id);
    const leads = (await api(s).get('/leads')).json().data as { id: string; email: string; firstName: string; source: string }[];
    expect(leads).toEqual([expect.objectContaining({ email: 'leo@maybe.example.test', firstName: 'Leo', source: 'email' })]);
    await servers.append(u, 'INBOX', rawMessage({ from: 'leo@maybe.example.test', to: u.address, subject: 'Again', messageId: mid('l2') }));
    await syncNow(s, mb.id);
    expect((await api(s).get('/leads')).json().data).toHaveLength(1);
    expect((await emailTimeline(s, `/leads/${leads[0].id}`)).map((a) => a.subject).sort()).toEqual(['Again', 'Interested']);
    expect((await api(s).get('/contacts')).json().data).toEqual([]);
  });

  it('changes its settings with PATCH, naming a bad field', async () => {
    const s = await signUp();
    const u = await user('patch');
    const mb = await connect(s, servers, u);
    expect(mb).toMatchObject({ privacy: 'workspace', matchDeals: true, newSenders: 'ignore', ignoreSenders: [] });
    const r = await api(s).patch(`/mailboxes/${mb.id}`, {
      newSenders: 'lead',
      ignoreSenders: ['Example.COM', 'example.com'],
      privacy: 'private',
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ newSenders: 'lead', ignoreSenders: ['example.com'], privacy: 'private' });
    const bad = await api(s).patch(`/mailboxes/${mb.id}`, { newSenders: 'everyone' });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect(bad.json().errors[0].field).toBe('body.newSenders');
    const spaced = await api(s).patch(`/mailboxes/${mb.id}`, { ignoreSenders: ['a b'] });
    expect(spaced.json().errors[0].field).toMatch(/^body\.ignoreSenders/);
    await synced(s, mb.id);
  });
});

describe('threading', () => {
  it('normalises subjects: reply and forward prefixes in several languages, tags and spacing', () => {
    expect(subjectKey('Re: AW: [EXT] Pricing   Offer')).toEqual({ key: 'pricing offer', reply: true });
    expect(subjectKey('WG: Fwd: Angebot')).toEqual({ key: 'angebot', reply: true });
    expect(subjectKey('Re[2]: Hello')).toEqual({ key: 'hello', reply: true });
    expect(subjectKey('Hello')).toEqual({ key: 'hello', reply: false });
    expect(subjectKey('Regarding: the plan')).toEqual({ key: 'regarding: the plan', reply: false });
  });

  it('threads by In-Reply-To and References, a reply before its parent, and by subject when the headers are missing', async () => {
    const s = await signUp();
    const u = await user('thread');
    await contact(s, 'carla@customer.example.test');
    const ids = {
      root: mid('root'),
      reply: mid('reply'),
      early: mid('early'),
      lost: mid('lost'),
      unrelated: mid('unrel'),
      stranger: mid('str'),
    };
    const c = 'Carla <carla@customer.example.test>';
    const at = (min: number) => new Date(Date.now() - (60 - min) * 60_000);
    await servers.append(u, 'INBOX', rawMessage({ from: c, to: u.address, subject: 'Pricing', messageId: ids.root, date: at(1) }));
    await servers.append(
      u,
      'INBOX',
      rawMessage({ from: c, to: u.address, subject: 'Re: Pricing', messageId: ids.reply, inReplyTo: ids.root, date: at(2) }),
    );
    // A reply to a message not synced yet: its parent, arriving later, joins it.
    await servers.append(
      u,
      'INBOX',
      rawMessage({ from: c, to: u.address, subject: 'Re: Contract', messageId: ids.early, inReplyTo: ids.lost, date: at(3) }),
    );
    // No threading headers, a reply's subject: joins "Pricing" by subject and participants.
    await servers.append(u, 'INBOX', rawMessage({ from: c, to: u.address, subject: 'AW: pricing', messageId: ids.unrelated, date: at(4) }));
    // The same subject from someone else: a thread of its own.
    await servers.append(
      u,
      'INBOX',
      rawMessage({
        from: 'x@elsewhere.example.test',
        to: 'y@elsewhere.example.test',
        subject: 'Re: Pricing',
        messageId: ids.stranger,
        date: at(5),
      }),
    );
    const mb = await connect(s, servers, u);
    await synced(s, mb.id);
    await servers.append(u, 'INBOX', rawMessage({ from: c, to: u.address, subject: 'Contract', messageId: ids.lost, date: at(0) }));
    await syncNow(s, mb.id);

    const t = async (id: string) => (await storedEmail(s, id)).thread_id;
    expect(await t(ids.reply)).toBe(await t(ids.root));
    expect(await t(ids.unrelated)).toBe(await t(ids.root));
    expect(await t(ids.lost)).toBe(await t(ids.early));
    expect(await t(ids.early)).not.toBe(await t(ids.root));
    expect(await t(ids.stranger)).not.toBe(await t(ids.root));

    const thread = await api(s).get(`/email-threads/${await t(ids.root)}`);
    expect(thread.statusCode, thread.body).toBe(200);
    expect(thread.json().emails.map((e: { messageId: string }) => `<${e.messageId}>`)).toEqual([ids.root, ids.reply, ids.unrelated]);
    const rows = await q<{ n: number }>('select count(*)::int as n from email_threads where workspace_id = $1', [s.workspaceId]);
    expect(rows[0].n).toBe(3);
  });
});
