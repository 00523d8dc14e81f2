import { describe, expect, it } from 'vitest';
import { addMember, api, countRows, type Session, signUp } from '../../test/harness.ts';
import { createOk } from '../../test/samples.ts';

type Link = { recordType: string; recordId: string };
type Item = { id: string; occurredAt: string; type: string; links: Link[] };

const company = async (s: Session, name = 'Globex') => (await createOk(s, '/companies', { name })).id;
const at = (co: string): Link[] => [{ recordType: 'company', recordId: co }];

async function logActivity(s: Session, links: Link[], extra: Record<string, unknown> = {}) {
  const r = await api(s).post('/activities', { type: 'call', links, ...extra });
  if (r.statusCode !== 201) throw new Error(`POST /activities → ${r.statusCode} ${r.body}`);
  return r.json() as Item & { version: number };
}

const timeline = async (s: Session, path: string, query = '') => {
  const r = await api(s).get(`${path}/timeline${query}`);
  expect(r.statusCode, r.body).toBe(200);
  return r.json() as { data: Item[]; nextCursor: string | null };
};

const lastActivityAt = async (s: Session, co: string) => (await api(s).get(`/companies/${co}`)).json().lastActivityAt;

describe('activities', () => {
  it('creates, reads, updates, deletes and restores an activity, with its history', async () => {
    const s = await signUp();
    const c = api(s);
    const co = await company(s);
    const created = await c.post('/activities', {
      type: 'call',
      subject: 'Renewal',
      body: 'Talked about the renewal.',
      occurredAt: '2025-03-04T10:00:00Z',
      durationSeconds: 900,
      outcome: 'connected',
      links: at(co),
    });
    expect(created.statusCode, created.body).toBe(201);
    const a = created.json();
    expect(a).toMatchObject({
      type: 'call',
      subject: 'Renewal',
      occurredAt: '2025-03-04T10:00:00.000Z',
      durationSeconds: 900,
      outcome: 'connected',
      ownerId: s.memberId,
      links: at(co),
      version: 1,
    });
    expect((await c.get(`/activities/${a.id}`)).json()).toEqual(a);

    const upd = await c.patch(`/activities/${a.id}`, { outcome: 'left voicemail', version: 1 });
    expect(upd.statusCode, upd.body).toBe(200);
    expect(upd.json()).toMatchObject({ outcome: 'left voicemail', links: at(co), version: 2 });

    expect((await c.delete(`/activities/${a.id}`)).json().deletedAt).not.toBeNull();
    expect((await c.get('/activities')).json().data).toHaveLength(0);
    expect((await c.post(`/activities/${a.id}/restore`)).json().deletedAt).toBeNull();

    const hist = (await c.get(`/activities/${a.id}/history`)).json().data;
    expect(hist.map((h: { action: string }) => h.action)).toEqual(['restore', 'delete', 'update', 'create']);
    expect(hist[2]).toMatchObject({ field: 'outcome', oldValue: 'connected', newValue: 'left voicemail', actorId: s.memberId });
    expect(hist[3].newValue).toMatchObject({ subject: 'Renewal', links: at(co) });
  });

  it('defaults occurredAt to now and lists activities newest first, filtered by type', async () => {
    const s = await signUp();
    const co = await company(s);
    const before = Date.now();
    const note = await logActivity(s, at(co), { type: 'note' });
    expect(Date.parse(note.occurredAt)).toBeGreaterThanOrEqual(before - 1000);
    const call = await logActivity(s, at(co), { occurredAt: '2020-01-01T00:00:00Z' });
    const all = (await api(s).get('/activities')).json().data as Item[];
    expect(all.map((x) => x.id)).toEqual([note.id, call.id]);
    expect(all[0].links).toEqual(at(co));
    const calls = await api(s).get(`/activities?filter=${encodeURIComponent('{"field":"type","op":"eq","value":"call"}')}`);
    expect(calls.json().data.map((x: Item) => x.id)).toEqual([call.id]);
  });

  it('replaces the links on update, moving the activity between timelines', async () => {
    const s = await signUp();
    const [a, b, c] = [await company(s, 'A'), await company(s, 'B'), await company(s, 'C')];
    const act = await logActivity(s, [...at(a), ...at(b)]);
    const upd = await api(s).patch(`/activities/${act.id}`, {
      links: [...at(c), ...at(b), { recordType: 'company', recordId: c.toUpperCase() }],
      version: 1,
    });
    expect(upd.statusCode, upd.body).toBe(200);
    const expected = [...at(b), ...at(c)].sort((x, y) => (x.recordId < y.recordId ? -1 : 1));
    expect(upd.json().links).toEqual(expected);
    expect((await timeline(s, `/companies/${a}`)).data).toHaveLength(0);
    expect((await timeline(s, `/companies/${b}`)).data.map((x) => x.id)).toEqual([act.id]);
    expect((await timeline(s, `/companies/${c}`)).data[0].links).toEqual(expected);
    // The timeline's JSON is built by the database; it must read exactly like the record itself.
    expect((await timeline(s, `/companies/${c}`)).data[0]).toEqual((await api(s).get(`/activities/${act.id}`)).json());
    const hist = (await api(s).get(`/activities/${act.id}/history`)).json().data;
    expect(hist[0]).toMatchObject({ action: 'update', field: 'links', newValue: expected });
  });

  it('pages a timeline newest first over three pages without duplicates or gaps, ordering equal times by id', async () => {
    const s = await signUp();
    const co = await company(s);
    const times = ['2025-01-01', '2025-02-01', '2025-02-01', '2025-02-01', '2025-03-01', '2025-03-01', '2025-04-01'];
    const made: Item[] = [];
    for (const t of times) made.push(await logActivity(s, at(co), { occurredAt: `${t}T12:00:00Z` }));
    const expected = [...made]
      .sort((x, y) => (x.occurredAt === y.occurredAt ? (x.id < y.id ? 1 : -1) : x.occurredAt < y.occurredAt ? 1 : -1))
      .map((x) => x.id);

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await timeline(s, `/companies/${co}`, `?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.data.map((x) => x.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual(expected);
  });

  it('filters the timeline by types and rejects an unknown type or a forged cursor', async () => {
    const s = await signUp();
    const co = await company(s);
    const call = await logActivity(s, at(co), { occurredAt: '2025-01-01T00:00:00Z' });
    const note = await logActivity(s, at(co), { type: 'note', occurredAt: '2025-01-02T00:00:00Z' });
    await logActivity(s, at(co), { type: 'meeting' });
    expect((await timeline(s, `/companies/${co}`, '?types=call,note')).data.map((x) => x.id)).toEqual([note.id, call.id]);
    expect((await timeline(s, `/companies/${co}`, '?types=call')).data.map((x) => x.id)).toEqual([call.id]);

    const fax = await api(s).get(`/companies/${co}/timeline?types=call,fax`);
    expect(fax.statusCode).toBe(400);
    // Fastify names the query string `querystring` in validation errors.
    expect(fax.json().errors[0].field).toBe('query.types');
    for (const forged of [
      'nonsense',
      Buffer.from(JSON.stringify(['2025-02-30T00:00:00.000000Z', call.id])).toString('base64url'),
      Buffer.from(JSON.stringify(['0000-01-01T00:00:00.000000Z', call.id])).toString('base64url'),
      Buffer.from(JSON.stringify(['2025-01-01T00:00:00.000000Z', 'not-a-uuid'])).toString('base64url'),
    ]) {
      const r = await api(s).get(`/companies/${co}/timeline?cursor=${forged}`);
      expect(r.statusCode, forged).toBe(400);
      expect(r.json().errors[0].field).toBe('query.cursor');
    }
  });

  it("answers 404 for the timeline of another workspace's record or an unknown one", async () => {
    const owner = await signUp();
    const co = await company(owner);
    await logActivity(owner, at(co));
    const stranger = await signUp({ workspaceName: 'Other Co' });
    const r = await api(stranger).get(`/companies/${co}/timeline`);
    expect(r.statusCode).toBe(404);
    const { instance: _echoedPath, ...problem } = r.json();
    expect(JSON.stringify(problem)).not.toContain(co);
    expect((await api(owner).get('/companies/0190a000-0000-7000-8000-000000000000/timeline')).statusCode).toBe(404);
    expect((await api(owner).get('/contacts/not-a-uuid/timeline')).statusCode).toBe(400);
  });

  it('hides a deleted activity from the timeline and shows it again when restored', async () => {
    const s = await signUp();
    const co = await company(s);
    const a = await logActivity(s, at(co));
    expect((await api(s).delete(`/activities/${a.id}`)).statusCode).toBe(200);
    expect((await timeline(s, `/companies/${co}`)).data).toHaveLength(0);
    expect((await api(s).post(`/activities/${a.id}/restore`)).statusCode).toBe(200);
    expect((await timeline(s, `/companies/${co}`)).data.map((x) => x.id)).toEqual([a.id]);
  });

  it("moves a linked company's lastActivityAt forward on create and back on delete, without bumping its version", async () => {
    const s = await signUp();
    const co = await company(s);
    expect(await lastActivityAt(s, co)).toBeNull();
    const older = await logActivity(s, at(co), { occurredAt: '2025-01-01T00:00:00Z' });
    expect(await lastActivityAt(s, co)).toBe('2025-01-01T00:00:00.000Z');
    const newer = await logActivity(s, at(co), { occurredAt: '2025-06-01T00:00:00Z' });
    expect(await lastActivityAt(s, co)).toBe('2025-06-01T00:00:00.000Z');

    await api(s).delete(`/activities/${newer.id}`);
    expect(await lastActivityAt(s, co)).toBe('2025-01-01T00:00:00.000Z');
    await api(s).post(`/activities/${newer.id}/restore`);
    expect(await lastActivityAt(s, co)).toBe('2025-06-01T00:00:00.000Z');

    // Moving an activity in time moves its place on the timeline and the company's date with it.
    await api(s).patch(`/activities/${older.id}`, { occurredAt: '2025-09-01T00:00:00Z', version: 1 });
    expect(await lastActivityAt(s, co)).toBe('2025-09-01T00:00:00.000Z');
    expect((await timeline(s, `/companies/${co}`)).data.map((x) => x.id)).toEqual([older.id, newer.id]);

    const other = await company(s, 'Elsewhere');
    await api(s).patch(`/activities/${older.id}`, { links: at(other), version: 2 });
    expect(await lastActivityAt(s, co)).toBe('2025-06-01T00:00:00.000Z');
    expect(await lastActivityAt(s, other)).toBe('2025-09-01T00:00:00.000Z');
    await api(s).delete(`/activities/${newer.id}`);
    expect(await lastActivityAt(s, co)).toBeNull();

    const got = (await api(s).get(`/companies/${co}`)).json();
    expect(got.version).toBe(1);
    const hist = (await api(s).get(`/companies/${co}/history`)).json().data;
    expect(hist.map((h: { action: string }) => h.action)).toEqual(['create']);
  });

  it("shows an activity linked to a contact on the timelines of the contact's companies, unless autoLink is false", async () => {
    const s = await signUp();
    const co = await company(s);
    const ct = (await createOk(s, '/contacts', { lastName: 'Babbage', companies: [{ companyId: co }] })).id;
    const contact: Link[] = [{ recordType: 'contact', recordId: ct }];
    const a = await logActivity(s, contact, { occurredAt: '2025-05-05T00:00:00Z' });
    expect(a.links).toEqual([...at(co), ...contact]);
    expect((await timeline(s, `/companies/${co}`)).data.map((x) => x.id)).toEqual([a.id]);
    expect((await timeline(s, `/contacts/${ct}`)).data.map((x) => x.id)).toEqual([a.id]);
    expect((await api(s).get(`/contacts/${ct}`)).json().lastActivityAt).toBe('2025-05-05T00:00:00.000Z');
    expect(await lastActivityAt(s, co)).toBe('2025-05-05T00:00:00.000Z');

    const solo = await logActivity(s, contact, { autoLink: false });
    expect(solo.links).toEqual(contact);
    expect((await timeline(s, `/companies/${co}`)).data.map((x) => x.id)).toEqual([a.id]);
  });

  it('rejects bad input with problem+json naming the field, writing nothing', async () => {
    const s = await signUp();
    const c = api(s);
    const co = await company(s);
    const stranger = await signUp({ workspaceName: 'Other Co' });
    const foreign = await company(stranger, 'Not yours');
    const deleted = await company(s, 'Gone');
    await c.delete(`/companies/${deleted}`);
    const ok = { type: 'call', links: at(co) };
    const cases: [unknown, number, string][] = [
      [{ ...ok, type: 'fax' }, 400, 'body.type'],
      [{ ...ok, type: 3 }, 400, 'body.type'],
      [{ links: at(co) }, 400, 'body.type'],
      [{ type: 'call' }, 400, 'body.links'],
      [{ ...ok, links: [] }, 400, 'body.links'],
      [{ ...ok, links: Array.from({ length: 51 }, () => at(co)[0]) }, 400, 'body.links'],
      [{ ...ok, links: [{ recordType: 'ticket', recordId: co }] }, 400, 'body.links.0.recordType'],
      [{ ...ok, links: [{ recordType: 'company', recordId: 'nope' }] }, 400, 'body.links.0.recordId'],
      [{ ...ok, links: [...at(co), { recordType: 'company', recordId: foreign }] }, 422, 'body.links.1.recordId'],
      [{ ...ok, links: [{ recordType: 'contact', recordId: co }] }, 422, 'body.links.0.recordId'],
      [{ ...ok, links: at(deleted) }, 422, 'body.links.0.recordId'],
      [{ ...ok, subject: 'x'.repeat(301) }, 400, 'body.subject'],
      [{ ...ok, subject: 7 }, 400, 'body.subject'],
      [{ ...ok, occurredAt: 'yesterday' }, 400, 'body.occurredAt'],
      [{ ...ok, occurredAt: '2025-02-30T10:00:00Z' }, 400, 'body.occurredAt'],
      [{ ...ok, occurredAt: '2024-12-31T23:59:60Z' }, 422, 'body.occurredAt'],
      [{ ...ok, occurredAt: '0000-01-01T00:00:00Z' }, 422, 'body.occurredAt'],
      [{ ...ok, occurredAt: '9999-12-31T23:59:59-12:00' }, 422, 'body.occurredAt'],
      [{ ...ok, durationSeconds: 86_400 * 7 + 1 }, 400, 'body.durationSeconds'],
      [{ ...ok, durationSeconds: -1 }, 400, 'body.durationSeconds'],
      [{ ...ok, durationSeconds: '60' }, 400, 'body.durationSeconds'],
      [{ ...ok, outcome: 'x'.repeat(201) }, 400, 'body.outcome'],
      [{ ...ok, ownerId: stranger.memberId }, 422, 'body.ownerId'],
      [{ ...ok, autoLink: 'yes' }, 400, 'body.autoLink'],
      [{ ...ok, colour: 'red' }, 400, 'body.colour'],
    ];
    for (const [body, status, field] of cases) {
      const r = await c.post('/activities', body);
      expect(r.statusCode, JSON.stringify(body).slice(0, 200)).toBe(status);
      expect(r.headers['content-type']).toContain('application/problem+json');
      expect(r.json().errors[0].field, JSON.stringify(body).slice(0, 200)).toBe(field);
    }
    expect(await countRows('activities', s.workspaceId)).toBe(0);
    expect(await countRows('activity_links', s.workspaceId)).toBe(0);

    // A rejected update leaves the activity and its links as they were.
    const a = await logActivity(s, at(co));
    const bad = await c.patch(`/activities/${a.id}`, { subject: 'Changed', links: at(foreign), version: 1 });
    expect(bad.statusCode).toBe(422);
    expect((await c.get(`/activities/${a.id}`)).json()).toEqual(a);
  });

  it('lets the author or an admin edit and delete an activity, and refuses other members in words', async () => {
    const owner = await signUp();
    const member = await addMember(owner, 'member', 'Mia Member');
    const admin = await addMember(owner, 'admin', 'Adam Admin');
    const co = await company(owner);
    const ownersNote = await logActivity(owner, at(co), { type: 'note', subject: 'Owner wrote this' });

    const edit = await api(member).patch(`/activities/${ownersNote.id}`, { subject: 'Hijacked', version: 1 });
    expect(edit.statusCode).toBe(403);
    expect(edit.headers['content-type']).toContain('application/problem+json');
    expect(edit.json().detail).toMatch(/Only the person who logged this activity, or an admin/);
    expect((await api(member).delete(`/activities/${ownersNote.id}`)).statusCode).toBe(403);
    expect((await api(owner).get(`/activities/${ownersNote.id}`)).json()).toMatchObject({ subject: 'Owner wrote this', version: 1 });

    // The member's own note is theirs to change and delete; an admin may change anyone's.
    const mine = await logActivity(member, at(co), { type: 'note', subject: 'Mine' });
    const own = await api(member).patch(`/activities/${mine.id}`, { subject: 'Mine, edited', body: 'More', version: 1 });
    expect(own.statusCode, own.body).toBe(200);
    const byAdmin = await api(admin).patch(`/activities/${ownersNote.id}`, { subject: 'Tidied', version: 1 });
    expect(byAdmin.statusCode, byAdmin.body).toBe(200);
    const history = (await api(owner).get(`/activities/${ownersNote.id}/history`)).json().data;
    expect(history[0]).toMatchObject({
      action: 'update',
      field: 'subject',
      oldValue: 'Owner wrote this',
      newValue: 'Tidied',
      actorId: admin.memberId,
    });

    // Deleted: gone from the timeline, in history, back on restore.
    expect((await api(member).delete(`/activities/${mine.id}`)).statusCode).toBe(200);
    expect((await timeline(owner, `/companies/${co}`)).data.map((a) => a.id)).toEqual([ownersNote.id]);
    const deleted = (await api(owner).get(`/activities/${mine.id}/history`)).json().data;
    expect(deleted[0]).toMatchObject({ action: 'delete', actorId: member.memberId });
    expect((await api(member).post(`/activities/${mine.id}/restore`)).statusCode).toBe(200);
    expect((await timeline(owner, `/companies/${co}`)).data).toHaveLength(2);
  });
});
