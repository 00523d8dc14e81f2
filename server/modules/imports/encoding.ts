import { isUtf8 } from 'node:buffer';
import { analyse } from 'chardet';
import iconv from 'iconv-lite';
import { badRequest } from '../../http/errors.ts';

/** How a file's bytes were read: the encoding's name as reported to the user, and the text as UTF-8. */
export interface Decoded {
  encoding: string;
  /** The file as UTF-8, without a byte order mark. */
  utf8: Buffer;
}

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
/** How much of a file the detection reads: enough for any header and a few hundred rows. */
const SAMPLE = 64 * 1024;

/** Node's binary-to-text codecs, which iconv-lite also knows: they turn bytes into their own spelling, not into text. */
const notText = new Set(['base64', 'base64url', 'hex']);

/** Whether iconv-lite can decode this character encoding (the names people and tools use: `latin1`, `cp1252`, `Shift_JIS` …). */
export const isEncoding = (name: string) => {
  const key = name.toLowerCase().replace(/[^a-z0-9]/g, '');
  return key !== '' && !notText.has(key) && iconv.encodingExists(name);
};

const badFile = (code: string, message: string) => badRequest('body', code, message);

/** The line (1-based) of a byte offset, for messages about where a file goes wrong. */
const lineAt = (buf: Buffer, offset: number) => {
  let line = 1;
  for (let i = buf.indexOf(10); i !== -1 && i < offset; i = buf.indexOf(10, i + 1)) line++;
  return line;
};

/**
 * UTF-16 without a byte order mark, from where its NUL bytes fall: text in a Latin script written
 * as UTF-16 has a zero in every other byte (the high byte of each character), always at the same
 * parity. A binary file has NULs too, but not in that rhythm.
 */
function utf16Without(buf: Buffer): 'utf-16le' | 'utf-16be' | null {
  const n = Math.min(buf.length, SAMPLE) & ~1;
  if (n < 4) return null;
  let even = 0;
  let odd = 0;
  for (let i = 0; i < n; i += 2) {
    if (buf[i] === 0) even++;
    if (buf[i + 1] === 0) odd++;
  }
  const pairs = n / 2;
  if (odd > pairs * 0.3 && even < pairs * 0.02) return 'utf-16le';
  if (even > pairs * 0.3 && odd < pairs * 0.02) return 'utf-16be';
  return null;
}

/**
 * The legacy encoding of a file that is not UTF-8, by chardet's statistics over a sample. ISO-8859-1
 * is read as Windows-1252, its superset (as browsers do, per the WHATWG encoding standard): the two
 * differ only in 0x80–0x9F, which is curly quotes and € in 1252 and unprintable controls in 8859-1,
 * so a file holding those bytes was written in 1252.
 */
function legacyEncoding(buf: Buffer): string {
  const sample = buf.subarray(0, SAMPLE);
  const best = analyse(sample).find((m) => iconv.encodingExists(m.name) && !/^UTF-(16|32)/i.test(m.name));
  const name = best?.name ?? 'windows-1252';
  if (name === 'ISO-8859-1' && sample.some((b) => b >= 0x80 && b <= 0x9f)) return 'windows-1252';
  return name;
}

/**
 * Reads the bytes of an uploaded file as text. In order: a byte order mark (UTF-8, UTF-16 LE or
 * BE) decides; then UTF-16 without one; then a NUL byte means a binary file (an .xlsx renamed .csv,
 * an image), refused; then valid UTF-8 is UTF-8 (plain ASCII included); anything else is a legacy
 * encoding, detected by chardet (Windows-1252, ISO-8859-x, Shift_JIS, GB18030, Big5, EUC-KR …).
 * `encoding`, when given, is used instead of all of this.
 */
export function decodeFile(buf: Buffer, encoding?: string): Decoded {
  if (encoding) return decodeAs(buf, encoding);
  if (buf.subarray(0, 3).equals(UTF8_BOM)) return { encoding: 'UTF-8', utf8: checkText(buf.subarray(3), 'UTF-8') };
  if (buf[0] === 0xff && buf[1] === 0xfe) return decodeAs(buf.subarray(2), 'UTF-16LE');
  if (buf[0] === 0xfe && buf[1] === 0xff) return decodeAs(buf.subarray(2), 'UTF-16BE');
  const utf16 = utf16Without(buf);
  if (utf16) return decodeAs(buf, utf16 === 'utf-16le' ? 'UTF-16LE' : 'UTF-16BE');
  const nul = buf.indexOf(0);
  if (nul !== -1) {
    throw badFile(
      'binary_file',
      `The file holds a NUL byte (line ${lineAt(buf, nul)}): it is not a text CSV file. Export it as CSV and send it again.`,
    );
  }
  if (isUtf8(buf)) return { encoding: 'UTF-8', utf8: buf };
  return decodeAs(buf, legacyEncoding(buf));
}

function decodeAs(buf: Buffer, encoding: string): Decoded {
  const canonical = encoding.toUpperCase().replace(/^UTF-?8$/, 'UTF-8');
  if (canonical === 'UTF-8') {
    const body = buf.subarray(0, 3).equals(UTF8_BOM) ? buf.subarray(3) : buf;
    // A file sent as UTF-8 that is not: decoding replaces the bad bytes, so the rows still import.
    return { encoding: 'UTF-8', utf8: checkText(isUtf8(body) ? body : Buffer.from(body.toString('utf8'), 'utf8'), 'UTF-8') };
  }
  // iconv-lite strips a byte order mark of the encoding it decodes.
  const text = iconv.decode(buf, encoding);
  return { encoding, utf8: checkText(Buffer.from(text, 'utf8'), encoding) };
}

/** Text that still holds a NUL after decoding is not text: PostgreSQL could not store it either. */
function checkText(utf8: Buffer, encoding: string): Buffer {
  const nul = utf8.indexOf(0);
  if (nul !== -1) {
    throw badFile(
      'binary_file',
      `Read as ${encoding}, the file holds a NUL character (line ${lineAt(utf8, nul)}): it is not a text CSV file, or not in that encoding.`,
    );
  }
  return utf8;
}
