import type { TFunction } from 'i18next';
import { companySizes, dealStatuses, leadStatuses, lifecycleStages, taskPriorities } from '../../../../contract/enums.ts';
import type { FieldDefinition } from '../../api.ts';
import { formatDate, formatDateTime, formatMoney, formatNumber } from '../../format.ts';
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
}

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
  edit?: 'text' | 'enum' | 'number' | 'member' | 'relation';
  /** What a relation column points to (an object type or a custom object's key). */
  target?: string;
  display: (row: Row, l: Lookups) => string;
  /** What a cell's edit turns into in the PATCH body. */
  toPatch?: (value: string | null) => Record<string, unknown>;
  href?: (row: Row) => string;
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
export const optionData = (col: Pick<Column, 'options' | 'optionLabel'>, t: TFunction) =>
  (col.options ?? []).map((v) => ({ value: v, label: col.optionLabel?.(v, t) ?? v }));
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
const when = (key: string, kind: 'date' | 'datetime' = 'datetime'): Column => ({
  key,
  label: `fields.${key}`,
  width: 170,
  field: key,
  filter: kind,
  display: (r) => (kind === 'date' ? formatDate(r[key] as string) : formatDateTime(r[key] as string)),
});

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
    },
    {
      key: 'phone',
      label: 'fields.phone',
      width: 150,
      field: 'phone',
      filter: 'text',
      display: (r) => (r.phones as { value: string }[])?.[0]?.value ?? '',
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
    text('phone', 150, false),
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
    },
    {
      key: 'stageId',
      label: 'fields.stage',
      width: 150,
      field: 'stageId',
      filter: 'uuid',
      display: (r, l) => l.stageName(r.stageId as string),
    },
    { ...enumCol('status', dealStatuses, 100, 'dealStatus'), edit: undefined },
    {
      key: 'probability',
      label: 'fields.probability',
      width: 110,
      field: 'probability',
      filter: 'number',
      display: (r) => `${r.probability}%`,
    },
    when('expectedCloseDate', 'date'),
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
    text('email', 220),
    text('companyName', 180),
    text('title'),
    { ...enumCol('status', leadStatuses, 120, 'leadStatus'), edit: undefined },
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

export function customColumn(f: FieldDefinition): Column {
  const key = `custom.${f.key}`;
  const simple = ['text', 'url', 'email', 'phone', 'select', 'number'].includes(f.type);
  return {
    key,
    label: f.label,
    width: 160,
    field: f.type === 'currency' ? undefined : key,
    filter: customFilter[f.type] ?? 'none',
    options: f.options ?? undefined,
    edit:
      f.type === 'relation' ? 'relation' : simple ? (f.type === 'select' ? 'enum' : f.type === 'number' ? 'number' : 'text') : undefined,
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
    toPatch: (v) => ({ custom: { [f.key]: v === '' || v == null ? null : f.type === 'number' ? Number(v) : v } }),
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
