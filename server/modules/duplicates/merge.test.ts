import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { api, signUp } from '../../test/harness.ts';
import { createOk } from '../../test/samples.ts';
import { addChampionField, buildWorld, firstStage, linkedTo, references, snapshot, type WorldPlan } from './merge.fixture.ts';

describe('merging contacts', () => {
  it('moves the timeline, tasks, deals and companies to the survivor, takes the picked fields, and trashes the rest', async () => {
    const s = await signUp();
    const acme = await createOk(s, '/companies', { name: 'Acme' });
    const globex = await createOk(s, '/companies', { name: 'Globex' });
    const ada = await createOk(s, '/contacts', {
      firstName: 'Ada',
      lastName: 'Lovelace',
      title: 'Analyst',
      emails: [{ value: 'ada@acme.example' }],
      companies: [{ companyId: acme.id, isPrimary: true }],
    });
    const dup = await createOk(s, '/contacts', {
      firstName: 'Augusta Ada',
      lastName: 'King',
      emails: [{ value: 'ada@globex.example' }],
      phones: [{ value: '+442071234567' }],
      companies: [{ companyId: globex.id, isPrimary: true }],
    });
    const note = await createOk(s, '/activities', {
      type: 'note',
      body: 'Met at the fair',
      links: [{ recordType: 'contact', recordId: dup.id }],
    });
    const task = await createOk(s, '/tasks', { title: 'Call back', links: [{ recordType: 'contact', recordId: dup.id }] });
    const deal = await createOk(s, '/deals', { name: 'Engines', stageId: await firstStage(s), contacts: [{ contactId: dup.id }] });

    const r = await api(s).post('/contacts/merge', { survivorId: ada.id, mergedIds: [dup.id], fields: { lastName: dup.id } });
    expect(r.statusCode, r.body).toBe(200);
    const { merge, survivor } = r.json();
    expect(survivor).toMatchObject({
      firstName: 'Ada',
      lastName: 'King',
      title: 'Analyst',
      emails: [{ value: 'ada@acme.example' }, { value: 'ada@globex.example' }],
      phones: [{ e164: '+442071234567' }],
    });
    expect(survivor.companies.map((c: { name: string; isPrimary: boolean }) => [c.name, c.isPrimary])).toEqual([
      ['Acme', true],
      ['Globex', false],
    ]);
    const timeline = (await api(s).get(`/contacts/${ada.id}/timeline`)).json().data;
    expect(timeline.map((a: { id: string }) => a.id)).toContain(note.id);
    expect((await api(s).get(`/contacts/${ada.id}/tasks`)).json().data.map((t: { id: string }) => t.id)).toEqual([task.id]);
    expect((await api(s).get(`/contacts/${ada.id}/deals`)).json().data.map((d: { id: string }) => d.id)).toEqual([deal.id]);
    expect((await api(s).get(`/contacts/${dup.id}`)).json().deletedAt).not.toBeNull();
    // In the trash, marked as merged into the survivor.
    const trashed = (await api(s).get('/trash?type=contact')).json().data;
    expect(trashed.map((i: { id: string; mergedInto: string | null }) => [i.id, i.mergedInto])).toEqual([[dup.id, ada.id]]);
    const history = (await api(s).get(`/contacts/${ada.id}/history`)).json().data;
    expect(history.some((h: { action: string; field: string | null }) => h.action === 'merge' && h.field === 'lastName')).toBe(true);
    expect(history.some((h: { action: string; field: string | null }) => h.action === 'merge' && h.field === null)).toBe(true);

    const undo = await api(s).post(`/merges/${merge.id}/undo`, {});
    expect(undo.statusCode, undo.body).toBe(200);
    expect(undo.json().undoneAt).not.toBeNull();
    expect((await api(s).get(`/contacts/${dup.id}`)).json().deletedAt).toBeNull();
    // Deleted again by hand after the undo, it is no longer "merged".
    await api(s).delete(`/contacts/${dup.id}`);
    expect((await api(s).get('/trash?type=contact')).json().data[0].mergedInto).toBeNull();
    await api(s).post(`/contacts/${dup.id}/restore`, {});
    expect((await api(s).get(`/contacts/${ada.id}`)).json()).toMatchObject({
      lastName: 'Lovelace',
      emails: [{ value: 'ada@acme.example' }],
      phones: [],
    });
    expect((await api(s).get(`/contacts/${dup.id}/tasks`)).json().data.map((t: { id: string }) => t.id)).toEqual([task.id]);
    expect((await api(s).post(`/merges/${merge.id}/undo`, {})).statusCode).toBe(409);
  });

  it('refuses bad merges with a problem naming the field, and writes nothing', async () => {
    const s = await signUp();
    const other = await signUp();
    const a = await createOk(s, '/contacts', { lastName: 'A' });
    const b = await createOk(s, '/contacts', { lastName: 'B' });
    const gone = await createOk(s, '/contacts', { lastName: 'Gone' });
    await api(s).delete(`/contacts/${gone.id}`);
    const foreign = await createOk(other, '/contacts', { lastName: 'Foreign' });
    const cases: [unknown, number, string, string][] = [
      [{ survivorId: a.id, mergedIds: [a.id] }, 422, 'body.mergedIds.0', 'same_as_survivor'],
      [{ survivorId: a.id, mergedIds: [b.id, b.id] }, 422, 'body.mergedIds.1', 'duplicate'],
      [{ survivorId: a.id, mergedIds: [foreign.id] }, 422, 'body.mergedIds.0', 'unknown_record'],
      [{ survivorId: foreign.id, mergedIds: [a.id] }, 422, 'body.survivorId', 'unknown_record'],
      [{ survivorId: a.id, mergedIds: [gone.id] }, 422, 'body.mergedIds.0', 'record_deleted'],
      [{ survivorId: a.id, mergedIds: [b.id], fields: { lastName: foreign.id } }, 422, 'body.fields.lastName', 'not_in_merge'],
      [{ survivorId: a.id, mergedIds: [b.id], fields: { version: b.id } }, 422, 'body.fields.version', 'unknown_field'],
      [{ survivorId: a.id, mergedIds: Array.from({ length: 10 }, () => b.id) }, 400, 'body.mergedIds', 'too_long'],
    ];
    for (const [body, status, field] of cases) {
      const r = await api(s).post('/contacts/merge', body);
      expect(r.statusCode, `${JSON.stringify(body)} → ${r.body}`).toBe(status);
      expect(r.headers['content-type']).toContain('application/problem+json');
      expect(r.json().errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    const stale = await api(s).post('/contacts/merge', { survivorId: a.id, mergedIds: [b.id], versions: { [b.id]: 7 } });
    expect(stale.statusCode).toBe(409);
    expect((await api(s).get(`/contacts/${b.id}`)).json().deletedAt).toBeNull();
    expect((await api(other).get(`/merges/${'0'.repeat(8)}-0000-7000-8000-000000000000`)).statusCode).toBe(404);
  });

  it('refuses to undo a merge whose survivor was edited since', async () => {
    const s = await signUp();
    const a = await createOk(s, '/contacts', { lastName: 'A' });
    const b = await createOk(s, '/contacts', { lastName: 'B' });
    const { merge, survivor } = (await api(s).post('/contacts/merge', { survivorId: a.id, mergedIds: [b.id] })).json();
    await api(s).patch(`/contacts/${a.id}`, { title: 'Edited', version: survivor.version });
    const r = await api(s).post(`/merges/${merge.id}/undo`, {});
    expect(r.statusCode).toBe(409);
    expect(r.json().code).toBe('changed_since_merge');
  });
});

const index = fc.nat({ max: 5 });
const plan = fc.record<WorldPlan>({
  contacts: fc.integer({ min: 2, max: 5 }),
  companies: fc.integer({ min: 1, max: 3 }),
  activities: fc.array(fc.array(index, { maxLength: 3 }), { maxLength: 4 }),
  tasks: fc.array(fc.array(index, { minLength: 1, maxLength: 3 }), { maxLength: 3 }),
  deals: fc.array(fc.record({ contacts: fc.array(index, { maxLength: 3 }), company: fc.option(index), champion: fc.option(index) }), {
    maxLength: 3,
  }),
  employers: fc.array(fc.array(fc.nat({ max: 2 }), { maxLength: 2 }), { maxLength: 5 }),
  conversions: fc.array(fc.record({ contact: index, company: index }), { maxLength: 2 }),
});

describe('merge, as a property', () => {
  it('leaves every relation on the survivor and none on the merged records, and undo restores every row exactly', async () => {
    await fc.assert(
      fc.asyncProperty(plan, fc.constantFrom('contact' as const, 'company' as const), fc.nat(), fc.nat(), async (p, type, pickS, pickM) => {
        const s = await signUp();
        await addChampionField(s);
        const world = await buildWorld(s, p);
        const ids = type === 'contact' ? world.contacts : world.companies;
        if (ids.length < 2) return;
        const survivorId = ids[pickS % ids.length];
        const others = ids.filter((id) => id !== survivorId);
        // A non-empty subset of the others, drawn from the bits of pickM.
        const mergedIds = others.filter((_, i) => (pickM >> i) & 1);
        if (!mergedIds.length) mergedIds.push(others[0]);
        const involved = [survivorId, ...mergedIds];

        const before = await snapshot(s.workspaceId, involved);
        const linkedBefore = await linkedTo(s.workspaceId, involved);
        const r = await api(s).post(`/${type === 'contact' ? 'contacts' : 'companies'}/merge`, { survivorId, mergedIds });
        expect(r.statusCode, r.body).toBe(200);

        // Nothing names a merged record any more; the survivor is linked to everything any of them was.
        const refs = await references(s.workspaceId, mergedIds);
        expect([...refs.entries()]).toEqual([]);
        expect(await linkedTo(s.workspaceId, [survivorId])).toEqual(linkedBefore);

        const undo = await api(s).post(`/merges/${r.json().merge.id}/undo`, {});
        expect(undo.statusCode, undo.body).toBe(200);
        expect(await snapshot(s.workspaceId, involved)).toEqual(before);
      }),
      { numRuns: 12, seed: 20260613, endOnFailure: true },
    );
  }, 300_000);
});
