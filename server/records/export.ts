import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import type { ExportFormat, ExportQuery } from '../../contract/exports.ts';
import type { Conn, Db } from '../db/client.ts';
import type { Ctx } from '../http/context.ts';
import { badRequest } from '../http/errors.ts';
import { hiddenFields, stripHidden } from './field-rules.ts';
import { type ListInput, listJson } from './list.ts';
import { expandFields, listInputOf } from './list-request.ts';
import type { ObjectDef } from './object-def.ts';
import { ports } from './ports.ts';
import { assertAction } from './visibility.ts';

// A list as a file, streamed a page at a time: each page is one keyset query of EXPORT_PAGE records
// (the list's own filter, sort and view), written out before the next is read, so an export of a
// million records holds one page in memory, and on the embedded database other requests run
// between its pages. The browser used to page through the API and stopped at 50,000 rows.

/** Records per page of an export: one query each. */
export const EXPORT_PAGE = 1000;

type Rec = Record<string, unknown>;

/** What an object adds to the generic export: its row-path list (no projection), its vCard writer (contacts). */
export interface ExportOptions {
  list?: (conn: Conn, ctx: Ctx, input: ListInput) => Promise<{ data: Rec[]; nextCursor: string | null }>;
  vcard?: (record: Rec) => string;
}

/**
 * An RFC 4180 cell with spreadsheet formula injection defused: a cell that starts with = + - @, tab,
 * CR or NUL gets a leading apostrophe so that a spreadsheet shows it as text (SECURITY.md §3).
 */
export function csvCell(value: string) {
  const v = /^[=+\-@\t\r\0]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

const addressParts = ['street', 'postalCode', 'city', 'region', 'country'];

/**
 * One value as a CSV cell. Lists read as people write them: emails and phones by value, a contact's
 * companies by name, separated by "; "; an address on one line; anything else nested as JSON.
 */
export function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) {
    if (v.every((x) => typeof x === 'string' || typeof x === 'number')) return v.join('; ');
    if (v.every((x) => x && typeof x === 'object' && ('value' in x || 'name' in x)))
      return v.map((x) => String((x as Rec).value ?? (x as Rec).name ?? '')).join('; ');
    return JSON.stringify(v);
  }
  if (typeof v === 'object' && Object.keys(v).every((k) => addressParts.includes(k))) {
    const a = v as Rec;
    return addressParts
      .map((k) => (k === 'postalCode' ? null : k === 'city' ? [a.postalCode, a.city].filter(Boolean).join(' ') : a[k]))
      .filter((x) => x !== null && x !== undefined && x !== '')
      .join(', ');
  }
  return JSON.stringify(v);
}

/** A column's value in a record: `custom.budget` reads the record's custom values. */
const valueAt = (r: Rec, column: string) => (column.startsWith('custom.') ? (r.custom as Rec | undefined)?.[column.slice(7)] : r[column]);

/** The CSV columns: the fields asked for (a derived column as the fields it reads), else every field of the object, custom ones one column each. */
async function columnsOf(conn: Conn, ctx: Ctx, def: ObjectDef, fields: string | undefined, deleted: boolean) {
  const custom = def.hasCustom ? await ports().customFieldKeys(conn, ctx, def) : [];
  const names = fields ? expandFields(def, fields) : [...(def.apiFields ?? [])].filter((f) => deleted || f !== 'deletedAt');
  const out = ['id', ...names.filter((n) => n !== 'id')].flatMap((n) => (n === 'custom' ? custom.map((k) => `custom.${k}`) : [n]));
  // A field hidden from the role is no column of its file, not even an empty one.
  const hidden = new Set(hiddenFields(ctx, def.type));
  return [...new Set(out)].filter((c) => !hidden.has(c));
}

/** The pages of a list, EXPORT_PAGE records each, read one at a time as the stream asks for them, without the fields hidden from the role. */
async function* pagesOf(db: Db, ctx: Ctx, def: ObjectDef, input: ListInput, opts: ExportOptions, only?: ReadonlySet<string>) {
  const hidden = hiddenFields(ctx, def.type);
  for await (const page of rawPagesOf(db, ctx, def, input, opts, only)) {
    if (!hidden.length) yield page;
    else {
      const records = page.records.map((r) => stripHidden(r, hidden));
      yield { records, json: JSON.stringify(records) };
    }
  }
}

async function* rawPagesOf(db: Db, ctx: Ctx, def: ObjectDef, input: ListInput, opts: ExportOptions, only?: ReadonlySet<string>) {
  let cursor: string | undefined;
  do {
    const page = { ...input, cursor, limit: EXPORT_PAGE };
    if (def.projection) {
      const p = await listJson(db, ctx, def, page, only);
      yield { records: JSON.parse(p.json) as Rec[], json: p.json };
      cursor = p.nextCursor ?? undefined;
    } else {
      if (!opts.list) throw new Error(`${def.type} has neither a projection nor a list function`);
      const p = await opts.list(db, ctx, page);
      const pick = only ? (r: Rec) => Object.fromEntries(Object.entries(r).filter(([k]) => only.has(k))) : (r: Rec) => r;
      const records = p.data.map(pick);
      yield { records, json: JSON.stringify(records) };
      cursor = p.nextCursor ?? undefined;
    }
  } while (cursor);
}

const types: Record<ExportFormat, { type: string; ext: string }> = {
  csv: { type: 'text/csv; charset=utf-8', ext: 'csv' },
  json: { type: 'application/json; charset=utf-8', ext: 'json' },
  vcard: { type: 'text/vcard; charset=utf-8', ext: 'vcf' },
};

/**
 * Answers `GET /<records>/export`. The first page is read before anything is sent, so a bad filter,
 * sort or view is a problem+json 400 like the list's, not a broken download.
 */
export async function sendExport(db: Db, ctx: Ctx, reply: FastifyReply, def: ObjectDef, q: ExportQuery, opts: ExportOptions, name: string) {
  assertAction(ctx, def, 'export');
  const format = q.format ?? 'csv';
  if (format === 'vcard' && !opts.vcard) {
    throw badRequest(
      'query.format',
      'unsupported_format',
      `${def.label.toLowerCase()} records cannot be exported as vCard; use csv or json`,
    );
  }
  const { input, fields } = await listInputOf(db, ctx, def, q);
  const only =
    fields && format === 'json' ? new Set(['id', 'version', ...expandFields(def, fields).map((f) => f.split('.')[0])]) : undefined;
  const columns = format === 'csv' ? await columnsOf(db, ctx, def, fields, !!q.deleted) : [];
  const pages = pagesOf(db, ctx, def, input, opts, only);
  const first = await pages.next();
  // What was asked, not the filter itself: a filter may name a person, and the log outlives erasures.
  await ports().securityEvent(
    db,
    ctx,
    'records.exported',
    { type: name, id: null },
    {
      format,
      filtered: !!(q.filter || q.view),
      deleted: !!q.deleted,
    },
  );
  const vcard = opts.vcard;
  async function* body() {
    let page = first;
    let n = 0;
    if (format === 'csv') yield `\uFEFF${columns.map(csvCell).join(',')}\r\n`;
    if (format === 'json') yield '[';
    while (!page.done) {
      const { records, json } = page.value;
      if (format === 'csv') yield records.map((r) => `${columns.map((c) => csvCell(cellText(valueAt(r, c)))).join(',')}\r\n`).join('');
      else if (format === 'json') {
        if (records.length) yield `${n ? ',' : ''}${json.slice(1, -1)}`;
      } else if (vcard) yield records.map(vcard).join('');
      n += records.length;
      page = await pages.next();
    }
    if (format === 'json') yield ']';
  }
  const file = `${name}.${types[format].ext}`;
  return reply
    .header('content-type', types[format].type)
    .header('content-disposition', `attachment; filename="${file}"`)
    .header('cache-control', 'no-store')
    .send(Readable.from(body(), { objectMode: false }));
}
