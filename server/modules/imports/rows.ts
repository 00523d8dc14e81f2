import { Email, Phone } from '../../../contract/common.ts';
import { lifecycleStages, MAX_CONTACT_EMAILS, MAX_CONTACT_PHONES } from '../../../contract/contacts.ts';
import type { ImportRowError } from '../../../contract/imports.ts';
import { bodyAjv, isCurrency } from '../../http/validation.ts';
import { phoneError, readPhone } from '../../records/phones.ts';
import type { LabeledPhone, LabeledValue } from '../contacts/contacts.table.ts';
import { type CustomDef, validateCustom } from '../fields/custom-values.ts';
import type { CsvRow } from './csv.ts';
import { type Mapping, normalizeHeader } from './mapping.ts';

/** One valid row of the file, in the shape a contact is stored in. */
export interface Candidate {
  row: number;
  firstName: string | null;
  lastName: string | null;
  /** Lower-cased, as contacts store them, without repeats. */
  emails: LabeledValue[];
  phones: LabeledPhone[];
  title: string | null;
  lifecycleStage: string | null;
  source: string | null;
  /** The custom values the row fills (empty cells left out), already checked against their definitions. */
  custom: Record<string, unknown>;
}

// The contract's own validators, so that an import accepts exactly what POST /contacts accepts.
const isEmail = bodyAjv.compile(Email);
const isPhone = bodyAjv.compile(Phone);
const MAX_TEXT = 200;

const stageByName = new Map<string, string>(lifecycleStages.map((s) => [normalizeHeader(s), s]));
for (const [alias, stage] of [
  ['mql', 'marketingQualified'],
  ['marketingqualifiedlead', 'marketingQualified'],
  ['sql', 'salesQualified'],
  ['salesqualifiedlead', 'salesQualified'],
]) {
  stageByName.set(alias, stage);
}

const show = (v: string) => JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}…` : v);

/**
 * Builds the reader of one file's rows from its column mapping: each row becomes a Candidate, or
 * its errors (every problem of the row, not just the first) are appended to `errors`.
 */
export function rowReader(mapping: Mapping, defs: CustomDef[], country: string | null) {
  const cols = mapping.columns;
  const columnOfCustom = new Map(cols.filter((c) => c.target.kind === 'custom').map((c) => [c.field, c.header]));
  const nameColumn = cols.find((c) => c.field === 'firstName' || c.field === 'lastName' || c.field === 'name')?.header ?? null;

  return (r: CsvRow, errors: ImportRowError[]): Candidate | null => {
    const c: Candidate = {
      row: r.row,
      firstName: null,
      lastName: null,
      emails: [],
      phones: [],
      title: null,
      lifecycleStage: null,
      source: null,
      custom: {},
    };
    let fullName: string | null = null;
    let custom: Record<string, unknown> | null = null;
    const before = errors.length;
    const fail = (field: string, column: string | null, message: string) => errors.push({ row: r.row, field, column, message });

    for (const col of cols) {
      const v = r.cells[col.index]?.trim();
      if (!v) continue;
      const t = col.target;
      if (t.kind === 'email') {
        // One cell may list several addresses ("a@x.org; b@y.org").
        for (const part of v.split(/[\s,;]+/)) {
          if (!part) continue;
          const email = part.toLowerCase();
          if (!isEmail(email)) fail('email', col.header, `${show(part)} is not an email address`);
          else if (!c.emails.some((e) => e.value === email)) c.emails.push({ label: t.label, value: email });
        }
      } else if (t.kind === 'phone') {
        const read = isPhone(v) ? readPhone(v, country) : 'NOT_A_NUMBER';
        if (typeof read === 'string') fail('phone', col.header, `${show(v)} ${phoneError('', read, country).message}`);
        else if (!c.phones.some((p) => p.e164 === read.e164)) c.phones.push({ label: t.label, ...read });
      } else if (t.kind === 'custom') {
        const converted = fromText(t.def, v);
        if ('error' in converted) fail(col.field, col.header, `${t.def.label} ${converted.error}`);
        else {
          custom ??= {};
          custom[t.def.key] = converted.value;
        }
      } else if (v.length > MAX_TEXT) {
        fail(t.field, col.header, `is longer than ${MAX_TEXT} characters`);
      } else if (t.field === 'lifecycleStage') {
        const stage = stageByName.get(normalizeHeader(v));
        if (stage) c.lifecycleStage = stage;
        else fail('lifecycleStage', col.header, `${show(v)} is not a lifecycle stage (${lifecycleStages.join(', ')})`);
      } else if (t.field === 'name') {
        fullName = v;
      } else {
        c[t.field as 'firstName' | 'lastName' | 'title' | 'source'] = v;
      }
    }
    // A full name fills the name only where the row has no first or last name: split on the last space.
    if (fullName !== null && c.firstName === null && c.lastName === null) {
      const name = (fullName as string).replace(/\s+/g, ' ');
      const cut = name.lastIndexOf(' ');
      c.firstName = cut === -1 ? name : name.slice(0, cut);
      c.lastName = cut === -1 ? null : name.slice(cut + 1);
    }
    if (c.emails.length > MAX_CONTACT_EMAILS) fail('email', null, `a contact has at most ${MAX_CONTACT_EMAILS} emails`);
    if (c.phones.length > MAX_CONTACT_PHONES) fail('phone', null, `a contact has at most ${MAX_CONTACT_PHONES} phone numbers`);
    if (custom) {
      // Values only here; whether required fields are filled depends on whether the row creates a contact.
      const checked = validateCustom(defs, custom, null, false, 'custom', country);
      for (const e of checked.errors) fail(e.field, columnOfCustom.get(e.field) ?? null, e.message);
      c.custom = checked.value;
    }
    if (errors.length === before && !c.firstName && !c.lastName && !c.emails.length) {
      fail('name', nameColumn, 'a contact needs a first name, a last name or an email');
    }
    return errors.length === before ? c : null;
  };
}

const trueWords = new Set(['true', 'yes', 'y', '1', 'x', 'on']);
const falseWords = new Set(['false', 'no', 'n', '0', 'off']);
const fractionDigits = new Map<string, number>();

const digitsOf = (currency: string) => {
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
    default:
      // text, longText, date (YYYY-MM-DD), url, email, phone: the text as written.
      return { value: v };
  }
}
