import type { ImportRowError, ImportRowWarning } from '../../../contract/imports.ts';
import { isCurrency } from '../../http/validation.ts';
import { type CustomDef, validateCustom } from '../fields/custom-values.ts';
import type { CsvRow } from './csv.ts';
import type { Mapping } from './mapping.ts';
import type { ImportField } from './record-fields.ts';
import { amountOf, booleanOf, dateOf, dateTimeOf, integerOf, optionOf } from './record-values.ts';
import { RowNotes } from './rows.ts';
import { emailOf, fromText, phoneOf, show } from './values.ts';

/** A cell naming a record or a member, found when its batch is written (record-links.ts). */
export interface RelationCell {
  field: ImportField;
  column: string;
  value: string;
}

/** One row of the file that can become a record of an object the generic importer writes. */
export interface RecordCandidate {
  row: number;
  /** The create body's values read from the cells, by property. */
  values: Record<string, unknown>;
  /** Cells that name other records, by field (`stageId`, `links.contact`). */
  relations: RelationCell[];
  custom: Record<string, unknown>;
  warnings: ImportRowWarning[];
}

/**
 * Builds the reader of a file's rows for an object the generic importer writes. Every typed cell is
 * read forgivingly: one that cannot be read is left empty with a warning (the row is kept); a row is
 * refused only when a field its create body requires is empty (a deal's name, a task's title).
 */
export function recordRowReader(
  mapping: Mapping,
  defs: CustomDef[],
  country: string | null,
  object: { label: string; fields: ImportField[] },
) {
  const { label } = object;
  const required = object.fields.filter((f) => f.required);
  const cols = mapping.columns;
  const columnOfCustom = new Map(cols.filter((c) => c.target.kind === 'custom').map((c) => [c.field, c.header]));
  // The currency a row names, for its amount: the row's own currency column, else the workspace's (read when written).
  const currencyColumn = cols.find((c) => c.target.kind === 'field' && c.target.field.type.kind === 'currency');

  return (r: CsvRow, errors: ImportRowError[]): RecordCandidate | null => {
    const c: RecordCandidate = { row: r.row, values: {}, relations: [], custom: {}, warnings: [] };
    const notes = new RowNotes(r.row);
    let custom: Record<string, unknown> | null = null;
    const rowCurrency = currencyColumn ? r.cells[currencyColumn.index]?.trim().toUpperCase() : undefined;
    for (const col of cols) {
      const v = r.cells[col.index]?.trim();
      if (!v) continue;
      const t = col.target;
      const warn = (why: string) => notes.warn(col.field, col.header, v, `${why}; left empty`);
      if (t.kind === 'custom') {
        const converted = fromText(t.def, v);
        if ('error' in converted) warn(`${t.def.label} ${converted.error}`);
        else {
          custom ??= {};
          custom[t.def.key] = converted.value;
        }
        continue;
      }
      if (t.kind !== 'field') continue;
      const f = t.field;
      const type = f.type;
      const put = (value: unknown) => {
        c.values[f.property] = value;
      };
      switch (type.kind) {
        case 'relation':
          c.relations.push({ field: f, column: col.header, value: v });
          break;
        case 'text':
          if (v.length > type.max) warn(`is longer than ${type.max} characters`);
          else put(v);
          break;
        case 'email': {
          const email = emailOf(v);
          if (email) put(email);
          else warn(`${show(v)} is not an email address`);
          break;
        }
        case 'phone': {
          const read = phoneOf(v, country);
          if ('phone' in read) put(read.phone.value);
          else warn(`${show(v)} ${read.problem}`);
          break;
        }
        case 'currency': {
          const code = v.toUpperCase();
          if (/^[A-Z]{3}$/.test(code) && isCurrency(code)) put(code);
          else warn(`${show(v)} is not a currency code (e.g. EUR, USD)`);
          break;
        }
        case 'amount': {
          const read = amountOf(v, rowCurrency && /^[A-Z]{3}$/.test(rowCurrency) ? rowCurrency : 'USD');
          if ('error' in read) warn(read.error);
          else {
            put(read.value.amountMinor);
            if (read.value.currency && !c.values.currency) c.values.currency = read.value.currency;
          }
          break;
        }
        case 'integer': {
          const read = integerOf(v, type.min, type.max);
          if ('error' in read) warn(read.error);
          else put(read.value);
          break;
        }
        case 'boolean': {
          const read = booleanOf(v);
          if ('error' in read) warn(read.error);
          else put(read.value);
          break;
        }
        case 'date': {
          const read = dateOf(v);
          if ('error' in read) warn(read.error);
          else put(read.value);
          break;
        }
        case 'datetime': {
          const read = dateTimeOf(v);
          if ('error' in read) warn(read.error);
          else put(read.value);
          break;
        }
        case 'enum': {
          const read = optionOf(v, type.options);
          if ('error' in read)
            notes.warn(col.field, col.header, v, `${read.error}; ${f.required ? `${type.options[0]} taken` : 'left empty'}`);
          else put(read.value);
          break;
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
    // A required choice (an activity's type) that was not given or not read takes the first option;
    // a required value (a deal's name, a task's title) missing refuses the row. Required relations
    // (a deal's stage) have defaults of their own (record-links.ts).
    for (const f of required) {
      if (c.values[f.property] !== undefined) continue;
      if (f.type.kind === 'enum') c.values[f.property] = f.type.options[0];
      else if (f.type.kind !== 'relation') {
        const column = cols.find((col) => col.field === f.name)?.header ?? null;
        errors.push({ row: r.row, field: f.name, column, message: `a ${label} needs a ${f.name}` });
        return null;
      }
    }
    c.warnings = notes.warnings;
    return c;
  };
}
