import type { ImportObject, ImportRowWarning } from '../../../contract/imports.ts';
import { AppError } from '../../http/errors.ts';
import { isVcardText } from './vcard.ts';
import { type Table, vcardTable } from './vcard-table.ts';

// Files that are not CSV — vCards, JSON arrays, NDJSON — are turned into the CSV text the importer
// reads (a header and a row per card or object) as soon as they are decoded. From there on they are
// CSV files: the preview, the mapping screen, the stored file, the job and its resume are the same.

export type SourceFormat = 'csv' | 'vcard' | 'json';

export interface Source {
  format: SourceFormat;
  /** CSV text (UTF-8): the file itself, or the table it was turned into. */
  utf8: Buffer;
  /** What could not be read while turning the file into rows (a broken card, a bad JSON line). */
  notes: ImportRowWarning[];
}

/** A cell of the generated CSV: quoted when it must be (no formula defusing: the importer reads it, not a spreadsheet). */
const cell = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
const toCsv = (t: Pick<Table, 'header' | 'rows'>) =>
  Buffer.from([t.header, ...t.rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n', 'utf8');

/** A table without the columns no card filled (a file without birthdays shows no Birthday column on the mapping screen). */
function withoutEmptyColumns(t: Table) {
  const keep = t.header.map((_, i) => t.rows.some((r) => r[i]));
  if (!keep.some(Boolean)) return t;
  return { ...t, header: t.header.filter((_, i) => keep[i]), rows: t.rows.map((r) => r.filter((_, i) => keep[i])) };
}

const badJson = (message: string) => new AppError(400, 'bad_file', message, [{ field: 'body', code: 'bad_json', message }]);

/** A value as the text of a cell: nested objects are flattened into `a.b` columns before this. */
function text(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  try {
    return JSON.stringify(v);
  } catch {
    // Nested too deep to write (JSON.stringify recurses): such a cell is no value a record can hold.
    return '';
  }
}

/** An object's leaves by dotted path: `{ a: { b: 1 }, tags: ['x', 'y'], emails: [{ value }] }` → `a.b`, `tags` ("x; y"), `emails.1.value`. */
function flatten(value: unknown, prefix: string, out: Map<string, string>, depth = 0) {
  if (depth > 8) {
    out.set(prefix, text(value));
    return;
  }
  if (Array.isArray(value)) {
    if (value.every((x) => x === null || typeof x !== 'object')) out.set(prefix, value.map(text).filter(Boolean).join('; '));
    else
      value.forEach((x, i) => {
        flatten(x, `${prefix}.${i + 1}`, out, depth + 1);
      });
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out, depth + 1);
  } else out.set(prefix, text(value));
}

/** A JSON array of objects, or NDJSON (one object a line), as a table: the keys met, in the order met, are the columns. */
export function jsonTable(textIn: string): Table {
  const src = textIn.replace(/^\uFEFF/, '').trim();
  const notes: ImportRowWarning[] = [];
  let items: { value: unknown; line: number }[];
  if (src.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(src);
    } catch (e) {
      throw badJson(
        `The file starts like a JSON array but is not valid JSON (${(e as Error).message}). Send an array of objects, or one object a line (NDJSON).`,
      );
    }
    items = (parsed as unknown[]).map((value, i) => ({ value, line: i + 1 }));
  } else {
    items = [];
    const lines = src.split(/\r?\n/);
    lines.forEach((l, i) => {
      if (!l.trim()) return;
      try {
        items.push({ value: JSON.parse(l), line: i + 1 });
      } catch (e) {
        notes.push({
          row: items.length + 2,
          field: 'line',
          column: null,
          value: l.slice(0, 200),
          message: `line ${i + 1} is not JSON (${(e as Error).message}); left out`,
        });
      }
    });
  }
  const columns = new Map<string, number>();
  const flat = items.map(({ value, line }) => {
    const out = new Map<string, string>();
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      notes.push({
        row: 0,
        field: 'line',
        column: null,
        value: text(value).slice(0, 200),
        message: `item ${line} is not an object; left out`,
      });
      return out;
    }
    flatten(value, '', out);
    for (const k of out.keys()) if (!columns.has(k)) columns.set(k, columns.size);
    return out;
  });
  const header = [...columns.keys()];
  if (!header.length) throw badJson('The JSON holds no object with a value: send an array of objects, or one object a line (NDJSON).');
  const rows = flat.filter((m) => m.size).map((m) => header.map((h) => m.get(h) ?? ''));
  // Notes name rows of the table: objects that were left out have none.
  return { header, rows, notes: notes.map((n) => (n.row === 0 ? { ...n, row: 1 } : n)) };
}

const looksLikeJson = (text: string) => /^\uFEFF?\s*[[{]/.test(text.slice(0, 100));

/** Reads what kind of file a decoded upload is and turns a vCard or JSON file into CSV rows for `object`. */
export function sourceOf(utf8: Buffer, object: ImportObject): Source {
  const head = utf8.subarray(0, 4000).toString('utf8');
  if (isVcardText(head)) {
    const t = vcardTable(utf8.toString('utf8'), object);
    return { format: 'vcard', utf8: toCsv(withoutEmptyColumns(t)), notes: t.notes };
  }
  if (looksLikeJson(head)) {
    const t = jsonTable(utf8.toString('utf8'));
    return { format: 'json', utf8: toCsv(t), notes: t.notes };
  }
  return { format: 'csv', utf8, notes: [] };
}
