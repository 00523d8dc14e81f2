import { and, desc, eq, lt } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { DedupeMode, Import, ImportListQuery, ImportResult, ImportRowError } from '../../../contract/imports.ts';
import type { Conn, Db } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { customDefs } from '../fields/fields.service.ts';
import { assertMembers } from '../members/members.service.ts';
import { ContactImport } from './contact-import.ts';
import { openCsv } from './csv.ts';
import { imports } from './imports.table.ts';
import { mapHeader } from './mapping.ts';
import { type Candidate, rowReader } from './rows.ts';

export interface ImportInput {
  dedupe: DedupeMode;
  ownerId?: string;
  dryRun: boolean;
  fileName?: string | null;
}

/** Rows per batch: large enough that round trips do not count, small enough to keep JSON parameters a few MB. */
export const BATCH_ROWS = 5000;

/**
 * Imports contacts from a CSV file. Rows are read, checked and written a batch at a time, and the
 * next batch is read and checked while the database writes the previous one: the two halves of the
 * work run side by side on two cores. Every write goes through `conn`, which for a real import is
 * one transaction: the import is kept whole or not at all.
 */
export async function importContacts(conn: Conn, ctx: Ctx, file: Buffer, input: ImportInput): Promise<ImportResult> {
  const ownerId = input.ownerId ?? ctx.memberId;
  await assertMembers(conn, ctx, [{ field: 'query.ownerId', id: ownerId }]);
  const csv = await openCsv(file);
  let inFlight: Promise<void> = Promise.resolve();
  try {
    const defs = await customDefs(conn, ctx, 'contact');
    const mapping = mapHeader(csv.header, defs);
    const read = rowReader(mapping, defs);
    const job = new ContactImport(conn, ctx, { dedupe: input.dedupe, ownerId, dryRun: input.dryRun, defs, mapping });
    for await (const batch of csv.batches(BATCH_ROWS)) {
      const rowErrors: ImportRowError[] = [];
      const candidates: Candidate[] = [];
      for (const r of batch) {
        const c = read(r, rowErrors);
        if (c) candidates.push(c);
      }
      // The previous batch must be written before this one is deduplicated against it.
      await inFlight;
      inFlight = job.add(candidates, rowErrors, batch.length - candidates.length);
      // Marked as handled at once: a failure surfaces at the next await, not as an unhandled rejection.
      inFlight.catch(() => {});
    }
    await inFlight;
    const counts = job.counts;
    counts.rows = counts.created + counts.updated + counts.duplicates + counts.rejected;
    const result: ImportResult = {
      importId: input.dryRun ? null : uuidv7(),
      dryRun: input.dryRun,
      ...counts,
      errors: job.errors,
      ignoredColumns: mapping.ignored,
      columns: mapping.report,
    };
    if (result.importId) {
      await conn.insert(imports).values({
        workspaceId: ctx.workspaceId,
        id: result.importId,
        objectType: 'contact',
        fileName: input.fileName ?? null,
        status: 'completed',
        dedupe: input.dedupe,
        counts,
        errors: result.errors,
        mapping: { columns: mapping.report, ignoredColumns: mapping.ignored },
        requestId: ctx.requestId,
        createdBy: ctx.memberId,
        finishedAt: new Date(),
      });
    }
    return result;
  } catch (e) {
    // Nothing may still be running on the connection when the transaction rolls back.
    await inFlight.catch(() => {});
    throw e;
  } finally {
    await csv.close();
  }
}

/**
 * Runs an import: a dry run reads only; a real one writes in one transaction. When that fails on
 * our side (not the file's fault), a failed import is recorded on its own, so the list shows that it
 * was tried and that nothing of it was kept.
 */
export async function runImport(db: Db, ctx: Ctx, file: Buffer, input: ImportInput): Promise<ImportResult> {
  if (input.dryRun) return importContacts(db, ctx, file, input);
  try {
    return await db.transaction((tx) => importContacts(tx, ctx, file, input));
  } catch (e) {
    if (!(e instanceof AppError)) {
      const zero = { rows: 0, created: 0, updated: 0, duplicates: 0, rejected: 0 };
      await db
        .insert(imports)
        .values({
          workspaceId: ctx.workspaceId,
          id: uuidv7(),
          objectType: 'contact',
          fileName: input.fileName ?? null,
          status: 'failed',
          dedupe: input.dedupe,
          counts: zero,
          mapping: { columns: {}, ignoredColumns: [] },
          requestId: ctx.requestId,
          createdBy: ctx.memberId,
          finishedAt: new Date(),
        })
        .catch(() => {});
    }
    throw e;
  }
}

const toImport = (r: typeof imports.$inferSelect): Import => ({
  id: r.id,
  objectType: r.objectType,
  fileName: r.fileName,
  status: r.status,
  dedupe: r.dedupe,
  counts: r.counts,
  errors: r.errors,
  columns: r.mapping.columns,
  ignoredColumns: r.mapping.ignoredColumns,
  requestId: r.requestId,
  createdBy: r.createdBy,
  createdAt: r.createdAt.toISOString(),
  finishedAt: r.finishedAt?.toISOString() ?? null,
});

/** The workspace's imports, newest first (ids are time-ordered), paged by id. */
export async function listImports(conn: Conn, ctx: Ctx, q: ImportListQuery) {
  const limit = q.limit ?? 50;
  const rows = await conn
    .select()
    .from(imports)
    .where(and(eq(imports.workspaceId, ctx.workspaceId), q.cursor ? lt(imports.id, q.cursor) : undefined))
    .orderBy(desc(imports.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  return { data: page.map(toImport), nextCursor: rows.length > limit ? (page.at(-1)?.id ?? null) : null };
}

export async function getImport(conn: Conn, ctx: Ctx, id: string) {
  const [row] = await conn
    .select()
    .from(imports)
    .where(and(eq(imports.workspaceId, ctx.workspaceId), eq(imports.id, id)));
  if (!row) throw notFound('Import');
  return toImport(row);
}
