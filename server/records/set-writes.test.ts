import { sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { describe, expect, it } from 'vitest';
import { selectRows } from '../db/client.ts';
import type { Ctx } from '../http/context.ts';
import { defOfKey, toCustomRecord } from '../modules/objects/objects.service.ts';
import { api, type Session, signUp, testDatabase } from '../test/harness.ts';
import { insertRecords, updateRecords } from './set-writes.ts';

// The engine's set-based writer on a custom object, whose definition exists only at run time: it
// proves the writer reads columns, history, events and search from the registry, not from a module.

const ctxOf = (s: Session): Ctx => ({
  workspaceId: s.workspaceId,
  memberId: s.memberId,
  actor: { type: 'member', id: s.memberId },
  role: 'owner',
  requestId: null,
});

async function gadgets(s: Session) {
  const key = `gadget${Date.now().toString(36)}${Math.floor(Math.random() * 1e6)}`;
  const made = await api(s).post('/objects', { key, label: 'Gadget', labelPlural: 'Gadgets', icon: 'box' });
  expect(made.statusCode, made.body).toBe(201);
  return { key, typeId: made.json().id as string };
}

const traces = async (workspaceId: string, recordId: string) => {
  const db = await testDatabase();
  return {
    history: await db.query<{ action: string; field: string | null; old_value: unknown; new_value: unknown; version: number }>(
      'select action, field, old_value, new_value, version from record_history where workspace_id = $1 and record_id = $2 order by id',
      [workspaceId, recordId],
    ),
    events: await db.query<{ type: string; payload: Record<string, unknown> }>(
      'select type, payload from domain_events where workspace_id = $1 and record_id = $2 order by seq',
      [workspaceId, recordId],
    ),
  };
};

const found = async (s: Session, q: string) =>
  ((await api(s).get(`/search?q=${encodeURIComponent(q)}`)).json().data as { id: string }[]).map((h) => h.id);

describe('set-based writes', () => {
  it('insert records of a custom object with history, events and search, and update them as a PATCH would', async () => {
    const s = await signUp();
    const { key, typeId } = await gadgets(s);
    const { db } = await testDatabase();
    const ctx = ctxOf(s);
    const ids = [uuidv7(), uuidv7()];
    const afters = await db.transaction(async (tx) => {
      const def = await defOfKey(tx, ctx, key);
      const [{ now }] = await selectRows<{ now: string }>(tx, sql`select now() as now`);
      const rows = ['Quokka lamp', 'Wombat chair'].map((name, i) => {
        const values = { id: ids[i], objectTypeId: typeId, name, ownerId: s.memberId, createdBy: s.memberId, custom: { n: i } };
        const at = new Date(now);
        const after = toCustomRecord(key)({
          ...values,
          workspaceId: s.workspaceId,
          lastActivityAt: null,
          version: 1,
          createdAt: at,
          updatedAt: at,
          deletedAt: null,
        });
        return { values, after };
      });
      await insertRecords(tx, ctx, def, rows);
      return rows.map((r) => r.after);
    });

    for (const [i, id] of ids.entries()) {
      const read = await api(s).get(`/objects/${key}/records/${id}`);
      expect(read.statusCode, read.body).toBe(200);
      expect(read.json()).toEqual(afters[i]);
      const { history, events } = await traces(s.workspaceId, id);
      expect(history).toEqual([{ action: 'create', field: null, old_value: null, new_value: afters[i], version: 1 }]);
      expect(events).toEqual([{ type: 'custom_record.created', payload: { after: afters[i] } }]);
    }
    expect(await found(s, 'quokka')).toEqual([ids[0]]);

    await db.transaction(async (tx) => {
      const def = await defOfKey(tx, ctx, key);
      await updateRecords(tx, ctx, def, [
        {
          id: ids[0],
          values: { name: 'Numbat lamp', custom: { n: 0 } },
          changes: [{ field: 'name', old: 'Quokka lamp', new: 'Numbat lamp' }],
        },
      ]);
    });
    const now = (await api(s).get(`/objects/${key}/records/${ids[0]}`)).json();
    expect(now).toMatchObject({ name: 'Numbat lamp', version: 2 });
    const { history, events } = await traces(s.workspaceId, ids[0]);
    expect(history.at(-1)).toEqual({ action: 'update', field: 'name', old_value: 'Quokka lamp', new_value: 'Numbat lamp', version: 2 });
    // The event's `after` is built by PostgreSQL from the object's projection: it reads like a GET.
    expect(events.at(-1)).toEqual({
      type: 'custom_record.updated',
      payload: { changes: [{ field: 'name', old: 'Quokka lamp', new: 'Numbat lamp' }], after: now },
    });
    expect(await found(s, 'numbat')).toEqual([ids[0]]);
    expect(await found(s, 'quokka')).toEqual([]);
    // The other record was not in the batch: untouched.
    expect((await api(s).get(`/objects/${key}/records/${ids[1]}`)).json()).toEqual(afters[1]);
  });

  it('updates only records of its own object and workspace', async () => {
    const s = await signUp();
    const other = await signUp();
    const mine = await gadgets(s);
    const theirs = await gadgets(s);
    const made = await api(s).post(`/objects/${theirs.key}/records`, { name: 'Not a gadget of this kind' });
    const foreign = await api(other).post(`/objects/${(await gadgets(other)).key}/records`, { name: 'Elsewhere' });
    const { db } = await testDatabase();
    await db.transaction(async (tx) => {
      const def = await defOfKey(tx, ctxOf(s), mine.key);
      await updateRecords(tx, ctxOf(s), def, [
        { id: made.json().id, values: { name: 'Renamed' }, changes: [{ field: 'name', old: null, new: 'Renamed' }] },
        { id: foreign.json().id, values: { name: 'Renamed' }, changes: [{ field: 'name', old: null, new: 'Renamed' }] },
      ]);
    });
    expect((await api(s).get(`/objects/${theirs.key}/records/${made.json().id}`)).json()).toMatchObject({
      name: made.json().name,
      version: 1,
    });
    const rows = await (await testDatabase()).query<{ name: string; version: number }>(
      'select name, version from custom_records where workspace_id = $1 and id = $2',
      [other.workspaceId, foreign.json().id],
    );
    expect(rows).toEqual([{ name: 'Elsewhere', version: 1 }]);
    expect((await traces(s.workspaceId, made.json().id)).events.map((e) => e.type)).toEqual(['custom_record.created']);
  });

  it('refuses a batch whose records give different columns (one would be written as empty)', async () => {
    const s = await signUp();
    const { key, typeId } = await gadgets(s);
    const { db } = await testDatabase();
    const values = (name: string) => ({ id: uuidv7(), objectTypeId: typeId, name, createdBy: s.memberId });
    await expect(
      db.transaction(async (tx) => {
        const def = await defOfKey(tx, ctxOf(s), key);
        await insertRecords(tx, ctxOf(s), def, [
          { values: values('A'), after: {} },
          { values: { ...values('B'), ownerId: s.memberId }, after: {} },
        ]);
      }),
    ).rejects.toThrow(/same columns/);
  });
});
