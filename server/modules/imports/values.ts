import { domainToASCII } from 'node:url';
import { Email } from '../../../contract/common.ts';
import { companySizes } from '../../../contract/companies.ts';
import { bodyAjv, isCurrency, isPhone } from '../../http/validation.ts';
import { isCountry, type PhoneNumber, type PhoneProblem, phoneError, readPhone } from '../../records/phones.ts';
import type { CustomDef } from '../fields/custom-values.ts';

// Reading one cell's text as a value: the conversions the contact and company importers share.

// The contract's own validator, so that an import accepts exactly the addresses POST /contacts accepts.
const isEmail = bodyAjv.compile(Email);
export const MAX_TEXT = 200;

/** A value for a message: quoted, and cut when long. */
export const show = (v: string) => JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}…` : v);

/**
 * The values of a cell that may list several: "a@x.org; b@y.org", Google's "a@x.org ::: b@y.org",
 * or a JSON array as Twenty exports them (`["a@x.org"]`, or objects with a `number`).
 */
export function listOf(cell: string, separators: RegExp): string[] {
  const v = cell.trim();
  // Most cells hold one value: no list to split (this runs for every email and phone of a file).
  if (!v.includes(':::') && !v.startsWith('[') && !separators.test(v)) return v ? [v] : [];
  if (v.startsWith('[') && v.endsWith(']')) {
    try {
      const parsed = JSON.parse(v) as unknown;
      if (Array.isArray(parsed)) {
        return parsed
          .map((x) => (typeof x === 'string' ? x : x && typeof x === 'object' ? phoneFromObject(x as Record<string, unknown>) : ''))
          .map((x) => x.trim())
          .filter(Boolean);
      }
    } catch {
      // Not JSON after all: read as text.
    }
  }
  return v
    .split(':::')
    .flatMap((p) => p.split(separators))
    .map((p) => p.trim())
    .filter(Boolean);
}

const phoneFromObject = (o: Record<string, unknown>) => {
  const number = String(o.number ?? o.phoneNumber ?? o.value ?? '');
  const code = String(o.callingCode ?? o.countryCode ?? '');
  return code.startsWith('+') && !number.startsWith('+') ? `${code} ${number}` : number;
};

/**
 * The addresses a cell lists: separated by commas, semicolons, Google's ":::" or spaces between
 * addresses ("a@x.org b@y.org"), written bare or as "Ada <ada@x.org>". Text with spaces that is not
 * a list of addresses ("not an address") stays one value, to be reported as one.
 */
export function emailsIn(cell: string): string[] {
  if (!/[,;:<\s[]/.test(cell)) return [cell];
  return listOf(cell, /[,;]/).flatMap((part) => {
    const bracketed = /<([^<>\s]+@[^<>\s]+)>/.exec(part);
    if (bracketed) return [bracketed[1]];
    const words = part.split(/\s+/);
    return words.length > 1 && words.every((w) => w.includes('@')) ? words : [part];
  });
}

/** An email as contacts store it (NFC, lower case), or null when it is not one. */
export function emailOf(text: string): string | null {
  const email = text
    .replace(/^mailto:/i, '')
    .normalize('NFC')
    .toLowerCase();
  return isEmail(email) ? email : null;
}

/**
 * A phone number as typed, with its E.164 form when it can be read: national numbers in `country`
 * (the import's, the row's, or the workspace's). One that cannot be read is kept as typed when it
 * is written like a phone number (digits and the punctuation of phone numbers), with the reason;
 * other text is not a phone number.
 */
export function phoneOf(
  text: string,
  country: string | null,
): { phone: PhoneNumber | { value: string; e164: null }; problem?: string } | { problem: string } {
  const value = text.trim().replace(/\s+/g, ' ');
  if (value.length > 40 || !isPhone(value)) return { problem: 'is not a phone number' };
  const read: PhoneNumber | PhoneProblem = readPhone(value, country);
  if (typeof read !== 'string') return { phone: read };
  return { phone: { value, e164: null }, problem: phoneError('', read, country).message };
}

/** The country a phone column's companion cell names: an ISO code ("US") or a calling code ("+1", which is left to the number). */
export function phoneCountry(cell: string | undefined): { country?: string; callingCode?: string } {
  const v = cell?.trim() ?? '';
  if (/^[A-Za-z]{2}$/.test(v) && isCountry(v.toUpperCase())) return { country: v.toUpperCase() };
  if (/^\+?\d{1,4}$/.test(v)) return { callingCode: v.startsWith('+') ? v : `+${v}` };
  return {};
}

const domainPattern = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
/**
 * A company's domain from what a file holds: a bare domain, or a web address ("https://www.acme.com/about").
 * Internationalised domains are stored in their ASCII form (xn--…), as the companies API takes them.
 */
export function domainOf(text: string): string | null {
  let host = text.trim().toLowerCase();
  host = host.replace(/^[a-z][a-z0-9+.-]*:\/\//, '').replace(/[/?#].*$/, '');
  host = host
    .replace(/^www\./, '')
    .replace(/:\d+$/, '')
    .replace(/\.$/, '');
  const ascii = /[^\p{ASCII}]/u.test(host) ? domainToASCII(host) : host;
  return ascii && domainPattern.test(ascii) ? ascii : null;
}

/**
 * A company's size bucket from a head count ("250", "1,200") or a range as LinkedIn and HubSpot
 * write it ("51-200", "10,001+"): the bucket its lower bound falls in.
 */
export function sizeOf(text: string): (typeof companySizes)[number] | null {
  const exact = companySizes.find((s) => s === text.replace(/\s/g, ''));
  if (exact) return exact;
  const m = /^(\d{1,3}(?:[,.'\s]\d{3})+|\d+)(?![\d.,]\d)/.exec(text.trim());
  if (!m) return null;
  const n = Number(m[1].replace(/[,.'\s]/g, ''));
  if (!Number.isFinite(n) || n < 1) return n === 0 ? '1-10' : null;
  const bounds: [number, (typeof companySizes)[number]][] = [
    [10, '1-10'],
    [50, '11-50'],
    [200, '51-200'],
    [500, '201-500'],
    [1000, '501-1000'],
    [5000, '1001-5000'],
  ];
  return bounds.find(([max]) => n <= max)?.[1] ?? '5001+';
}

export const trueWords = new Set(['true', 'yes', 'y', '1', 'x', 'on', 'ja', 'oui', 'si', 'sí']);
export const falseWords = new Set(['false', 'no', 'n', '0', 'off', 'nein', 'non']);
const fractionDigits = new Map<string, number>();

export const digitsOf = (currency: string) => {
  let d = fractionDigits.get(currency);
  if (d === undefined) {
    d = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    fractionDigits.set(currency, d);
  }
  return d;
};

/** A number as people type it: `1234.5`, `-3`, or with a decimal comma `1234,5`. No thousands separators. */
function parseNumber(v: string): number | null {
  const s = v.replace(/\s/g, '');
  if (!/^[+-]?(\d+([.,]\d+)?|[.,]\d+)$/.test(s)) return null;
  const n = Number(s.replace(',', '.'));
  return Number.isFinite(n) ? n : null;
}

/**
 * A cell's text as the value of a custom field of type `d.type`; whether the value is allowed
 * (options, lengths, dates) is validateCustom's to say.
 */
export function fromText(d: CustomDef, v: string): { value: unknown } | { error: string } {
  switch (d.type) {
    case 'number': {
      const n = parseNumber(v);
      return n === null ? { error: `must be a number (${show(v)})` } : { value: n };
    }
    case 'boolean': {
      const w = v.toLowerCase();
      if (trueWords.has(w)) return { value: true };
      if (falseWords.has(w)) return { value: false };
      return { error: `must be yes or no, true or false (${show(v)})` };
    }
    case 'select': {
      const match = d.options?.find((o) => o.toLowerCase() === v.toLowerCase());
      return { value: match ?? v };
    }
    case 'multiSelect': {
      const picked: string[] = [];
      for (const part of v.split(/[;,|]/)) {
        const p = part.trim();
        if (!p) continue;
        const match = d.options?.find((o) => o.toLowerCase() === p.toLowerCase()) ?? p;
        if (!picked.includes(match)) picked.push(match);
      }
      return { value: picked };
    }
    case 'currency': {
      // "12.50 EUR", "EUR 12.50" or "-3 JPY": the amount in the currency's minor units.
      const before = /^([A-Za-z]{3})\s*([-+]?[\d.,]+)$/.exec(v);
      const after = /^([-+]?[\d.,]+)\s*([A-Za-z]{3})$/.exec(v);
      const code = (before?.[1] ?? after?.[2])?.toUpperCase();
      const amount = parseNumber(before?.[2] ?? after?.[1] ?? '');
      if (!code || amount === null || !isCurrency(code))
        return { error: `must be an amount and its currency, e.g. "12.50 EUR" (${show(v)})` };
      const amountMinor = Math.round(amount * 10 ** digitsOf(code));
      if (!Number.isSafeInteger(amountMinor)) return { error: `is too large (${show(v)})` };
      return { value: { amountMinor, currency: code } };
    }
    case 'email':
      return { value: v.normalize('NFC') };
    default:
      // text, longText, date (YYYY-MM-DD), url, phone, relation: the text as written.
      return { value: v };
  }
}
