import { type CsvError, parse } from 'csv-parse';
import { MAX_IMPORT_ROWS } from '../../../contract/imports.ts';
import { AppError, badRequest } from '../../http/errors.ts';

/** Data rows of a CSV file, a batch at a time; `row` is the spreadsheet row number (a header is row 1). */
export interface CsvRow {
  row: number;
  cells: string[];
}

/** The delimiters a file may use, by the names the API reports them with. */
export const delimiters = { comma: ',', semicolon: ';', tab: '\t', pipe: '|' } as const;
export type DelimiterName = keyof typeof delimiters;

export interface CsvFile {
  /** The header's cells; for a file without one, "Column 1", "Column 2" … */
  header: string[];
  /** Whether the first row named the columns (false: it was data, and is row 1). */
  hasHeader: boolean;
  delimiter: DelimiterName;
  /** The first data rows (up to SAMPLE_ROWS), for decisions that need values as well as names. */
  sample: string[][];
  /** Data rows in batches; blank rows are left out (their numbers are skipped, as a spreadsheet shows them). */
  batches(size: number): AsyncGenerator<CsvRow[]>;
  /** Stops reading (when a later step fails before every row was read). */
  close(): Promise<void>;
}

export interface CsvOptions {
  /** Forces the delimiter; otherwise it is detected. */
  delimiter?: DelimiterName;
  /** Whether the first row names the columns; otherwise it is detected (a row of data holds emails or phone numbers). */
  header?: boolean;
}

const CHUNK = 1 << 20;
const SAMPLE_ROWS = 50;
const badFile = (code: string, message: string) => badRequest('body', code, message);

/**
 * The delimiter of a file from its first lines (`text`): of comma, semicolon, tab and pipe, outside
 * quotes, the one that splits the first line and splits the most following lines into as many
 * cells as the first; a tie goes to the one the first line holds most of, then to the comma.
 * Spreadsheets in locales with a decimal comma write `;`, some exports tab or `|`.
 */
export function detectDelimiter(text: string): DelimiterName {
  const lines: Record<string, number>[] = [];
  let count: Record<string, number> = { ',': 0, ';': 0, '\t': 0, '|': 0 };
  let quoted = false;
  let filled = false;
  for (let i = 0; i < text.length && lines.length < 20; i++) {
    const ch = text[i];
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) {
      if (filled) lines.push(count);
      count = { ',': 0, ';': 0, '\t': 0, '|': 0 };
      filled = false;
    } else {
      if (!quoted && ch in count) count[ch]++;
      if (ch.trim()) filled = true;
    }
  }
  if (filled && lines.length < 20) lines.push(count);
  const [first, ...rest] = lines;
  if (!first) return 'comma';
  let best: DelimiterName = 'comma';
  let bestScore = -1;
  for (const [name, ch] of Object.entries(delimiters) as [DelimiterName, string][]) {
    if (!first[ch]) continue;
    const agreeing = rest.filter((l) => l[ch] === first[ch]).length;
    const score = agreeing * 1000 + first[ch];
    if (score > bestScore) {
      best = name;
      bestScore = score;
    }
  }
  return best;
}

const isBlank = (cells: string[]) => cells.every((c) => c.trim() === '');

const emailLike = /^[^\s@,;]+@[^\s@,;]+\.[^\s@,;]+$/u;
const phoneLike = /^\+?[\d\s().\-/]+$/;
/**
 * Whether a first row is data rather than column names: a header never holds an email address or a
 * phone number, and a contact's row nearly always does.
 */
export const looksLikeData = (cells: string[]) =>
  cells.some((c) => {
    const v = c.trim();
    return emailLike.test(v) || (phoneLike.test(v) && (v.match(/\d/g)?.length ?? 0) >= 7);
  });

/**
 * Reads the header of a CSV file (UTF-8, already decoded) and its first rows. Parsing is csv-parse's:
 * quoted fields with delimiters, quotes and line breaks, CRLF or LF.
 */
export async function openCsv(utf8: Buffer, opts: CsvOptions = {}): Promise<CsvFile> {
  const delimiter =
    opts.delimiter ??
    detectDelimiter(
      utf8
        .subarray(0, 64 * 1024)
        .toString('utf8')
        .replace(/^[\r\n ]+/, ''),
    );
  const records = readRecords(utf8, delimiters[delimiter]);
  // Blank lines before the first row are skipped, but they keep their row numbers.
  let row = 0;
  let first: CsvRow | null = null;
  for (let next = await records.next(); !next.done; next = await records.next()) {
    row++;
    if (!isBlank(next.value)) {
      first = { row, cells: next.value };
      break;
    }
  }
  if (!first) {
    await records.return(undefined);
    throw badFile('empty_file', 'The file is empty: send a CSV file whose first row names the columns');
  }
  const hasHeader = opts.header ?? !looksLikeData(first.cells);
  const buffered: CsvRow[] = hasHeader ? [] : [first];
  while (buffered.length < SAMPLE_ROWS) {
    const next = await records.next();
    if (next.done) break;
    row++;
    if (!isBlank(next.value)) buffered.push({ row, cells: next.value });
  }
  const width = Math.max(first.cells.length, ...buffered.map((r) => r.cells.length));
  const header = hasHeader ? first.cells.map((h) => h.trim()) : Array.from({ length: width }, (_, i) => `Column ${i + 1}`);
  return {
    header,
    hasHeader,
    delimiter,
    sample: buffered.map((r) => r.cells),
    async *batches(size: number) {
      let batch: CsvRow[] = [];
      let data = 0;
      const take = (r: CsvRow) => {
        if (++data > MAX_IMPORT_ROWS) {
          throw new AppError(
            413,
            'too_many_rows',
            `A file may hold at most ${MAX_IMPORT_ROWS.toLocaleString('en')} rows; split it and import the parts`,
          );
        }
        batch.push(r);
      };
      for (const r of buffered) {
        take(r);
        if (batch.length >= size) {
          yield batch;
          batch = [];
        }
      }
      for await (const cells of records) {
        row++;
        if (isBlank(cells)) continue;
        take({ row, cells });
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
