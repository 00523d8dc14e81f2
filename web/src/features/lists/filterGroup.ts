import type { Column, FilterKind } from './columns.ts';

// The filter language of docs/api.md, as rows of field / operator / value inside and/or groups.

export interface Condition {
  field: string;
  op: string;
  value: string;
}
export interface FilterGroup {
  mode: 'and' | 'or';
  items: (Condition | FilterGroup)[];
}

export const opsByKind: Record<FilterKind, string[]> = {
  text: ['contains', 'eq', 'neq', 'startsWith', 'endsWith', 'notContains', 'isEmpty', 'isNotEmpty'],
  enum: ['eq', 'neq', 'isEmpty', 'isNotEmpty'],
  number: ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'isEmpty', 'isNotEmpty'],
  date: ['eq', 'gt', 'gte', 'lt', 'lte', 'isEmpty', 'isNotEmpty'],
  datetime: ['gt', 'gte', 'lt', 'lte', 'isEmpty', 'isNotEmpty'],
  uuid: ['eq', 'neq', 'isEmpty', 'isNotEmpty'],
  bool: ['eq', 'neq', 'isEmpty', 'isNotEmpty'],
  multi: ['hasAny', 'isEmpty', 'isNotEmpty'],
  none: [],
};
export const noValue = new Set(['isEmpty', 'isNotEmpty']);

export const isGroup = (x: Condition | FilterGroup): x is FilterGroup => 'items' in x;

function toValue(c: Condition, col: Column | undefined): unknown {
  if (col?.filter === 'number') return Number(c.value);
  if (col?.filter === 'bool') return c.value === 'true';
  if (col?.filter === 'multi') return c.value.split(',').map((s) => s.trim());
  if (col?.filter === 'datetime') return new Date(c.value).toISOString();
  return c.value;
}

/** The group as the server's JSON filter, leaving out half-filled rows; null when empty. */
export function toFilter(g: FilterGroup, columns: Column[]): unknown {
  const parts = g.items
    .map((x) => {
      if (isGroup(x)) return toFilter(x, columns);
      if (!x.field || !x.op || (!noValue.has(x.op) && x.value === '')) return null;
      const col = columns.find((c) => c.field === x.field);
      return noValue.has(x.op) ? { field: x.field, op: x.op } : { field: x.field, op: x.op, value: toValue(x, col) };
    })
    .filter(Boolean);
  if (!parts.length) return null;
  return { [g.mode]: parts };
}

/** What a row still lacks before it filters anything: a field, an operator or a value; null when complete. */
export function missing(c: Condition): 'field' | 'op' | 'value' | null {
  if (!c.field) return 'field';
  if (!c.op) return 'op';
  if (!noValue.has(c.op) && c.value === '') return 'value';
  return null;
}

/** Conditions that filter (complete rows): what the badge on the Filter button counts. */
export function countConditions(g: FilterGroup): number {
  return g.items.reduce((n, x) => n + (isGroup(x) ? countConditions(x) : missing(x) ? 0 : 1), 0);
}

/** Whether a row is started but not complete: Apply refuses the filter until it is complete or removed. */
export function hasIncomplete(g: FilterGroup): boolean {
  return g.items.some((x) => (isGroup(x) ? hasIncomplete(x) : missing(x) !== null));
}
