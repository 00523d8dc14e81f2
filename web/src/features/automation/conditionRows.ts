// Rule conditions (the JSON the server saves) read back as the FilterBuilder's rows, with amounts
// in major units. Kept apart from the list code so that it is plain data in, plain data out
// (its test runs without a browser's types).

/** The FilterBuilder's rows, as lists/filterGroup.ts shapes them. */
export interface Rows {
  mode: 'and' | 'or';
  items: (Row | Rows)[];
}
interface Row {
  field: string;
  op: string;
  value: string;
}

export const emptyGroup = (): Rows => ({ mode: 'and', items: [] });

/** Money fields hold minor units: `amountMinor`, `previous.amountMinor`. */
export const isMinorField = (field: string) => /Minor$/.test(field);

/** Multiplies the amounts a condition compares by `factor` (10^digits one way, 10^-digits back). */
export function scale(node: unknown, factor: number): unknown {
  if (!node || typeof node !== 'object') return node;
  const n = node as Record<string, unknown>;
  for (const k of ['and', 'or'] as const) if (Array.isArray(n[k])) return { [k]: (n[k] as unknown[]).map((x) => scale(x, factor)) };
  if (typeof n.field === 'string' && isMinorField(n.field) && typeof n.value === 'number')
    return { ...n, value: Math.round(n.value * factor * 1e6) / 1e6 };
  return n;
}

const asText = (v: unknown) => (v == null ? '' : Array.isArray(v) ? v.join(', ') : String(v));

/** A saved rule condition as the FilterBuilder's rows (amounts back in major units). */
export function fromCondition(json: unknown, digits: number): Rows {
  if (!json || typeof json !== 'object') return emptyGroup();
  const scaled = scale(json, 10 ** -digits) as Record<string, unknown>;
  const walk = (n: Record<string, unknown>): Row | Rows => {
    for (const k of ['and', 'or'] as const)
      if (Array.isArray(n[k])) return { mode: k, items: (n[k] as Record<string, unknown>[]).map(walk) };
    return { field: String(n.field ?? ''), op: String(n.op ?? ''), value: asText(n.value) };
  };
  const top = walk(scaled);
  return 'items' in top ? top : { mode: 'and', items: [top] };
}
