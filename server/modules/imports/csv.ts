import { isUtf8 } from 'node:buffer';
import { type CsvError, parse } from 'csv-parse';
import { MAX_IMPORT_ROWS } from '../../../contract/imports.ts';
import { AppError, badRequest } from '../../http/errors.ts';

/** Data rows of a CSV file, a batch at a time; `row` is the spreadsheet row number (the header is row 1). */
export interface CsvRow {
  row: number;
  cells: string[];
}

export interface CsvFile {
  header: string[];
  /** Data rows in batches; blank rows are left out (their numbers are skipped, as a spreadsheet shows them). */
  batches(size: number): AsyncGenerator<CsvRow[]>;
  /** Stops reading (when a later step fails before every row was read). */
  close(): Promise<void>;
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const CHUNK = 1 << 20;
const badFile = (code: string, message: string) => badRequest('body', code, message);

/** The line (1-based) of a byte offset, for messages about where a file goes wrong. */
const lineAt = (buf: Buffer, offset: number) => {
  let line = 1;
  for (let i = buf.indexOf(10); i !== -1 && i < offset; i = buf.indexOf(10, i + 1)) line++;
  return line;
};

/**
 * The delimiter of the header line (the first line of `text`): the most frequent of comma,
 * semicolon and tab outside quotes (spreadsheets in locales with a decimal comma write `;`). A tie,
 * or none at all, is a comma.
 */
export function detectDelimiter(text: string): string {
  const count: Record<string, number> = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && ch in count) count[ch]++;
  }
  if (count[';'] > count[','] && count[';'] >= count['\t']) return ';';
  if (count['\t'] > count[',']) return '\t';
  return ',';
}

const isBlank = (cells: string[]) => cells.every((c) => c.trim() === '');

/**
 * Checks the bytes of an uploaded CSV file and reads its header. The file must be UTF-8 without NUL
 * bytes: that is what spreadsheets export as "CSV UTF-8", and anything else (a legacy code page, an
 * .xlsx renamed .csv) would be stored as garbled text. Parsing itself is csv-parse's: quoted fields
 * with delimiters, quotes and line breaks, CRLF or LF, a UTF-8 byte order mark.
 */
export async function openCsv(buf: Buffer): Promise<CsvFile> {
  const start = buf.subarray(0, 3).equals(BOM) ? 3 : 0;
  const nul = buf.indexOf(0);
  if (nul !== -1) {
    throw badFile(
      'binary_file',
      `The file holds a NUL byte (line ${lineAt(buf, nul)}): it is not a text CSV file. Export it as "CSV UTF-8".`,
    );
  }
  if (!isUtf8(buf)) {
    throw badFile(
      'not_utf8',
      'The file is not valid UTF-8 text. Export it as "CSV UTF-8" (or save it with UTF-8 encoding) and send it again.',
    );
  }
  const records = readRecords(buf, delimiterOf(buf, start));
  // Blank lines before the header are skipped, but they keep their row numbers.
  let row = 0;
  let header: string[] = [];
  for (let next = await records.next(); !next.done; next = await records.next()) {
    row++;
    if (!isBlank(next.value)) {
      header = next.value.map((h) => h.trim());
      break;
    }
  }
  if (!header.length) {
    await records.return(undefined);
    throw badFile('empty_file', 'The file is empty: send a CSV file whose first row names the columns');
  }
  return {
    header,
    async *batches(size: number) {
      let batch: CsvRow[] = [];
      let data = 0;
      for await (const cells of records) {
        row++;
        if (isBlank(cells)) continue;
        if (++data > MAX_IMPORT_ROWS) {
          throw new AppError(
            413,
            'too_many_rows',
            `A file may hold at most ${MAX_IMPORT_ROWS.toLocaleString('en')} rows; split it and import the parts`,
          );
        }
        batch.push({ row, cells });
        if (batch.length >= size) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length) yield batch;
      if (data === 0) throw badFile('no_rows', 'The file has a header but no data rows');
    },
    close: async () => {
      await records.return(undefined);
    },
  };
}

const delimiterOf = (buf: Buffer, start: number) => {
  const text = buf.subarray(start, start + 64 * 1024).toString('utf8');
  return detectDelimiter(text.replace(/^[\r\n ]+/, ''));
};

/**
 * The records of the file, streamed: the buffer is fed to csv-parse a MiB at a time, so a large
 * file neither blocks the event loop for its whole parse nor waits for it before the first rows
 * are written.
 */
async function* readRecords(buf: Buffer, delimiter: string): AsyncGenerator<string[]> {
  const parser = parse({
    delimiter,
    bom: true,
    relax_column_count: true,
    // A stray quote inside an unquoted field (`5" screen`) is kept as a character, as spreadsheets do.
    relax_quotes: true,
    skip_empty_lines: false,
    max_record_size: 1 << 20,
  });
  const writable = () =>
    new Promise<void>((resolve) => {
      const done = () => {
        parser.off('drain', done);
        parser.off('close', done);
        resolve();
      };
      parser.on('drain', done);
      parser.on('close', done);
    });
  const feed = (async () => {
    for (let i = 0; i < buf.length; i += CHUNK) {
      if (parser.destroyed) return;
      if (!parser.write(buf.subarray(i, i + CHUNK))) await writable();
    }
    if (!parser.destroyed) parser.end();
  })();
  try {
    for await (const record of parser) yield record as string[];
  } catch (e) {
    const err = e as CsvError;
    if (typeof err.code === 'string' && err.code.startsWith('CSV_')) {
      throw badFile('invalid_csv', `The file is not valid CSV: ${err.message}`);
    }
    throw e;
  } finally {
    // Stopping early (an error in a later step) must not leave the feeder waiting for a drain.
    parser.destroy();
    await feed.catch(() => {});
  }
}
