import { describe, expect, it } from 'vitest';
import type { ObjectRights } from '../../../contract/access.ts';
import { addMember, api, signUp, testDatabase } from '../../test/harness.ts';
import { createOk } from '../../test/samples.ts';
import { queueDuplicatesOf } from '../duplicates/duplicates.service.ts';

const rights = (r: Partial<ObjectRights>): ObjectRights => ({
  read: 'all',
  edit: 'all',
  delete: 'all',
  create: true,
  export: true,
  import: true,
  merge: true,
  bulkEdit: true,
  ...r,
});

describe('teams', () => {
  it('refuses a parent that would make the hierarchy loop, naming body.parentTeamId', async () => {
    const s = await signUp();
    const top = await createOk(s, '/teams', { name: 'Top' });
    const mid = await createOk(s, '/teams', { name: 'Mid', parentTeamId: top.id });
    const low = await createOk(s, '/teams', { name: 'Low', parentTeamId: mid.id });
    for (const parentTeamId of [top.id, low.id]) {
      const r = await api(s).patch(`/teams/${top.id}`, { parentTeamId: parentTeamId, version: 1 });
      expect(r.statusCode, r.body).toBe(422);
      expect(r.json().errors[0]).toMatchObject({ field: 'body.parentTeamId', code: 'team_cycle' });
    }
    // A move that keeps the tree a tree is fine.
    const other = await createOk(s, '/teams', { name: 'Other' });
    expect((await api(s).patch(`/teams/${low.id}`, { parentTeamId: other.id, version: 1 })).statusCode).toBe(200);
    const foreign = await createOk(await signUp(), '/teams', { name: 'Elsewhere' });
    const r = await api(s).post('/teams', { name: 'Orphan', parentTeamId: foreign.id });
    expect(r.statusCode).toBe(422);
    expect(r.json().errors[0]).toMatchObject({ field: 'body.parentTeamId', code: 'unknown_team' });
  });

  it('refuses to delete a team with teams below it, and deletes it once they are gone', async () => {
    const s = await signUp();
    const top = await createOk(s, '/teams', { name: 'Top' });
    const low = await createOk(s, '/teams', { name: 'Low', parentTeamId: top.id });
    const r = await api(s).delete(`/teams/${top.id}`);
    expect(r.statusCode).toBe(409);
    expect(r.json()).toMatchObject({ code: 'team_has_children', childTeamIds: [low.id] });
    expect((await api(s).delete(`/teams/${low.id}`)).statusCode).toBe(200);
    expect((await api(s).delete(`/teams/${top.id}`)).statusCode).toBe(200);
    expect((await api(s).get('/teams')).json().data).toEqual([]);
  });

  it('adds and removes members, and refuses a member of another workspace', async () => {
    const s = await signUp();
    const m = await addMember(s, 'member');
    const t = await createOk(s, '/teams', { name: 'Sales' });
    expect((await api(s).post(`/teams/${t.id}/members`, { ids: [m.memberId, s.memberId] })).json().memberIds.sort()).toEqual(
      [m.memberId, s.memberId].sort(),
    );
    expect((await api(s).post(`/teams/${t.id}/members/remove`, { ids: [s.memberId] })).json().memberIds).toEqual([m.memberId]);
    const stranger = await signUp();
    const r = await api(s).post(`/teams/${t.id}/members`, { ids: [stranger.memberId] });
    expect(r.statusCode).toBe(422);
    expect(r.json().errors[0].field).toBe('body.ids.0');
  });
});

describe('roles', () => {
  it('refuses rights for an object type the registry does not know', async () => {
    const s = await signUp();
    const r = await api(s).post('/access-profiles', { name: 'Typo', rights: { contcat: rights({}) } });
    expect(r.statusCode).toBe(422);
    expect(r.json().errors[0]).toMatchObject({ field: 'body.rights.contcat', code: 'unknown_object' });
  });

  it('never narrows an owner or admin, so no role can lock the workspace out', async () => {
    const s = await signUp();
    const admin = await addMember(s, 'admin');
    const p = await createOk(s, '/access-profiles', { name: 'Nothing', rights: { contact: rights({ read: 'none' }) } });
    for (const id of [s.memberId, admin.memberId]) {
      const r = await api(s).put(`/members/${id}/access-profile`, { profileId: p.id });
      expect(r.statusCode).toBe(422);
      expect(r.json().errors[0]).toMatchObject({ field: 'body.profileId', code: 'role_lockout' });
    }
  });

  it('refuses to delete a role someone holds', async () => {
    const s = await signUp();
    const m = await addMember(s, 'member');
    const p = await createOk(s, '/access-profiles', { name: 'Rep', rights: {} });
    await api(s).put(`/members/${m.memberId}/access-profile`, { profileId: p.id });
    expect((await api(s).delete(`/access-profiles/${p.id}`)).statusCode).toBe(409);
    await api(s).put(`/members/${m.memberId}/access-profile`, { profileId: null });
    expect((await api(s).delete(`/access-profiles/${p.id}`)).statusCode).toBe(200);
  });

  it('answers 404 for a record out of sight and 403 for an edit or delete out of scope', async () => {
    const s = await signUp();
    const me = await addMember(s, 'member');
    const peer = await addMember(s, 'member');
    const t = await createOk(s, '/teams', { name: 'Sales' });
    await api(s).post(`/teams/${t.id}/members`, { ids: [me.memberId, peer.memberId] });
    const p = await createOk(s, '/access-profiles', {
      name: 'Rep',
      rights: { contact: rights({ read: 'team', edit: 'own', delete: 'own' }) },
    });
    const mine = await createOk(s, '/contacts', { firstName: 'Mine', ownerId: me.memberId });
    const theirs = await createOk(s, '/contacts', { firstName: 'Theirs', ownerId: peer.memberId });
    const hidden = await createOk(s, '/contacts', { firstName: 'Hidden', ownerId: s.memberId });
    await api(s).put(`/members/${me.memberId}/access-profile`, { profileId: p.id });
    const c = api(me);
    expect((await c.patch(`/contacts/${mine.id}`, { lastName: 'Ok', version: 1 })).statusCode).toBe(200);
    expect((await c.patch(`/contacts/${theirs.id}`, { lastName: 'No', version: 1 })).statusCode).toBe(403);
    expect((await c.delete(`/contacts/${theirs.id}`)).statusCode).toBe(403);
    expect((await c.patch(`/contacts/${hidden.id}`, { lastName: 'No', version: 1 })).statusCode).toBe(404);
    expect((await c.delete(`/contacts/${hidden.id}`)).statusCode).toBe(404);
    expect((await c.get(`/contacts/${hidden.id}/history`)).statusCode).toBe(404);
    // Bulk edit touches only what the member may see and edit.
    const bulk = await c.post('/contacts/bulk-update', { ids: [mine.id, theirs.id, hidden.id], set: { ownerId: me.memberId } });
    expect(bulk.statusCode, bulk.body).toBe(200);
    expect(bulk.json()).toMatchObject({ matched: 1 });
    expect((await api(s).get(`/contacts/${theirs.id}`)).json().ownerId).toBe(peer.memberId);
    expect((await api(s).get(`/contacts/${hidden.id}`)).json().ownerId).toBe(s.memberId);
    // Taking the role away restores full access at the next request.
    await api(s).put(`/members/${me.memberId}/access-profile`, { profileId: null });
    expect((await c.get(`/contacts/${hidden.id}`)).statusCode).toBe(200);
  });

  it('refuses create, export, bulk edit, merge and import where the role does not allow them', async () => {
    const s = await signUp();
    const me = await addMember(s, 'member');
    const p = await createOk(s, '/access-profiles', {
      name: 'Viewer',
      rights: { contact: rights({ create: false, export: false, bulkEdit: false, merge: false, import: false }) },
    });
    await api(s).put(`/members/${me.memberId}/access-profile`, { profileId: p.id });
    const c = api(me);
    expect((await c.post('/contacts', { firstName: 'New' })).statusCode).toBe(403);
    expect((await c.get('/contacts/export')).statusCode).toBe(403);
    expect((await c.post('/contacts/bulk-update', { ids: [me.memberId], set: { ownerId: null } })).statusCode).toBe(403);
    const a = await createOk(s, '/contacts', { firstName: 'Ada', ownerId: me.memberId });
    const b = await createOk(s, '/contacts', { firstName: 'Ada', ownerId: me.memberId });
    const merge = await c.post('/contacts/merge', { survivorId: a.id, mergedIds: [b.id] });
    expect(merge.statusCode).toBe(403);
    expect(merge.json().detail).toContain('does not let you merge');
    const csv = 'First name,Last name\r\nAda,Lovelace\r\n';
    const imported = await c.post('/imports/contacts', csv, { 'content-type': 'text/csv' });
    expect(imported.statusCode).toBe(403);
    expect(imported.json().detail).toContain('does not let you import');
    // An object the role does not name is closed.
    expect((await c.get('/companies')).json().data).toEqual([]);
    expect((await c.post('/companies', { name: 'Initech' })).statusCode).toBe(403);
  });
});

describe('related reads under a role', () => {
  it('keeps unseen activities out of a timeline and unseen deals out of a contact page, and 404s an unseen record', async () => {
    const s = await signUp();
    const me = await addMember(s, 'member');
    const p = await createOk(s, '/access-profiles', {
      name: 'Own',
      rights: { contact: rights({ read: 'own' }), activity: rights({ read: 'own' }), deal: rights({ read: 'own' }) },
    });
    const mine = await createOk(s, '/contacts', { firstName: 'Mine', ownerId: me.memberId });
    const hidden = await createOk(s, '/contacts', { firstName: 'Hidden', ownerId: s.memberId });
    const links = [{ recordType: 'contact', recordId: mine.id }];
    const myCall = await createOk(s, '/activities', { type: 'call', subject: 'Mine', ownerId: me.memberId, links });
    await createOk(s, '/activities', { type: 'call', subject: 'Not mine', ownerId: s.memberId, links });
    const stageId = (await api(s).get('/pipelines')).json().data[0].stages[0].id;
    const myDeal = await createOk(s, '/deals', { name: 'Mine', stageId, ownerId: me.memberId, contacts: [{ contactId: mine.id }] });
    await createOk(s, '/deals', { name: 'Not mine', stageId, ownerId: s.memberId, contacts: [{ contactId: mine.id }] });
    // Unrestricted, both of each show.
    expect((await api(me).get(`/contacts/${mine.id}/timeline`)).json().data).toHaveLength(2);
    await api(s).put(`/members/${me.memberId}/access-profile`, { profileId: p.id });
    const c = api(me);
    expect((await c.get(`/contacts/${mine.id}/timeline`)).json().data.map((a: { id: string }) => a.id)).toEqual([myCall.id]);
    expect((await c.get(`/contacts/${hidden.id}/timeline`)).statusCode).toBe(404);
    const overview = (await c.get(`/contacts/${mine.id}/overview`)).json();
    expect(overview.openDeals.map((d: { id: string }) => d.id)).toEqual([myDeal.id]);
    expect(overview.counts).toMatchObject({ deals: 1, openDeals: 1, activities: 1 });
    expect((await c.get(`/contacts/${hidden.id}/overview`)).statusCode).toBe(404);
    expect((await c.get(`/contacts/${mine.id}/deals`)).json().data.map((d: { id: string }) => d.id)).toEqual([myDeal.id]);
  });

  it('shows a colleague’s meetings and tasks on the calendar only as far as the role reaches them', async () => {
    const s = await signUp();
    const me = await addMember(s, 'member');
    const at = new Date(Date.now() + 86_400_000);
    const who = await createOk(s, '/contacts', { firstName: 'Client' });
    const links = [{ recordType: 'contact', recordId: who.id }];
    await createOk(s, '/activities', {
      links,
      type: 'meeting',
      subject: 'Boss meeting',
      ownerId: s.memberId,
      occurredAt: at.toISOString(),
      durationSeconds: 1800,
    });
    await createOk(s, '/tasks', { title: 'Boss task', assigneeId: s.memberId, dueAt: at.toISOString() });
    const window = `from=${new Date(Date.now() - 86_400_000).toISOString()}&to=${new Date(Date.now() + 3 * 86_400_000).toISOString()}&members=${s.memberId}`;
    const titles = async () =>
      (await api(me).get(`/calendar?${window}`))
        .json()
        .data.map((i: { title: string }) => i.title)
        .sort();
    // Unrestricted, the colleague's calendar shows both.
    expect(await titles()).toEqual(['Boss meeting', 'Boss task']);
    const p = await createOk(s, '/access-profiles', {
      name: 'Own',
      rights: { activity: rights({ read: 'own' }), task: rights({ read: 'own' }) },
    });
    await api(s).put(`/members/${me.memberId}/access-profile`, { profileId: p.id });
    expect(await titles()).toEqual([]);
  });

  it('shows a pair of suspected duplicates only when the role reaches both records', async () => {
    const s = await signUp();
    const me = await addMember(s, 'member');
    const mine = await createOk(s, '/contacts', {
      firstName: 'Ada',
      lastName: 'Mine',
      ownerId: me.memberId,
      emails: [{ value: 'ada@dup.example' }],
    });
    const theirs = await createOk(s, '/contacts', {
      firstName: 'Ada',
      lastName: 'Theirs',
      ownerId: s.memberId,
      emails: [{ value: 'ada@dup.example' }],
    });
    await queueDuplicatesOf((await testDatabase()).db, s.workspaceId, 'contact', [mine.id, theirs.id]);
    const pairs = async () => (await api(me).get('/duplicates?type=contact')).json().data as unknown[];
    expect(await pairs()).toHaveLength(1);
    const p = await createOk(s, '/access-profiles', { name: 'Own', rights: { contact: rights({ read: 'own' }) } });
    await api(s).put(`/members/${me.memberId}/access-profile`, { profileId: p.id });
    // The other side would name a contact the member may not see.
    expect(await pairs()).toEqual([]);
  });

  it('imports a row naming a contact out of reach as a contact of the member’s own, leaving the other untouched', async () => {
    const s = await signUp();
    const me = await addMember(s, 'member');
    const theirs = await createOk(s, '/contacts', {
      firstName: 'Olga',
      lastName: 'Other',
      ownerId: s.memberId,
      emails: [{ value: 'olga@reach.example' }],
    });
    const p = await createOk(s, '/access-profiles', {
      name: 'Own',
      rights: { contact: rights({ read: 'own', edit: 'own', create: true, import: true }) },
    });
    await api(s).put(`/members/${me.memberId}/access-profile`, { profileId: p.id });
    const r = await api(me).post(
      '/imports/contacts?dedupe=update',
      'First name,Last name,Email,Title\nOlga,Changed,olga@reach.example,Spy\n',
      {
        'content-type': 'text/csv',
      },
    );
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json()).toMatchObject({ created: 1, updated: 0, duplicates: 0 });
    const still = (await api(s).get(`/contacts/${theirs.id}`)).json();
    expect(still).toMatchObject({ lastName: 'Other', title: null, version: theirs.version });
  });
});

describe('the trash under a role', () => {
  it('lists only the deleted records the member may see', async () => {
    const s = await signUp();
    const me = await addMember(s, 'member');
    const p = await createOk(s, '/access-profiles', { name: 'Own', rights: { contact: rights({ read: 'own' }) } });
    const mine = await createOk(s, '/contacts', { firstName: 'Mine', ownerId: me.memberId });
    const hidden = await createOk(s, '/contacts', { firstName: 'Hidden', ownerId: s.memberId });
    for (const c of [mine, hidden]) expect((await api(s).delete(`/contacts/${c.id}`)).statusCode).toBe(200);
    const ids = async () =>
      (await api(me).get('/trash'))
        .json()
        .data.map((r: { id: string }) => r.id)
        .sort();
    expect(await ids()).toEqual([mine.id, hidden.id].sort());
    await api(s).put(`/members/${me.memberId}/access-profile`, { profileId: p.id });
    expect(await ids()).toEqual([mine.id]);
  });
});

describe('static lists under a role', () => {
  it('count and page only the records the member may see', async () => {
    const s = await signUp();
    const me = await addMember(s, 'member');
    const p = await createOk(s, '/access-profiles', { name: 'Own', rights: { contact: rights({ read: 'own' }) } });
    const mine = await createOk(s, '/contacts', { firstName: 'Mine', ownerId: me.memberId });
    const hidden = await createOk(s, '/contacts', { firstName: 'Hidden', ownerId: s.memberId });
    const list = await createOk(s, '/lists', { name: 'VIP', objectType: 'contact' });
    expect((await api(s).post(`/lists/${list.id}/members`, { ids: [mine.id, hidden.id] })).statusCode).toBe(200);
    expect((await api(me).get(`/lists/${list.id}`)).json().memberCount).toBe(2);
    await api(s).put(`/members/${me.memberId}/access-profile`, { profileId: p.id });
    const after = await api(me).get(`/lists/${list.id}`);
    expect(after.json().memberCount, after.body).toBe(1);
    expect((await api(me).get(`/lists/${list.id}/members`)).json().data.map((m: { id: string }) => m.id)).toEqual([mine.id]);
  });
});

describe('reports under a role', () => {
  it('sum only the deals the member may see, as does the board', async () => {
    const s = await signUp();
    const me = await addMember(s, 'member');
    const p = await createOk(s, '/access-profiles', { name: 'Own', rights: { deal: rights({ read: 'own' }) } });
    const stageId = (await api(s).get('/pipelines')).json().data[0].stages[0].id;
    await createOk(s, '/deals', { name: 'Mine', stageId, amountMinor: 100, ownerId: me.memberId });
    await createOk(s, '/deals', { name: 'Not mine', stageId, amountMinor: 900, ownerId: s.memberId });
    const owners = async () =>
      (await api(me).get('/reports/pipeline')).json().byOwner.map((o: { ownerId: string; count: number }) => [o.ownerId, o.count]);
    const pipelineId = (await api(s).get('/pipelines')).json().data[0].id;
    const onBoard = async () =>
      (await api(me).get(`/pipelines/${pipelineId}/board`)).json().stages.find((st: { stageId: string }) => st.stageId === stageId).count;
    expect((await owners()).length).toBe(2);
    expect(await onBoard()).toBe(2);
    await api(s).put(`/members/${me.memberId}/access-profile`, { profileId: p.id });
    expect(await owners()).toEqual([[me.memberId, 1]]);
    expect(await onBoard()).toBe(1);
  });
});
