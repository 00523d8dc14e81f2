import { describe, expect, it } from 'vitest';
import { api, countRows, signUp, testApp, testDatabase } from '../../test/harness.ts';

const f = (filter: unknown) => encodeURIComponent(JSON.stringify(filter));

describe('custom objects', () => {
  it('get everything a built-in object has: fields, relations, filters, views, history, timeline, tasks, search, bulk, trash', async () => {
    const s = await signUp();
    const c = api(s);
    const made = await c.post('/objects', { key: 'project', label: 'Project', labelPlural: 'Projects', icon: 'folder' });
    expect(made.statusCode, made.body).toBe(201);
    expect(made.json()).toMatchObject({ key: 'project', label: 'Project', recordCount: 0 });
    for (const field of [
      { key: 'budget', label: 'Budget', type: 'number' },
      { key: 'phase', label: 'Phase', type: 'select', options: ['plan', 'build', 'done'] },
      { key: 'client', label: 'Client', type: 'relation', target: 'company' },
      { key: 'due', label: 'Due', type: 'date' },
    ]) {
      const r = await c.post('/fields', { objectType: 'project', ...field });
      expect(r.statusCode, r.body).toBe(201);
    }
    const acme = (await c.post('/companies', { name: 'Acme' })).json();
    const web = await c.post('/objects/project/records', {
      name: 'Website relaunch',
      custom: { budget: 12000, phase: 'build', client: acme.id.toUpperCase(), due: '2027-03-31' },
    });
    expect(web.statusCode, web.body).toBe(201);
    expect(web.json()).toMatchObject({ objectKey: 'project', name: 'Website relaunch', ownerId: s.memberId, custom: { client: acme.id } });
    const office = (await c.post('/objects/project/records', { name: 'Office move', custom: { budget: 3000, phase: 'plan' } })).json();

    // A relation must name a live record of its target in this workspace.
    const foreign = (await api(await signUp()).post('/companies', { name: 'Theirs' })).json();
    for (const bad of ['00000000-0000-7000-8000-000000000000', foreign.id, 'not-an-id']) {
      const r = await c.post('/objects/project/records', { name: 'X', custom: { client: bad } });
      expect(r.statusCode, bad).toBe(422);
      expect(r.json().errors[0].field).toBe('body.custom.client');
    }
    expect((await c.post('/objects/project/records', { name: 'X', custom: { phase: 'someday' } })).statusCode).toBe(422);

    // Lists filter and sort by built-in and custom fields, relations included.
    const names = async (q: string) => (await c.get(`/objects/project/records?${q}`)).json().data.map((r: { name: string }) => r.name);
    expect(await names(`filter=${f({ field: 'custom.phase', op: 'eq', value: 'build' })}`)).toEqual(['Website relaunch']);
    expect(await names(`filter=${f({ field: 'custom.client', op: 'eq', value: acme.id })}`)).toEqual(['Website relaunch']);
    expect(await names(`filter=${f({ field: 'name', op: 'contains', value: 'move' })}`)).toEqual(['Office move']);
    expect(await names('sort=custom.budget')).toEqual(['Office move', 'Website relaunch']);
    expect((await c.get(`/objects/project/records?filter=${f({ field: 'custom.nope', op: 'eq', value: 1 })}`)).statusCode).toBe(400);

    // A saved view of projects.
    const view = await c.post('/views', {
      objectType: 'project',
      name: 'Building',
      filter: { field: 'custom.phase', op: 'eq', value: 'build' },
      columns: ['name', 'custom.phase'],
      visibility: 'shared',
    });
    expect(view.statusCode, view.body).toBe(201);
    const viewed = (await c.get(`/objects/project/records?view=${view.json().id}`)).json().data;
    expect(viewed).toEqual([{ id: web.json().id, version: 1, name: 'Website relaunch', custom: web.json().custom }]);

    // History of an edit; a stale version is refused.
    const id = web.json().id;
    expect((await c.patch(`/objects/project/records/${id}`, { version: 1, name: 'Website relaunch 2027' })).statusCode).toBe(200);
    expect((await c.patch(`/objects/project/records/${id}`, { version: 1, name: 'Lost update' })).statusCode).toBe(409);
    const history = (await c.get(`/objects/project/records/${id}/history`)).json().data;
    expect(history[0]).toMatchObject({ field: 'name', oldValue: 'Website relaunch', newValue: 'Website relaunch 2027' });

    // A note on its timeline and a task on it, like any record.
    const note = await c.post('/activities', {
      type: 'note',
      body: 'Kick-off done',
      links: [{ recordType: 'custom_record', recordId: id }],
    });
    expect(note.statusCode, note.body).toBe(201);
    const timeline = (await c.get(`/custom-records/${id}/timeline`)).json().data;
    expect(timeline.map((a: { body: string }) => a.body)).toEqual(['Kick-off done']);
    expect((await c.get(`/objects/project/records/${id}`)).json().lastActivityAt).not.toBeNull();
    await c.post('/tasks', { title: 'Send the plan', links: [{ recordType: 'custom_record', recordId: id }] });
    expect((await c.get(`/custom-records/${id}/tasks`)).json().data.map((t: { title: string }) => t.title)).toEqual(['Send the plan']);

    // Found by Ctrl+K search, with its object's key for the address.
    const hits = (await c.get('/search?q=relaunch')).json().data;
    expect(hits).toEqual([expect.objectContaining({ type: 'custom_record', id, subtitle: 'project' })]);

    // Bulk edit, trash and restore.
    const colleague = (await c.get('/members')).json().data[0].id;
    const bulk = await c.post('/objects/project/records/bulk-update', {
      filter: { field: 'custom.phase', op: 'eq', value: 'plan' },
      set: { ownerId: colleague },
    });
    expect(bulk.json()).toEqual({ matched: 1, updated: 0 });
    expect((await c.delete(`/objects/project/records/${office.id}`)).json().deletedAt).not.toBeNull();
    expect(await names('')).toEqual(['Website relaunch 2027']);
    expect((await c.post(`/objects/project/records/${office.id}/restore`)).json().deletedAt).toBeNull();
    expect((await c.get('/objects')).json().data).toEqual([expect.objectContaining({ key: 'project', recordCount: 2 })]);
  });

  it('keeps each object’s records to itself, and to its workspace', async () => {
    const s = await signUp();
    const c = api(s);
    await c.post('/objects', { key: 'property', label: 'Property', labelPlural: 'Properties' });
    await c.post('/objects', { key: 'candidate', label: 'Candidate', labelPlural: 'Candidates' });
    const house = (await c.post('/objects/property/records', { name: 'Elm Street 1' })).json();
    expect((await c.get(`/objects/candidate/records/${house.id}`)).statusCode).toBe(404);
    expect((await c.patch(`/objects/candidate/records/${house.id}`, { version: 1, name: 'X' })).statusCode).toBe(404);
    expect((await c.get('/objects/candidate/records')).json().data).toEqual([]);
    const other = api(await signUp());
    expect((await other.get('/objects/property/records')).statusCode).toBe(404);
    expect((await other.get(`/custom-records/${house.id}/timeline`)).statusCode).toBe(404);
  });

  it('asks before trashing an object with records, hides them with it, and brings them back', async () => {
    const s = await signUp();
    const c = api(s);
    await c.post('/objects', { key: 'listing', label: 'Listing', labelPlural: 'Listings' });
    const rec = (await c.post('/objects/listing/records', { name: 'Loft with a view' })).json();
    const asked = await c.delete('/objects/listing');
    expect(asked.statusCode).toBe(409);
    expect(asked.json()).toMatchObject({ code: 'has_records', recordCount: 1 });
    expect((await c.delete('/objects/listing?confirm=true')).json().deletedAt).not.toBeNull();
    expect((await c.get('/objects')).json().data).toEqual([]);
    expect((await c.get(`/objects/listing/records/${rec.id}`)).statusCode).toBe(404);
    expect((await c.get('/search?q=loft')).json().data).toEqual([]);
    const again = await c.post('/objects', { key: 'listing', label: 'Listing', labelPlural: 'Listings' });
    expect(again.json().code).toBe('key_in_trash');
    expect((await c.post('/objects/listing/restore')).json().deletedAt).toBeNull();
    expect((await c.get(`/objects/listing/records/${rec.id}`)).json().name).toBe('Loft with a view');
    expect((await c.get('/search?q=loft')).json().data.map((h: { id: string }) => h.id)).toEqual([rec.id]);
  });

  it('refuses a definition that clashes with a built-in name, a reserved word or another object, or exceeds the limit', async () => {
    const s = await signUp();
    const c = api(s);
    for (const key of ['company', 'deals', 'objects', 'custom_record']) {
      const r = await c.post('/objects', { key, label: 'X', labelPlural: 'Xs' });
      expect(r.statusCode, key).toBe(422);
      expect(r.json().errors[0]).toMatchObject({ field: 'body.key', code: 'reserved' });
    }
    expect((await c.post('/objects', { key: 'Bad-Key', label: 'X', labelPlural: 'Xs' })).statusCode).toBe(400);
    expect((await c.post('/objects', { key: 'asset', label: 'Asset', labelPlural: 'Assets' })).statusCode).toBe(201);
    expect((await c.post('/objects', { key: 'asset', label: 'Asset', labelPlural: 'Assets' })).json().code).toBe('key_taken');
    const field = await c.post('/fields', { objectType: 'nothing_here', key: 'k', label: 'K', type: 'text' });
    expect(field.json().errors[0]).toMatchObject({ field: 'body.objectType', code: 'unknown_object' });
    const relation = await c.post('/fields', { objectType: 'asset', key: 'owner_company', label: 'Owner', type: 'relation' });
    expect(relation.json().errors[0]).toMatchObject({ field: 'body.target', code: 'required' });
    const db = await testDatabase();
    await db.query(
      `insert into object_types (workspace_id, id, key, label, label_plural) select $1, gen_random_uuid(), 'filler' || g, 'F', 'Fs' from generate_series(1, 49) g`,
      [s.workspaceId],
    );
    const over = await c.post('/objects', { key: 'one_more', label: 'One more', labelPlural: 'One more' });
    expect(over.json().errors[0]).toMatchObject({ field: 'body.key', code: 'too_many' });
    expect(await countRows('object_types', s.workspaceId)).toBe(50);
  });

  it('has every record route in the route table, so the generated suites cover it', async () => {
    const app = await testApp();
    const routes = app.routeTable.map((r) => `${r.method} ${r.url}`);
    for (const route of [
      'GET /api/v1/objects/:objectKey/records',
      'POST /api/v1/objects/:objectKey/records',
      'GET /api/v1/objects/:objectKey/records/:id',
      'PATCH /api/v1/objects/:objectKey/records/:id',
      'DELETE /api/v1/objects/:objectKey/records/:id',
      'POST /api/v1/objects/:objectKey/records/:id/restore',
      'GET /api/v1/objects/:objectKey/records/:id/history',
      'POST /api/v1/objects/:objectKey/records/bulk-update',
      'GET /api/v1/custom-records/:id/timeline',
      'GET /api/v1/custom-records/:id/tasks',
    ]) {
      expect(routes).toContain(route);
    }
  });
});
