import { describe, expect, it } from 'vitest';
import { api, type Session, signUp, testDatabase } from '../../test/harness.ts';
import { createOk } from '../../test/samples.ts';
import { scanBatch } from './duplicates.service.ts';
import { firstStage } from './merge.fixture.ts';

// Deals have duplicate rules and merges like contacts, companies and leads (issue 13: "rules per
// object"): alike by name, more so for the same company; a merge moves contacts, timeline and tasks.

type Candidate = { id: string; type: string; title: string; score: number; reasons: string[] };

async function check(s: Session, body: unknown): Promise<Candidate[]> {
  const r = await api(s).post('/deals/duplicates-check', body);
  expect(r.statusCode, r.body).toBe(200);
  return r.json().candidates;
}

describe('deal duplicates', () => {
  it('finds look-alike deal names before create, ranked higher for the same company, never another workspace’s or a trashed one', async () => {
    const s = await signUp();
    const stageId = await firstStage(s);
    const acme = await createOk(s, '/companies', { name: 'Acme' });
    const globex = await createOk(s, '/companies', { name: 'Globex' });
    const atAcme = await createOk(s, '/deals', { name: 'Acme renewal 2027', stageId, companyId: acme.id });
    const elsewhere = await createOk(s, '/deals', { name: 'Acme renewals 2027', stageId, companyId: globex.id });
    await createOk(s, '/deals', { name: 'Website redesign', stageId });
    const trashed = await createOk(s, '/deals', { name: 'Acme renewal 2027', stageId });
    expect((await api(s).delete(`/deals/${trashed.id}`)).statusCode).toBe(200);
    const other = await signUp();
    await createOk(other, '/deals', { name: 'Acme renewal 2027', stageId: await firstStage(other) });

    const found = await check(s, { name: 'ACME Renewal 2027', stageId, companyId: acme.id });
    expect(found.map((c) => c.id)).toEqual([atAcme.id, elsewhere.id]);
    expect(found[0]).toMatchObject({ type: 'deal', title: 'Acme renewal 2027', reasons: ['name', 'company'] });
    expect(found[0].score).toBeGreaterThan(found[1].score);
    expect(found[1].reasons).toEqual(['name']);
    // Unlike names are no duplicates, even for one company.
    expect(await check(s, { name: 'Support contract', stageId, companyId: acme.id })).toEqual([]);
    // The check is the create's body: what the create refuses, it refuses, naming the field.
    const bad = await api(s).post('/deals/duplicates-check', { name: 'Acme', stageId, companyId: 'not-a-uuid' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe('body.companyId');
  });

  it('puts new look-alike deals in the review queue, finds the same pairs in a scan, and lists them by type', async () => {
    const s = await signUp();
    const stageId = await firstStage(s);
    const a = await createOk(s, '/deals', { name: 'Initech ERP rollout', stageId });
    const b = await createOk(s, '/deals', { name: 'Initech ERP roll-out', stageId });
    await createOk(s, '/deals', { name: 'Hooli licences', stageId });
    const pairsOf = async () => {
      const r = await api(s).get('/duplicates?type=deal');
      expect(r.statusCode, r.body).toBe(200);
      return r.json().data.map((p: { type: string; records: { id: string }[]; reasons: string[] }) => ({
        type: p.type,
        ids: p.records.map((x) => x.id).sort(),
        reasons: p.reasons,
      }));
    };
    const expected = [{ type: 'deal', ids: [a.id, b.id].sort(), reasons: ['name'] }];
    // The create's event is read by the duplicates consumer in the background.
    for (let i = 0; i < 100 && (await pairsOf()).length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await pairsOf()).toEqual(expected);

    const db = await testDatabase();
    await db.query('delete from duplicate_pairs where workspace_id = $1', [s.workspaceId]);
    await db.db.transaction(async (tx) => {
      expect(await scanBatch(tx, s.workspaceId, 'deal', null)).toBeNull();
    });
    expect(await pairsOf()).toEqual(expected);
  });

  it('merges deals: contacts, timeline and tasks move to the survivor, picked fields win, and undo puts everything back', async () => {
    const s = await signUp();
    const stageId = await firstStage(s);
    const stages = (await api(s).get('/pipelines')).json().data[0].stages;
    const ann = await createOk(s, '/contacts', { firstName: 'Ann', lastName: 'Buyer' });
    const bob = await createOk(s, '/contacts', { firstName: 'Bob', lastName: 'Signer' });
    const keep = await createOk(s, '/deals', {
      name: 'Umbrella fleet',
      stageId,
      amountMinor: 100_000,
      currency: 'EUR',
      contacts: [{ contactId: ann.id }],
    });
    const dup = await createOk(s, '/deals', {
      name: 'Umbrella fleet deal',
      stageId: stages[1].id,
      amountMinor: 250_000,
      currency: 'USD',
      contacts: [{ contactId: ann.id }, { contactId: bob.id }],
    });
    const note = await createOk(s, '/activities', {
      type: 'note',
      body: 'Asked for a quote',
      links: [{ recordType: 'deal', recordId: dup.id }],
    });
    const task = await createOk(s, '/tasks', { title: 'Send the quote', links: [{ recordType: 'deal', recordId: dup.id }] });
    const before = (await api(s).get(`/deals/${keep.id}`)).json();

    const r = await api(s).post('/deals/merge', { survivorId: keep.id, mergedIds: [dup.id], fields: { amount: dup.id, stageId: dup.id } });
    expect(r.statusCode, r.body).toBe(200);
    const { survivor, merge } = r.json();
    expect(survivor).toMatchObject({ name: 'Umbrella fleet', amountMinor: 250_000, currency: 'USD', stageId: stages[1].id });
    expect(survivor.contacts.map((c: { contactId: string }) => c.contactId).sort()).toEqual([ann.id, bob.id].sort());
    expect((await api(s).get(`/deals/${dup.id}`)).json().deletedAt).not.toBeNull();
    const timeline = (await api(s).get(`/deals/${keep.id}/timeline`)).json().data.map((x: { id: string }) => x.id);
    expect(timeline).toContain(note.id);
    const tasks = (await api(s).get(`/deals/${keep.id}/tasks`)).json().data.map((x: { id: string }) => x.id);
    expect(tasks).toContain(task.id);

    const undo = await api(s).post(`/merges/${merge.id}/undo`, {});
    expect(undo.statusCode, undo.body).toBe(200);
    const after = (await api(s).get(`/deals/${keep.id}`)).json();
    expect({ ...after, version: 0, updatedAt: '' }).toEqual({ ...before, version: 0, updatedAt: '' });
    const back = (await api(s).get(`/deals/${dup.id}`)).json();
    expect(back.deletedAt).toBeNull();
    expect(back.contacts.map((c: { contactId: string }) => c.contactId).sort()).toEqual([ann.id, bob.id].sort());
    expect((await api(s).get(`/deals/${dup.id}/timeline`)).json().data.map((x: { id: string }) => x.id)).toContain(note.id);
  });
});
