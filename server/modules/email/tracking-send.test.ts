import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.ts';
import { api, type Session, signUp, testApp, testDatabase } from '../../test/harness.ts';
import { type MailServers, type MailUser, startMailServers } from './mail-servers.fixture.ts';
import { signTrackToken, verifyTrackToken } from './tracking.ts';

// Tracked and untracked sends through the fixture's SMTP receiver (the real received bytes), then
// the open and click routes called as the recipient's mail client would, without credentials.

let servers: MailServers;
beforeAll(async () => {
  await testApp();
  servers = await startMailServers();
}, 60_000);
afterAll(() => servers?.stop());

const base = () => loadConfig().baseUrl.replace(/\/+$/, '');
let n = 0;

async function mailbox(s: Session) {
  const me = await servers.addUser(`trk${process.pid}x${++n}`);
  const created = await api(s).post('/mailboxes', servers.mailboxBody(me, { name: 'My mail' }));
  expect(created.statusCode, created.body).toBe(201);
  return { me, mailboxId: created.json().id as string };
}

/** The raw source of every message in a folder, read over IMAP. */
async function sources(u: MailUser, folder: string) {
  const c = await servers.client(u);
  try {
    const lock = await c.getMailboxLock(folder);
    try {
      const out: string[] = [];
      if ((c.mailbox as { exists: number }).exists) for await (const m of c.fetch('1:*', { source: true })) out.push(String(m.source));
      return out;
    } finally {
      lock.release();
    }
  } finally {
    await c.logout();
  }
}

const trackingUrls = (html: string) => [...html.matchAll(/(?:href|src)="([^"]*\/t\/[oc]\/[^"]+)"/g)].map((m) => m[1]);
const get = async (url: string, headers: Record<string, string> = {}) =>
  (await testApp()).inject({ method: 'GET', url: url.replace(base(), ''), headers });
const events = async (workspaceId: string) =>
  (await testDatabase()).query<{ kind: string; url: string | null; email_id: string }>(
    'select kind, url, email_id from email_tracking_events where workspace_id = $1 order by at, id',
    [workspaceId],
  );

async function sendTracked(s: Session, mailboxId: string, to: string, text: string) {
  const sent = await api(s).post('/emails', { mailboxId, to: [to], subject: 'Our prices', text, track: true });
  expect(sent.statusCode, sent.body).toBe(201);
  const body = sent.json();
  const got = servers.received.find((r) => r.raw.includes(body.messageId));
  return { id: body.id as string, messageId: body.messageId as string, raw: got?.raw ?? '', body };
}

describe('open and click tracking', () => {
  it('sends tracked links and a pixel, stores and files a copy without them, and counts opens and clicks', async () => {
    const s = await signUp();
    const { me, mailboxId } = await mailbox(s);
    const customer = await servers.addUser(`trkc${process.pid}x${++n}`);
    await api(s).post('/contacts', { firstName: 'Cora', emails: [{ value: customer.address, label: 'work' }] });
    const text = 'Hello,\nour prices: https://example.com/pricing?plan=pro&x=1 and the terms https://example.com/terms.\nThanks';
    const { id, messageId, raw, body } = await sendTracked(s, mailboxId, customer.address, text);

    // What the SMTP server received: an HTML part whose links go through Rapport, and the pixel.
    const parsed = await simpleParser(raw);
    const html = String(parsed.html);
    const urls = trackingUrls(html);
    expect(urls).toHaveLength(3);
    expect(urls.every((u) => u.startsWith(`${base()}/t/`))).toBe(true);
    expect(html).not.toContain('href="https://example.com');
    expect(html).toMatch(/<img src="[^"]*\/t\/o\/[^"]+" width="1" height="1"/);
    // The text part is as written: a plain-text reader sees where the links go.
    expect(parsed.text?.trim()).toBe(text);

    // The copy Rapport stores and shows, and the one in Sent: real links, no pixel, no tracking URL.
    expect(body.html).toContain('https://example.com/pricing?plan=pro&amp;x=1');
    expect(body.html).not.toContain('/t/');
    const stored = await (await testDatabase()).query<{ html_body: string }>(
      'select html_body from email_messages where workspace_id = $1 and id = $2',
      [s.workspaceId, id],
    );
    expect(stored[0].html_body).not.toContain('/t/');
    const sentCopy = (await sources(me, 'Sent')).find((r) => r.includes(messageId));
    expect(sentCopy).toBeDefined();
    expect(sentCopy).not.toContain('/t/o/');
    expect(sentCopy).not.toContain('/t/c/');
    // Nothing counted yet, and the API says it is tracked.
    expect((await api(s).get(`/emails/${id}`)).json().tracking).toEqual({ opens: 0, lastOpenedAt: null, clicks: [] });

    // The recipient's client loads the pixel twice and follows the pricing link twice, the terms once.
    const pixel = urls.find((u) => u.includes('/t/o/')) as string;
    const [pricing, terms] = urls.filter((u) => u.includes('/t/c/'));
    for (const _ of [1, 2]) {
      const r = await get(pixel, { 'user-agent': 'MailClient/1.0' });
      expect(r.statusCode).toBe(200);
      expect(r.headers['content-type']).toBe('image/gif');
      expect(r.rawPayload.subarray(0, 6).toString()).toBe('GIF89a');
    }
    for (const [url, to] of [
      [pricing, 'https://example.com/pricing?plan=pro&x=1'],
      [pricing, 'https://example.com/pricing?plan=pro&x=1'],
      [terms, 'https://example.com/terms'],
    ]) {
      const r = await get(url);
      expect(r.statusCode).toBe(302);
      expect(r.headers.location).toBe(to);
    }
    const tracking = (await api(s).get(`/emails/${id}`)).json().tracking;
    expect(tracking).toMatchObject({
      opens: 2,
      clicks: [
        { url: 'https://example.com/pricing?plan=pro&x=1', count: 2 },
        { url: 'https://example.com/terms', count: 1 },
      ],
    });
    expect(Date.parse(tracking.lastOpenedAt)).toBeGreaterThan(Date.now() - 60_000);
    const [ev] = await (await testDatabase()).query<{ user_agent: string }>(
      "select user_agent from email_tracking_events where workspace_id = $1 and kind = 'open' limit 1",
      [s.workspaceId],
    );
    expect(ev.user_agent).toBe('MailClient/1.0');
    const domain = await (await testDatabase()).query<{ type: string; payload: { url?: string } }>(
      "select type, payload from domain_events where workspace_id = $1 and type in ('email.opened', 'email.clicked') order by seq",
      [s.workspaceId],
    );
    expect(domain.map((e) => e.type)).toEqual(['email.opened', 'email.opened', 'email.clicked', 'email.clicked', 'email.clicked']);
    expect(domain[4].payload.url).toBe('https://example.com/terms');
  });

  it('sends an untracked message (the default) without a tracking URL or HTML part of its own', async () => {
    const s = await signUp();
    const { mailboxId } = await mailbox(s);
    const sent = await api(s).post('/emails', {
      mailboxId,
      to: ['someone@customer.example.test'],
      subject: 'Plain',
      text: 'See https://example.com/pricing',
    });
    expect(sent.statusCode, sent.body).toBe(201);
    expect(sent.json().tracking).toBeNull();
    const raw = servers.received.find((r) => r.raw.includes(sent.json().messageId))?.raw ?? '';
    expect(raw).toContain('https://example.com/pricing');
    expect(raw).not.toContain('/t/o/');
    expect(raw).not.toContain('/t/c/');
    expect(raw).not.toContain(base());
    expect(raw).not.toContain('text/html');
  });

  it('records nothing for a tampered, unknown or other workspace’s token, and never redirects on one', async () => {
    const a = await signUp();
    const b = await signUp({ workspaceName: 'Other Co' });
    const { mailboxId } = await mailbox(a);
    const { id, raw } = await sendTracked(a, mailboxId, 'someone@customer.example.test', 'Go to https://example.com/a now');
    const urls = trackingUrls(String((await simpleParser(raw)).html));
    const click = urls.find((u) => u.includes('/t/c/')) as string;
    const pixel = urls.find((u) => u.includes('/t/o/')) as string;
    const token = click.split('/t/c/')[1];
    const [payload, keyId, mac] = token.split('.');
    const bad = [
      `${payload}.${keyId}.${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`,
      `${payload.slice(0, 10)}${payload[10] === 'A' ? 'B' : 'A'}${payload.slice(11)}.${keyId}.${mac}`,
      'not-a-token',
      // Validly signed, but for a link number the email does not have.
      signTrackToken({ kind: 'click', workspaceId: a.workspaceId, emailId: id, link: 7 }),
      // Validly signed, naming workspace B with workspace A's email: the email is looked up in B.
      signTrackToken({ kind: 'click', workspaceId: b.workspaceId, emailId: id, link: 0 }),
      // An open token on the click route.
      pixel.split('/t/o/')[1],
    ];
    for (const t of bad) {
      const r = await get(`/t/c/${encodeURIComponent(t)}?url=https://evil.example`);
      expect(r.statusCode, t).toBe(404);
      expect(r.headers['content-type']).toContain('application/problem+json');
      expect(r.headers.location).toBeUndefined();
    }
    for (const t of [...bad.slice(0, 3), signTrackToken({ kind: 'open', workspaceId: b.workspaceId, emailId: id }), 'x'.repeat(190)]) {
      const r = await get(`/t/o/${encodeURIComponent(t)}`);
      expect(r.statusCode).toBe(200);
      expect(r.headers['content-type']).toBe('image/gif');
    }
    expect(await events(a.workspaceId)).toEqual([]);
    expect(await events(b.workspaceId)).toEqual([]);
    // A real click still works, and goes where the email's link went, whatever the query says.
    const ok = await get(`${click}?url=https://evil.example`);
    expect(ok.statusCode).toBe(302);
    expect(ok.headers.location).toBe('https://example.com/a');
    expect(verifyTrackToken(token)).toMatchObject({ workspaceId: a.workspaceId, emailId: id, link: 0 });
  });

  it('refuses track: true naming the field when an admin turned tracking off, and allows it again', async () => {
    const s = await signUp();
    const { mailboxId } = await mailbox(s);
    expect((await api(s).get('/email-settings')).json()).toEqual({ undoSeconds: 10, tracking: true });
    const off = await api(s).patch('/email-settings', { tracking: false });
    expect(off.statusCode, off.body).toBe(200);
    expect(off.json()).toEqual({ undoSeconds: 10, tracking: false });
    const body = { mailboxId, to: ['someone@customer.example.test'], subject: 'Hi', text: 'https://example.com', track: true };
    const before = servers.received.length;
    for (const path of ['/emails', '/email-outbox']) {
      const r = await api(s).post(path, body);
      expect(r.statusCode, r.body).toBe(422);
      expect(r.headers['content-type']).toContain('application/problem+json');
      expect(r.json().errors[0]).toMatchObject({ field: 'body.track', code: 'tracking_off' });
    }
    expect(servers.received.length).toBe(before);
    // Untracked sends are not affected.
    expect((await api(s).post('/emails', { ...body, track: false })).statusCode).toBe(201);
    await api(s).patch('/email-settings', { tracking: true });
    expect((await api(s).post('/emails', body)).statusCode).toBe(201);
  });
});
