import { and, desc, eq, lt, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { DedupeMode, Import, ImportListQuery, ImportResult, ImportRowError } from '../../../contract/imports.ts';
import type { Conn, Database, Db } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { notFound } from '../../http/errors.ts';
import { enqueue } from '../../jobs/queue.ts';
import { assertMembers } from '../auth/members.service.ts';
import { customDefs } from '../fields/fields.service.ts';
import { workspaceCountry } from '../workspaces/workspaces.service.ts';
import { ContactImport } from './contact-import.ts';
import { openCsv } from './csv.ts';
import { importContactsJob } from './imports.jobs.ts';
import { importFiles, imports } from './imports.table.ts';
import { mapHeader } from './mapping.ts';
import { type Candidate, rowReader } from './rows.ts';

export interface ImportInput {
  dedupe: DedupeMode;
  ownerId?: string;
  dryRun: boolean;
  fileName?: string | null;
}

/**
 * Rows per batch. A real import writes each batch in a transaction of its own: on the embedded
 * database every request shares one connection, so a batch must stay well under a second (1,000
 * contacts take about 0.3 s there); a PostgreSQL server runs other requests beside it and takes
 * larger batches, which cost fewer round trips.
 */
export const batchRows = (kind: 'pglite' | 'postgres') => (kind === 'pglite' ? 250 : 5000);

type Row = typeof imports.$inferSelect;

/** Reads the rows of a file, checks each and hands the good ones to `write`, a batch at a time, in file order. */
async function eachBatch(
  file: Buffer,
  ctx: Ctx,
  conn: Conn,
  size: number,
  visit: (batch: { candidates: Candidate[]; errors: ImportRowError[]; rejected: number; index: number }) => Promise<void>,
) {
  const csv = await openCsv(file);
  try {
    const defs = await customDefs(conn, ctx, 'contact');
    const mapping = mapHeader(csv.header, defs);
    const read = rowReader(mapping, defs, await workspaceCountry(conn, ctx));
    let index = 0;
    for await (const batch of csv.batches(size)) {
      const errors: ImportRowError[] = [];
      const candidates: Candidate[] = [];
      for (const r of batch) {
        const c = read(r, errors);
        if (c) candidates.push(c);
      }
      await visit({ candidates, errors, rejected: batch.length - candidates.length, index: index++ });
    }
    return { defs, mapping };
  } finally {
    await csv.close();
  }
}

/**
 * A dry run: reads and checks the whole file and counts what an import would do, writing nothing.
 * Its reads are separate statements, so other requests run between them.
 */
export async function dryRunContacts(db: Db, ctx: Ctx, file: Buffer, input: ImportInput): Promise<ImportResult> {
  const ownerId = input.ownerId ?? ctx.memberId;
  await assertMembers(db, ctx, [{ field: 'query.ownerId', id: ownerId }]);
  const defs = await customDefs(db, ctx, 'contact');
  const csv = await openCsv(file);
  const mapping = mapHeader(csv.header, defs);
  await csv.close();
  const country = await workspaceCountry(db, ctx);
  const importer = new ContactImport(ctx, { dedupe: input.dedupe, ownerId, dryRun: true, defs, mapping, country });
  await eachBatch(file, ctx, db, 5000, ({ candidates, errors, rejected }) => importer.add(db, candidates, errors, rejected));
  return {
    importId: null,
    dryRun: true,
    status: 'completed',
    totalRows: importer.counts.rows,
    ...importer.counts,
    errors: importer.errors,
    ignoredColumns: mapping.ignored,
    columns: mapping.report,
  };
}

/**
 * Starts an import: the file is read once here, so that a file that cannot be imported at all
 * (not UTF-8, not CSV, no usable column, too many rows) is refused at once with nothing kept; then
 * the import, its file and its job are written in one transaction. A worker runs it (runImport).
 */
export async function startImport(db: Db, ctx: Ctx, file: Buffer, input: ImportInput, kind: 'pglite' | 'postgres') {
  const ownerId = input.ownerId ?? ctx.memberId;
  await assertMembers(db, ctx, [{ field: 'query.ownerId', id: ownerId }]);
  const defs = await customDefs(db, ctx, 'contact');
  const csv = await openCsv(file);
  let totalRows = 0;
  let mapping: ReturnType<typeof mapHeader>;
  try {
    mapping = mapHeader(csv.header, defs);
    for await (const batch of csv.batches(10_000)) totalRows += batch.length;
  } finally {
    await csv.close();
  }
  const importId = uuidv7();
  await db.transaction(async (tx) => {
    await tx.insert(imports).values({
      workspaceId: ctx.workspaceId,
      id: importId,
      objectType: 'contact',
      fileName: input.fileName ?? null,
      status: 'queued',
      dedupe: input.dedupe,
      counts: { rows: 0, created: 0, updated: 0, duplicates: 0, rejected: 0 },
      mapping: { columns: mapping.report, ignoredColumns: mapping.ignored },
      requestId: ctx.requestId,
      actorType: ctx.actor.type === 'api_key' ? 'api_key' : 'member',
      actorId: ctx.actor.id,
      ownerId,
      totalRows,
      batchRows: batchRows(kind),
      createdBy: ctx.memberId,
    });
    await tx.insert(importFiles).values({ workspaceId: ctx.workspaceId, importId, content: file.toString('utf8') });
    await enqueue(tx, importContactsJob, { workspaceId: ctx.workspaceId, importId }, { workspaceId: ctx.workspaceId });
  });
  return importId;
}

/** Imports of one workspace take turns a batch at a time, so that two imports of one file cannot both create a contact. */
const lockWorkspaceImports = (conn: Conn, workspaceId: string) =>
  conn.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`rapport:import:${workspaceId}`}, 0))`);

/**
 * Runs (or carries on) an import: each batch of rows is written with the import's counts and
 * `batches_done` in one transaction, under the workspace's import lock, and the batches already
 * done are skipped. Returns early, leaving the import running, when `signal` asks it to stop.
 */
export async function runImport(
  database: Database,
  workspaceId: string,
  importId: string,
  signal: AbortSignal,
  report: (p: Record<string, unknown>) => Promise<void>,
) {
  const { db } = database;
  const [imp] = await db
    .select()
    .from(imports)
    .where(and(eq(imports.workspaceId, workspaceId), eq(imports.id, importId)));
  if (!imp || imp.status === 'completed' || imp.status === 'failed') return;
  const [stored] = await db
    .select({ content: importFiles.content })
    .from(importFiles)
    .where(and(eq(importFiles.workspaceId, workspaceId), eq(importFiles.importId, importId)));
  const ctx: Ctx = {
    workspaceId,
    memberId: imp.createdBy as string,
    actor: { type: imp.actorType, id: imp.actorId },
    role: 'member',
    requestId: imp.requestId,
  };
  const where = and(eq(imports.workspaceId, workspaceId), eq(imports.id, importId));
  await db.update(imports).set({ status: 'running' }).where(where);
  const file = Buffer.from(stored.content, 'utf8');
  const defs = await customDefs(db, ctx, 'contact');
  const csv = await openCsv(file);
  const mapping = mapHeader(csv.header, defs);
  await csv.close();
  const importer = new ContactImport(
    ctx,
    { dedupe: imp.dedupe, ownerId: imp.ownerId ?? ctx.memberId, dryRun: false, defs, mapping, country: await workspaceCountry(db, ctx) },
    { counts: imp.counts, errors: imp.errors },
  );
  let stopped = false;
  await eachBatch(file, ctx, db, imp.batchRows, async ({ candidates, errors, rejected, index }) => {
    if (index < imp.batchesDone || stopped) return;
    if (signal.aborted) {
      stopped = true;
      return;
    }
    await db.transaction(async (tx) => {
      await lockWorkspaceImports(tx, workspaceId);
      await importer.add(tx, candidates, errors, rejected);
      await tx
        .update(imports)
        .set({ counts: importer.counts, errors: importer.errors, batchesDone: index + 1 })
        .where(where);
    });
    await report({ rows: importer.counts.rows, totalRows: imp.totalRows });
    // The next batch queues behind whatever requests arrived meanwhile.
    await new Promise((r) => setImmediate(r));
  });
  if (stopped) return;
  await db.transaction(async (tx) => {
    await tx.update(imports).set({ status: 'completed', finishedAt: sql`now()` }).where(where);
    await tx.delete(importFiles).where(and(eq(importFiles.workspaceId, workspaceId), eq(importFiles.importId, importId)));
  });
  // The embedded database has no autovacuum: without fresh statistics the next import's lookups
  // are planned for the tables as they were before this one (see bench/README.md).
  if (database.kind === 'pglite') {
    await db.execute(sql`analyze contacts`);
  }
}

/** Marks an import failed (its job gave up), keeping what its committed batches wrote. */
export async function failImport(db: Db, workspaceId: string, importId: string, why: string) {
  await db
    .update(imports)
    .set({ status: 'failed', failure: why.slice(0, 1000), finishedAt: sql`now()` })
    .where(and(eq(imports.workspaceId, workspaceId), eq(imports.id, importId)));
  await db.delete(importFiles).where(and(eq(importFiles.workspaceId, workspaceId), eq(importFiles.importId, importId)));
}

export const toImport = (r: Row): Import => ({
  id: r.id,
  objectType: r.objectType,
  fileName: r.fileName,
  status: r.status,
  dedupe: r.dedupe,
  counts: r.counts,
  errors: r.errors,
  columns: r.mapping.columns,
  ignoredColumns: r.mapping.ignoredColumns,
  totalRows: r.totalRows,
  failure: r.failure,
  requestId: r.requestId,
  createdBy: r.createdBy,
  createdAt: r.createdAt.toISOString(),
  finishedAt: r.finishedAt?.toISOString() ?? null,
});

/** An import as the create route answers it. */
export const toImportResult = (r: Row): ImportResult => ({
  importId: r.id,
  dryRun: false,
  status: r.status,
  totalRows: r.totalRows,
  ...r.counts,
  errors: r.errors,
  ignoredColumns: r.mapping.ignoredColumns,
  columns: r.mapping.columns,
});

async function importRow(conn: Conn, ctx: Ctx, id: string) {
  const [row] = await conn
    .select()
    .from(imports)
    .where(and(eq(imports.workspaceId, ctx.workspaceId), eq(imports.id, id)));
  if (!row) throw notFound('Import');
  return row;
}

/** Waits up to `ms` for an import to finish (it is read again every 50 ms); returns it as it then stands. */
export async function waitForImport(db: Db, ctx: Ctx, id: string, ms: number) {
  const deadline = Date.now() + ms;
  for (;;) {
    const row = await importRow(db, ctx, id);
    if (row.status === 'completed' || row.status === 'failed' || Date.now() >= deadline) return row;
    await new Promise((r) => setTimeout(r, 50));
  }
}

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

export const getImport = async (conn: Conn, ctx: Ctx, id: string) => toImport(await importRow(conn, ctx, id));
