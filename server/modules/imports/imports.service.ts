import { and, asc, desc, eq, inArray, lt, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type {
  DedupeMode,
  Import,
  ImportDelimiter,
  ImportFileInfo,
  ImportListQuery,
  ImportObject,
  ImportResult,
  ImportRowError,
  ImportRowWarning,
} from '../../../contract/imports.ts';
import { MAX_IMPORT_ERRORS, undoTypes } from '../../../contract/imports.ts';
import type { Conn, Database, Db } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { badRequest, conflict, notFound } from '../../http/errors.ts';
import { enqueue } from '../../jobs/queue.ts';
import { assertAction } from '../../records/visibility.ts';
import { logSecurityEvent } from '../audit/security-log.ts';
import { assertMembers, memberRole } from '../auth/members.service.ts';
import type { CustomDef } from '../fields/custom-values.ts';
import { customDefs } from '../fields/fields.service.ts';
import { resolveAccess } from '../teams/access.service.ts';
import { workspaceCountry } from '../workspaces/workspaces.service.ts';
import { createFields, type NewField, parseChoice, resolveChoice, saveChoice, storedChoice } from './choice.ts';
import { CompanyImport } from './company-import.ts';
import { type CompanyCandidate, companyRowReader } from './company-rows.ts';
import { ContactImport } from './contact-import.ts';
import { type CsvOptions, type CsvRow, openCsv } from './csv.ts';
import { decodeFile, isEncoding } from './encoding.ts';
import { fieldsKeyOf, type Importable, importableOf, isGeneric } from './importables.ts';
import { importCompaniesJob, importContactsJob, importRecordsJob } from './imports.jobs.ts';
import { importFiles, importIssues, imports, type StoredMapping } from './imports.table.ts';
import { headerSignature, type Mapping, mapColumns, type ResolvedChoice } from './mapping.ts';
import { RecordImport } from './record-import.ts';
import { type RecordCandidate, recordRowReader } from './record-rows.ts';
import { emptyCounts, type Results } from './results.ts';
import { type Candidate, rowReader } from './rows.ts';
import { type SourceFormat, sourceOf } from './sources.ts';

export interface ImportInput {
  object: ImportObject;
  dedupe: DedupeMode;
  ownerId?: string;
  dryRun: boolean;
  fileName?: string | null;
  encoding?: string;
  delimiter?: ImportDelimiter;
  header?: boolean;
  /** Fields by column position, comma-separated (`columns=`). */
  columns?: string;
  country?: string;
  /** Changes to the suggested mapping, as the `mapping` query parameter's JSON. */
  mapping?: string;
}

/**
 * Rows per batch. A real import writes each batch in a transaction of its own: on the embedded
 * database every request shares one connection, so a batch must stay well under a second (1,000
 * contacts take about 0.3 s there); a PostgreSQL server runs other requests beside it and takes
 * larger batches, which cost fewer round trips.
 */
export const batchRows = (kind: 'pglite' | 'postgres') => (kind === 'pglite' ? 250 : 5000);

type Row = typeof imports.$inferSelect;

/** How a file is read and mapped: what an import keeps so that its job reads the stored text the same way. */
interface Reading {
  object: ImportObject;
  csv: CsvOptions;
  positions?: string[];
  country: string | null;
  /** The mapping chosen by hand, new fields already named as the `custom.<key>` they become. */
  choice?: ResolvedChoice;
  /** Custom fields the choice makes, not created yet (a preview, or an import before it starts). */
  newDefs?: CustomDef[];
  /** The object as the generic importer writes it (not contacts or companies). */
  importable?: Importable;
}

/** A row reader and an importer of one object, behind one shape. */
interface Importer {
  results: Results;
  add(conn: Conn, rows: unknown[], errors: ImportRowError[], rejected: number): Promise<void>;
}

function importerOf(
  ctx: Ctx,
  reading: Reading,
  opts: { dedupe: DedupeMode; ownerId: string; dryRun: boolean; defs: CustomDef[]; mapping: Mapping },
  resume?: ConstructorParameters<typeof ContactImport>[2],
): { importer: Importer; read: (r: CsvRow, errors: ImportRowError[]) => unknown } {
  const country = reading.country;
  if (reading.importable) {
    const object = reading.importable;
    const importer = new RecordImport(ctx, object, opts, resume);
    return {
      importer: { results: importer.results, add: (conn, rows, e, n) => importer.add(conn, rows as RecordCandidate[], e, n) },
      read: recordRowReader(opts.mapping, opts.defs, country, object),
    };
  }
  if (reading.object === 'company') {
    const importer = new CompanyImport(ctx, { ...opts, country }, resume);
    return {
      importer: { results: importer.results, add: (conn, rows, e, n) => importer.add(conn, rows as CompanyCandidate[], e, n) },
      read: companyRowReader(opts.mapping, opts.defs, country),
    };
  }
  const importer = new ContactImport(ctx, { ...opts, country }, resume);
  return {
    importer: { results: importer.results, add: (conn, rows, e, n) => importer.add(conn, rows as Candidate[], e, n) },
    read: rowReader(opts.mapping, opts.defs, country),
  };
}

/** The fields by position a request named, or undefined. */
const positionsOf = (columns: string | undefined) => (columns === undefined ? undefined : columns.split(','));

/**
 * Reads a file's header and first rows and maps its columns: everything that can refuse a file at
 * once (encoding, CSV syntax, no usable column). Returns the mapping and how the file was read.
 */
export async function prepare(conn: Conn, ctx: Ctx, utf8: Buffer, reading: Reading, check = true) {
  const csv = await openCsv(utf8, reading.csv);
  try {
    const defs = [...(await customDefs(conn, ctx, fieldsKeyOf(reading.object))), ...(reading.newDefs ?? [])];
    const mapping = mapColumns({
      fields: reading.importable?.fields,
      needs: reading.importable?.needs,
      object: reading.object,
      header: csv.header,
      hasHeader: csv.hasHeader,
      sample: csv.sample,
      defs,
      positions: reading.positions,
      choice: reading.choice,
      check,
    });
    return { defs, mapping, csv };
  } catch (e) {
    await csv.close();
    throw e;
  }
}

/** A row with the mapping's constant values in the cells past the file's columns, where the reader looks for them. */
export const withConstants = (r: CsvRow, mapping: Mapping) => {
  for (const k of mapping.constants) r.cells[k.index] = k.value;
  return r;
};

/** Reads the rows of a file, checks each and hands the good ones to `visit`, a batch at a time, in file order. */
async function eachBatch(
  utf8: Buffer,
  reading: Reading,
  mapping: Mapping,
  size: number,
  read: (r: CsvRow, errors: ImportRowError[]) => unknown,
  visit: (batch: { candidates: unknown[]; errors: ImportRowError[]; rejected: number; index: number; rows: CsvRow[] }) => Promise<void>,
) {
  const csv = await openCsv(utf8, reading.csv);
  try {
    let index = 0;
    for await (const batch of csv.batches(size)) {
      const errors: ImportRowError[] = [];
      const candidates: unknown[] = [];
      for (const r of batch) {
        const c = read(mapping.constants.length ? withConstants(r, mapping) : r, errors);
        if (c) candidates.push(c);
      }
      await visit({ candidates, errors, rejected: batch.length - candidates.length, index: index++, rows: batch });
    }
  } finally {
    await csv.close();
  }
}

/** Checks the options of a request that the schema cannot: the encoding's name, the owner, the mapping chosen. */
export async function readingOf(
  conn: Conn,
  ctx: Ctx,
  input: Omit<ImportInput, 'dedupe' | 'dryRun'>,
): Promise<Reading & { newFields: NewField[] }> {
  if (input.encoding !== undefined && !isEncoding(input.encoding)) {
    throw badRequest(
      'query.encoding',
      'unknown_encoding',
      `"${input.encoding}" is not a character encoding we can read (e.g. UTF-8, windows-1252, Shift_JIS)`,
    );
  }
  await assertMembers(conn, ctx, [{ field: 'query.ownerId', id: input.ownerId ?? ctx.memberId }]);
  const choice = parseChoice(input.mapping);
  const importable = isGeneric(input.object) ? await importableOf(conn, ctx, input.object) : undefined;
  const defs = choice?.columns?.some((c) => c.newField) ? await customDefs(conn, ctx, fieldsKeyOf(input.object)) : [];
  const { resolved, created } = resolveChoice(choice, defs);
  return {
    object: input.object,
    csv: { delimiter: input.delimiter, header: input.header },
    positions: positionsOf(input.columns),
    country: input.country ?? (await workspaceCountry(conn, ctx)),
    choice: resolved,
    newDefs: created.map((f) => ({ ...f, options: null, required: false })),
    newFields: created,
    importable,
  };
}

export const fileInfo = (
  encoding: string,
  csv: { delimiter: ImportDelimiter; hasHeader: boolean },
  format: SourceFormat = 'csv',
): ImportFileInfo => ({
  encoding,
  delimiter: csv.delimiter,
  header: csv.hasHeader,
  ...(format === 'csv' ? {} : { format }),
});

/**
 * The file as the rows the importer reads: a vCard or JSON file is turned into CSV text (read as
 * comma-separated with a header, whatever the request said of delimiters).
 */
export function rowsOf(utf8: Buffer, reading: Reading) {
  const source = sourceOf(utf8, reading.object);
  if (source.format !== 'csv') reading.csv = { delimiter: 'comma', header: true };
  return source;
}

/**
 * A dry run: reads and checks the whole file and counts what an import would do, writing nothing.
 * Its reads are separate statements, so other requests run between them.
 */
/** Refuses an import the request's role does not allow for the object the rows become (records/visibility.ts). */
async function assertMayImport(ctx: Ctx, object: string) {
  // Imported when called: the registry imports the modules, this one among them.
  const { objectDefs } = await import('../registry.ts');
  const def = objectDefs[object.startsWith('custom:') ? 'custom_record' : object];
  if (def) assertAction(ctx, def, 'import');
}

export async function dryRunImport(db: Db, ctx: Ctx, file: Buffer, input: ImportInput): Promise<ImportResult> {
  await assertMayImport(ctx, input.object);
  const ownerId = input.ownerId ?? ctx.memberId;
  const reading = await readingOf(db, ctx, input);
  const decoded = decodeFile(file, input.encoding);
  const source = rowsOf(decoded.utf8, reading);
  const { defs, mapping, csv } = await prepare(db, ctx, source.utf8, reading);
  await csv.close();
  const { importer, read } = importerOf(
    ctx,
    reading,
    { dedupe: input.dedupe, ownerId, dryRun: true, defs, mapping },
    fromNotes(source.notes),
  );
  await eachBatch(source.utf8, reading, mapping, 5000, read, ({ candidates, errors, rejected }) =>
    importer.add(db, candidates, errors, rejected),
  );
  const { counts, errors, warnings } = importer.results;
  return {
    importId: null,
    objectType: input.object,
    dryRun: true,
    status: 'completed',
    totalRows: counts.rows,
    ...counts,
    errors,
    warnings,
    file: fileInfo(decoded.encoding, csv, source.format),
    ignoredColumns: mapping.ignored,
    columns: mapping.report,
  };
}

/** An importer's starting point when reading the file left notes: they come first among its warnings. */
const fromNotes = (notes: ImportRowWarning[]) =>
  notes.length ? { counts: emptyCounts(), errors: [], warnings: notes.slice(0, MAX_IMPORT_ERRORS) } : undefined;

/**
 * Starts an import: the file is read once here, so that a file that cannot be imported at all
 * (a binary file, not CSV, no usable column, too many rows) is refused at once with nothing kept;
 * then the import, its file (as UTF-8 text, whatever it was sent in) and its job are written in
 * one transaction. A worker runs it (runImport).
 */
export async function startImport(db: Db, ctx: Ctx, file: Buffer, input: ImportInput, kind: 'pglite' | 'postgres') {
  await assertMayImport(ctx, input.object);
  const ownerId = input.ownerId ?? ctx.memberId;
  const reading = await readingOf(db, ctx, input);
  const decoded = decodeFile(file, input.encoding);
  const source = rowsOf(decoded.utf8, reading);
  const { mapping, csv } = await prepare(db, ctx, source.utf8, reading);
  let totalRows = 0;
  try {
    for await (const batch of csv.batches(10_000)) totalRows += batch.length;
  } finally {
    await csv.close();
  }
  const stored: StoredMapping = {
    columns: mapping.report,
    ignoredColumns: mapping.ignored,
    file: fileInfo(decoded.encoding, csv, source.format),
    positions: reading.positions,
    country: reading.country,
    header: csv.header,
    ...(reading.choice ? { choice: storedChoice(reading.choice) } : {}),
    ...(csv.hasHeader ? { signature: headerSignature(input.object, csv.header) } : {}),
  };
  const importId = uuidv7();
  await db.transaction(async (tx) => {
    // The fields a column is to fill are made with the import, so a refused import leaves none behind.
    await createFields(tx, ctx, input.object, reading.newFields);
    await tx.insert(imports).values({
      workspaceId: ctx.workspaceId,
      id: importId,
      objectType: input.object,
      fileName: input.fileName ?? null,
      status: 'queued',
      dedupe: input.dedupe,
      counts: emptyCounts(),
      // What could not be read of a vCard or JSON file comes first among the import's warnings.
      warnings: source.notes.slice(0, MAX_IMPORT_ERRORS),
      mapping: stored,
      requestId: ctx.requestId,
      actorType: ctx.actor.type === 'api_key' ? 'api_key' : 'member',
      actorId: ctx.actor.id,
      ownerId,
      totalRows,
      batchRows: batchRows(kind),
      createdBy: ctx.memberId,
    });
    await tx.insert(importFiles).values({ workspaceId: ctx.workspaceId, importId, content: source.utf8.toString('utf8') });
    if (source.notes.length) {
      // Before the first batch (0) in the errors CSV.
      await tx
        .insert(importIssues)
        .values({ workspaceId: ctx.workspaceId, importId, batch: -1, errors: [], warnings: source.notes, cells: {} });
    }
    await logSecurityEvent(tx, ctx, 'records.imported', { type: input.object, id: importId }, { totalRows, dedupe: input.dedupe });
    const job = input.object === 'company' ? importCompaniesJob : input.object === 'contact' ? importContactsJob : importRecordsJob;
    await enqueue(tx, job, { workspaceId: ctx.workspaceId, importId }, { workspaceId: ctx.workspaceId });
  });
  return importId;
}

/** Imports of one workspace take turns a batch at a time, so that two imports of one file cannot both create a contact. */
export const lockWorkspaceImports = (conn: Conn, workspaceId: string) =>
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
  if (!imp || imp.status === 'completed' || imp.status === 'failed' || imp.status === 'cancelled') return;
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
  // The import reaches what the member who started it reaches, as their request would have (a role
  // narrows members and read-only members only: server/http/auth.ts).
  const role = imp.createdBy ? await memberRole(db, workspaceId, imp.createdBy) : null;
  const access = role === 'member' || role === 'read-only' ? await resolveAccess(db, workspaceId, imp.createdBy as string) : undefined;
  if (access) ctx.access = access;
  const where = and(eq(imports.workspaceId, workspaceId), eq(imports.id, importId));
  if (imp.status === 'cancelling') return finishCancelled(db, workspaceId, importId);
  // A cancel that came first (the import still queued) has the last word.
  const started = await db
    .update(imports)
    .set({ status: 'running' })
    .where(and(where, inArray(imports.status, ['queued', 'running'])))
    .returning({ id: imports.id });
  if (!started.length) return;
  // The stored text is UTF-8 whatever the file was sent in; it is read with the delimiter and header found at the start.
  const file = Buffer.from(stored.content, 'utf8');
  const object = imp.objectType as ImportObject;
  const info = imp.mapping.file;
  const reading: Reading = {
    object,
    csv: info ? { delimiter: info.delimiter, header: info.header } : {},
    positions: imp.mapping.positions,
    country: imp.mapping.country === undefined ? await workspaceCountry(db, ctx) : imp.mapping.country,
    choice: imp.mapping.choice
      ? {
          columns: (imp.mapping.choice.columns ?? []).map((c) => ({ index: c.index, field: c.field ?? 'skip' })),
          constants: imp.mapping.choice.constants ?? [],
        }
      : undefined,
    importable: isGeneric(object) ? await importableOf(db, ctx, object) : undefined,
  };
  const { defs, mapping, csv } = await prepare(db, ctx, file, reading);
  await csv.close();
  const { importer, read } = importerOf(
    ctx,
    reading,
    { dedupe: imp.dedupe, ownerId: imp.ownerId ?? ctx.memberId, dryRun: false, defs, mapping },
    { counts: imp.counts, errors: imp.errors, warnings: imp.warnings },
  );
  let stopped = false;
  let cancelled = false;
  const width = csv.header.length;
  await eachBatch(file, reading, mapping, imp.batchRows, read, async ({ candidates, errors, rejected, index, rows }) => {
    if (index < imp.batchesDone || stopped) return;
    if (signal.aborted) {
      stopped = true;
      return;
    }
    await db.transaction(async (tx) => {
      // A cancel waits for the batch under way; the next one sees it and stops.
      const [now] = await tx.select({ status: imports.status }).from(imports).where(where).for('update');
      if (now?.status !== 'running') {
        stopped = true;
        cancelled = now?.status === 'cancelling';
        return;
      }
      await lockWorkspaceImports(tx, workspaceId);
      await importer.add(tx, candidates, errors, rejected);
      const { counts, errors: kept, warnings, last } = importer.results;
      await tx
        .update(imports)
        .set({ counts, errors: kept, warnings, batchesDone: index + 1 })
        .where(where);
      if (last.errors.length || last.warnings.length) {
        const refused = new Set(last.errors.map((e) => e.row));
        const cells: Record<string, string[]> = {};
        for (const r of rows) if (refused.has(r.row)) cells[r.row] = r.cells.slice(0, width);
        await tx.insert(importIssues).values({ workspaceId, importId, batch: index, errors: last.errors, warnings: last.warnings, cells });
      }
    });
    if (stopped) return;
    await report({ rows: importer.results.counts.rows, totalRows: imp.totalRows });
    // The next batch queues behind whatever requests arrived meanwhile.
    await new Promise((r) => setImmediate(r));
  });
  if (cancelled) return finishCancelled(db, workspaceId, importId);
  if (stopped) return;
  await db.transaction(async (tx) => {
    const done = await tx
      .update(imports)
      .set({ status: 'completed', finishedAt: sql`now()` })
      .where(and(where, eq(imports.status, 'running')))
      .returning({ id: imports.id });
    // Cancelled after its last batch: it ends cancelled, with every row written.
    if (!done.length) await tx.update(imports).set({ status: 'cancelled', finishedAt: sql`now()` }).where(where);
    await tx.delete(importFiles).where(and(eq(importFiles.workspaceId, workspaceId), eq(importFiles.importId, importId)));
    const { choice, signature } = imp.mapping;
    if (done.length && choice && signature && (choice.columns?.length || choice.constants?.length)) {
      await saveChoice(tx, workspaceId, object, signature, choice);
    }
  });
  // The embedded database has no autovacuum: without fresh statistics the next import's lookups
  // are planned for the tables as they were before this one (see bench/README.md).
  if (database.kind === 'pglite') {
    if (object === 'contact') await db.execute(sql`analyze contacts`);
    if (object === 'company' || importer.results.counts.companiesCreated) await db.execute(sql`analyze companies`);
  }
}

/** Ends a cancelled import: what its committed batches wrote stays; its file goes. */
async function finishCancelled(db: Db, workspaceId: string, importId: string) {
  await db.transaction(async (tx) => {
    await tx
      .update(imports)
      .set({ status: 'cancelled', finishedAt: sql`now()` })
      .where(and(eq(imports.workspaceId, workspaceId), eq(imports.id, importId)));
    await tx.delete(importFiles).where(and(eq(importFiles.workspaceId, workspaceId), eq(importFiles.importId, importId)));
  });
}

/**
 * Cancels an import: a queued one at once; a running one is marked `cancelling` and its job stops
 * before its next batch (the batches already written stay, and are counted).
 */
export async function cancelImport(db: Db, ctx: Ctx, id: string) {
  await db.transaction(async (tx) => {
    const [row] = await tx
      .select({ status: imports.status })
      .from(imports)
      .where(and(eq(imports.workspaceId, ctx.workspaceId), eq(imports.id, id)))
      .for('update');
    if (!row) throw notFound('Import');
    if (row.status === 'completed' || row.status === 'failed' || row.status === 'cancelled') {
      throw conflict(
        'import_finished',
        `The import has already ${row.status === 'cancelled' ? 'been cancelled' : row.status === 'failed' ? 'failed' : 'finished'}`,
      );
    }
    const where = and(eq(imports.workspaceId, ctx.workspaceId), eq(imports.id, id));
    if (row.status === 'queued') {
      await tx.update(imports).set({ status: 'cancelled', finishedAt: sql`now()` }).where(where);
      await tx.delete(importFiles).where(and(eq(importFiles.workspaceId, ctx.workspaceId), eq(importFiles.importId, id)));
    } else {
      await tx.update(imports).set({ status: 'cancelling' }).where(where);
    }
  });
  return getImport(db, ctx, id);
}

/** Every issue of an import, batch by batch in file order, for the errors CSV. */
export async function importIssuesOf(conn: Conn, ctx: Ctx, id: string) {
  const imp = await importRow(conn, ctx, id);
  const batches = await conn
    .select({ errors: importIssues.errors, warnings: importIssues.warnings, cells: importIssues.cells })
    .from(importIssues)
    .where(and(eq(importIssues.workspaceId, ctx.workspaceId), eq(importIssues.importId, id)))
    .orderBy(asc(importIssues.batch));
  return { imp: toImport(imp), header: imp.mapping.header ?? [], batches };
}

/** Marks an import failed (its job gave up), keeping what its committed batches wrote. */
export async function failImport(db: Db, workspaceId: string, importId: string, why: string) {
  await db
    .update(imports)
    .set({ status: 'failed', failure: why.slice(0, 1000), finishedAt: sql`now()` })
    .where(and(eq(imports.workspaceId, workspaceId), eq(imports.id, importId)));
  await db.delete(importFiles).where(and(eq(importFiles.workspaceId, workspaceId), eq(importFiles.importId, importId)));
}

const noneUndone = () => Object.fromEntries(undoTypes.map((t) => [t, 0])) as Record<(typeof undoTypes)[number], number>;

export const toImport = (r: Row): Import => ({
  id: r.id,
  objectType: r.objectType,
  fileName: r.fileName,
  status: r.status,
  dedupe: r.dedupe,
  counts: { ...emptyCounts(), ...r.counts },
  errors: r.errors,
  warnings: r.warnings,
  file: r.mapping.file ?? null,
  columns: r.mapping.columns,
  ignoredColumns: r.mapping.ignoredColumns,
  totalRows: r.totalRows,
  failure: r.failure,
  requestId: r.requestId,
  createdBy: r.createdBy,
  createdAt: r.createdAt.toISOString(),
  finishedAt: r.finishedAt?.toISOString() ?? null,
  // Undos made before every object could be imported counted contacts and companies only.
  undo: r.undo ? { ...r.undo, trashed: { ...noneUndone(), ...r.undo.trashed }, restored: { ...noneUndone(), ...r.undo.restored } } : null,
});

/** An import as the create route answers it. */
export const toImportResult = (r: Row): ImportResult => ({
  importId: r.id,
  objectType: r.objectType,
  dryRun: false,
  status: r.status,
  totalRows: r.totalRows,
  ...emptyCounts(),
  ...r.counts,
  errors: r.errors,
  warnings: r.warnings,
  // Every import this answers was started with the file's reading kept.
  file: r.mapping.file ?? { encoding: 'UTF-8', delimiter: 'comma', header: true },
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
    if (row.status === 'completed' || row.status === 'failed' || row.status === 'cancelled' || Date.now() >= deadline) return row;
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
