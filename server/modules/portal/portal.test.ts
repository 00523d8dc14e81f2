import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, type Session, signUp, testApp, testDatabase, uniqueEmail } from '../../test/harness.ts';
import { type MailServers, startMailServers } from '../email/mail-servers.fixture.ts';
import { formToken } from './contact-form.ts';

// The contact form and the customer portal as a customer meets them: HTML pages over HTTP, the
// sign-in link read out of the mail the real test SMTP server received.

let servers: MailServers;
beforeAll(async () => {
  await testApp();
  servers = await startMailServers();
}, 60_000);
afterAll(() => servers?.stop());

let seq = 0;
interface Desk {
  s: Session;
  slug: string;
}

/** A workspace with a help centre and a shared mailbox that sends portal mail. */
async function desk(): Promise<Desk> {
  ip = `10.${++seq % 250}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
  const s = await signUp({ workspaceName: 'Acme <Support>' });
  const slug = `portal-${Date.now().toString(36)}-${++seq}`;
  expect((await api(s).put('/knowledge/help-centre', { slug })).statusCode).toBe(200);
  const box = await servers.addUser(`support${Date.now().toString(36)}${seq}`);
  const mb = await api(s).post('/mailboxes', servers.mailboxBody(box, { name: 'Acme support', shared: true }));
  expect(mb.statusCode, mb.body).toBe(201);
  const set = await api(s).patch('/portal/settings', { senderMailboxId: mb.json().id });
  expect(set.statusCode, set.body).toBe(200);
  return { s, slug };
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

/** The customers' address: each test's own, so that the per-address limits of one do not meet another's. */
let ip = '127.0.0.1';
async function post(url: string, fields: Record<string, string>, cookie?: string, headers: Record<string, string> = {}) {
  return (await testApp()).inject({
    method: 'POST',
    url,
    remoteAddress: ip,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie && { cookie }), ...headers },
    payload: form(fields),
  });
}
const get = async (url: string, cookie?: string) => (await testApp()).inject({ method: 'GET', url, headers: cookie ? { cookie } : {} });

/** A form token served long enough ago that a person could have filled the form. */
async function agedToken(d: Desk) {
  return formToken({ workspaceId: d.s.workspaceId, name: '', slug: d.slug }, Date.now() - 10_000);
}

async function contactForm(d: Desk, fields: Record<string, string>) {
  return post(`/help/${d.slug}/contact`, { token: await agedToken(d), name: 'Carla Customer', ...fields });
}

const ticketsOf = async (d: Desk) =>
  (await api(d.s).get('/tickets?sort=-createdAt&limit=100')).json().data as {
    id: string;
    subject: string;
    requesterId: string;
    channel: string;
    status: string;
    description: string;
  }[];

/** Asks for a sign-in link and returns the link's path from the mail received (or null when none came). */
async function signInLink(d: Desk, email: string, expectMail = true) {
  const before = servers.received.length;
  const r = await post(`/help/${d.slug}/portal/link`, { email });
  expect(r.statusCode).toBe(303);
  expect(r.headers.location).toBe(`/help/${d.slug}/portal?sent=1`);
  if (!expectMail) return null;
  for (let i = 0; i < 200; i++) {
    // Other mail may reach the customer meanwhile (a satisfaction survey): the link's mail is the one.
    for (const mail of servers.received.slice(before).filter((m) => m.to.includes(email))) {
      const parsed = await simpleParser(mail.raw);
      if (parsed.subject !== 'Your sign-in link') continue;
      const url = /https?:\/\/\S+\/portal\/sign-in\?token=\S+/.exec(parsed.text ?? '')?.[0];
      expect(url).toBeTruthy();
      expect(parsed.headers.get('auto-submitted')).toBe('auto-generated');
      const u = new URL(url as string);
      return `${u.pathname}${u.search}`;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('no sign-in mail arrived');
}

/** Signs a customer in through an emailed link; returns the portal cookie. */
async function signIn(d: Desk, email: string) {
  const link = (await signInLink(d, email)) as string;
  const page = await get(link);
  expect(page.statusCode).toBe(200);
  const token = /name="token" value="([^"]+)"/.exec(page.body)?.[1] as string;
  const r = await post(`/help/${d.slug}/portal/sign-in`, { token: token.replaceAll('&#39;', "'") });
  expect(r.statusCode, r.body).toBe(303);
  const set = String(r.headers['set-cookie']);
  expect(set).toMatch(/HttpOnly/);
  expect(set).toMatch(/SameSite=Lax/);
  expect(set).toContain(`Path=/help/${d.slug}/portal`);
  return { cookie: set.split(';')[0], token };
}

/** A form with files, encoded as a browser sends it (multipart/form-data). */
async function postFiles(
  url: string,
  fields: Record<string, string>,
  files: { name: string; type: string; bytes: Buffer | string }[],
  cookie: string,
) {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  for (const f of files) fd.append('attachments', new Blob([f.bytes], { type: f.type }), f.name);
  const encoded = new Response(fd);
  return (await testApp()).inject({
    method: 'POST',
    url,
    remoteAddress: ip,
    headers: { 'content-type': encoded.headers.get('content-type') as string, cookie },
    payload: Buffer.from(await encoded.arrayBuffer()),
  });
}

const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)?.[1] as string;

describe('public contact form', () => {
  it('opens a web-form ticket for a new contact, the HTML in it kept as text', async () => {
    const d = await desk();
    const page = await get(`/help/${d.slug}/contact`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<label for="email">');
    expect(page.body).toContain('name="website"');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    const email = uniqueEmail('carla');
    const r = await contactForm(d, { email, subject: 'Broken <b>invoice</b>', message: '<script>alert(1)</script> please help' });
    expect(r.statusCode, r.body).toBe(303);
    expect(r.headers.location).toBe(`/help/${d.slug}/contact?sent=1`);
    const [t] = await ticketsOf(d);
    expect(t).toMatchObject({ subject: 'Broken <b>invoice</b>', channel: 'web_form', status: 'new' });
    expect(t.description).toBe('<script>alert(1)</script> please help');
    const contact = (await api(d.s).get(`/contacts/${t.requesterId}`)).json();
    expect(contact).toMatchObject({ firstName: 'Carla', lastName: 'Customer' });

    // The same address again: the same contact, not a second one.
    expect((await contactForm(d, { email: email.toUpperCase(), subject: 'Again', message: 'Still broken' })).statusCode).toBe(303);
    const [again] = await ticketsOf(d);
    expect(again.requesterId).toBe(t.requesterId);
  });

  it('files the requester in the form’s workspace only', async () => {
    const a = await desk();
    const b = await desk();
    const email = uniqueEmail('shared');
    expect((await contactForm(a, { email, subject: 'In A', message: 'x' })).statusCode).toBe(303);
    expect((await contactForm(b, { email, subject: 'In B', message: 'y' })).statusCode).toBe(303);
    const [ta] = await ticketsOf(a);
    const [tb] = await ticketsOf(b);
    expect(ta.requesterId).not.toBe(tb.requesterId);
    expect((await api(a.s).get(`/contacts/${tb.requesterId}`)).statusCode).toBe(404);
  });

  it('thanks a bot that fills the hidden field and stores nothing', async () => {
    const d = await desk();
    const r = await contactForm(d, { email: uniqueEmail('bot'), subject: 'Cheap pills', message: 'buy', website: 'http://spam.example' });
    expect(r.statusCode).toBe(303);
    expect(r.headers.location).toBe(`/help/${d.slug}/contact?sent=1`);
    expect(await ticketsOf(d)).toEqual([]);
  });

  it('re-renders the form with each field’s error and what was typed', async () => {
    const d = await desk();
    const r = await contactForm(d, { email: 'not-an-email', subject: '', message: 'My <i>text</i>' });
    expect(r.statusCode).toBe(422);
    expect(r.headers['content-type']).toMatch(/^text\/html/);
    expect(r.body).toContain('id="email-error"');
    expect(r.body).toContain('Please enter a valid email address.');
    expect(r.body).toContain('Please enter a subject.');
    expect(r.body).toContain('value="not-an-email"');
    expect(r.body).toContain('My &lt;i&gt;text&lt;/i&gt;</textarea>');
    expect(await ticketsOf(d)).toEqual([]);
  });

  it('refuses a form sent too fast, a forged token and another workspace’s token', async () => {
    const d = await desk();
    const other = await desk();
    const fields = { email: uniqueEmail('fast'), subject: 'Hi', message: 'there' };
    const fresh = formToken({ workspaceId: d.s.workspaceId, name: '', slug: d.slug });
    const tooFast = await post(`/help/${d.slug}/contact`, { ...fields, token: fresh });
    expect(tooFast.statusCode).toBe(422);
    expect(tooFast.body).toContain('quicker than a person');
    expect(tooFast.body).toContain(`value="${fields.email}"`);
    const forged = `${fresh.slice(0, -2)}xx`;
    expect((await post(`/help/${d.slug}/contact`, { ...fields, token: forged })).statusCode).toBe(422);
    expect((await post(`/help/${d.slug}/contact`, { ...fields, token: await agedToken(other) })).statusCode).toBe(422);
    expect(await ticketsOf(d)).toEqual([]);
  });

  it('refuses a huge body and limits forms per email address', async () => {
    const d = await desk();
    const huge = await contactForm(d, { email: uniqueEmail('huge'), subject: 'x', message: 'a'.repeat(200_000) });
    expect(huge.statusCode).toBe(413);
    const email = uniqueEmail('flood');
    for (let i = 0; i < 5; i++) expect((await contactForm(d, { email, subject: `n${i}`, message: 'x' })).statusCode).toBe(303);
    const sixth = await contactForm(d, { email, subject: 'n6', message: 'x' });
    expect(sixth.statusCode).toBe(429);
    expect(sixth.body).toContain(`value="${email}"`);
    expect((await ticketsOf(d)).length).toBe(5);
  });

  it('answers 404 for an unknown help centre', async () => {
    expect((await get('/help/no-such-help-centre-xyz/contact')).statusCode).toBe(404);
    expect((await post('/help/no-such-help-centre-xyz/contact', { email: 'a@b.example' })).statusCode).toBe(404);
  });
});

describe('customer portal', () => {
  it('signs a customer in with a single-use emailed link and answers the same for unknown addresses', async () => {
    const d = await desk();
    const email = uniqueEmail('known');
    expect((await contactForm(d, { email, subject: 'Help', message: 'me' })).statusCode).toBe(303);

    const before = servers.received.length;
    await signInLink(d, uniqueEmail('stranger'), false);
    const { cookie, token } = await signIn(d, email);
    expect(servers.received.slice(before).filter((m) => m.to.some((t) => t.startsWith('stranger'))).length).toBe(0);

    // Stored as a hash only.
    const rows = await (await testDatabase()).query<{ token_hash: string }>('select token_hash from portal_links where workspace_id = $1', [
      d.s.workspaceId,
    ]);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.some((r) => r.token_hash === token)).toBe(false);

    const home = await get(`/help/${d.slug}/portal`, cookie);
    expect(home.body).toContain('Your requests');
    expect(home.body).toContain('>Help</a>');

    // Used once: a second use fails.
    expect((await post(`/help/${d.slug}/portal/sign-in`, { token })).statusCode).toBe(410);
    // A session is no member session: the API refuses it.
    expect((await (await testApp()).inject({ method: 'GET', url: '/api/v1/tickets', headers: { cookie } })).statusCode).toBe(401);
  });

  it('refuses an expired link and another workspace’s link', async () => {
    const a = await desk();
    const b = await desk();
    const email = uniqueEmail('expiry');
    await contactForm(a, { email, subject: 'Help', message: 'me' });
    await contactForm(b, { email, subject: 'Help', message: 'me' });
    const link = (await signInLink(a, email)) as string;
    const token = new URL(link, 'http://x').searchParams.get('token') as string;
    // The link of workspace A does nothing on B's portal.
    expect((await post(`/help/${b.slug}/portal/sign-in`, { token })).statusCode).toBe(410);
    await (await testDatabase()).query("update portal_links set expires_at = now() - interval '1 second' where workspace_id = $1", [
      a.s.workspaceId,
    ]);
    expect((await post(`/help/${a.slug}/portal/sign-in`, { token })).statusCode).toBe(410);
  });

  it('shows the customer their tickets with public replies only, and takes their reply', async () => {
    const d = await desk();
    const email = uniqueEmail('reader');
    await contactForm(d, { email, subject: 'Printer <on> fire', message: 'It smokes' });
    const [t] = await ticketsOf(d);
    expect((await api(d.s).post(`/tickets/${t.id}/messages`, { kind: 'reply', body: 'Unplug it, please.' })).statusCode).toBe(201);
    expect((await api(d.s).post(`/tickets/${t.id}/messages`, { kind: 'note', body: 'SECRET internal note' })).statusCode).toBe(201);
    const solved = await api(d.s).patch(`/tickets/${t.id}`, { status: 'solved', version: 1 });
    expect(solved.statusCode, solved.body).toBe(200);

    const { cookie } = await signIn(d, email);
    const page = await get(`/help/${d.slug}/portal/tickets/${t.id}`, cookie);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Printer &lt;on&gt; fire');
    expect(page.body).toContain('Unplug it, please.');
    expect(page.body).not.toContain('SECRET');
    expect(page.body).toContain('Status: Solved');

    const csrf = csrfOf(page.body);
    // Solved: the customer may rate it here too.
    expect(page.body).toContain('How did we do?');
    expect((await post(`/help/${d.slug}/portal/tickets/${t.id}/rating`, { rating: 'bad', csrf }, cookie)).statusCode).toBe(303);
    expect((await api(d.s).get(`/tickets/${t.id}/satisfaction`)).json()).toMatchObject({ rating: 'bad' });
    expect((await post(`/help/${d.slug}/portal/tickets/${t.id}/rating`, { rating: 'good' }, cookie)).statusCode).toBe(403);
    // Without the CSRF token, or from another site: refused.
    expect((await post(`/help/${d.slug}/portal/tickets/${t.id}/reply`, { message: 'x' }, cookie)).statusCode).toBe(403);
    expect(
      (await post(`/help/${d.slug}/portal/tickets/${t.id}/reply`, { message: 'x', csrf }, cookie, { 'sec-fetch-site': 'cross-site' }))
        .statusCode,
    ).toBe(403);
    // Empty reply: the page again, with the error.
    const empty = await post(`/help/${d.slug}/portal/tickets/${t.id}/reply`, { message: '  ', csrf }, cookie);
    expect(empty.statusCode).toBe(422);
    expect(empty.body).toContain('id="message-error"');

    const r = await post(`/help/${d.slug}/portal/tickets/${t.id}/reply`, { message: 'It <b>still</b> smokes', csrf }, cookie);
    expect(r.statusCode).toBe(303);
    const messages = (await api(d.s).get(`/tickets/${t.id}/messages`)).json().data;
    const last = messages.at(-1);
    expect(last).toMatchObject({ kind: 'reply', body: 'It <b>still</b> smokes', authorContactId: t.requesterId, authorMemberId: null });
    expect((await api(d.s).get(`/tickets/${t.id}`)).json().status).toBe('open');
    const after = await get(`/help/${d.slug}/portal/tickets/${t.id}`, cookie);
    expect(after.body).toContain('It &lt;b&gt;still&lt;/b&gt; smokes');

    // A new ticket from the portal.
    const made = await post(`/help/${d.slug}/portal/new`, { subject: 'Second one', message: 'Another thing', csrf }, cookie);
    expect(made.statusCode).toBe(303);
    const [second] = await ticketsOf(d);
    expect(second).toMatchObject({ subject: 'Second one', requesterId: t.requesterId, channel: 'web_form' });
    expect(made.headers.location).toBe(`/help/${d.slug}/portal/tickets/${second.id}`);
  });

  it('takes files with a customer’s reply and new request, and lets them download only public files of their own tickets', async () => {
    const d = await desk();
    const email = uniqueEmail('files');
    await contactForm(d, { email, subject: 'Broken invoice', message: 'The total is wrong' });
    const [t] = await ticketsOf(d);
    const agentReply = await api(d.s).post(`/tickets/${t.id}/messages`, {
      kind: 'reply',
      body: 'Here is the corrected one.',
      attachments: [
        { filename: 'corrected.pdf', contentType: 'application/pdf', content: Buffer.from('%PDF corrected').toString('base64') },
      ],
    });
    const note = await api(d.s).post(`/tickets/${t.id}/messages`, {
      kind: 'note',
      body: 'SECRET internal note',
      attachments: [{ filename: 'internal.txt', contentType: 'text/plain', content: Buffer.from('internal only').toString('base64') }],
    });
    const { cookie } = await signIn(d, email);
    const page = await get(`/help/${d.slug}/portal/tickets/${t.id}`, cookie);
    expect(page.body).toContain('enctype="multipart/form-data"');
    expect(page.body).toContain('corrected.pdf');
    expect(page.body).not.toContain('internal.txt');
    const csrf = csrfOf(page.body);

    const publicFile = agentReply.json().attachments[0].id;
    const download = await get(`/help/${d.slug}/portal/tickets/${t.id}/files/${publicFile}`, cookie);
    expect(download.statusCode).toBe(200);
    expect(download.body).toBe('%PDF corrected');
    expect(download.headers['content-disposition']).toMatch(/^attachment; filename="corrected.pdf"/);
    expect(download.headers['x-content-type-options']).toBe('nosniff');
    // An internal note's file is not found, even by its id; nor without a session.
    const internal = note.json().attachments[0].id;
    expect((await get(`/help/${d.slug}/portal/tickets/${t.id}/files/${internal}`, cookie)).statusCode).toBe(404);
    expect((await get(`/help/${d.slug}/portal/tickets/${t.id}/files/${publicFile}`)).statusCode).toBe(303);

    const r = await postFiles(
      `/help/${d.slug}/portal/tickets/${t.id}/reply`,
      { message: 'My screenshot', csrf },
      [{ name: 'screen shot.png', type: 'image/png', bytes: Buffer.from([137, 80, 78, 71]) }],
      cookie,
    );
    expect(r.statusCode, r.body).toBe(303);
    const mine = (await api(d.s).get(`/tickets/${t.id}/messages`)).json().data.at(-1);
    expect(mine).toMatchObject({ kind: 'reply', body: 'My screenshot', authorContactId: t.requesterId });
    expect(mine.attachments).toEqual([expect.objectContaining({ filename: 'screen shot.png', contentType: 'image/png', size: 4 })]);
    const after = await get(`/help/${d.slug}/portal/tickets/${t.id}`, cookie);
    expect(after.body).toContain(`/files/${mine.attachments[0].id}`);

    // A new request with two files: they come with the ticket.
    const made = await postFiles(
      `/help/${d.slug}/portal/new`,
      { subject: 'Second invoice', message: 'Also wrong', csrf },
      [
        { name: 'a.txt', type: 'text/plain', bytes: 'first' },
        { name: 'b.txt', type: 'text/plain', bytes: 'second' },
      ],
      cookie,
    );
    expect(made.statusCode, made.body).toBe(303);
    const [second] = await ticketsOf(d);
    expect(second).toMatchObject({ subject: 'Second invoice', description: 'Also wrong' });
    const files = (await api(d.s).get(`/tickets/${second.id}/attachments`)).json().data;
    expect(files.map((f: { filename: string; messageId: string | null }) => [f.filename, f.messageId])).toEqual([
      ['a.txt', null],
      ['b.txt', null],
    ]);
    const secondPage = await get(`/help/${d.slug}/portal/tickets/${second.id}`, cookie);
    expect(secondPage.body).toContain('a.txt');
    const own = await get(`/help/${d.slug}/portal/tickets/${second.id}/files/${files[1].id}`, cookie);
    expect(own.body).toBe('second');
    // A file of one ticket is not served through another ticket of the same customer.
    expect((await get(`/help/${d.slug}/portal/tickets/${t.id}/files/${files[1].id}`, cookie)).statusCode).toBe(404);

    // Another customer of the workspace cannot fetch them.
    const other = uniqueEmail('other');
    await contactForm(d, { email: other, subject: 'Mine', message: 'mine' });
    const theirs = await signIn(d, other);
    expect((await get(`/help/${d.slug}/portal/tickets/${t.id}/files/${publicFile}`, theirs.cookie)).statusCode).toBe(404);
  });

  it('refuses files over the cap or too many of them with the reason, keeping the text and writing nothing', async () => {
    process.env.RAPPORT_EMAIL_ATTACHMENT_MAX_BYTES = '5000';
    try {
      const d = await desk();
      const email = uniqueEmail('big');
      await contactForm(d, { email, subject: 'Large files', message: 'Look' });
      const [t] = await ticketsOf(d);
      const { cookie } = await signIn(d, email);
      const csrf = csrfOf((await get(`/help/${d.slug}/portal/tickets/${t.id}`, cookie)).body);
      const before = (await api(d.s).get(`/tickets/${t.id}/messages`)).json().data.length;

      const big = await postFiles(
        `/help/${d.slug}/portal/tickets/${t.id}/reply`,
        { message: 'My words stay <here>', csrf },
        [
          { name: 'small.txt', type: 'text/plain', bytes: Buffer.alloc(3000, 97) },
          { name: 'huge.bin', type: 'application/octet-stream', bytes: Buffer.alloc(6000, 1) },
        ],
        cookie,
      );
      expect(big.statusCode).toBe(413);
      expect(big.headers['content-type']).toMatch(/^text\/html/);
      expect(big.body).toContain('huge.bin takes your files over the 5 KB limit');
      expect(big.body).toContain('id="attachments-error"');
      expect(big.body).toContain('My words stay &lt;here&gt;');

      const many = await postFiles(
        `/help/${d.slug}/portal/new`,
        { subject: 'Many', message: 'Many files', csrf },
        Array.from({ length: 11 }, (_, i) => ({ name: `f${i}.txt`, type: 'text/plain', bytes: 'x' })),
        cookie,
      );
      expect(many.statusCode).toBe(422);
      expect(many.body).toContain('Attach at most 10 files');
      expect(many.body).toContain('Many files');

      expect((await api(d.s).get(`/tickets/${t.id}/messages`)).json().data.length).toBe(before);
      expect(await ticketsOf(d)).toHaveLength(1);
      const [{ n }] = await (await testDatabase()).query<{ n: number }>(
        'select count(*)::int as n from ticket_attachments where workspace_id = $1',
        [d.s.workspaceId],
      );
      expect(n).toBe(0);
    } finally {
      delete process.env.RAPPORT_EMAIL_ATTACHMENT_MAX_BYTES;
    }
  });

  it('never shows another customer’s or another workspace’s ticket, by id guessing either', async () => {
    const a = await desk();
    const b = await desk();
    const me = uniqueEmail('me');
    const neighbour = uniqueEmail('neighbour');
    await contactForm(a, { email: neighbour, subject: 'Neighbour ticket', message: 'theirs' });
    const [theirs] = await ticketsOf(a);
    await contactForm(a, { email: me, subject: 'My ticket', message: 'mine' });
    await contactForm(b, { email: me, subject: 'Same person in B', message: 'b' });
    const [inB] = await ticketsOf(b);

    const { cookie } = await signIn(a, me);
    const list = await get(`/help/${a.slug}/portal`, cookie);
    expect(list.body).toContain('My ticket');
    expect(list.body).not.toContain('Neighbour ticket');
    expect(list.body).not.toContain('Same person in B');
    expect((await get(`/help/${a.slug}/portal/tickets/${theirs.id}`, cookie)).statusCode).toBe(404);
    expect((await get(`/help/${a.slug}/portal/tickets/${inB.id}`, cookie)).statusCode).toBe(404);
    const csrf = csrfOf(list.body);
    expect((await post(`/help/${a.slug}/portal/tickets/${theirs.id}/reply`, { message: 'x', csrf }, cookie)).statusCode).toBe(404);
    // A's session on B's portal is nobody.
    const onB = await get(`/help/${b.slug}/portal`, cookie);
    expect(onB.body).toContain('Email me a sign-in link');
    expect((await get(`/help/${b.slug}/portal/tickets/${inB.id}`, cookie)).statusCode).toBe(303);
  });

  it('shows company tickets only when the workspace allows it', async () => {
    const d = await desk();
    const me = uniqueEmail('colleague1');
    const colleague = uniqueEmail('colleague2');
    await contactForm(d, { email: me, subject: 'Mine', message: 'x' });
    await contactForm(d, { email: colleague, subject: 'Colleague’s', message: 'y' });
    const [theirs, mine] = await ticketsOf(d);
    const company = (await api(d.s).post('/companies', { name: 'Globex' })).json();
    for (const id of [mine.requesterId, theirs.requesterId]) {
      const c = (await api(d.s).get(`/contacts/${id}`)).json();
      const r = await api(d.s).patch(`/contacts/${id}`, { version: c.version, companies: [{ companyId: company.id }] });
      expect(r.statusCode, r.body).toBe(200);
    }
    const ticket = (await api(d.s).get(`/tickets/${theirs.id}`)).json();
    expect((await api(d.s).patch(`/tickets/${theirs.id}`, { companyId: company.id, version: ticket.version })).statusCode).toBe(200);

    const { cookie } = await signIn(d, me);
    expect((await get(`/help/${d.slug}/portal/tickets/${theirs.id}`, cookie)).statusCode).toBe(404);
    expect((await api(d.s).patch('/portal/settings', { companyTickets: true })).json()).toMatchObject({ companyTickets: true });
    const page = await get(`/help/${d.slug}/portal/tickets/${theirs.id}`, cookie);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('A colleague of yours opened this request');
  });

  it('signs out', async () => {
    const d = await desk();
    const email = uniqueEmail('out');
    await contactForm(d, { email, subject: 'Help', message: 'me' });
    const { cookie } = await signIn(d, email);
    const csrf = csrfOf((await get(`/help/${d.slug}/portal`, cookie)).body);
    expect((await post(`/help/${d.slug}/portal/sign-out`, { csrf }, cookie)).statusCode).toBe(303);
    expect((await get(`/help/${d.slug}/portal`, cookie)).body).toContain('Email me a sign-in link');
  });
});
