import { createHash } from 'node:crypto';
import { badRequest } from '../../http/errors.ts';
import type { CustomDef } from '../fields/custom-values.ts';
import { inferColumns } from './headerless.ts';
import {
  type AddressPart,
  type Classified,
  type CompanyScalar,
  type ContactScalar,
  classify,
  type ImportObject,
  isCompanyOnly,
  isHonorific,
  labelOf,
  normalizeHeader,
} from './headers.ts';
import type { ImportField } from './record-fields.ts';
import { mapRecordColumns } from './record-mapping.ts';

export { normalizeHeader };

/** What one column fills, with the columns that qualify it (a label, a phone's country). */
export type Target =
  /** `honorifics`: a "Title" column, whose "Mr." or "Dr." is not a job title. */
  | { kind: 'contact'; field: ContactScalar; honorifics?: boolean }
  | { kind: 'email'; label: string; labelColumn?: number }
  | { kind: 'phone'; label: string; labelColumn?: number; countryColumn?: number; callingCodeColumn?: number }
  | { kind: 'company'; field: CompanyScalar }
  | { kind: 'address'; part: AddressPart }
  | { kind: 'custom'; def: CustomDef }
  /** A field of an object the generic importer writes (record-fields.ts). */
  | { kind: 'field'; field: ImportField };

export interface MappedColumn {
  index: number;
  header: string;
  /** The field as the API names it: `firstName`, `email`, `company`, `custom.industry`. */
  field: string;
  target: Target;
}

export interface Mapping {
  object: ImportObject;
  /** Columns of the file, then one per constant (its index past the file's last column). */
  columns: MappedColumn[];
  /** Values every row gets: the cell a row reader finds at `index` (past the file's columns). */
  constants: { index: number; value: string }[];
  /** header → field, as the response reports it (label columns read `email.label`). */
  report: Record<string, string>;
  ignored: string[];
}

/** The fields `columns=` may name, per object (`email` and `phone` may add `:label`). */
export const positionalFields: Record<'contact' | 'company', string[]> = {
  contact: ['firstName', 'lastName', 'name', 'email', 'phone', 'title', 'lifecycleStage', 'source', 'company', 'companyDomain', 'photo'],
  company: ['name', 'domain', 'industry', 'size', 'phone', 'street', 'city', 'region', 'postalCode', 'country'],
};

/** The API's name for what a target fills. */
function fieldOf(t: Target, object: ImportObject): string {
  switch (t.kind) {
    case 'contact':
      return t.field;
    case 'company':
      if (object === 'company') return t.field;
      return t.field === 'name' ? 'company' : 'companyDomain';
    case 'address':
      return t.part;
    case 'custom':
      return `custom.${t.def.key}`;
    case 'field':
      return t.field.name;
    default:
      return t.kind;
  }
}

/** A target from the name a person gave it in `columns=` (`email:home`, `custom.tier`), or null for one that is not a field. */
export function targetOfField(name: string, object: ImportObject, byKey: Map<string, CustomDef>): Target | null {
  const [field, label] = name.split(':');
  if (field.startsWith('custom.')) {
    const def = byKey.get(field.slice(7));
    return def ? { kind: 'custom', def } : null;
  }
  if (object !== 'contact' && object !== 'company') return null;
  if (!positionalFields[object].includes(field)) return null;
  if (field === 'email' || field === 'phone') return { kind: field, label: (label && labelOf(label, field)) || 'work' };
  if (object === 'company') {
    return ['street', 'city', 'region', 'postalCode', 'country'].includes(field)
      ? { kind: 'address', part: field as AddressPart }
      : { kind: 'company', field: field as CompanyScalar };
  }
  if (field === 'company') return { kind: 'company', field: 'name' };
  if (field === 'companyDomain') return { kind: 'company', field: 'domain' };
  return { kind: 'contact', field: field as ContactScalar };
}

/**
 * The mapping a person chose by position (`columns=firstName,lastName,,email:home`): an empty entry or
 * `skip` leaves its column out, and so does every column past the list.
 */
function byPosition(header: string[], positions: string[], object: ImportObject, defs: CustomDef[]): Chosen {
  const byKey = new Map(defs.map((d) => [d.key, d]));
  const targets = new Map<number, Target>();
  positions.forEach((p, i) => {
    const name = p.trim();
    if (!name || name === 'skip' || i >= header.length) return;
    const t = targetOfField(name, object, byKey);
    if (!t) {
      throw badRequest(
        'query.columns',
        'unknown_field',
        `Column ${i + 1}: "${name.slice(0, 60)}" is not a field of ${object === 'contact' ? 'contacts' : 'companies'} (${positionalFields[object as 'contact'].join(', ')}, custom.<key>, or empty to skip)`,
      );
    }
    targets.set(i, t);
  });
  return { targets, qualifiers: new Map() };
}

/** Whether most filled cells of a column in the first rows are honorifics (Mr., Dr., Frau). */
const holdsHonorifics = (sample: string[][], index: number) => {
  const filled = sample.map((r) => r[index]?.trim() ?? '').filter(Boolean);
  return filled.length > 0 && filled.filter(isHonorific).length * 2 > filled.length;
};

export interface MapInput {
  object: ImportObject;
  header: string[];
  hasHeader: boolean;
  sample: string[][];
  defs: CustomDef[];
  /** Fields by column position, when the person chose them (`columns=`). */
  positions?: string[];
  /** Changes a person made to the suggested mapping (new fields already among `defs`). */
  choice?: ResolvedChoice;
  /** Refuse a mapping that fills no field a record needs (default); a preview shows it instead. */
  check?: boolean;
  /** The fields of an object the generic importer writes (not contacts or companies), and those of which one must be filled. */
  fields?: ImportField[];
  needs?: string[];
}

/** A mapping chosen by hand, every column naming a field (`skip` or empty: left out). */
export interface ResolvedChoice {
  columns: { index: number; field: string }[];
  constants: { field: string; value: string }[];
}

const unknownField = (path: string, name: string, object: ImportObject) =>
  badRequest(
    path,
    'unknown_field',
    `"${name.slice(0, 60)}" is not a field of ${object === 'contact' ? 'contacts' : 'companies'} (${positionalFields[object as 'contact'].join(', ')}, custom.<key>, or skip)`,
  );

/**
 * Applies a person's changes to the suggested mapping: each column named gets the field chosen, or
 * none, and stops qualifying another column (a label column mapped to a field is no longer a label);
 * a column no longer mapped frees the columns that qualified it.
 */
function applyChoice(chosen: Chosen, header: string[], choice: ResolvedChoice, object: ImportObject, defs: CustomDef[]) {
  const byKey = new Map(defs.map((d) => [d.key, d]));
  choice.columns.forEach((c, i) => {
    if (c.index >= header.length) {
      throw badRequest(
        `query.mapping.columns.${i}.index`,
        'no_such_column',
        `The file has ${header.length} columns; there is no column ${c.index + 1}`,
      );
    }
    const old = chosen.targets.get(c.index);
    if (old && (old.kind === 'email' || old.kind === 'phone')) {
      for (const q of [
        old.labelColumn,
        old.kind === 'phone' ? old.countryColumn : undefined,
        old.kind === 'phone' ? old.callingCodeColumn : undefined,
      ]) {
        if (q !== undefined) chosen.qualifiers.delete(q);
      }
    }
    chosen.targets.delete(c.index);
    if (chosen.qualifiers.delete(c.index)) {
      for (const t of chosen.targets.values()) {
        if (t.kind !== 'email' && t.kind !== 'phone') continue;
        if (t.labelColumn === c.index) t.labelColumn = undefined;
        if (t.kind === 'phone' && t.countryColumn === c.index) t.countryColumn = undefined;
        if (t.kind === 'phone' && t.callingCodeColumn === c.index) t.callingCodeColumn = undefined;
      }
    }
    const name = c.field.trim();
    if (!name || name === 'skip') return;
    const t = targetOfField(name, object, byKey);
    if (!t) throw unknownField(`query.mapping.columns.${i}.field`, name, object);
    chosen.targets.set(c.index, t);
  });
}

/**
 * Maps a file's columns to fields of the object imported. A header is read by name (custom fields
 * by key or label first, then the names other tools export, see headers.ts); a file without one by
 * what its first rows hold (headerless.ts); `positions` overrides both. Each single-valued field
 * takes the column of the best rank ("Job Title" over "Title"), the first of them on a tie; email
 * and phone columns each add one. A file that names no field a record needs is refused.
 */
export function mapColumns(input: MapInput): Mapping {
  if (input.fields) return mapRecordColumns(input, input.fields, input.needs ?? []);
  const { object, header, defs } = input;
  const { targets: chosen, qualifiers } = input.positions
    ? byPosition(header, input.positions, object, defs)
    : input.hasHeader
      ? byHeader(header, input.sample, object, defs)
      : { targets: inferColumns(input.sample, header.length, object), qualifiers: new Map<number, string>() };
  if (input.choice) applyChoice({ targets: chosen, qualifiers }, header, input.choice, object, defs);
  const columns: MappedColumn[] = [];
  const report: Record<string, string> = {};
  const ignored: string[] = [];
  const name = (h: string, index: number) => (h in report ? `${h} (column ${index + 1})` : h);
  header.forEach((h, index) => {
    const target = chosen.get(index);
    if (!target) {
      if (!qualifiers.has(index)) ignored.push(h);
      return;
    }
    const field = fieldOf(target, object);
    columns.push({ index, header: h, field, target });
    // Two columns with one header ("Email", "Email") are reported apart.
    report[name(h, index)] = field;
  });
  // Label and country columns are reported as what they qualify.
  for (const [index, what] of qualifiers) report[name(header[index], index)] = what;
  const constants: Mapping['constants'] = [];
  const byKey = new Map(defs.map((d) => [d.key, d]));
  (input.choice?.constants ?? []).forEach((k, i) => {
    const target = targetOfField(k.field, object, byKey);
    if (!target) throw unknownField(`query.mapping.constants.${i}.field`, k.field, object);
    const index = header.length + i;
    const field = fieldOf(target, object);
    const h = `${field} = ${k.value}`;
    columns.push({ index, header: h, field, target });
    constants.push({ index, value: k.value });
    report[h] = field;
  });
  const has = (f: string) => columns.some((c) => c.field === f);
  if (input.check === false) return { object, columns, constants, report, ignored };
  if (object === 'company') {
    if (!has('name') && !has('domain')) throw noUsableColumn(header, 'a company name or domain', 'Company name, Domain, Industry');
  } else if (!['firstName', 'lastName', 'email'].some(has)) {
    const companyColumns = header.filter((h, i) => isCompanyOnly(h) || (chosen.get(i)?.kind === 'company' && !has('name')));
    if (companyColumns.length) {
      throw badRequest(
        'body.header',
        'companies_file',
        `The file holds companies, not people: no column names a person or an email, and ${companyColumns
          .slice(0, 4)
          .map((h) => `"${h}"`)
          .join(', ')} describe companies. Import it as companies (POST /api/v1/imports/companies).`,
      );
    }
    if (!has('name')) throw noUsableColumn(header, 'a name or an email', 'First name, Last name, Email');
  }
  return { object, columns, constants, report, ignored };
}

/** What identifies a header: a later file with the same column names (in order) is offered the same mapping. */
export const headerSignature = (object: ImportObject, header: string[]) =>
  createHash('sha256')
    .update([object, ...header.map((h) => h.trim().toLowerCase())].join('\n'))
    .digest('hex')
    .slice(0, 40);

export function noUsableColumn(header: string[], what: string, example: string) {
  const shown = header.slice(0, 10).map((h) => `"${h.slice(0, 40)}"`);
  return badRequest(
    'body.header',
    'no_usable_column',
    `No column of the header holds ${what} (the first row reads ${shown.join(', ')}${header.length > 10 ? ' …' : ''}). ` +
      `Name the columns in the first row, for example: ${example}.`,
  );
}

/** The columns chosen, and the columns that qualify another (index → what they fill, e.g. `email.label`). */
interface Chosen {
  targets: Map<number, Target>;
  qualifiers: Map<number, string>;
}

function byHeader(header: string[], sample: string[][], object: ImportObject, defs: CustomDef[]): Chosen {
  const customByName = new Map<string, CustomDef>();
  for (const d of defs) {
    customByName.set(normalizeHeader(d.label), d);
    customByName.set(normalizeHeader(d.key), d);
  }
  const customByKey = new Map(defs.map((d) => [d.key, d]));
  const found: { index: number; c: Classified | { custom: CustomDef } }[] = [];
  header.forEach((h, index) => {
    // `custom.<key>` names a custom field exactly, even one whose label is also a built-in name.
    const explicit = /^custom\.([a-z][a-z0-9_]*)$/.exec(h.trim());
    if (explicit) {
      const d = customByKey.get(explicit[1]);
      if (d) found.push({ index, c: { custom: d } });
      return;
    }
    const c = classify(h, object);
    // Built-in names first: a custom field labelled "Email" does not take the email column.
    const custom = customByName.get(normalizeHeader(h));
    if (c && c.meaning.kind !== 'qualifier' && !(c.maybeHonorific && custom)) found.push({ index, c });
    else if (custom) found.push({ index, c: { custom } });
    else if (c) found.push({ index, c });
  });
  const targets = new Map<number, Target>();
  const qualifiers = new Map<number, string>();
  // Single-valued fields: the best rank wins, then the first column.
  const best = new Map<string, { index: number; rank: number }>();
  const groups = new Map<string, { value?: number; label?: number; country?: number; callingCode?: number }>();
  for (const { index, c } of found) {
    if ('custom' in c) {
      const key = `custom.${c.custom.key}`;
      if (!best.has(key)) best.set(key, { index, rank: 0 });
      targets.set(index, { kind: 'custom', def: c.custom });
      continue;
    }
    const m = c.meaning;
    if (m.kind === 'qualifier') {
      if (c.group) groups.set(c.group, { ...groups.get(c.group), [m.of]: index });
      continue;
    }
    if (c.maybeHonorific && holdsHonorifics(sample, index)) continue;
    if (m.kind === 'email' || m.kind === 'phone') {
      targets.set(index, { ...m });
      if (c.group) groups.set(c.group, { ...groups.get(c.group), value: index });
      continue;
    }
    const target: Target = c.maybeHonorific && m.kind === 'contact' ? { ...m, honorifics: true } : m;
    const key = fieldOf(target, object);
    const held = best.get(key);
    if (held && held.rank <= c.rank) continue;
    if (held) targets.delete(held.index);
    best.set(key, { index, rank: c.rank });
    targets.set(index, target);
  }
  for (const g of groups.values()) {
    const t = g.value === undefined ? undefined : targets.get(g.value);
    if (!t || (t.kind !== 'email' && t.kind !== 'phone')) continue;
    if (g.label !== undefined) {
      t.labelColumn = g.label;
      qualifiers.set(g.label, `${t.kind}.label`);
    }
    if (t.kind === 'phone' && g.country !== undefined) {
      t.countryColumn = g.country;
      qualifiers.set(g.country, 'phone.country');
    }
    if (t.kind === 'phone' && g.callingCode !== undefined) {
      t.callingCodeColumn = g.callingCode;
      qualifiers.set(g.callingCode, 'phone.callingCode');
    }
  }
  return { targets, qualifiers };
}
