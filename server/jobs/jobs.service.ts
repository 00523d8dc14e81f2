import { and, desc, eq, lt, notInArray, sql } from 'drizzle-orm';
import type { Job, JobListQuery } from '../../contract/jobs.ts';
import type { Conn, Database } from '../db/client.ts';
import type { Ctx } from '../http/context.ts';
import { conflict, notFound } from '../http/errors.ts';
import { recordChange } from '../modules/history/history.service.ts';
import type { JobDef } from './define.ts';
import { jobs } from './jobs.table.ts';

type Row = typeof jobs.$inferSelect;

const toJob = (r: Row): Job => ({
  id: r.id,
  name: r.name,
  status: r.status,
  attempts: r.attempts,
  maxAttempts: r.maxAttempts,
  runAt: r.runAt.toISOString(),
  lastError: r.lastError,
  progress: r.progress ?? null,
  createdAt: r.createdAt.toISOString(),
  startedAt: r.startedAt?.toISOString() ?? null,
  finishedAt: r.finishedAt?.toISOString() ?? null,
});

/**
 * The jobs of this workspace (house-keeping belongs to no workspace and is not shown), newest
 * first; kinds named in `hidden` are left out (they have a page of their own).
 */
export async function listJobs(conn: Conn, ctx: Ctx, q: JobListQuery, hidden: string[] = []) {
  const limit = q.limit ?? 50;
  const rows = await conn
    .select()
    .from(jobs)
    .where(
      and(
        eq(jobs.workspaceId, ctx.workspaceId),
        q.status ? eq(jobs.status, q.status) : undefined,
        hidden.length ? notInArray(jobs.name, hidden) : undefined,
        q.cursor ? lt(jobs.id, q.cursor) : undefined,
      ),
    )
    .orderBy(desc(jobs.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  return { data: page.map(toJob), nextCursor: rows.length > limit ? (page.at(-1)?.id ?? null) : null };
}

async function jobRow(conn: Conn, ctx: Ctx, id: string) {
  const [row] = await conn
    .select()
    .from(jobs)
    .where(and(eq(jobs.workspaceId, ctx.workspaceId), eq(jobs.id, id)))
    .for('update');
  if (!row) throw notFound('Job');
  return row;
}

/** A dead (or discarded) job gets a fresh set of tries, at once. */
export async function retryJob(conn: Conn, ctx: Ctx, id: string) {
  const row = await jobRow(conn, ctx, id);
  if (row.status !== 'dead' && row.status !== 'discarded') {
    throw conflict('job_not_failed', `Only a dead or discarded job can be retried; this one is ${row.status}`);
  }
  const [after] = await conn
    .update(jobs)
    .set({ status: 'queued', attempts: 0, runAt: sql`now()`, finishedAt: null })
    .where(and(eq(jobs.workspaceId, ctx.workspaceId), eq(jobs.id, id)))
    .returning();
  await recordChange(conn, ctx, 'job', id, 'update', [{ field: 'status', old: row.status, new: 'queued' }]);
  return toJob(after);
}

/**
 * Discards a queued or dead job: it will not run. The job's kind is told, as when it dies, so that
 * what waits on it (an import) is marked failed rather than left waiting.
 */
export async function discardJob(database: Database, conn: Conn, ctx: Ctx, id: string, defs: JobDef[]) {
  const row = await jobRow(conn, ctx, id);
  if (row.status !== 'queued' && row.status !== 'dead') {
    throw conflict('job_not_waiting', `Only a queued or dead job can be discarded; this one is ${row.status}`);
  }
  const [after] = await conn
    .update(jobs)
    .set({ status: 'discarded', finishedAt: sql`now()` })
    .where(and(eq(jobs.workspaceId, ctx.workspaceId), eq(jobs.id, id)))
    .returning();
  await recordChange(conn, ctx, 'job', id, 'update', [{ field: 'status', old: row.status, new: 'discarded' }]);
  const def = defs.find((d) => d.name === row.name);
  if (row.status === 'queued' && def?.onDead) {
    const never = new AbortController().signal;
    await def.onDead(
      {
        id,
        input: row.input,
        workspaceId: row.workspaceId,
        attempt: row.attempts,
        maxAttempts: row.maxAttempts,
        db: conn as never,
        database,
        signal: never,
        progress: async () => {},
        log: { info() {}, warn() {}, error() {} },
      },
      new Error('discarded by an admin'),
    );
  }
  return toJob(after);
}
