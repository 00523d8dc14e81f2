import { infiniteQueryOptions, type QueryClient, queryOptions } from '@tanstack/react-query';
import { api, type FieldDefinition, fullRows, type SavedView, unwrap } from '../../api.ts';
import { fieldsKeyOf, listRecords, type ObjectType, recordKeys } from '../../records.ts';
import { membersQuery } from '../../ui/useMembers.ts';
import { pipelinesQuery } from '../../ui/usePipelines.ts';
import { columnsFor } from './columns.ts';
import { countConditions, type FilterGroup, isGroup, toFilter } from './filterGroup.ts';
import { readListState } from './listState.ts';

// The requests a list page makes, written once so that the app can start them before the page's
// code has arrived (see prefetchList) and the page then finds them under the same keys.

export const DEFAULT_SORT = '-updatedAt';
const PAGE_SIZE = 100;

export const fieldsQuery = (type: ObjectType | 'activity') => {
  const objectType = type === 'activity' ? type : fieldsKeyOf(type);
  return queryOptions({
    queryKey: ['fields', objectType],
    queryFn: async () => fullRows<FieldDefinition>(unwrap(await api.GET('/api/v1/fields', { params: { query: { objectType } } }))),
    staleTime: 60_000,
  });
};

export const viewsQuery = (type: ObjectType) =>
  queryOptions({
    queryKey: ['views', type],
    queryFn: async () =>
      fullRows<SavedView>(unwrap(await api.GET('/api/v1/views', { params: { query: { objectType: fieldsKeyOf(type) } } }))),
  });

export interface ListRequest {
  filter?: string;
  sort: string;
  view?: string;
}

const namesCustom = (g: FilterGroup): boolean => g.items.some((x) => (isGroup(x) ? namesCustom(x) : x.field.startsWith('custom.')));

/**
 * The list request for a filter, sort and view. A custom field's values are typed by its
 * definition (a number field filters by a number), so a filter naming one waits for the field
 * definitions (null until then) rather than asking once with text and once more when they arrive.
 */
export function listRequest(
  type: ObjectType,
  applied: FilterGroup,
  sort: string,
  view: string | null,
  fields: FieldDefinition[] | undefined,
): ListRequest | null {
  if (!fields && countConditions(applied) && namesCustom(applied)) return null;
  const filter = toFilter(applied, columnsFor(type, fields ?? []));
  return { filter: filter ? JSON.stringify(filter) : undefined, sort, view: view ?? undefined };
}

/**
 * A list's pages. The first page also asks how many records the list holds (`count=true`), so the
 * count comes with the first rows in one request.
 */
export const listQuery = (type: ObjectType, params: ListRequest) =>
  infiniteQueryOptions({
    queryKey: recordKeys.list(type, params),
    queryFn: ({ pageParam }) => listRecords(type, { ...params, cursor: pageParam, limit: PAGE_SIZE, count: pageParam === undefined }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });

/**
 * Starts a list page's requests from its address — the rows, the field definitions, the saved
 * views, and the members and stages its cells name — all at once, as soon as the session answers,
 * whether or not the page's code has arrived.
 */
export function prefetchList(qc: QueryClient, type: ObjectType, query: URLSearchParams) {
  const state = readListState(query);
  for (const q of [fieldsQuery(type), viewsQuery(type), membersQuery, pipelinesQuery]) void qc.prefetchQuery(q as never);
  const fields = qc.getQueryData(fieldsQuery(type).queryKey);
  const params = listRequest(type, state.filter ?? { mode: 'and', items: [] }, state.sort ?? DEFAULT_SORT, state.view, fields);
  if (params) void qc.prefetchInfiniteQuery(listQuery(type, params));
}
