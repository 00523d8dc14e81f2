import type { ImportMappingChoice, ImportObject, ImportPreview, ImportPreviewQuery, ImportRowError } from '../../../contract/imports.ts';
import type { Db } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { AppError } from '../../http/errors.ts';
import { customDefs } from '../fields/fields.service.ts';
import { savedChoice } from './choice.ts';
import { companyRowReader } from './company-rows.ts';
import { decodeFile } from './encoding.ts';
import { fieldsKeyOf } from './importables.ts';
import { fileInfo, prepare, readingOf, withConstants } from './imports.service.ts';
import { headerSignature, type Mapping } from './mapping.ts';
import { Relations } from './record-links.ts';
import { type RecordCandidate, recordRowReader } from './record-rows.ts';
import { rowReader } from './rows.ts';
import { sourceOf } from './sources.ts';
import { digitsOf } from './values.ts';

/** Rows a preview shows. */
export const PREVIEW_ROWS = 20;
const SAMPLES = 3;

/**
 * The beginning of a larger file, cut after its last whole line: the bytes past the last line feed
 * may end inside a character or a quoted cell. A UTF-16LE line feed is 0A 00, so the byte after it
 * stays with it.
 */
export function wholeLines(buf: Buffer): Buffer {
  const lf = buf.lastIndexOf(0x0a);
  if (lf <= 0) return buf;
  return buf.subarray(0, buf[lf + 1] === 0 && lf % 2 === 0 ? lf + 2 : lf + 1);
}

/** A candidate row's values by field, as text: what the record gets. */
function valuesOf(c: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  const put = (k: string, v: unknown) => {
    if (v === null || v === undefined || v === '') return;
    out[k] = typeof v === 'object' ? JSON.stringify(v) : String(v);
  };
  // A record of the generic importer: its body's values, and the cells naming other records as typed.
  if ('relations' in c && 'values' in c) {
    const values = c.values as Record<string, unknown>;
    // Money as people write it (12500.00), not in the minor units it is stored in.
    const digits = digitsOf(typeof values.currency === 'string' ? values.currency : 'EUR');
    for (const [k, v] of Object.entries(values))
      put(k, k.endsWith('Minor') && typeof v === 'number' ? (v / 10 ** digits).toFixed(digits) : v);
    for (const r of c.relations as { field: { name: string }; value: string }[]) put(r.field.name, r.value);
    for (const [ck, cv] of Object.entries(c.custom as Record<string, unknown>)) put(`custom.${ck}`, cv);
    return out;
  }
  for (const [k, v] of Object.entries(c)) {
    if (k === 'row' || k === 'warnings' || k === 'nameFromDomain') continue;
    if (k === 'custom') for (const [ck, cv] of Object.entries(v as Record<string, unknown>)) put(`custom.${ck}`, cv);
    else if (k === 'emails') put('email', (v as { value: string; label: string }[]).map((e) => `${e.value} (${e.label})`).join(', '));
    else if (k === 'phones')
      put(
        'phone',
        (v as { value: string; e164?: string | null; label: string }[]).map((p) => `${p.e164 ?? p.value} (${p.label})`).join(', '),
      );
    else if (k === 'company' && v) {
      const ref = v as { name: string | null; domain: string | null };
      put('company', ref.name);
      put('companyDomain', ref.domain);
    } else if (k === 'address' && v)
      put(
        'address',
        Object.values(v as Record<string, string | null>)
          .filter(Boolean)
          .join(', '),
      );
    else if (k === 'phoneE164') continue;
    else if (k === 'phone' && c.phoneE164) put('phone', c.phoneE164);
    else put(k, v);
  }
  return out;
}

/** The fields a mapping fills, in column order, as a preview table's columns. */
const fieldsOf = (m: Mapping) => [
  ...new Set(
    m.columns.flatMap((c) =>
      c.target.kind === 'email'
        ? ['email']
        : c.target.kind === 'phone'
          ? ['phone']
          : // A contact's full name is split into first and last name: the preview shows what is stored.
            m.object === 'contact' && c.field === 'name'
            ? ['firstName', 'lastName']
            : [c.field],
    ),
  ),
];

/** Drops the parts of a remembered mapping that no longer fit (a custom field deleted since, a column past the file's). */
function stillFits(choice: ImportMappingChoice, width: number, keys: Set<string>): ImportMappingChoice {
  const fits = (f: string | undefined) => !f?.startsWith('custom.') || keys.has(f.slice(7));
  return {
    columns: (choice.columns ?? []).filter((c) => c.index < width && fits(c.field)),
    constants: (choice.constants ?? []).filter((k) => fits(k.field)),
  };
}

/**
 * How a file would be imported, without importing it: the encoding, delimiter and header found (or
 * asked for), each column with the field suggested for it and the field it fills with the mapping
 * given, and the first rows as the import would read them, with every warning and error. Without a
 * mapping, one remembered for the same header is used (`savedMapping`). A mapping that fills no
 * field a record needs is reported in `problem`, not refused, so a person can fix it.
 */
export async function previewImport(db: Db, ctx: Ctx, body: Buffer, query: ImportPreviewQuery): Promise<ImportPreview> {
  // The schema's pattern admits only the built-in objects and `custom:<key>`.
  const q = { ...query, object: query.object as ImportObject };
  const file = q.partial ? wholeLines(body) : body;
  const decoded = decodeFile(file, q.encoding);
  const source = sourceOf(decoded.utf8, q.object);
  const utf8 = source.utf8;
  // A vCard or JSON file is read as the CSV rows it was turned into, whatever the request said of delimiters.
  const csvOptions = source.format === 'csv' ? {} : { delimiter: 'comma' as const, header: true };
  let saved = false;
  let mappingText = q.mapping;
  const base = { object: q.object, encoding: q.encoding, delimiter: q.delimiter, header: q.header, country: q.country, ...csvOptions };
  if (mappingText === undefined) {
    // A remembered mapping for this header: read the header first, then again with the mapping.
    const plain = await readingOf(db, ctx, base);
    const { csv } = await prepare(db, ctx, utf8, plain, false);
    await csv.close();
    if (csv.hasHeader) {
      const remembered = await savedChoice(db, ctx, q.object, headerSignature(q.object, csv.header));
      if (remembered) {
        const keys = new Set((await customDefs(db, ctx, fieldsKeyOf(q.object))).map((d) => d.key));
        mappingText = JSON.stringify(stillFits(remembered, csv.header.length, keys));
        saved = true;
      }
    }
  }
  const reading = await readingOf(db, ctx, { ...base, mapping: mappingText });
  const { csv: plainCsv, mapping: suggested } = await prepare(db, ctx, utf8, { ...reading, choice: undefined }, false);
  await plainCsv.close();
  let problem: string | null = null;
  let prepared: Awaited<ReturnType<typeof prepare>>;
  try {
    prepared = await prepare(db, ctx, utf8, reading);
  } catch (e) {
    const code = e instanceof AppError ? e.errors[0]?.code : undefined;
    if (code !== 'no_usable_column' && code !== 'companies_file') throw e;
    problem = (e as AppError).message;
    prepared = await prepare(db, ctx, utf8, reading, false);
  }
  const { defs, mapping, csv } = prepared;
  const read = reading.importable
    ? recordRowReader(mapping, defs, reading.country, reading.importable)
    : q.object === 'company'
      ? companyRowReader(mapping, defs, reading.country)
      : rowReader(mapping, defs, reading.country);
  const columnIndex = new Map(mapping.columns.map((c) => [c.header, c.index]));
  const mappingOrder = (w: { column: string | null }) => (w.column === null ? -1 : (columnIndex.get(w.column) ?? -1));
  const rows: ImportPreview['rows'] = [];
  const readRows: { row: number; c: Record<string, unknown> | null; values: Record<string, string>; errors: ImportRowError[] }[] = [];
  try {
    for await (const batch of csv.batches(PREVIEW_ROWS)) {
      for (const r of batch) {
        const errors: ImportRowError[] = [];
        const c = read(withConstants({ row: r.row, cells: [...r.cells] }, mapping), errors) as Record<string, unknown> | null;
        // What the record gets is shown as the file names it (a stage by its name), before the names are looked up.
        readRows.push({ row: r.row, c, values: c ? valuesOf(c) : {}, errors });
      }
      break;
    }
  } catch (e) {
    // A header without rows previews as no rows.
    if (!(e instanceof AppError && e.errors[0]?.code === 'no_rows')) throw e;
  } finally {
    await csv.close();
  }
  if (reading.importable) {
    // The names the cells give (a stage, an owner, a company) are looked up as the import will, so
    // the preview warns of those that will not be found.
    const candidates = readRows.map((x) => x.c).filter((c): c is Record<string, unknown> => c !== null) as unknown as RecordCandidate[];
    await new Relations(ctx, reading.importable.fields).resolve(db, candidates, (r, cell, why) =>
      r.warnings.push({ row: r.row, field: cell.field.name, column: cell.column, value: cell.value.slice(0, 200), message: why }),
    );
  }
  for (const x of readRows) {
    const warnings = (x.c?.warnings as ImportPreview['rows'][number]['warnings']) ?? [];
    // Warnings of looked-up names join those of the cells: in column order.
    if (reading.importable) warnings.sort((a, b) => mappingOrder(a) - mappingOrder(b));
    rows.push({
      row: x.row,
      status: x.errors.length ? 'error' : warnings.length ? 'warning' : 'ok',
      values: x.values,
      warnings,
      errors: x.errors,
    });
  }
  const fieldAt = new Map(mapping.columns.map((c) => [c.index, c.field]));
  const suggestedAt = new Map(suggested.columns.map((c) => [c.index, c.field]));
  const qualifierOf = (h: string, i: number) => {
    const v = mapping.report[h] ?? mapping.report[`${h} (column ${i + 1})`];
    return v && /\.(label|country|callingCode)$/.test(v) ? v : null;
  };
  const choice = reading.choice;
  return {
    object: q.object,
    targets: reading.importable ? reading.importable.fields.map((f) => f.name) : [],
    file: fileInfo(decoded.encoding, csv, source.format),
    columns: csv.header.map((header, index) => ({
      index,
      header,
      suggested: suggestedAt.get(index) ?? null,
      field: fieldAt.get(index) ?? null,
      qualifies: fieldAt.has(index) ? null : qualifierOf(header, index),
      samples: csv.sample
        .map((s) => s[index]?.trim() ?? '')
        .filter(Boolean)
        .slice(0, SAMPLES),
    })),
    fields: fieldsOf(mapping),
    mapping: choice
      ? {
          columns: (JSON.parse(mappingText ?? '{}') as ImportMappingChoice).columns ?? [],
          constants: choice.constants,
        }
      : { columns: [], constants: [] },
    savedMapping: saved,
    customFields: defs.map((d) => ({ key: d.key, label: d.label, type: d.type })),
    problem,
    notes: source.notes.slice(0, 100),
    rows,
  };
}
