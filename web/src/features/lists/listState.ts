import type { FilterGroup } from './filterGroup.ts';

// What a list shows — its filter, sort, saved view and columns — lives in the address, so that Back,
// a reload and a shared link bring back the same list. The columns a person chose are also kept per
// person and object in this browser, for the next visit without them in the address.

export interface ListState {
  filter: FilterGroup | null;
  sort: string | null;
  view: string | null;
  columns: string[] | null;
}

const isGroup = (v: unknown): v is FilterGroup =>
  !!v &&
  typeof v === 'object' &&
  ((v as FilterGroup).mode === 'and' || (v as FilterGroup).mode === 'or') &&
  Array.isArray((v as FilterGroup).items);

export function readListState(query: URLSearchParams): ListState {
  let filter: FilterGroup | null = null;
  try {
    const parsed = JSON.parse(query.get('filter') ?? 'null');
    filter = isGroup(parsed) ? parsed : null;
  } catch {}
  const cols = query.get('cols');
  return { filter, sort: query.get('sort'), view: query.get('view'), columns: cols ? cols.split(',').filter(Boolean) : null };
}

/** The list's address for a state; other parameters of `query` (`new=1` …) are kept. */
export function listHref(base: string, query: URLSearchParams, s: ListState) {
  const q = new URLSearchParams(query);
  for (const k of ['filter', 'sort', 'view', 'cols']) q.delete(k);
  if (s.filter?.items.length) q.set('filter', JSON.stringify(s.filter));
  if (s.sort) q.set('sort', s.sort);
  if (s.view) q.set('view', s.view);
  if (s.columns) q.set('cols', s.columns.join(','));
  const text = q.toString();
  return text ? `${base}?${text}` : base;
}

const columnsKey = (memberId: string, object: string) => `rapport.columns.${memberId}.${object}`;

export function storedColumns(memberId: string, object: string): string[] | null {
  try {
    const v = JSON.parse(localStorage.getItem(columnsKey(memberId, object)) ?? 'null');
    return Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : null;
  } catch {
    return null;
  }
}

export function storeColumns(memberId: string, object: string, columns: string[] | null) {
  try {
    if (columns) localStorage.setItem(columnsKey(memberId, object), JSON.stringify(columns));
    else localStorage.removeItem(columnsKey(memberId, object));
  } catch {}
}
