import type { ImportRowError, ImportRowWarning } from '../../../contract/imports.ts';
import { type CustomDef, validateCustom } from '../fields/custom-values.ts';
import type { Address } from './companies.queries.ts';
import type { CsvRow } from './csv.ts';
import type { Mapping } from './mapping.ts';
import { RowNotes } from './rows.ts';
import { domainOf, fromText, MAX_TEXT, phoneOf, show, sizeOf } from './values.ts';

/** One row of the file that can become a company. */
export interface CompanyCandidate {
  row: number;
  name: string;
  domain: string | null;
  industry: string | null;
  size: string | null;
  phone: string | null;
  phoneE164: string | null;
  address: Address | null;
  custom: Record<string, unknown>;
  /** The row had no name: `name` is its domain, which must not rename a company it updates. */
  nameFromDomain?: boolean;
  warnings: ImportRowWarning[];
}

const maxOf = (part: string) => (part === 'postalCode' ? 20 : MAX_TEXT);

/**
 * Builds the reader of a company file's rows, as forgiving as the contact reader (rows.ts): a cell
 * that cannot be read is left out with a warning. A row without a name is named after its domain;
 * only a row with neither is refused.
 */
export function companyRowReader(mapping: Mapping, defs: CustomDef[], country: string | null) {
  const cols = mapping.columns;
  const columnOfCustom = new Map(cols.filter((c) => c.target.kind === 'custom').map((c) => [c.field, c.header]));
  const nameColumn = cols.find((c) => c.field === 'name')?.header ?? null;

  return (r: CsvRow, errors: ImportRowError[]): CompanyCandidate | null => {
    const c: CompanyCandidate = {
      row: r.row,
      name: '',
      domain: null,
      industry: null,
      size: null,
      phone: null,
      phoneE164: null,
      address: null,
      custom: {},
      warnings: [],
    };
    const notes = new RowNotes(r.row);
    let custom: Record<string, unknown> | null = null;
    for (const col of cols) {
      const v = r.cells[col.index]?.trim();
      if (!v) continue;
      const t = col.target;
      if (t.kind === 'custom') {
        const converted = fromText(t.def, v);
        if ('error' in converted) notes.warn(col.field, col.header, v, `${t.def.label} ${converted.error}; left empty`);
        else {
          custom ??= {};
          custom[t.def.key] = converted.value;
        }
      } else if (t.kind === 'address') {
        if (v.length > maxOf(t.part)) notes.warn(col.field, col.header, v, `is longer than ${maxOf(t.part)} characters; left empty`);
        else c.address = { ...c.address, [t.part]: v };
      } else if (t.kind === 'company') {
        if (t.field === 'domain') {
          const domain = domainOf(v);
          if (domain) c.domain = domain;
          else notes.warn(col.field, col.header, v, `${show(v)} is not a web address or domain; left empty`);
        } else if (t.field === 'size') {
          const size = sizeOf(v);
          if (size) c.size = size;
          else notes.warn(col.field, col.header, v, `${show(v)} is not a number of employees or a size (1-10, 11-50 … 5001+); left empty`);
        } else if (t.field === 'phone') {
          const read = phoneOf(v, country);
          if (!('phone' in read)) notes.warn(col.field, col.header, v, `${show(v)} ${read.problem}; left empty`);
          else {
            if (read.problem)
              notes.warn(col.field, col.header, v, `${show(v)} ${read.problem}; kept as typed, without an international form`);
            c.phone = read.phone.value;
            c.phoneE164 = read.phone.e164;
          }
        } else if (v.length > MAX_TEXT) {
          notes.warn(col.field, col.header, v, `is longer than ${MAX_TEXT} characters; left empty`);
        } else if (t.field === 'name') {
          c.name = v.replace(/\s+/g, ' ');
        } else {
          c.industry = v;
        }
      }
    }
    if (custom) {
      const checked = validateCustom(defs, custom, null, false, 'custom', country);
      for (const e of checked.errors) {
        const key = e.field.slice('custom.'.length);
        notes.warn(e.field, columnOfCustom.get(e.field) ?? null, String(custom[key] ?? ''), `${e.message}; left empty`);
        delete custom[key];
      }
      c.custom = validateCustom(defs, custom, null, false, 'custom', country).value;
    }
    if (!c.name) {
      if (!c.domain) {
        errors.push({ row: r.row, field: 'name', column: nameColumn, message: 'a company needs a name or a domain' });
        return null;
      }
      c.name = c.domain;
      c.nameFromDomain = true;
      notes.warn('name', nameColumn, '', `no name: named after its domain, ${c.domain}`);
    }
    c.warnings = notes.warnings;
    return c;
  };
}
