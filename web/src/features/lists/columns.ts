import type { TFunction } from 'i18next';
import { companySizes, dealStatuses, leadStatuses, lifecycleStages, openLeadStatuses, taskPriorities } from '../../../../contract/enums.ts';
import type { FieldDefinition, Pipeline } from '../../api.ts';
import { formatDate, formatDateTime, formatMoney, formatNumber, formatPhone, fractionDigits, telHref } from '../../format.ts';
import { type BuiltInType, customKey, fieldsKeyOf, isCustom, type ObjectType, type Row } from '../../records.ts';
import { type LinkedRecord, linkedRecordPath } from '../../ui/linkedRecord.ts';
import { contactName } from '../../ui/names.ts';

export type FilterKind = 'text' | 'enum' | 'number' | 'date' | 'datetime' | 'uuid' | 'bool' | 'multi' | 'none';

export interface Lookups {
  t: TFunction;
  memberName: (id: string | null | undefined) => string;
  stageName: (id: string | null | undefined) => string;
  /** The name of a record a relation field points to, once fetched. */
  recordName?: (id: string) => string | undefined;
  /** The workspace's pipelines, for a deal's pipeline and stage. */
  pipelines?: Pipeline[];
}

/**
 * How a value is edited in place. Lists edit the first five kinds in their cells; a record page edits
 * them all. `money` is a built-in amount in major units, `money+currency` a custom currency value.
 */
export type EditKind =
  | 'text'
  | 'enum'
  | 'number'
  | 'member'
  | 'relation'
  | 'longText'
  | 'date'
  | 'bool'
  | 'multi'
  | 'money'
  | 'currency'
  | 'money+currency'
  | 'pipeline'
  | 'stage';

export interface Column {
  key: string;
  label: string;
  width: number;
  /** The field the server sorts and filters by, when it can. */
  field?: string;
  filter: FilterKind;
  options?: readonly string[];
  /** An option's words in the user's language; absent: options are the user's own words (custom selects). */
  optionLabel?: (value: string, t: TFunction) => string;
  /** How a cell is edited in place; absent: read-only. */
  edit?: EditKind;
  /** The choices an edit offers when they are fewer than a filter's (a lead cannot be set to converted). */
  editOptions?: readonly string[];
  /** A value the record must keep: its edit offers no way to clear it. */
  required?: boolean;
  /** The value an edit starts from, as text; absent: the stored value. */
  editValue?: (row: Row) => string;
  /** What a relation column points to (an object type or a custom object's key). */
  target?: string;
  display: (row: Row, l: Lookups) => string;
  /** What a cell's edit turns into in the PATCH body; some edits depend on the record (an amount on its currency). */
  toPatch?: (value: string | null, row?: Row, l?: Lookups) => Record<string, unknown>;
  href?: (row: Row) => string;
  /** A link out of the app (mailto:, tel:) the value opens, when it has one. */
  link?: (row: Row) => string | null;
}

const str = (v: unknown) => (v == null ? '' : String(v));
const text = (key: string, width = 160, edit = true): Column => ({
  key,
  label: `fields.${key}`,
  width,
  field: key,
  filter: 'text',
  edit: edit ? 'text' : undefined,
  display: (r) => str(r[key]),
  toPatch: (v) => ({ [key]: v || null }),
});
/** A built-in enum: stored as a name (`marketingQualified`), shown in the user's language (`enums.lifecycleStage.…`). */
const enumCol = (key: string, options: readonly string[], width = 140, words = key): Column => {
  const optionLabel = (v: string, t: TFunction) => t(`enums.${words}.${v}`, { defaultValue: v });
  return {
    key,
    label: `fields.${key}`,
    width,
    field: key,
    filter: 'enum',
    options,
    optionLabel,
    edit: 'enum',
    display: (r, l) => (r[key] == null ? '' : optionLabel(String(r[key]), l.t)),
    toPatch: (v) => ({ [key]: v || null }),
  };
};

/** The choices of an enum column for a Select, each in the user's language. */
export const optionData = (col: Pick<Column, 'options' | 'optionLabel' | 'editOptions'>, t: TFunction, editing = false) =>
  ((editing && col.editOptions) || col.options || []).map((v) => ({ value: v, label: col.optionLabel?.(v, t) ?? v }));

/** Minor units (1250) as the major amount a person types (12.5), in the currency's own decimals. */
export const toMajor = (minor: number | null | undefined, currency: string) =>
  minor == null ? '' : String(minor / 10 ** fractionDigits(currency));
/** A typed amount as minor units; '' clears it. A typo stays a number the server refuses, never a silent 0. */
export function toMinor(major: string, currency: string): number | string | null {
  if (major.trim() === '') return null;
  const n = Number(major.replace(',', '.'));
  return Number.isFinite(n) ? Math.round(n * 10 ** fractionDigits(currency)) : major;
}
/** A typed number, or the text itself when it is none, so the server names the mistake instead of storing null. */
const numberOrText = (v: string) => {
  const n = Number(v.replace(',', '.'));
  return v.trim() !== '' && Number.isFinite(n) ? n : v;
};

/** The edit kinds a list cell handles (as text, a select of options or a member); the rest are edited on the record page. */
const cellKinds: readonly EditKind[] = ['text', 'enum', 'number', 'member', 'relation', 'date', 'longText', 'money', 'currency'];
export const cellEditable = (c: Column) => !!c.edit && cellKinds.includes(c.edit);

/** The stage a deal lands on when it moves to a pipeline and no stage is named: the pipeline's first open one. */
export const firstOpenStage = (p: Pipeline | undefined) => p?.stages.find((s) => s.kind === 'open') ?? p?.stages[0];
const owner = (key = 'ownerId'): Column => ({
  key,
  label: `fields.${key}`,
  width: 150,
  field: key,
  filter: 'uuid',
  edit: 'member',
  display: (r, l) => l.memberName(r[key] as string),
  toPatch: (v) => ({ [key]: v || null }),
});
/** A company's or lead's one phone: typed in any form, shown formatted, dialled by its E.164. */
const phoneCol = (): Column => ({
  ...text('phone', 150),
  display: (r) => formatPhone(r.phone as string | null, r.phoneE164 as string | null),
  link: (r) => telHref(r.phoneE164 as string | null),
});
const when = (key: string, kind: 'date' | 'datetime' = 'datetime'): Column => ({
  key,
  label: `fields.${key}`,
  width: 170,
  field: key,
  filter: kind,
  display: (r) => (kind === 'date' ? formatDate(r[key] as string) : formatDateTime(r[key] as string)),
});
const day = (key: string): Column => ({ ...when(key, 'date'), edit: 'date', toPatch: (v) => ({ [key]: v || null }) });

/** What a task is about: its linked records by name, the cell linking to the first. */
const relatedTo: Column = {
  key: 'related',
  label: 'fields.related',
  width: 200,
  filter: 'none',
  display: (r) => ((r.related as { name: string }[] | undefined) ?? []).map((x) => x.name).join(', '),
  href: (r) => {
    const first = (r.related as LinkedRecord[] | undefined)?.[0];
    return first ? linkedRecordPath(first) : '';
  },
};

const builtInColumns: Record<BuiltInType, Column[]> = {
  contact: [
    {
      key: 'name',
      label: 'fields.name',
      width: 200,
      field: 'name',
      filter: 'text',
      display: (r) => contactName(r as never),
      href: (r) => `/contacts/${r.id}`,
    },
    text('firstName', 140),
    text('lastName', 140),
    {
      key: 'email',
      label: 'fields.email',
      width: 220,
      field: 'email',
      filter: 'text',
      display: (r) => (r.emails as { value: string }[])?.[0]?.value ?? '',
      link: (r) => {
        const first = (r.emails as { value: string }[])?.[0]?.value;
        return first ? `mailto:${first}` : null;
      },
    },
    {
      key: 'phone',
      label: 'fields.phone',
      width: 150,
      field: 'phone',
      filter: 'text',
      display: (r) => {
        const first = (r.phones as { value: string; e164: string | null }[])?.[0];
        return first ? formatPhone(first.value, first.e164) : '';
      },
      link: (r) => telHref((r.phones as { e164: string | null }[])?.[0]?.e164),
    },
    text('title'),
    {
      key: 'companies',
      label: 'fields.companies',
      width: 180,
      filter: 'none',
      display: (r) => ((r.companies as { name: string }[]) ?? []).map((c) => c.name).join(', '),
    },
    enumCol('lifecycleStage', lifecycleStages),
    text('source', 120),
    owner(),
    when('lastActivityAt'),
    when('createdAt'),
    when('updatedAt'),
  ],
  company: [
    { ...text('name', 220), href: (r) => `/companies/${r.id}` },
    text('domain'),
    text('industry'),
    enumCol('size', companySizes, 110, 'companySize'),
    phoneCol(),
    owner(),
    when('lastActivityAt'),
    when('createdAt'),
    when('updatedAt'),
  ],
  deal: [
    { ...text('name', 220), href: (r) => `/deals/${r.id}` },
    {
      key: 'amountMinor',
      label: 'fields.amount',
      width: 130,
      field: 'amountMinor',
      filter: 'number',
      display: (r) => formatMoney(r.amountMinor as number, r.currency as string),
      edit: 'money',
      editValue: (r) => toMajor(r.amountMinor as number | null, r.currency as string),
      toPatch: (v, r) => ({ amountMinor: toMinor(v ?? '', String(r?.currency ?? 'EUR')) }),
    },
    {
      key: 'currency',
      label: 'fields.currency',
      width: 90,
      field: 'currency',
      filter: 'text',
      display: (r) => str(r.currency),
      edit: 'currency',
      required: true,
      // The amount keeps its worth in words (12.50 stays 12.50) when the new currency has other decimals.
      toPatch: (v, r) => {
        if (!v) return {};
        const minor = r?.amountMinor as number | null | undefined;
        const from = String(r?.currency ?? v);
        return minor == null || fractionDigits(from) === fractionDigits(v)
          ? { currency: v }
          : { currency: v, amountMinor: toMinor(toMajor(minor, from), v) };
      },
    },
    {
      key: 'pipelineId',
      label: 'fields.pipeline',
      width: 150,
      field: 'pipelineId',
      filter: 'uuid',
      display: (r, l) => l.pipelines?.find((p) => p.id === r.pipelineId)?.name ?? '',
      edit: 'pipeline',
      required: true,
      toPatch: (v, _r, l) => {
        const stage = firstOpenStage(l?.pipelines?.find((p) => p.id === v));
        return v && stage ? { pipelineId: v, stageId: stage.id } : {};
      },
    },
    {
      key: 'stageId',
      label: 'fields.stage',
      width: 150,
      field: 'stageId',
      filter: 'uuid',
      display: (r, l) => l.stageName(r.stageId as string),
      edit: 'stage',
      required: true,
      toPatch: (v) => (v ? { stageId: v } : {}),
    },
    { ...enumCol('status', dealStatuses, 100, 'dealStatus'), edit: undefined },
    {
      key: 'probability',
      label: 'fields.probability',
      width: 110,
      field: 'probability',
      filter: 'number',
      display: (r) => `${r.probability}%`,
      edit: 'number',
      toPatch: (v) => (v ? { probability: numberOrText(v) } : {}),
    },
    day('expectedCloseDate'),
    { ...text('closeReason', 200), edit: 'longText', filter: 'none', field: undefined },
    owner(),
    when('createdAt'),
    when('updatedAt'),
  ],
  lead: [
    {
      key: 'name',
      label: 'fields.name',
      width: 200,
      field: 'name',
      filter: 'text',
      display: (r) => contactName(r as never),
      href: (r) => `/leads/${r.id}`,
    },
    text('firstName', 140),
    text('lastName', 140),
    { ...text('email', 220), link: (r) => (r.email ? `mailto:${r.email}` : null) },
    phoneCol(),
    text('companyName', 180),
    text('title'),
    // Converted is reached by converting the lead, never by picking it.
    { ...enumCol('status', leadStatuses, 120, 'leadStatus'), editOptions: openLeadStatuses, required: true },
    text('source', 120),
    owner(),
    when('createdAt'),
  ],
  task: [
    text('title', 260),
    when('dueAt'),
    { key: 'done', label: 'fields.done', width: 80, field: 'done', filter: 'bool', display: (r, l) => (r.done ? l.t('fields.done') : '') },
    enumCol('priority', taskPriorities, 100),
    owner('assigneeId'),
    relatedTo,
    when('createdAt'),
  ],
};

const builtInDefaults: Record<BuiltInType, string[]> = {
  contact: ['name', 'email', 'title', 'companies', 'lifecycleStage', 'ownerId', 'lastActivityAt'],
  company: ['name', 'domain', 'industry', 'size', 'ownerId', 'lastActivityAt'],
  deal: ['name', 'amountMinor', 'stageId', 'status', 'expectedCloseDate', 'ownerId'],
  lead: ['name', 'email', 'companyName', 'status', 'source', 'ownerId'],
  task: ['title', 'dueAt', 'done', 'priority', 'assigneeId', 'related'],
};

const customFilter: Record<string, FilterKind> = {
  text: 'text',
  longText: 'text',
  url: 'text',
  email: 'text',
  phone: 'text',
  number: 'number',
  date: 'date',
  boolean: 'bool',
  select: 'enum',
  multiSelect: 'multi',
  currency: 'none',
  relation: 'uuid',
};

const customEdit: Record<FieldDefinition['type'], EditKind> = {
  text: 'text',
  url: 'text',
  email: 'text',
  phone: 'text',
  longText: 'longText',
  number: 'number',
  date: 'date',
  boolean: 'bool',
  select: 'enum',
  multiSelect: 'multi',
  currency: 'money+currency',
  relation: 'relation',
};

// Edits travel as text; the kinds that hold more than one value (a list of options, an amount with
// its currency) travel as JSON and are read back here into what the server stores.
function customEditValue(type: FieldDefinition['type'], v: unknown) {
  if (v == null) return '';
  if (type === 'multiSelect') return JSON.stringify(v);
  if (type === 'currency') {
    const m = v as { amountMinor: number; currency: string };
    return JSON.stringify({ amount: toMajor(m.amountMinor, m.currency), currency: m.currency });
  }
  return String(v);
}

function customValue(type: FieldDefinition['type'], v: string): unknown {
  if (type === 'number') return numberOrText(v);
  if (type === 'boolean') return v === 'true';
  if (type === 'multiSelect') {
    const list = JSON.parse(v) as string[];
    return list.length ? list : null;
  }
  if (type === 'currency') {
    const { amount, currency } = JSON.parse(v) as { amount: string; currency: string };
    const minor = toMinor(amount, currency);
    return minor == null ? null : { amountMinor: minor, currency };
  }
  return v;
}

export function customColumn(f: FieldDefinition): Column {
  const key = `custom.${f.key}`;
  return {
    key,
    label: f.label,
    width: 160,
    field: f.type === 'currency' ? undefined : key,
    filter: customFilter[f.type] ?? 'none',
    options: f.options ?? undefined,
    edit: customEdit[f.type],
    editValue: (r) => customEditValue(f.type, r.custom?.[f.key]),
    target: f.target ?? undefined,
    display: (r, l) => {
      const v = r.custom?.[f.key];
      if (v == null) return '';
      if (f.type === 'relation') return l.recordName?.(v as string) ?? '…';
      if (f.type === 'number') return formatNumber(v as number);
      if (f.type === 'date') return formatDate(v as string);
      if (f.type === 'currency') return formatMoney((v as { amountMinor: number }).amountMinor, (v as { currency: string }).currency);
      if (f.type === 'boolean') return l.t(v ? 'record.yes' : 'record.no');
      if (Array.isArray(v)) return v.join(', ');
      return String(v);
    },
    toPatch: (v) => ({ custom: { [f.key]: v === '' || v == null ? null : customValue(f.type, v) } }),
  };
}

/** A custom object's own columns: its name (the link to the record), owner and dates; its fields follow. */
const customObjectColumns = (key: string): Column[] => [
  { ...text('name', 220), href: (r) => `/o/${key}/${r.id}` },
  owner(),
  when('lastActivityAt'),
  when('createdAt'),
  when('updatedAt'),
];

export function columnsFor(type: ObjectType, fields: FieldDefinition[]) {
  const base = isCustom(type) ? customObjectColumns(customKey(type)) : builtInColumns[type];
  return [...base, ...fields.filter((f) => f.objectType === fieldsKeyOf(type)).map(customColumn)];
}

/** The columns a list shows until someone chooses: a custom object's name, first four fields and owner. */
export function defaultColumnsOf(type: ObjectType, fields: FieldDefinition[]) {
  if (!isCustom(type)) return builtInDefaults[type];
  const own = fields.filter((f) => f.objectType === customKey(type)).slice(0, 4);
  return ['name', ...own.map((f) => `custom.${f.key}`), 'ownerId', 'updatedAt'];
}
