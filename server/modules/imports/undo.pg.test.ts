import { sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase, selectRows } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { databaseEnv, dbKind, testConfig, uniqueEmail } from '../../test/harness.ts';
import { ownDatabase, stop, workerPool } from '../../test/processes.ts';
import { signUp } from '../auth/auth.service.ts';
import { wireRecordEngine } from '../registry.ts';
import { undoImportJob } from './imports.jobs.ts';
import { startImport } from './imports.service.ts';
import { requestUndo } from './undo.ts';

// This process writes records itself (not through the app), so it wires the record engine as a process does at start.
wireRecordEngine();

// Issue 13: "Kill -9 of the worker in the middle of an import: after restart the import resumes …
// no duplicates, nothing half-written; undo still works." Real `rapport worker` processes on a
// database of their own (the test database's name + `_undo`), one killed with SIGKILL mid-import and
// another mid-undo; their successors take the jobs over when the lease runs out.

let database: Database;
let url: string;
const pool = workerPool(() => ({ ...databaseEnv(url), RAPPORT_JOB_LEASE_MS: '1500' }));

beforeAll(async () => {
  if (dbKind !== 'postgres') return;
  url = await ownDatabase('undo');
  database = await openDatabase({ databaseUrl: url, poolSize: 4 });
  await database.migrate();
}, 120_000);

afterAll(async () => {
  await pool.stopAll();
  await database?.close();
});

async function until<T>(read: () => Promise<T>, done: (v: T) => boolean, ms = 90_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (done(v)) return v;
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${JSON.stringify(v).slice(0, 600)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.runIf(dbKind === 'postgres')('an import whose worker is killed', () => {
  it('resumes without duplicates after SIGKILL, and its undo, killed too, trashes every row once', async () => {
    const { workspaceId, memberId } = await signUp(database.db, testConfig(), {
      name: 'Kill Owner',
      email: uniqueEmail('kill'),
      password: 'correct horse battery',
      workspaceName: 'Kill -9',
    });
    const ctx: Ctx = { workspaceId, memberId, actor: { type: 'member', id: memberId }, role: 'owner', requestId: uuidv7() };
    const n = 20_000;
    const rows = Array.from({ length: n }, (_, i) => `First${i},Kill,k${i}@kill.example`);
    const id = await startImport(
      database.db,
      ctx,
      Buffer.from(`First name,Last name,Email\n${rows.join('\n')}\n`),
      { object: 'contact', dedupe: 'skip', dryRun: false },
      'postgres',
    );
    // Small batches, so the kill lands between two of the forty.
    await database.db.execute(sql`update imports set batch_rows = 500 where workspace_id = ${workspaceId} and id = ${id}`);
    const state = async () =>
      (
        await selectRows<{
          status: string;
          batches_done: number;
          counts: { created: number };
          undo: { status: string; trashed: { contact: number } } | null;
        }>(database.db, sql`select status, batches_done, counts, undo from imports where workspace_id = ${workspaceId} and id = ${id}`)
      )[0];
    const live = async () =>
      (
        await selectRows<{ live: number; all: number; emails: number }>(
          database.db,
          sql`select count(*) filter (where deleted_at is null)::int as live, count(*)::int as all,
                count(distinct emails->0->>'value')::int as emails
              from contacts where workspace_id = ${workspaceId}`,
        )
      )[0];

    const victim = pool.start();
    await until(state, (s) => s.batches_done >= 3);
    await stop(victim, 'SIGKILL');
    const atKill = await state();
    expect(atKill.status).toBe('running');
    expect(atKill.batches_done).toBeLessThan(40);
    // Nothing half-written: what is in the table is exactly the committed batches.
    expect((await live()).all).toBe(atKill.batches_done * 500);

    const second = pool.start();
    const done = await until(state, (s) => s.status === 'completed');
    expect(done.counts.created).toBe(n);
    expect(await live()).toEqual({ live: n, all: n, emails: n });

    await requestUndo(database.db, ctx, id, undoImportJob);
    // Kill the worker running the undo after its first batch of the trash, then let another finish it.
    await until(live, (l) => l.live < n);
    await stop(second, 'SIGKILL');
    const midUndo = await live();
    expect(midUndo.live).toBeGreaterThan(0);
    pool.start();
    const undone = await until(state, (s) => s.undo?.status === 'completed');
    expect(undone.undo?.trashed.contact).toBe(n);
    expect(await live()).toEqual({ live: 0, all: n, emails: n });
  }, 240_000);
});
