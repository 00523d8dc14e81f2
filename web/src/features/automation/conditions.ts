import type { Column } from '../lists/columns.ts';
import { type Condition, type FilterGroup, isGroup, toFilter } from '../lists/filterGroup.ts';

// Rule conditions are the list filter language (the FilterBuilder's rows) with two differences the
// editor hides: amounts are typed in major units (10,000) where rules compare minor ones
// (1000000), and the JSON saved may be a single condition as well as an and/or group.

export const emptyGroup = (): FilterGroup => ({ mode: 'and', items: [] });

/** Money fields hold minor units: `amountMinor`, `previous.amountMinor`. */
export const isMinorField = (field: string) => /Minor$/.test(field);

function scale(node: unknown, factor: number): unknown {
  if (!node || typeof node !== 'object') return node;
  const n = node as Record<string, unknown>;
  for (const k of ['and', 'or'] as const) if (Array.isArray(n[k])) return { [k]: (n[k] as unknown[]).map((x) => scale(x, factor)) };
  if (typeof n.field === 'string' && isMinorField(n.field) && typeof n.value === 'number')
    return { ...n, value: Math.round(n.value * factor * 1e6) / 1e6 };
  return n;
}

/** The FilterBuilder's group as a rule condition; undefined when it has no complete row. */
export function toCondition(g: FilterGroup, columns: Column[], digits: number): unknown {
  const f = toFilter(g, columns);
  return f == null ? undefined : scale(f, 10 ** digits);
}

const asText = (v: unknown) => (v == null ? '' : Array.isArray(v) ? v.join(', ') : String(v));

/** A saved rule condition as the FilterBuilder's rows (amounts back in major units). */
export function fromCondition(json: unknown, digits: number): FilterGroup {
  if (!json || typeof json !== 'object') return emptyGroup();
  const scaled = scale(json, 10 ** -digits) as Record<string, unknown>;
  const walk = (n: Record<string, unknown>): Condition | FilterGroup => {
    for (const k of ['and', 'or'] as const)
      if (Array.isArray(n[k])) return { mode: k, items: (n[k] as Record<string, unknown>[]).map(walk) };
    return { field: String(n.field ?? ''), op: String(n.op ?? ''), value: asText(n.value) };
  };
  const top = walk(scaled);
  return isGroup(top) ? top : { mode: 'and', items: [top] };
}
