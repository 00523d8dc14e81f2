import { api, fullRows, unwrap } from './api.ts';

// The five record objects share one REST shape (list / get / create / patch / delete / restore /
// history), so the generic list and record pages call them through one typed path, the contacts
// one, and read rows as plain records. Object-specific screens use their own typed paths.

export type ObjectType = 'contact' | 'company' | 'deal' | 'lead' | 'task';
export const segmentOf: Record<ObjectType, string> = {
  contact: 'contacts',
  company: 'companies',
  deal: 'deals',
  lead: 'leads',
  task: 'tasks',
};

export type Row = { id: string; version: number; deletedAt?: string | null; custom?: Record<string, unknown> } & Record<string, unknown>;

const listPath = (t: ObjectType) => `/api/v1/${segmentOf[t]}` as '/api/v1/contacts';
const itemPath = (t: ObjectType) => `/api/v1/${segmentOf[t]}/{id}` as '/api/v1/contacts/{id}';

export interface ListParams {
  filter?: string;
  sort?: string;
  cursor?: string;
  limit?: number;
  deleted?: boolean;
}

export async function listRecords(t: ObjectType, query: ListParams) {
  const page = unwrap(await api.GET(listPath(t), { params: { query } }));
  return { rows: fullRows<Row>(page), nextCursor: page.nextCursor };
}

export async function getRecord(t: ObjectType, id: string) {
  return unwrap(await api.GET(itemPath(t), { params: { path: { id } } })) as unknown as Row;
}

export async function createRecord(t: ObjectType, body: Record<string, unknown>) {
  return unwrap(await api.POST(listPath(t), { body: body as never })) as unknown as Row;
}

export async function patchRecord(t: ObjectType, id: string, version: number, changes: Record<string, unknown>) {
  return unwrap(await api.PATCH(itemPath(t), { params: { path: { id } }, body: { ...changes, version } as never })) as unknown as Row;
}

/** The fields the server sets on many records in one request (POST /<object>/bulk-update). */
export const bulkFields: Record<ObjectType, readonly string[]> = {
  contact: ['ownerId', 'lifecycleStage', 'source'],
  company: ['ownerId', 'industry', 'size'],
  deal: ['ownerId'],
  lead: ['ownerId', 'status'],
  task: ['assigneeId', 'done', 'priority'],
};

/** Sets the same values on many records at once: one request, however many are selected. */
export async function bulkUpdate(t: ObjectType, ids: string[], set: Record<string, unknown>) {
  return unwrap(await api.POST(`/api/v1/${segmentOf[t]}/bulk-update` as '/api/v1/contacts/bulk-update', { body: { ids, set } as never }));
}

export async function deleteRecord(t: ObjectType, id: string) {
  unwrap(await api.DELETE(itemPath(t), { params: { path: { id } } }));
}

export async function restoreRecord(t: ObjectType, id: string) {
  unwrap(await api.POST(`/api/v1/${segmentOf[t]}/{id}/restore` as '/api/v1/contacts/{id}/restore', { params: { path: { id } } }));
}

export async function recordHistory(t: ObjectType, id: string) {
  return unwrap(await api.GET(`/api/v1/${segmentOf[t]}/{id}/history` as '/api/v1/contacts/{id}/history', { params: { path: { id } } }))
    .data;
}

export const recordKeys = {
  all: (t: ObjectType) => [segmentOf[t]] as const,
  list: (t: ObjectType, params: unknown) => [segmentOf[t], 'list', params] as const,
  one: (t: ObjectType, id: string) => [segmentOf[t], 'one', id] as const,
  history: (t: ObjectType, id: string) => [segmentOf[t], 'history', id] as const,
};
