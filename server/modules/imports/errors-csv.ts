import type { Conn } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { importIssuesOf } from './imports.service.ts';

/**
 * An RFC 4180 cell with spreadsheet formula injection defused: a cell that starts with = + - @, tab,
 * CR or NUL gets a leading apostrophe so that a spreadsheet shows it as text (SECURITY.md).
 */
export function csvCell(value: string) {
  const v = /^[=+\-@\t\r\0]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

const line = (cells: string[]) => `${cells.map(csvCell).join(',')}\r\n`;

/**
 * The errors CSV of an import: each refused row (`error`, with the row's cells under the file's own
 * column names, so it can be fixed and imported again) and each cell left out or kept as typed
 * (`warning`), in row order.
 */
export async function errorsCsv(conn: Conn, ctx: Ctx, id: string) {
  const { imp, header, batches } = await importIssuesOf(conn, ctx, id);
  const parts = [`\uFEFF${line(['Row', 'Problem', 'Column', 'Field', 'Value', 'Reason', ...header])}`];
  for (const b of batches) {
    const items = [
      ...b.errors.map((e) => ({ row: e.row, kind: 'error', column: e.column, field: e.field, value: '', message: e.message })),
      ...b.warnings.map((w) => ({ row: w.row, kind: 'warning', column: w.column, field: w.field, value: w.value, message: w.message })),
    ].sort((a, c) => a.row - c.row || (a.kind === c.kind ? 0 : a.kind === 'error' ? -1 : 1));
    for (const i of items) {
      const cells = i.kind === 'error' ? (b.cells[i.row] ?? []) : [];
      parts.push(line([String(i.row), i.kind, i.column ?? '', i.field, i.value, i.message, ...cells]));
    }
  }
  const base =
    (imp.fileName ?? 'import')
      .replace(/\.[a-z0-9]{1,5}$/i, '')
      .replace(/[^\p{L}\p{N}._ -]+/gu, '_')
      .slice(0, 80) || 'import';
  return { name: `${base}-errors.csv`.replace(/[^\x20-\x7e]/g, '_'), csv: parts.join('') };
}
