/** What a history row says happened to a record. */
export const historyActions = ['create', 'update', 'delete', 'restore', 'merge', 'convert', 'purge'] as const;
export type HistoryAction = (typeof historyActions)[number];

/** One field's change, as history rows and `<type>.updated` events carry it; `field` is null for a whole-record change. */
export interface FieldChange {
  field: string | null;
  old: unknown;
  new: unknown;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * Field-by-field difference of two API shapes. Custom fields are compared key by key and
 * reported as `custom.<key>`, so the history reads like the form a person edited.
 */
export function diff(before: Record<string, unknown>, after: Record<string, unknown>, skip: string[] = []): FieldChange[] {
  const ignored = new Set(['version', 'updatedAt', 'createdAt', 'createdBy', ...skip]);
  const out: FieldChange[] = [];
  for (const field of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (ignored.has(field)) continue;
    if (field === 'custom') {
      const b = (before.custom ?? {}) as Record<string, unknown>;
      const a = (after.custom ?? {}) as Record<string, unknown>;
      for (const k of new Set([...Object.keys(b), ...Object.keys(a)])) {
        if (!same(b[k], a[k])) out.push({ field: `custom.${k}`, old: b[k] ?? null, new: a[k] ?? null });
      }
    } else if (!same(before[field], after[field])) {
      out.push({ field, old: before[field] ?? null, new: after[field] ?? null });
    }
  }
  return out;
}
