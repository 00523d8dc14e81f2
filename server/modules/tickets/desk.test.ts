import { afterEach, describe, expect, it } from 'vitest';
import { addMember, api, type Session, signUp } from '../../test/harness.ts';
import { createOk } from '../../test/samples.ts';
import { automationClock } from '../automation/clock.ts';
import { anyWordQuery } from './suggestions.ts';

const realNow = automationClock.now;
afterEach(() => {
  automationClock.now = realNow;
});

const ticket = async (s: Session, body: Record<string, unknown>) =>
  (await createOk(s, '/tickets', body)) as { id: string; version: number };

async function post(s: Session, id: string, body: Record<string, unknown>) {
  return api(s).post(`/tickets/${id}/messages`, body);
}

const messages = async (s: Session, id: string) =>
  (await api(s).get(`/tickets/${id}/messages`)).json().data as { id: string; kind: string; body: string; authorContactId: string | null }[];

describe('presence and the collision warning', () => {
  it('shows who else views or replies, and forgets them after the window', async () => {
    const s = await signUp();
    const ann = await addMember(s, 'member', 'Ann');
    const t = await ticket(s, { subject: 'Busy' });
    expect((await api(s).put(`/tickets/${t.id}/presence`, { state: 'viewing' })).json().data).toEqual([]);
    await api(ann).put(`/tickets/${t.id}/presence`, { state: 'replying' });
    const seen = (await api(s).put(`/tickets/${t.id}/presence`, { state: 'viewing' })).json().data;
    expect(seen).toEqual([expect.objectContaining({ memberId: ann.memberId, state: 'replying' })]);
    expect((await api(ann).get(`/tickets/${t.id}/presence`)).json().data).toEqual([
      expect.objectContaining({ memberId: s.memberId, state: 'viewing' }),
    ]);

    await api(ann).put(`/tickets/${t.id}/presence`, { state: 'left' });
    expect((await api(s).get(`/tickets/${t.id}/presence`)).json().data).toEqual([]);
    await api(ann).put(`/tickets/${t.id}/presence`, { state: 'viewing' });
    const later = new Date(Date.now() + 31_000);
    automationClock.now = () => later;
    expect((await api(s).get(`/tickets/${t.id}/presence`)).json().data).toEqual([]);
  });

  it("answers 404 for another workspace's ticket", async () => {
    const t = await ticket(await signUp(), { subject: 'Theirs' });
    const s = await signUp();
    expect((await api(s).put(`/tickets/${t.id}/presence`, { state: 'viewing' })).statusCode).toBe(404);
    expect((await api(s).get(`/tickets/${t.id}/presence`)).statusCode).toBe(404);
  });

  it('refuses a reply written without sight of a newer public reply, unless confirmed', async () => {
    const s = await signUp();
    const ann = await addMember(s, 'member', 'Ann');
    const t = await ticket(s, { subject: 'Race', requesterEmail: 'who@example.com' });
    const first = (await post(s, t.id, { kind: 'reply', body: 'First' })).json();
    // Both agents open the composer having seen "First"; Ann sends, then the other tries.
    expect((await post(ann, t.id, { kind: 'reply', body: 'Ann answers', lastSeenMessageId: first.id })).statusCode).toBe(201);
    const late = await post(s, t.id, { kind: 'reply', body: 'Me too', lastSeenMessageId: first.id });
    expect(late.statusCode).toBe(409);
    expect(late.json()).toMatchObject({ code: 'newer_reply' });
    expect(late.json().detail).toMatch(/new public reply/);
    // A note is not a reply to the customer: no warning for it, and none triggered by one.
    expect((await post(s, t.id, { kind: 'note', body: 'fyi', lastSeenMessageId: first.id })).statusCode).toBe(201);
    expect((await post(s, t.id, { kind: 'reply', body: 'Me too', lastSeenMessageId: first.id, confirmed: true })).statusCode).toBe(201);
    // Having seen none: any public reply is newer.
    expect((await post(s, t.id, { kind: 'reply', body: 'x', lastSeenMessageId: null })).statusCode).toBe(409);

    const other = await ticket(s, { subject: 'Other' });
    const elsewhere = await post(s, other.id, { kind: 'reply', body: 'x', lastSeenMessageId: first.id });
    expect(elsewhere.statusCode).toBe(422);
    expect(elsewhere.json().errors[0].field).toBe('body.lastSeenMessageId');
    expect((await messages(s, t.id)).map((m) => m.body)).toEqual(['First', 'Ann answers', 'fyi', 'Me too']);
  });
});

describe('merge and split', () => {
  it('merges ticket B into A: conversation copied, B closed with a note, links both ways, history on both', async () => {
    const s = await signUp();
    const c = api(s);
    const a = await ticket(s, { subject: 'Printer broken', requesterEmail: 'ann@example.com' });
    const b = await ticket(s, { subject: 'Printer still broken', requesterEmail: 'bob@example.com', description: 'Same again' });
    await post(s, a.id, { kind: 'reply', body: 'On it (A)' });
    await post(s, b.id, { kind: 'reply', body: 'From B', fromRequester: true });
    const r = await c.post(`/tickets/${a.id}/merge`, { sourceId: b.id, version: 1 });
    expect(r.statusCode).toBe(200);
    const onA = await messages(s, a.id);
    expect(onA.map((m) => m.body.split('\n')[0])).toEqual([
      'On it (A)',
      'From B',
      'Merged ticket #2 "Printer still broken" into this ticket.',
    ]);
    expect(onA[1].authorContactId).not.toBeNull();
    expect(onA[2].body).toContain('bob@example.com');
    expect((await c.get(`/tickets/${b.id}`)).json().status).toBe('closed');
    expect((await messages(s, b.id)).at(-1)?.body).toBe('Merged into ticket #1 "Printer broken".');
    expect((await c.get(`/tickets/${b.id}/relations`)).json().data).toEqual([
      expect.objectContaining({ kind: 'merged_into', ticketId: a.id, number: 1 }),
    ]);
    expect((await c.get(`/tickets/${a.id}/relations`)).json().data).toEqual([
      expect.objectContaining({ kind: 'merged_from', ticketId: b.id, number: 2 }),
    ]);
    const fields = async (id: string) => ((await c.get(`/tickets/${id}/history`)).json().data as { field: string }[]).map((h) => h.field);
    expect(await fields(a.id)).toContain('merged_from');
    expect(await fields(b.id)).toEqual(expect.arrayContaining(['merged_into', 'status']));

    const again = await c.post(`/tickets/${(await ticket(s, { subject: 'C' })).id}/merge`, { sourceId: b.id });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('already_merged');
  });

  it("refuses merging a ticket into itself, another workspace's ticket, and a stale version", async () => {
    const s = await signUp();
    const c = api(s);
    const a = await ticket(s, { subject: 'A' });
    const self = await c.post(`/tickets/${a.id}/merge`, { sourceId: a.id });
    expect(self.statusCode).toBe(422);
    expect(self.json().errors[0]).toMatchObject({ field: 'body.sourceId', code: 'same_ticket' });
    const theirs = await ticket(await signUp(), { subject: 'Theirs' });
    const foreign = await c.post(`/tickets/${a.id}/merge`, { sourceId: theirs.id });
    expect(foreign.statusCode).toBe(422);
    expect(foreign.json().errors[0].field).toBe('body.sourceId');
    expect((await c.post(`/tickets/${theirs.id}/merge`, { sourceId: a.id })).statusCode).toBe(404);
    const b = await ticket(s, { subject: 'B' });
    expect((await c.post(`/tickets/${a.id}/merge`, { sourceId: b.id, version: 9 })).statusCode).toBe(409);
    expect((await c.get(`/tickets/${b.id}`)).json().status).toBe('new');
    expect(await messages(s, a.id)).toEqual([]);
  });

  it('splits a message into a new ticket for the same requester, linked back', async () => {
    const s = await signUp();
    const c = api(s);
    const a = await ticket(s, { subject: 'Printer', requesterEmail: 'ann@example.com', priority: 'high' });
    const m = (await post(s, a.id, { kind: 'reply', body: 'And my scanner is broken too', fromRequester: true })).json();
    const r = await c.post(`/tickets/${a.id}/split`, { messageId: m.id });
    expect(r.statusCode).toBe(201);
    const created = r.json();
    const original = (await c.get(`/tickets/${a.id}`)).json();
    expect(created).toMatchObject({
      number: 2,
      description: 'And my scanner is broken too',
      requesterId: original.requesterId,
      priority: 'high',
    });
    expect(created.subject).toBe('Printer (split from #1)');
    expect((await messages(s, created.id)).map((x) => x.body)).toEqual(['Split from ticket #1 "Printer".']);
    expect((await messages(s, a.id)).map((x) => x.body)).toEqual(['And my scanner is broken too', 'A message was split into ticket #2.']);
    expect((await c.get(`/tickets/${created.id}/relations`)).json().data).toEqual([
      expect.objectContaining({ kind: 'split_from', number: 1 }),
    ]);

    const other = await ticket(s, { subject: 'Other' });
    const wrong = await c.post(`/tickets/${other.id}/split`, { messageId: m.id });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json().errors[0].field).toBe('body.messageId');
    const o = await signUp();
    expect((await api(o).post(`/tickets/${a.id}/split`, { messageId: m.id })).statusCode).toBe(404);
    expect((await c.get('/tickets')).json().data).toHaveLength(3);
  });

  it('lists only the related tickets the role lets the member read', async () => {
    const s = await signUp();
    const agent = await addMember(s, 'member');
    const a = await ticket(s, { subject: 'Agent’s', assigneeId: agent.memberId });
    const b = await ticket(s, { subject: 'Owner’s secret', assigneeId: s.memberId });
    expect((await api(s).post(`/tickets/${a.id}/merge`, { sourceId: b.id })).statusCode).toBe(200);
    const own = { read: 'own', edit: 'own', delete: 'none', create: true, export: false, import: false, merge: false, bulkEdit: false };
    const p = await createOk(s, '/access-profiles', { name: 'Agent', rights: { ticket: own } });
    await api(s).put(`/members/${agent.memberId}/access-profile`, { profileId: p.id });
    expect((await api(s).get(`/tickets/${a.id}/relations`)).json().data).toHaveLength(1);
    const seen = await api(agent).get(`/tickets/${a.id}/relations`);
    expect(seen.statusCode).toBe(200);
    expect(seen.json().data).toEqual([]);
  });

  it('leaves merging to those who may edit both tickets', async () => {
    const s = await signUp();
    const reader = await addMember(s, 'read-only');
    const [a, b] = [await ticket(s, { subject: 'A' }), await ticket(s, { subject: 'B' })];
    expect((await api(reader).post(`/tickets/${a.id}/merge`, { sourceId: b.id })).statusCode).toBe(403);
  });
});

describe('suggested articles', () => {
  it('builds an any-word query from a ticket', () => {
    expect(anyWordQuery('My printer or the TONER: it jams!')).toBe('printer or the or toner or jams');
  });

  it('suggests published articles matching the ticket, in its language, with their help-centre address', async () => {
    const s = await signUp();
    const c = api(s);
    const article = async (title: string, body: string, language: string, publish = true, visibility = 'public') => {
      const a = await createOk(s, '/knowledge/articles', { title, body, language, visibility });
      if (publish) expect((await c.post(`/knowledge/articles/${a.id}/publish`)).statusCode).toBe(200);
      return a.id;
    };
    const jam = await article('Clearing a paper jam', 'Open the printer tray and remove the paper.', 'en');
    await article('Drucker', 'Papierstau im Drucker beheben', 'de');
    await article('Printer drafts', 'A printer article not published yet', 'en', false);
    const internal = await article('Printer internals', 'For agents: reset the printer board.', 'en', true, 'internal');
    await article('Invoices', 'How to read an invoice', 'en');
    const t = await ticket(s, { subject: 'Printer jammed', description: 'The printer says paper jam' });
    const got = (await c.get(`/tickets/${t.id}/suggested-articles?language=en`)).json().data as { id: string; url: string | null }[];
    expect(got.map((a) => a.id).sort()).toEqual([jam, internal].sort());
    expect(got[0].id).toBe(jam);
    expect(got.every((a) => a.url === null)).toBe(true);
    expect((await c.put('/knowledge/help-centre', { slug: `desk-${Date.now()}` })).statusCode).toBe(200);
    const withSite = (await c.get(`/tickets/${t.id}/suggested-articles`)).json().data as { id: string; url: string | null }[];
    expect(withSite.find((a) => a.id === jam)?.url).toMatch(new RegExp(`^/help/desk-\\d+/articles/${jam}$`));
    expect(withSite.find((a) => a.id === internal)?.url).toBeNull();
    const theirs = await ticket(await signUp(), { subject: 'Printer jammed' });
    expect((await c.get(`/tickets/${theirs.id}/suggested-articles`)).statusCode).toBe(404);
  });
});
