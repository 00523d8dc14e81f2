import { describe, expect, it } from 'vitest';
import { addMember, api, type Session, signUp, testDatabase } from '../../test/harness.ts';
import { createOk } from '../../test/samples.ts';

// Static lists: names unique without case, members checked to be live records of the list's object
// in the workspace, adding twice a no-op, events for automation and webhooks, purging a record
// takes it out of its lists, and nothing crosses workspaces.

const contact = async (s: Session, firstName: string, lastName = 'Test') => (await createOk(s, '/contacts', { firstName, lastName })).id;

async function listOf(s: Session, name: string, objectType = 'contact', extra: Record<string, unknown> = {}) {
  const r = await api(s).post('/lists', { name, objectType, ...extra });
  expect(r.statusCode, r.body).toBe(201);
  return r.json() as { id: string; version: number; name: string; memberCount: number };
}

const eventsOf = async (s: Session, listId: string) =>
  (
    await (
      await testDatabase()
    ).query<{ type: string; payload: { recordIds?: string[] } }>(
      `select type, payload from domain_events where workspace_id = $1 and record_type = 'list' and record_id = $2 order by seq`,
      [s.workspaceId, listId],
    )
  ).map((e) => ({ type: e.type, recordIds: (typeof e.payload === 'string' ? JSON.parse(e.payload) : e.payload).recordIds }));

describe('static lists', () => {
  it('adds records once, lists them by title newest first, counts and takes them out, with events', async () => {
    const s = await signUp();
    const c = api(s);
    const ada = await contact(s, 'Ada', 'Lovelace');
    const grace = await contact(s, 'Grace', 'Hopper');
    const list = await listOf(s, 'VIP customers', 'contact', { description: 'The ones we call first' });
    expect(list).toMatchObject({ name: 'VIP customers', memberCount: 0, createdBy: s.memberId });

    expect((await c.post(`/lists/${list.id}/members`, { ids: [ada] })).json()).toEqual({ added: 1 });
    // Adding again, and in the same call as a new one, adds only the new one.
    expect((await c.post(`/lists/${list.id}/members`, { ids: [ada, grace, grace] })).json()).toEqual({ added: 1 });
    const members = (await c.get(`/lists/${list.id}/members`)).json();
    expect(members.data.map((m: { title: string }) => m.title)).toEqual(['Grace Hopper', 'Ada Lovelace']);
    expect(members.data[0]).toMatchObject({ id: grace, addedAt: expect.stringMatching(/Z$/) });
    expect((await c.get(`/lists/${list.id}`)).json()).toMatchObject({ memberCount: 2, description: 'The ones we call first' });

    // Pages by cursor.
    const first = (await c.get(`/lists/${list.id}/members?limit=1`)).json();
    expect(first.data.map((m: { id: string }) => m.id)).toEqual([grace]);
    const second = (await c.get(`/lists/${list.id}/members?limit=1&cursor=${first.nextCursor}`)).json();
    expect(second).toEqual({ data: [expect.objectContaining({ id: ada })], nextCursor: null });
    expect((await c.get(`/lists/${list.id}/members?cursor=nonsense`)).json().errors[0].field).toBe('query.cursor');

    // The lists a record is in.
    const other = await listOf(s, 'Newsletter');
    await c.post(`/lists/${other.id}/members`, { ids: [grace] });
    const ofGrace = (await c.get(`/lists?recordId=${grace}`)).json().data.map((l: { name: string }) => l.name);
    expect(ofGrace).toEqual(['Newsletter', 'VIP customers']);
    expect((await c.get(`/lists?recordId=${ada}`)).json().data.map((l: { name: string }) => l.name)).toEqual(['VIP customers']);

    expect((await c.post(`/lists/${list.id}/members/remove`, { ids: [ada, ada] })).json()).toEqual({ removed: 1 });
    expect((await c.post(`/lists/${list.id}/members/remove`, { ids: [ada] })).json()).toEqual({ removed: 0 });
    expect((await c.get(`/lists/${list.id}`)).json().memberCount).toBe(1);

    expect(await eventsOf(s, list.id)).toEqual([
      { type: 'list.created', recordIds: undefined },
      { type: 'list.members_added', recordIds: [ada] },
      { type: 'list.members_added', recordIds: [grace] },
      { type: 'list.members_removed', recordIds: [ada] },
    ]);
  });

  it('keeps names unique without regard to case, renames with a version, and deletes', async () => {
    const s = await signUp();
    const c = api(s);
    const list = await listOf(s, 'Trade fair');
    const dup = await c.post('/lists', { name: 'TRADE FAIR', objectType: 'company' });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().errors[0].field).toBe('body.name');
    const second = await listOf(s, 'Other');
    expect((await c.patch(`/lists/${second.id}`, { name: 'trade Fair', version: 1 })).json().errors[0].field).toBe('body.name');
    expect((await c.patch(`/lists/${list.id}`, { name: 'Trade fair 2025' })).statusCode).toBe(428);
    const renamed = await c.patch(`/lists/${list.id}`, { name: 'Trade fair 2025', version: 1 });
    expect(renamed.json()).toMatchObject({ name: 'Trade fair 2025', version: 2 });
    expect((await c.patch(`/lists/${list.id}`, { name: 'Stale', version: 1 })).statusCode).toBe(409);
    expect((await c.delete(`/lists/${list.id}`, { 'if-match': '1' })).statusCode).toBe(409);
    expect((await c.delete(`/lists/${list.id}`, { 'if-match': '2' })).statusCode).toBe(200);
    expect((await c.get(`/lists/${list.id}`)).statusCode).toBe(404);
    expect((await c.patch(`/lists/${list.id}`, { name: 'Back', version: 3 })).statusCode).toBe(404);
    expect((await c.post(`/lists/${list.id}/members`, { ids: [await contact(s, 'Late')] })).statusCode).toBe(404);
    expect((await c.get('/lists')).json().data.map((l: { name: string }) => l.name)).toEqual(['Other']);
    // A deleted list's name is free again.
    await listOf(s, 'Trade fair 2025');
  });

  it('holds records of its object only, live and of this workspace: others are refused by index', async () => {
    const s = await signUp();
    const stranger = await signUp();
    const c = api(s);
    const ada = await contact(s, 'Ada');
    const gone = await contact(s, 'Gone');
    const version = (await c.get(`/contacts/${gone}`)).json().version;
    await c.delete(`/contacts/${gone}`, { 'if-match': String(version) });
    const company = (await createOk(s, '/companies', { name: 'Initech' })).id;
    const foreign = await contact(stranger, 'Foreign');
    const list = await listOf(s, 'People');
    const r = await c.post(`/lists/${list.id}/members`, { ids: [ada, gone, company, foreign] });
    expect(r.statusCode).toBe(422);
    expect(r.json().errors.map((e: { field: string }) => e.field)).toEqual(['body.ids.1', 'body.ids.2', 'body.ids.3']);
    expect((await c.get(`/lists/${list.id}`)).json().memberCount).toBe(0);

    expect((await c.post('/lists', { name: 'Ships', objectType: 'spaceship' })).json().errors[0].field).toBe('body.objectType');

    // The stranger sees nothing of it and cannot fill it.
    const st = api(stranger);
    expect((await st.get(`/lists/${list.id}`)).statusCode).toBe(404);
    expect((await st.get(`/lists/${list.id}/members`)).statusCode).toBe(404);
    expect((await st.post(`/lists/${list.id}/members`, { ids: [foreign] })).statusCode).toBe(404);
    expect((await st.get('/lists')).json().data).toEqual([]);
    // The same name in another workspace is no clash.
    await listOf(stranger, 'People');
    // A read-only member reads lists but cannot change them.
    const reader = await addMember(s, 'read-only');
    expect((await api(reader).get(`/lists/${list.id}`)).statusCode).toBe(200);
    expect((await api(reader).post(`/lists/${list.id}/members`, { ids: [ada] })).statusCode).toBe(403);
  });

  it('holds records of a custom object, hides trashed ones, and lets go of a purged record', async () => {
    const s = await signUp();
    const c = api(s);
    await createOk(s, '/objects', { key: 'project', label: 'Project', labelPlural: 'Projects' });
    await createOk(s, '/objects', { key: 'gadget', label: 'Gadget', labelPlural: 'Gadgets' });
    const apollo = await createOk(s, '/objects/project/records', { name: 'Apollo' });
    const gemini = await createOk(s, '/objects/project/records', { name: 'Gemini' });
    const widget = await createOk(s, '/objects/gadget/records', { name: 'Widget' });
    const list = await listOf(s, 'Space', 'project');
    // A record of another custom object shares the table but not the object.
    expect((await c.post(`/lists/${list.id}/members`, { ids: [widget.id] })).statusCode).toBe(422);
    expect((await c.post(`/lists/${list.id}/members`, { ids: [apollo.id, gemini.id] })).json()).toEqual({ added: 2 });

    await c.delete(`/objects/project/records/${apollo.id}`, { 'if-match': String(apollo.version) });
    expect((await c.get(`/lists/${list.id}/members`)).json().data.map((m: { title: string }) => m.title)).toEqual(['Gemini']);
    expect((await c.get(`/lists/${list.id}`)).json().memberCount).toBe(1);
    // Restored, it is back in the list; deleted for good, it is gone from it.
    await c.post(`/objects/project/records/${apollo.id}/restore`, {});
    expect((await c.get(`/lists/${list.id}`)).json().memberCount).toBe(2);
    const now = (await c.get(`/objects/project/records/${apollo.id}`)).json();
    await c.delete(`/objects/project/records/${apollo.id}`, { 'if-match': String(now.version) });
    expect((await c.delete(`/trash/custom_record/${apollo.id}`)).statusCode).toBe(204);
    const rows = await (await testDatabase()).query<{ record_id: string }>(
      'select record_id from record_list_members where workspace_id = $1',
      [s.workspaceId],
    );
    expect(rows.map((r) => r.record_id)).toEqual([gemini.id]);
  });
});

describe('static lists and merges', () => {
  it('move a merged contact’s memberships to the survivor, keep one where both were, and put them back on undo', async () => {
    const s = await signUp();
    const c = api(s);
    const keep = await contact(s, 'Ada', 'Lovelace');
    const gone = await contact(s, 'Ada', 'Lovelace-King');
    const vip = await listOf(s, 'VIP');
    const both = await listOf(s, 'Newsletter');
    await c.post(`/lists/${vip.id}/members`, { ids: [gone] });
    await c.post(`/lists/${both.id}/members`, { ids: [keep, gone] });
    const ids = async (listId: string) => ((await c.get(`/lists/${listId}/members`)).json().data as { id: string }[]).map((m) => m.id);

    const merged = await c.post('/contacts/merge', { survivorId: keep, mergedIds: [gone] });
    expect(merged.statusCode, merged.body).toBe(200);
    expect(await ids(vip.id)).toEqual([keep]);
    expect(await ids(both.id)).toEqual([keep]);
    expect(
      (await c.get(`/lists?recordId=${keep}`))
        .json()
        .data.map((l: { name: string }) => l.name)
        .sort(),
    ).toEqual(['Newsletter', 'VIP']);

    const undone = await c.post(`/merges/${merged.json().merge.id}/undo`, {});
    expect(undone.statusCode, undone.body).toBe(200);
    expect(await ids(vip.id)).toEqual([gone]);
    expect((await ids(both.id)).sort()).toEqual([keep, gone].sort());
  });
});
