import { useQuery } from '@tanstack/react-query';
import { api, type GetResult, unwrap } from '../../api.ts';
import { type BuiltInType, customType, fieldsKeyOf, type ObjectType } from '../../records.ts';

// Static lists through the API: the lists of an object or of a record, one list and its members.
// Every key starts with 'record-lists', which live updates mark stale when a list changes.

export type RecordList = GetResult<'/api/v1/lists'>['data'][number];
export type ListMember = GetResult<'/api/v1/lists/{id}/members'>['data'][number];

export const listKeys = {
  all: ['record-lists'] as const,
  of: (q: { objectType?: string; recordId?: string }) => ['record-lists', 'list', q] as const,
  one: (id: string) => ['record-lists', 'one', id] as const,
  members: (id: string) => ['record-lists', 'members', id] as const,
};

/** The built-in objects the Lists page offers; custom objects come from the workspace. */
export const listObjects: BuiltInType[] = ['contact', 'company', 'lead', 'deal', 'task'];

/** A list's object as the app names object types: `contact`, or `custom:<key>`. */
export const objectTypeOfList = (objectType: string): ObjectType =>
  (listObjects as string[]).includes(objectType) ? (objectType as BuiltInType) : customType(objectType);

export function useRecordLists(q: { objectType?: string; recordId?: string } = {}, enabled = true) {
  return useQuery({
    queryKey: listKeys.of(q),
    queryFn: async () => unwrap(await api.GET('/api/v1/lists', { params: { query: q } })).data,
    enabled,
  });
}

/** The lists of one object, for pickers. */
export const useListsOf = (type: ObjectType | null, enabled = true) =>
  useRecordLists(type ? { objectType: fieldsKeyOf(type) } : {}, enabled && !!type);

export async function createList(body: { name: string; objectType: string; description?: string | null }) {
  return unwrap(await api.POST('/api/v1/lists', { body }));
}

export async function addToList(id: string, ids: string[]) {
  return unwrap(await api.POST('/api/v1/lists/{id}/members', { params: { path: { id } }, body: { ids } }));
}

export async function removeFromList(id: string, ids: string[]) {
  return unwrap(await api.POST('/api/v1/lists/{id}/members/remove', { params: { path: { id } }, body: { ids } }));
}
