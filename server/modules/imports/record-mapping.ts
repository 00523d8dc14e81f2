import { badRequest } from '../../http/errors.ts';
import type { CustomDef } from '../fields/custom-values.ts';
import { normalizeHeader } from './header-names.ts';
import type { MapInput, MappedColumn, Mapping, Target } from './mapping.ts';
import type { ImportField } from './record-fields.ts';
import { fieldOfHeader } from './record-names.ts';

// Maps a file's columns to the fields of an object the generic importer writes (record-fields.ts):
// by header (a custom field by key or label, then the field's names, record-names.ts), by position
// (`columns=`), with a person's changes (`mapping=`) and constants over it. Each field takes one column.

/** The parts of a header to look up: the whole, then what follows an object's name ("Opportunity: Stage", "Deal - Title"). */
function variants(header: string): string[] {
  const out = [header];
  const colon = header.lastIndexOf(':');
  if (colon > 0) out.push(header.slice(colon + 1));
  const dash = header.lastIndexOf(' - ');
  if (dash > 0) out.push(header.slice(dash + 3));
  return out;
}

function targetOf(name: string, fields: ImportField[], defs: CustomDef[]): Target | null {
  if (name.startsWith('custom.')) {
    const def = defs.find((d) => d.key === name.slice(7));
    return def ? { kind: 'custom', def } : null;
  }
  const field = fields.find((f) => f.name === name);
  return field ? { kind: 'field', field } : null;
}

const fieldName = (t: Target) => (t.kind === 'custom' ? `custom.${t.def.key}` : t.kind === 'field' ? t.field.name : t.kind);

function unknown(path: string, name: string, object: string, fields: ImportField[]) {
  return badRequest(
    path,
    'unknown_field',
    `"${name.slice(0, 60)}" is not a field of ${object} (${fields.map((f) => f.name).join(', ')}, custom.<key>, or skip)`,
  );
}

export function mapRecordColumns(input: MapInput, fields: ImportField[], needs: string[]): Mapping {
  const { object, header, defs } = input;
  const names = fields.map((f) => f.name);
  const targets = new Map<number, Target>();
  if (input.positions) {
    input.positions.forEach((p, i) => {
      const name = p.trim();
      if (!name || name === 'skip' || i >= header.length) return;
      const t = targetOf(name, fields, defs);
      if (!t) throw unknown('query.columns', name, object, fields);
      targets.set(i, t);
    });
  } else if (input.hasHeader) {
    const customByName = new Map<string, CustomDef>();
    for (const d of defs) {
      customByName.set(normalizeHeader(d.label), d);
      customByName.set(normalizeHeader(d.key), d);
    }
    const best = new Map<string, { index: number; rank: number }>();
    header.forEach((h, index) => {
      const explicit = /^custom\.([a-z][a-z0-9_]*)$/.exec(h.trim());
      const custom = explicit ? defs.find((d) => d.key === explicit[1]) : customByName.get(normalizeHeader(h));
      let hit: [string, number] | null = null;
      for (const v of variants(h)) {
        hit = fieldOfHeader(object, v, names);
        if (hit) break;
      }
      // A built-in name first, unless the header names a custom field exactly (`custom.<key>`).
      const target: Target | null =
        hit && !explicit
          ? { kind: 'field', field: fields.find((f) => f.name === hit[0]) as ImportField }
          : custom
            ? { kind: 'custom', def: custom }
            : null;
      if (!target) return;
      const key = fieldName(target);
      const rank = target.kind === 'field' && hit ? hit[1] : 0;
      const held = best.get(key);
      if (held && held.rank <= rank) return;
      if (held) targets.delete(held.index);
      best.set(key, { index, rank });
      targets.set(index, target);
    });
  }
  input.choice?.columns.forEach((c, i) => {
    if (c.index >= header.length) {
      throw badRequest(
        `query.mapping.columns.${i}.index`,
        'no_such_column',
        `The file has ${header.length} columns; there is no column ${c.index + 1}`,
      );
    }
    targets.delete(c.index);
    const name = c.field.trim();
    if (!name || name === 'skip') return;
    const t = targetOf(name, fields, defs);
    if (!t) throw unknown(`query.mapping.columns.${i}.field`, name, object, fields);
    targets.set(c.index, t);
  });
  const columns: MappedColumn[] = [];
  const report: Record<string, string> = {};
  const ignored: string[] = [];
  header.forEach((h, index) => {
    const target = targets.get(index);
    if (!target) {
      ignored.push(h);
      return;
    }
    const field = fieldName(target);
    columns.push({ index, header: h, field, target });
    report[h in report ? `${h} (column ${index + 1})` : h] = field;
  });
  const constants: Mapping['constants'] = [];
  (input.choice?.constants ?? []).forEach((k, i) => {
    const target = targetOf(k.field, fields, defs);
    if (!target) throw unknown(`query.mapping.constants.${i}.field`, k.field, object, fields);
    const index = header.length + i;
    const field = fieldName(target);
    const h = `${field} = ${k.value}`;
    columns.push({ index, header: h, field, target });
    constants.push({ index, value: k.value });
    report[h] = field;
  });
  const mapping: Mapping = { object, columns, constants, report, ignored };
  if (input.check === false || !needs.length || columns.some((c) => needs.includes(c.field))) return mapping;
  const shown = header.slice(0, 10).map((h) => `"${h.slice(0, 40)}"`);
  throw badRequest(
    'body.header',
    'no_usable_column',
    `No column of the header holds ${needs.join(' or ')} (the first row reads ${shown.join(', ')}${header.length > 10 ? ' …' : ''}). Name the columns in the first row, or map one by hand.`,
  );
}
