import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, api, signUp, testApp, uniqueEmail } from '../../test/harness.ts';
import { type MailServers, startMailServers } from '../email/mail-servers.fixture.ts';
import { csatToken } from './csat.service.ts';

// Satisfaction ratings: solving a ticket mails its requester one-click good / bad links (through the
// real SMTP receiver); the click records the rating, a comment can follow, the ticket and the
// per-agent report show it, and a changed or foreign token rates nothing.

let servers: MailServers;
beforeAll(async () => {
  await testApp();
  servers = await startMailServers();
}, 60_000);
afterAll(() => servers?.stop());

let seq = 0;
async function desk() {
  const s = await signUp();
  const slug = `csat-${Date.now().toString(36)}-${++seq}`;
  expect((await api(s).put('/knowledge/help-centre', { slug })).statusCode).toBe(200);
  const box = await servers.addUser(`csat${Date.now().toString(36)}${seq}`);
  const mb = await api(s).post('/mailboxes', servers.mailboxBody(box, { name: 'Support', shared: true }));
  expect(mb.statusCode, mb.body).toBe(201);
  expect((await api(s).patch('/portal/settings', { senderMailboxId: mb.json().id })).statusCode).toBe(200);
  return { s, slug };
}

const get = async (url: string) =>
  (await testApp()).inject({ method: 'GET', url, remoteAddress: `10.9.${seq}.${Math.floor(Math.random() * 250)}` });
const post = async (url: string, fields: Record<string, string>) =>
  (await testApp()).inject({
    method: 'POST',
    url,
    remoteAddress: `10.9.${seq}.${Math.floor(Math.random() * 250)}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(fields).toString(),
  });

async function surveyTo(address: string) {
  for (let i = 0; i < 300; i++) {
    const mail = servers.received.find((m) => m.to.includes(address));
    if (mail) return simpleParser(mail.raw);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('no survey arrived');
}

describe('customer satisfaction', () => {
  it('mails a survey when a ticket is solved; a click rates it, a comment follows, the report counts it', async () => {
    const { s, slug } = await desk();
    const agent = await addMember(s, 'member', 'Sam Solver');
    const email = uniqueEmail('rater');
    const t = (await api(s).post('/tickets', { subject: 'Broken login', requesterEmail: email, assigneeId: agent.memberId })).json();
    expect((await api(s).get(`/tickets/${t.id}/satisfaction`)).json()).toMatchObject({ rating: null });
    // Not solved: a link (made by hand) rates nothing.
    expect((await get(`/help/${slug}/rate/${csatToken(s.workspaceId, t.id)}?rating=good`)).statusCode).toBe(404);

    expect((await api(s).patch(`/tickets/${t.id}`, { status: 'solved', version: t.version })).statusCode).toBe(200);
    const mail = await surveyTo(email);
    expect(mail.subject).toContain('How did we do?');
    const bad = /Bad: (\S+)/.exec(mail.text ?? '')?.[1] as string;
    const good = /Good: (\S+)/.exec(mail.text ?? '')?.[1] as string;
    expect(good).toContain(`/help/${slug}/rate/`);

    const clicked = await get(new URL(bad).pathname + new URL(bad).search);
    expect(clicked.statusCode).toBe(200);
    expect(clicked.body).toContain('Thank you for your rating');
    expect((await api(s).get(`/tickets/${t.id}/satisfaction`)).json()).toMatchObject({ rating: 'bad', comment: null });
    // Changing one's mind: the later click wins.
    expect((await get(new URL(good).pathname + new URL(good).search)).statusCode).toBe(200);
    const commented = await post(new URL(good).pathname, { rating: 'good', comment: 'Quick <b>fix</b>, thanks' });
    expect(commented.statusCode).toBe(200);
    expect((await api(s).get(`/tickets/${t.id}/satisfaction`)).json()).toMatchObject({
      rating: 'good',
      comment: 'Quick <b>fix</b>, thanks',
    });

    const report = (await api(s).get('/satisfaction')).json();
    expect(report.total).toEqual({ good: 1, bad: 0, percentGood: 100 });
    expect(report.byAgent).toEqual([{ assigneeId: agent.memberId, good: 1, bad: 0, percentGood: 100 }]);
    expect(report.byTeam).toEqual([{ teamId: null, good: 1, bad: 0, percentGood: 100 }]);
    expect((await api(s).get('/satisfaction?from=2000-01-01T00:00:00Z&to=2000-02-01T00:00:00Z')).json().total).toEqual({
      good: 0,
      bad: 0,
      percentGood: null,
    });
  });

  it('refuses a tampered token and another workspace’s token', async () => {
    const a = await desk();
    const b = await desk();
    const ta = (await api(a.s).post('/tickets', { subject: 'A', requesterEmail: uniqueEmail('a'), status: 'solved' })).json();
    const tb = (await api(b.s).post('/tickets', { subject: 'B', requesterEmail: uniqueEmail('b'), status: 'solved' })).json();
    const token = csatToken(a.s.workspaceId, ta.id);
    const [payload, keyId, sig] = token.split('.');
    // The same signature over another ticket's id, a changed signature, B's token on A's site.
    const swapped = `${Buffer.from(`${a.s.workspaceId}|${tb.id}`).toString('base64url')}.${keyId}.${sig}`;
    expect((await get(`/help/${a.slug}/rate/${swapped}?rating=good`)).statusCode).toBe(404);
    expect((await get(`/help/${a.slug}/rate/${payload}.${keyId}.${sig.slice(0, -2)}AA?rating=good`)).statusCode).toBe(404);
    expect((await get(`/help/${a.slug}/rate/${csatToken(b.s.workspaceId, tb.id)}?rating=good`)).statusCode).toBe(404);
    // A's token on B's site.
    expect((await get(`/help/${b.slug}/rate/${token}?rating=good`)).statusCode).toBe(404);
    expect((await api(a.s).get(`/tickets/${ta.id}/satisfaction`)).json().rating).toBeNull();
    expect((await api(b.s).get(`/tickets/${tb.id}/satisfaction`)).json().rating).toBeNull();
    // The genuine token works.
    expect((await get(`/help/${a.slug}/rate/${token}?rating=good`)).statusCode).toBe(200);
    expect((await api(a.s).get(`/tickets/${ta.id}/satisfaction`)).json().rating).toBe('good');
    // Another workspace cannot read the rating.
    expect((await api(b.s).get(`/tickets/${ta.id}/satisfaction`)).statusCode).toBe(404);
  });
});
