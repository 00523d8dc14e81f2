import iconv from 'iconv-lite';

// A forgiving vCard reader for 2.1, 3.0 and 4.0 (RFC 2425/2426/6350 and the 2.1 spec): folded
// lines, 2.1's quoted-printable values with soft line breaks and CHARSET parameters, 2.1's bare
// parameters (TEL;CELL;PREF), grouped properties (item1.EMAIL with item1.X-ABLabel), escaped text.
// We read cards ourselves rather than through ical.js (the maintained parser in npm): it knows
// 3.0 and 4.0 only — neither quoted-printable nor CHARSET, which phones' 2.1 exports are full of —
// and it stops at the first error, where an import must take what it can from a broken file and
// say which card and property it could not read.

export interface VcardProperty {
  group: string | null;
  /** Upper-cased: `EMAIL`, `X-ABLABEL`. */
  name: string;
  /** Parameter values by upper-cased name; 2.1's bare parameters (`CELL`) are TYPE values. */
  params: Record<string, string[]>;
  /** The value as written, quoted-printable and charset decoded, not yet unescaped. */
  value: string;
}

export interface Vcard {
  /** 1-based position of the card in the file. */
  index: number;
  /** The line its BEGIN is on. */
  line: number;
  version: string | null;
  properties: VcardProperty[];
}

export interface VcardProblem {
  card: number;
  line: number;
  property: string | null;
  message: string;
}

/** Whether a decoded file is a vCard file: its first non-blank line is BEGIN:VCARD. */
export const isVcardText = (text: string) =>
  /^\uFEFF?\s*BEGIN:VCARD\s*$/im.test(
    text
      .slice(0, 2000)
      .split(/\r?\n/)
      .find((l) => l.trim()) ?? '',
  );

const types = (p: Record<string, string[]>) => (p.TYPE ?? []).map((t) => t.toLowerCase());

/** Splits `name;params` at semicolons outside double quotes. */
function splitParams(head: string) {
  const parts: string[] = [];
  let cur = '';
  let quoted = false;
  for (const ch of head) {
    if (ch === '"') quoted = !quoted;
    if (ch === ';' && !quoted) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return parts;
}

/** The first colon outside double quotes: where a property's name and parameters end and its value starts. */
function valueStart(line: string) {
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '"') quoted = !quoted;
    else if (line[i] === ':' && !quoted) return i;
  }
  return -1;
}

const bareEncodings = new Set(['QUOTED-PRINTABLE', 'BASE64', 'B', '8BIT', '7BIT']);

function parseHead(head: string) {
  const [nameWithGroup, ...rest] = splitParams(head);
  const dot = nameWithGroup.lastIndexOf('.');
  const group = dot === -1 ? null : nameWithGroup.slice(0, dot);
  const name = (dot === -1 ? nameWithGroup : nameWithGroup.slice(dot + 1)).trim().toUpperCase();
  const params: Record<string, string[]> = {};
  const add = (k: string, v: string) => {
    params[k] ??= [];
    params[k].push(
      ...v
        .split(',')
        .map((x) => x.replace(/^"|"$/g, '').trim())
        .filter(Boolean),
    );
  };
  for (const p of rest) {
    const eq = p.indexOf('=');
    if (eq === -1) {
      const bare = p.trim().toUpperCase();
      if (bareEncodings.has(bare)) add('ENCODING', bare);
      else if (bare) add('TYPE', bare);
    } else add(p.slice(0, eq).trim().toUpperCase(), p.slice(eq + 1));
  }
  return { group, name, params };
}

/** Decodes a quoted-printable value to bytes; null when it holds a bad escape. */
function quotedPrintable(value: string): Buffer | null {
  const bytes: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (ch === '=') {
      const hex = value.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return null;
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else bytes.push(...Buffer.from(ch, 'utf8'));
  }
  return Buffer.from(bytes);
}

/**
 * Reads every card of a file: what can be read of a broken card is kept, each problem reported
 * with the card and the property it is in.
 */
export function parseVcards(text: string): { cards: Vcard[]; problems: VcardProblem[] } {
  const physical = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  const cards: Vcard[] = [];
  const problems: VcardProblem[] = [];
  let card: Vcard | null = null;
  let strayReported = false;
  // Logical lines: a line starting with a space or tab continues the one before (RFC 2425 §5.8.1);
  // a quoted-printable value ending in "=" continues on the next line (2.1's soft line break).
  const logical: { text: string; line: number }[] = [];
  for (let i = 0; i < physical.length; i++) {
    const l = physical[i];
    const last = logical.at(-1);
    if (last && /^[ \t]/.test(l)) last.text += l.slice(1);
    else if (last && /QUOTED-PRINTABLE/i.test(last.text.slice(0, Math.max(0, valueStart(last.text)))) && last.text.endsWith('=')) {
      last.text = last.text.slice(0, -1) + l.trimStart();
    } else logical.push({ text: l, line: i + 1 });
  }
  const close = (why: string | null, line: number) => {
    if (!card) return;
    if (why) problems.push({ card: card.index, line, property: null, message: why });
    cards.push(card);
    card = null;
  };
  for (const { text: raw, line } of logical) {
    const l = raw.trimEnd();
    if (!l.trim()) continue;
    const upper = l.toUpperCase();
    if (upper === 'BEGIN:VCARD') {
      if (card) close(`has no END:VCARD before the next card (line ${line}); read up to there`, line);
      card = { index: cards.length + 1, line, version: null, properties: [] };
      continue;
    }
    if (upper === 'END:VCARD') {
      if (!card && !strayReported) {
        problems.push({ card: cards.length, line, property: null, message: `END:VCARD without a BEGIN (line ${line}); ignored` });
        strayReported = true;
      }
      close(null, line);
      continue;
    }
    if (!card) {
      if (!strayReported) {
        problems.push({ card: cards.length, line, property: null, message: `text outside a card (line ${line}); ignored` });
        strayReported = true;
      }
      continue;
    }
    const colon = valueStart(l);
    if (colon <= 0) {
      problems.push({
        card: card.index,
        line,
        property: null,
        message: `line ${line} is not a property (no "name:value"); left out`,
      });
      continue;
    }
    const { group, name, params } = parseHead(l.slice(0, colon));
    let value = l.slice(colon + 1);
    if (name === 'VERSION') card.version = value.trim();
    const encoding = (params.ENCODING ?? []).map((e) => e.toUpperCase());
    const charset = params.CHARSET?.[0];
    const reported = problems.length;
    if (encoding.includes('QUOTED-PRINTABLE')) {
      const bytes = quotedPrintable(value);
      if (!bytes) {
        problems.push({ card: card.index, line, property: name, message: 'holds a broken quoted-printable escape; read as written' });
      } else if (charset && !iconv.encodingExists(charset)) {
        problems.push({
          card: card.index,
          line,
          property: name,
          message: `names a character set we do not know (${charset}); read as UTF-8`,
        });
        value = bytes.toString('utf8');
      } else value = charset ? iconv.decode(bytes, charset) : bytes.toString('utf8');
    } else if (charset && !/^utf-?8$/i.test(charset) && !iconv.encodingExists(charset)) {
      problems.push({
        card: card.index,
        line,
        property: name,
        message: `names a character set we do not know (${charset}); read as UTF-8`,
      });
    }
    if (value.includes('\uFFFD') && problems.length === reported) {
      problems.push({
        card: card.index,
        line,
        property: name,
        message: 'holds bytes that are not text in its character set; those were replaced',
      });
    }
    card.properties.push({ group, name, params, value });
  }
  if (card) close('has no END:VCARD at the end of the file; read up to there', physical.length);
  return { cards, problems };
}

/** Unescapes a text value (RFC 6350 §3.4): \n, \, \; and \\. */
export const unescapeText = (v: string) => v.replace(/\\([nN,;\\:])/g, (_, c: string) => (c === 'n' || c === 'N' ? '\n' : c));

/** A structured value's components (N, ADR, ORG), split at semicolons that are not escaped, each unescaped. */
export function components(v: string) {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < v.length; i++) {
    if (v[i] === '\\' && i + 1 < v.length) {
      cur += v[i] + v[i + 1];
      i++;
    } else if (v[i] === ';') {
      out.push(cur);
      cur = '';
    } else cur += v[i];
  }
  out.push(cur);
  return out.map((c) => unescapeText(c).trim());
}

const ignoredTypes = new Set([
  'internet',
  'pref',
  'voice',
  'x400',
  'x-internet',
  'msg',
  'bbs',
  'modem',
  'video',
  'text',
  'textphone',
  'dom',
  'intl',
  'postal',
  'parcel',
]);
const typeLabels: Record<string, string> = {
  cell: 'mobile',
  mobile: 'mobile',
  iphone: 'mobile',
  work: 'work',
  home: 'home',
  fax: 'fax',
  pager: 'pager',
  main: 'main',
  other: 'other',
  car: 'car',
};

/** The label of an email, phone or address: its group's X-ABLabel (Apple, Google), else its most telling TYPE, else "work". */
export function labelOf(p: VcardProperty, card: Vcard) {
  if (p.group) {
    const named = card.properties.find((q) => q.group === p.group && q.name === 'X-ABLABEL');
    if (named) {
      // Apple writes its own labels as _$!<Mobile>!$_; people's own labels as typed.
      const v = unescapeText(named.value)
        .replace(/^_\$!<(.*)>!\$_$/, '$1')
        .trim();
      if (v) return v.toLowerCase();
    }
  }
  const t = types(p.params).filter((x) => !ignoredTypes.has(x));
  const fax = t.includes('fax');
  for (const x of t) if (typeLabels[x]) return fax && x !== 'fax' ? `${typeLabels[x]} fax` : typeLabels[x];
  const own = t.find((x) => /^[a-z][a-z -]{0,29}$/.test(x) && !x.startsWith('x-'));
  return own ?? 'work';
}

/** Whether a property is marked preferred (2.1/3.0 TYPE=PREF, 4.0 PREF=1). */
export const isPreferred = (p: VcardProperty) => types(p.params).includes('pref') || p.params.PREF?.[0] === '1';
