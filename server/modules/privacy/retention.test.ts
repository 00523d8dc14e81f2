import { uuidv7 } from 'uuidv7';
import { describe, expect, it } from 'vitest';
import { addMember, api, type Session, signUp, testDatabase } from '../../test/harness.ts';
import { createOk } from '../../test/samples.ts';
import { retentionJob } from './retention.jobs.ts';

const q = async <T = Record<string, unknown>>(text: string, params: unknown[] = []) => (await testDatabase()).query<T>(text, params);

/** A record created, moved to the trash, and its move set `days` back (as if it had happened then). */
async function trashed(s: Session, path: string, table: string, body: Record<string, unknown>, days: number) {
  const r = await createOk(s, path, body);
  const del = await api(s).delete(`${path}/${r.id}`, { 'if-match': `"${r.version}"` });
  if (del.statusCode !== 200) throw new Error(`DELETE ${path}/${r.id} → ${del.statusCode} ${del.body}`);
  await q(`update ${table} set deleted_at = now() - make_interval(days => $3) where workspace_id = $1 and id = $2`, [
    s.workspaceId,
    r.id,
    days,
  ]);
  return r.id;
}

const present = async (workspaceId: string, table: string, id: string) =>
  (await q(`select 1 from ${table} where workspace_id = $1 and id = $2`, [workspaceId, id])).length === 1;

async function runRetention(workspaceId: string) {
  return retentionJob.run({
    id: uuidv7(),
    input: { workspaceId },
    workspaceId: null,
    attempt: 1,
    maxAttempts: 3,
    db: (await testDatabase()).db,
    database: await testDatabase(),
    signal: new AbortController().signal,
    progress: async () => {},
    log: { info() {}, warn() {}, error() {} },
  });
}

describe('retention rules', () => {
  it('deletes for good what has been in the trash past its object’s days, and nothing else', async () => {
    const a = await signUp();
    const b = await signUp();
    const old = await trashed(a, '/leads', 'leads', { lastName: 'Old lead' }, 40);
    const recent = await trashed(a, '/leads', 'leads', { lastName: 'Recent lead' }, 10);
    const live = await createOk(a, '/leads', { lastName: 'Live lead' });
    await q(`update leads set updated_at = now() - interval '400 days' where workspace_id = $1 and id = $2`, [a.workspaceId, live.id]);
    const oldContact = await trashed(a, '/contacts', 'contacts', { lastName: 'Old contact' }, 40);
    // Under legal hold: kept whatever the rule says.
    const held = await trashed(a, '/contacts', 'contacts', { lastName: 'Held contact' }, 40);
    expect((await api(a).put(`/contacts/${held}/legal-hold`, { reason: 'Litigation' })).statusCode).toBe(200);
    // No rule for companies: their trash is kept.
    const company = await trashed(a, '/companies', 'companies', { name: 'Old company' }, 400);
    // Another workspace without rules keeps its old trash.
    const otherWorkspace = await trashed(b, '/leads', 'leads', { lastName: 'Not ours' }, 400);

    expect((await api(a).put('/privacy/retention-rules/lead', { days: 30 })).json()).toMatchObject({ objectType: 'lead', days: 30 });
    expect((await api(a).put('/privacy/retention-rules/contact', { days: 30 })).statusCode).toBe(200);
    const rules = (await api(a).get('/privacy/retention-rules')).json().data;
    expect(rules.map((r: { objectType: string; days: number }) => [r.objectType, r.days])).toEqual([
      ['contact', 30],
      ['lead', 30],
    ]);

    expect(await runRetention(a.workspaceId)).toEqual({ rules: 2, purged: 2 });
    expect(await present(a.workspaceId, 'leads', old)).toBe(false);
    expect(await present(a.workspaceId, 'contacts', oldContact)).toBe(false);
    for (const [workspaceId, table, id] of [
      [a.workspaceId, 'leads', recent],
      [a.workspaceId, 'leads', live.id],
      [a.workspaceId, 'contacts', held],
      [a.workspaceId, 'companies', company],
      [b.workspaceId, 'leads', otherWorkspace],
    ] as const) {
      expect(await present(workspaceId, table, id), `${table} ${id}`).toBe(true);
    }
    // The history says the record was purged, and the security log how many went by which rule.
    expect(
      await q(`select action from record_history where workspace_id = $1 and record_id = $2 order by id desc limit 1`, [
        a.workspaceId,
        old,
      ]),
    ).toEqual([{ action: 'purge' }]);
    const events = await q<{ kind: string; detail: unknown }>(
      `select kind, detail from security_events where workspace_id = $1 and kind in ('records.purged', 'retention.changed') order by id`,
      [a.workspaceId],
    );
    expect(events.map((e) => e.kind)).toEqual(['retention.changed', 'retention.changed', 'records.purged', 'records.purged']);
    // A second run finds nothing left to do.
    expect(await runRetention(a.workspaceId)).toEqual({ rules: 2, purged: 0 });
  });

  it('is for admins; a bad object type or number of days is refused naming it', async () => {
    const owner = await signUp();
    const member = await addMember(owner, 'member');
    expect((await api(member).put('/privacy/retention-rules/lead', { days: 30 })).statusCode).toBe(403);
    expect((await api(member).get('/privacy/retention-rules')).statusCode).toBe(403);
    const zero = await api(owner).put('/privacy/retention-rules/lead', { days: 0 });
    expect(zero.statusCode).toBe(400);
    expect(zero.body).toContain('days');
    const planet = await api(owner).put('/privacy/retention-rules/planet', { days: 30 });
    expect([400, 422]).toContain(planet.statusCode);
    expect(planet.body).toContain('objectType');
    expect((await api(owner).delete('/privacy/retention-rules/deal')).statusCode).toBe(404);
    await api(owner).put('/privacy/retention-rules/deal', { days: 90 });
    expect((await api(owner).delete('/privacy/retention-rules/deal')).statusCode).toBe(204);
    expect((await api(owner).get('/privacy/retention-rules')).json().data).toEqual([]);
  });
});
