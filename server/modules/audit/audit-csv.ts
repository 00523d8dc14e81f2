import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import { cellText, csvCell } from '../../records/export.ts';

type Page<T> = { data: T[]; nextCursor: string | null };

/** A CSV column: its header and how a row fills it. */
export type Column<T> = [string, (row: T) => unknown];

/** Rows per page read for a download: the file is streamed a page at a time, however long the log. */
export const EXPORT_PAGE = 500;

/**
 * Streams a log as CSV (RFC 4180, formula injection defused as in the record exports). The first
 * page is read by the caller before anything is sent, so that bad input is a problem+json answer,
 * not a broken download.
 */
export function sendCsv<T>(
  reply: FastifyReply,
  fileName: string,
  first: Page<T>,
  next: (cursor: string) => Promise<Page<T>>,
  columns: Column<T>[],
) {
  async function* body() {
    yield `\uFEFF${columns.map(([h]) => csvCell(h)).join(',')}\r\n`;
    let page = first;
    for (;;) {
      if (page.data.length) yield page.data.map((r) => `${columns.map(([, get]) => csvCell(cellText(get(r)))).join(',')}\r\n`).join('');
      if (!page.nextCursor) break;
      page = await next(page.nextCursor);
    }
  }
  return reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${fileName}"`)
    .header('cache-control', 'no-store')
    .send(Readable.from(body(), { objectMode: false }));
}
