import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { uuidv7 } from 'uuidv7';
import {
  type BuiltInImportObject,
  type DedupeMode,
  dedupeModes,
  type Import,
  type ImportDelimiter,
  type ImportObject,
  importDelimiters,
  importObjects,
} from '../../contract/imports.ts';
import { type Config, databaseOptions } from '../config.ts';
import { openDatabase } from '../db/client.ts';
import type { Ctx } from '../http/context.ts';
import type { JobLog } from '../jobs/define.ts';
import { startWorker } from '../jobs/start.ts';
import { actingMember } from '../modules/auth/members.service.ts';
import { importCompaniesJob, importContactsJob, importRecordsJob } from '../modules/imports/imports.jobs.ts';
import { cancelImport, getImport, startImport } from '../modules/imports/imports.service.ts';
import { findWorkspaces } from '../modules/workspaces/workspaces.service.ts';

export interface ImportArgs {
  file: string;
  object: string;
  workspace?: string;
  dedupe?: string;
  mapping?: string;
  as?: string;
  encoding?: string;
  delimiter?: string;
  header?: boolean;
  country?: string;
}

/** `--object` in the singular or plural; a custom object is `custom:<key>` (or its key alone, when no built-in object has that name). */
const objects: Record<string, BuiltInImportObject> = {
  contacts: 'contact',
  companies: 'company',
  leads: 'lead',
  deals: 'deal',
  tasks: 'task',
  activities: 'activity',
  ...Object.fromEntries(importObjects.map((o) => [o, o])),
};

const usageObjects = `${importObjects.map((o) => Object.keys(objects).find((k) => objects[k] === o && k !== o) ?? o).join(', ')} or custom:<key>`;

/** A problem the person at the terminal can fix: printed as its message, exit code 2. */
class UsageError extends Error {}

function checkArgs(a: ImportArgs) {
  const custom = /^custom:([a-z][a-z0-9_]{0,62})$/.exec(a.object);
  const object: ImportObject | undefined = Object.hasOwn(objects, a.object)
    ? objects[a.object]
    : custom
      ? `custom:${custom[1]}`
      : undefined;
  if (!object) throw new UsageError(`--object must be ${usageObjects}`);
  if (a.dedupe !== undefined && !(dedupeModes as readonly string[]).includes(a.dedupe)) {
    throw new UsageError(`--dedupe must be one of ${dedupeModes.join(', ')}`);
  }
  if (a.delimiter !== undefined && !(importDelimiters as readonly string[]).includes(a.delimiter)) {
    throw new UsageError(`--delimiter must be one of ${importDelimiters.join(', ')}`);
  }
  return object;
}

const finished = (s: string) => s === 'completed' || s === 'failed' || s === 'cancelled';

/** "1,200 of 5,000 rows (24%)" */
function progressLine(i: Import) {
  const total = i.totalRows ?? 0;
  const pct = total ? Math.floor((i.counts.rows / total) * 100) : 100;
  return `${i.counts.rows.toLocaleString('en')} of ${total.toLocaleString('en')} rows (${pct}%) · ${i.counts.created} created, ${i.counts.updated} updated, ${i.counts.rejected} refused`;
}

export function summary(i: Import) {
  const c = i.counts;
  const lines = [
    `Import ${i.id} ${i.status}: ${c.rows} rows read`,
    `  created ${c.created}, updated ${c.updated}, duplicates skipped ${c.duplicates}, refused ${c.rejected}, with warnings ${c.warned}${c.companiesCreated ? `, companies created ${c.companiesCreated}` : ''}`,
  ];
  if (i.failure) lines.push(`  ${i.failure}`);
  for (const e of i.errors.slice(0, 10)) lines.push(`  row ${e.row}: ${e.column ?? e.field}: ${e.message}`);
  for (const w of i.warnings.slice(0, 10)) lines.push(`  row ${w.row} (warning): ${w.column ?? w.field}: ${w.message}`);
  if (c.rejected + c.warned > 0) lines.push('  Every refused row and warning: GET /api/v1/imports/' + i.id + '/errors.csv');
  return lines.join('\n');
}

/**
 * `rapport import <file> --object contacts|companies|leads|deals|tasks|activities|custom:<key>`: imports a file into a workspace of the
 * configured database through the same services as the API (the file checked whole, then the
 * import job run a batch at a time by a worker in this process), printing its progress and a
 * summary. Ctrl-C cancels the import after the batch under way.
 */
export async function importCommand(config: Config, a: ImportArgs, out: (line: string) => void = console.log) {
  const object = checkArgs(a);
  let file: Buffer;
  try {
    file = readFileSync(a.file);
  } catch {
    throw new UsageError(`cannot read ${a.file}`);
  }
  const mapping = a.mapping === undefined ? undefined : readFileSync(a.mapping, 'utf8');
  const database = await openDatabase(databaseOptions(config));
  await database.migrate();
  const { db } = database;
  let worker: Awaited<ReturnType<typeof startWorker>> | null = null;
  try {
    const found = await findWorkspaces(db, a.workspace);
    if (found.length !== 1) {
      throw new UsageError(
        found.length === 0
          ? a.workspace
            ? `no workspace is named ${a.workspace}`
            : 'the database has no workspace yet'
          : `name the workspace with --workspace (id or name): ${found.map((w) => `${w.name} (${w.id})`).join(', ')}`,
      );
    }
    const workspace = found[0];
    const member = await actingMember(db, workspace.id, a.as);
    if (!member) throw new UsageError(a.as ? `${a.as} is not an enabled member of ${workspace.name}` : `${workspace.name} has no owner`);
    const ctx: Ctx = {
      workspaceId: workspace.id,
      memberId: member.id,
      actor: { type: 'member', id: member.id },
      role: member.role,
      requestId: `cli-${uuidv7()}`,
    };
    const id = await startImport(
      db,
      ctx,
      file,
      {
        object,
        dedupe: (a.dedupe ?? 'skip') as DedupeMode,
        dryRun: false,
        fileName: basename(a.file),
        encoding: a.encoding,
        delimiter: a.delimiter as ImportDelimiter | undefined,
        header: a.header,
        country: a.country,
        mapping,
      },
      database.kind,
    );
    out(
      `Importing ${basename(a.file)} into ${workspace.name} as ${object.startsWith('custom:') ? object : (Object.keys(objects).find((k) => objects[k] === object && k !== object) ?? object)} (import ${id})`,
    );
    // A worker of our own runs the job; on PostgreSQL, a server's worker may take it instead. Ours
    // runs import jobs only: whatever else the queue holds (mail, notices, scans) waits for the
    // server's workers rather than holding this import up behind it.
    const log: JobLog = { info() {}, warn() {}, error: (o, m) => console.error(m ?? o) };
    worker = await startWorker(database, config, log, 1, [], [importContactsJob.name, importCompaniesJob.name, importRecordsJob.name]);
    let cancelling = false;
    const onSigint = () => {
      if (cancelling) return;
      cancelling = true;
      out('Cancelling after the batch under way…');
      cancelImport(db, ctx, id).catch(() => {});
    };
    process.on('SIGINT', onSigint);
    let last = '';
    let current = await getImport(db, ctx, id);
    try {
      while (!finished(current.status)) {
        const line = progressLine(current);
        if (line !== last) out(line);
        last = line;
        await new Promise((r) => setTimeout(r, 200));
        current = await getImport(db, ctx, id);
      }
    } finally {
      process.off('SIGINT', onSigint);
    }
    if (progressLine(current) !== last) out(progressLine(current));
    out(summary(current));
    return current;
  } finally {
    await worker?.stop(8_000);
    await database.close();
  }
}

export { UsageError };
