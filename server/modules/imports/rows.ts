import {
  type LabeledPhone,
  type LabeledValue,
  lifecycleStages,
  MAX_CONTACT_EMAILS,
  MAX_CONTACT_PHONES,
} from '../../../contract/contacts.ts';
import type { ImportRowError, ImportRowWarning } from '../../../contract/imports.ts';
import { type CustomDef, validateCustom } from '../fields/custom-values.ts';
import type { CsvRow } from './csv.ts';
import { isHonorific, labelOf } from './headers.ts';
import { type Mapping, normalizeHeader } from './mapping.ts';
import { photoOf } from './photo-cell.ts';
import { domainOf, emailOf, emailsIn, fromText, listOf, MAX_TEXT, phoneCountry, phoneOf, show } from './values.ts';

/** The company a row names for its contact: by name, by domain, or both. */
export interface CompanyRef {
  name: string | null;
  domain: string | null;
}

/** One row of the file that can become a contact, in the shape a contact is stored in. */
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
  company: CompanyRef | null;
  /** The contact's picture, checked (photos.ts): set on the contact the row creates or updates. */
  photo: Buffer | null;
  /** Cells of the row left out or kept as typed: reported when the row is written. */
  warnings: ImportRowWarning[];
}

const stageByName = new Map<string, string>(lifecycleStages.map((s) => [normalizeHeader(s), s]));
for (const [alias, stage] of [
  ['mql', 'marketingQualified'],
  ['marketingqualifiedlead', 'marketingQualified'],
  ['sql', 'salesQualified'],
  ['salesqualifiedlead', 'salesQualified'],
]) {
  stageByName.set(alias, stage);
}

/** Phone cells list several numbers with semicolons (commas may be part of a number's extension). */
const semicolon = /;/;

/** Collects what one row's cells say about themselves: warnings for cells left out or kept as typed. */
export class RowNotes {
  readonly warnings: ImportRowWarning[] = [];
  constructor(readonly row: number) {}
  warn(field: string, column: string | null, value: string, message: string) {
    this.warnings.push({ row: this.row, field, column, value: value.slice(0, 200), message });
  }
}

/**
 * Builds the reader of one file's rows from its column mapping. A row becomes a Candidate with
 * every cell that can be read; a cell that cannot is left out (or, for a phone written like one,
 * kept as typed) with a warning naming the row, column, value and reason. Only a row that cannot
 * become a contact at all (no name and no email) is refused, in `errors`.
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
      company: null,
      photo: null,
      warnings: [],
    };
    const notes = new RowNotes(r.row);
    let fullName: string | null = null;
    let custom: Record<string, unknown> | null = null;
    const badEmails: string[] = [];

    for (const col of cols) {
      const v = r.cells[col.index]?.trim();
      if (!v) continue;
      const t = col.target;
      if (t.kind === 'email') {
        const label = (t.labelColumn !== undefined && labelOf(r.cells[t.labelColumn] ?? '', 'email')) || t.label;
        // One cell may list several addresses ("a@x.org; b@y.org", Google's "a@x.org ::: b@y.org").
        for (const part of emailsIn(v)) {
          const email = emailOf(part);
          if (!email) {
            badEmails.push(part);
            notes.warn('email', col.header, part, `${show(part)} is not an email address; left out`);
          } else if (!c.emails.some((e) => e.value === email)) c.emails.push({ label, value: email });
        }
      } else if (t.kind === 'phone') {
        const label = (t.labelColumn !== undefined && labelOf(r.cells[t.labelColumn] ?? '', 'phone')) || t.label;
        const where = { ...phoneCountry(t.countryColumn === undefined ? undefined : r.cells[t.countryColumn]) };
        if (t.callingCodeColumn !== undefined) where.callingCode ??= phoneCountry(r.cells[t.callingCodeColumn]).callingCode;
        for (const part of listOf(v, semicolon)) {
          const text = where.callingCode && !part.startsWith('+') ? `${where.callingCode} ${part}` : part;
          const read = phoneOf(text, where.country ?? country);
          if (!('phone' in read)) {
            notes.warn('phone', col.header, part, `${show(part)} ${read.problem}; left out`);
            continue;
          }
          const p = read.phone;
          if (read.problem)
            notes.warn('phone', col.header, part, `${show(part)} ${read.problem}; kept as typed, without an international form`);
          if (!c.phones.some((x) => (x.e164 ?? x.value) === (p.e164 ?? p.value))) c.phones.push({ label, ...p });
        }
      } else if (t.kind === 'custom') {
        const converted = fromText(t.def, v);
        if ('error' in converted) notes.warn(col.field, col.header, v, `${t.def.label} ${converted.error}; left empty`);
        else {
          custom ??= {};
          custom[t.def.key] = converted.value;
        }
      } else if (t.kind === 'company') {
        c.company ??= { name: null, domain: null };
        if (t.field === 'name') {
          if (v.length > MAX_TEXT) notes.warn(col.field, col.header, v, `is longer than ${MAX_TEXT} characters; no company linked by name`);
          else c.company.name = v.replace(/\s+/g, ' ');
        } else {
          const domain = domainOf(v);
          if (domain) c.company.domain = domain;
          else notes.warn(col.field, col.header, v, `${show(v)} is not a web address or domain; no company linked by it`);
        }
      } else if (t.kind === 'contact' && t.field === 'photo') {
        const read = photoOf(v);
        if ('problem' in read) notes.warn('photo', col.header, v.slice(0, 60), `${read.problem}; left out`);
        else c.photo = read.bytes;
      } else if (t.kind === 'contact') {
        if (v.length > MAX_TEXT) {
          notes.warn(col.field, col.header, v, `is longer than ${MAX_TEXT} characters; left empty`);
        } else if (t.field === 'lifecycleStage') {
          const stage = stageByName.get(normalizeHeader(v));
          if (stage) c.lifecycleStage = stage;
          else notes.warn(col.field, col.header, v, `${show(v)} is not a lifecycle stage (${lifecycleStages.join(', ')}); left empty`);
        } else if (t.field === 'name') {
          fullName = v;
        } else if (t.honorifics && isHonorific(v)) {
          notes.warn(col.field, col.header, v, `${show(v)} is an honorific, not a job title; left out`);
        } else if (t.field !== 'photo') {
          c[t.field] = v;
        }
      }
    }
    if (c.company && !c.company.name && !c.company.domain) c.company = null;
    // A full name fills the name only where the row has no first or last name: split on the last space.
    if (fullName !== null && c.firstName === null && c.lastName === null) {
      const name = (fullName as string).replace(/\s+/g, ' ');
      const cut = name.lastIndexOf(' ');
      c.firstName = cut === -1 ? name : name.slice(0, cut);
      c.lastName = cut === -1 ? null : name.slice(cut + 1);
    }
    if (c.emails.length > MAX_CONTACT_EMAILS) {
      for (const e of c.emails.slice(MAX_CONTACT_EMAILS))
        notes.warn('email', null, e.value, `a contact has at most ${MAX_CONTACT_EMAILS} emails; left out`);
      c.emails = c.emails.slice(0, MAX_CONTACT_EMAILS);
    }
    if (c.phones.length > MAX_CONTACT_PHONES) {
      for (const p of c.phones.slice(MAX_CONTACT_PHONES))
        notes.warn('phone', null, p.value, `a contact has at most ${MAX_CONTACT_PHONES} phone numbers; left out`);
      c.phones = c.phones.slice(0, MAX_CONTACT_PHONES);
    }
    if (custom) {
      // Values only here; whether required fields are filled depends on whether the row creates a contact.
      const checked = validateCustom(defs, custom, null, false, 'custom', country);
      for (const e of checked.errors) {
        const key = e.field.slice('custom.'.length);
        notes.warn(e.field, columnOfCustom.get(e.field) ?? null, String(custom[key] ?? ''), `${e.message}; left empty`);
        delete custom[key];
      }
      c.custom = validateCustom(defs, custom, null, false, 'custom', country).value;
    }
    if (!c.firstName && !c.lastName && !c.emails.length) {
      const why = badEmails.length ? ` (${badEmails.map(show).join(', ')} is not an email address)` : '';
      errors.push({
        row: r.row,
        field: 'name',
        column: nameColumn,
        message: `a contact needs a first name, a last name or an email${why}`,
      });
      return null;
    }
    c.warnings = notes.warnings;
    return c;
  };
}
