import { isCurrency } from '../../http/validation.ts';
import { normalizeHeader } from './header-names.ts';
import { digitsOf, falseWords, show, trueWords } from './values.ts';

// Cells as the values of typed fields, forgivingly: the dates, amounts and yes/no words other tools
// export. Each returns the value, or why it cannot be read (the caller warns and leaves it empty).

type Read<T> = { value: T } | { error: string };

const pad = (n: number) => String(n).padStart(2, '0');

function ymd(y: number, m: number, d: number): string | null {
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return `${y}-${pad(m)}-${pad(d)}`;
}

/**
 * A calendar date: `2026-03-31` (a time after it is dropped), `31.03.2026` (day first), `03/31/2026`
 * (month first, as US exports write it; day first when the first number cannot be a month).
 */
export function dateOf(v: string): Read<string> {
  const s = v.trim();
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$/.exec(s);
  const dotted = /^(\d{1,2})\.(\d{1,2})\.(\d{4})(?: .*)?$/.exec(s);
  const slashed = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?: .*)?$/.exec(s);
  let out: string | null = null;
  if (iso) out = ymd(+iso[1], +iso[2], +iso[3]);
  else if (dotted) out = ymd(+dotted[3], +dotted[2], +dotted[1]);
  else if (slashed) out = +slashed[1] > 12 ? ymd(+slashed[3], +slashed[2], +slashed[1]) : ymd(+slashed[3], +slashed[1], +slashed[2]);
  return out ? { value: out } : { error: `${show(v)} is not a date (e.g. 2026-03-31, 31.03.2026 or 03/31/2026)` };
}

/** A moment: an ISO timestamp (UTC unless it says otherwise), or a date with an optional `HH:MM[:SS]` (read as UTC). */
export function dateTimeOf(v: string): Read<string> {
  const s = v.trim();
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(s)) {
    const t = new Date(/Z|[+-]\d{2}:?\d{2}$/.test(s) ? s : `${s}Z`);
    if (!Number.isNaN(t.getTime()) && 'value' in dateOf(s.slice(0, 10))) return { value: t.toISOString() };
  }
  const m = /^(\S+)(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(am|pm)?)?$/i.exec(s);
  const day = m ? dateOf(m[1]) : null;
  if (!m || !day || 'error' in day) return { error: `${show(v)} is not a date and time (e.g. 2026-03-31 14:30 or 2026-03-31T14:30:00Z)` };
  let h = m[2] ? +m[2] : 0;
  if (m[5]) h = (h % 12) + (m[5].toLowerCase() === 'pm' ? 12 : 0);
  const min = m[3] ? +m[3] : 0;
  const sec = m[4] ? +m[4] : 0;
  if (h > 23 || min > 59 || sec > 59) return { error: `${show(v)} is not a time of day` };
  return { value: `${day.value}T${pad(h)}:${pad(min)}:${pad(sec)}.000Z` };
}

/**
 * An amount in a currency's minor units: "12500", "12,500.00", "12.500,00", "$ 1,200.50", "1 200,50 €",
 * "EUR 99". The last separator followed by one or two digits is the decimal one; a currency code in
 * the cell is returned too.
 */
export function amountOf(v: string, currency: string): Read<{ amountMinor: number; currency: string | null }> {
  const code = /\b([A-Za-z]{3})\b/.exec(v)?.[1]?.toUpperCase() ?? null;
  const inCell = code && isCurrency(code) ? code : null;
  // Only a currency's code and symbols are taken off; any other letter makes the cell no amount.
  const s = (inCell ? v.replace(new RegExp(`\\b${inCell}\\b`, 'i'), '') : v).replace(/\p{Sc}/gu, '').replace(/[\s'\u00a0\u202f]/g, '');
  if (s.startsWith('-') && /\d/.test(s)) return { error: `${show(v)} is not an amount of zero or more` };
  // Digits, with thousands grouped by one kind of separator, and one or two decimals after the other.
  const m = /^(\d{1,3}(?:([.,])\d{3})*|\d+)(?:([.,])(\d{1,2}))?$/.exec(s);
  if (!m || (m[2] && m[3] === m[2])) return { error: `${show(v)} is not an amount` };
  const n = Number(`${m[1].replace(/[.,]/g, '')}.${m[4] ?? '0'}`);
  const minor = Math.round(n * 10 ** digitsOf(inCell ?? currency));
  if (!Number.isSafeInteger(minor)) return { error: `${show(v)} is too large` };
  return { value: { amountMinor: minor, currency: inCell } };
}

/** A whole number in bounds; "40%" is 40, "40.0" is 40. */
export function integerOf(v: string, min: number, max: number): Read<number> {
  const s = v.trim().replace(/%$/, '').replace(',', '.');
  const n = Number(s);
  if (s === '' || !Number.isFinite(n) || !Number.isInteger(n)) return { error: `${show(v)} is not a whole number` };
  if (n < min || n > max) return { error: `${show(v)} is not between ${min} and ${max}` };
  return { value: n };
}

/** Words of task statuses that say done or not (HubSpot's COMPLETED / NOT_STARTED, Salesforce's Completed / Open). */
const doneWords = new Set(['completed', 'complete', 'done', 'erledigt', 'closed', 'finished']);
const openWords = new Set(['notstarted', 'open', 'inprogress', 'waiting', 'deferred', 'pending', 'todo', 'offen']);

export function booleanOf(v: string): Read<boolean> {
  const w = v.trim().toLowerCase();
  const n = normalizeHeader(v);
  if (trueWords.has(w) || doneWords.has(n)) return { value: true };
  if (falseWords.has(w) || openWords.has(n)) return { value: false };
  return { error: `${show(v)} is not yes or no, true or false` };
}

/** Words that name an option in other tools' exports. */
const optionWords: Record<string, string> = {
  // Activity types: HubSpot engagements, Salesforce task subtypes, Pipedrive activity types.
  notes: 'note',
  calls: 'call',
  phonecall: 'call',
  meetings: 'meeting',
  emails: 'email',
  task: 'note',
  lunch: 'meeting',
  // Priorities.
  medium: 'normal',
  none: 'normal',
  // Lead statuses.
  open: 'new',
  attemptedtocontact: 'contacted',
  inprogress: 'contacted',
  openlead: 'new',
};

/** An option of an enum by its name in any case ("High", "CALL"), or by a word other tools use for it. */
export function optionOf(v: string, options: readonly string[]): Read<string> {
  const n = normalizeHeader(v);
  const hit =
    options.find((o) => normalizeHeader(o) === n) ?? (optionWords[n] && options.includes(optionWords[n]) ? optionWords[n] : undefined);
  return hit ? { value: hit } : { error: `${show(v)} is not one of ${options.join(', ')}` };
}
