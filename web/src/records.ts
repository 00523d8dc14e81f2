import { builtInSegments } from '../../contract/enums.ts';
import { api, fullRows, unwrap } from './api.ts';

// Every record object — the five built-in ones and each custom object an admin defines — shares
// one REST shape (list / get / create / patch / delete / restore / history), so the generic list and
// record pages call them through one typed path, the contacts one, and read rows as plain records.
// Object-specific screens use their own typed paths.

export type BuiltInType = keyof typeof builtInSegments;
/** The records of a custom object: `custom:<its key>`. */
export type CustomType = `custom:${string}`;
export type ObjectType = BuiltInType | CustomType;

export const isCustom = (t: ObjectType): t is CustomType => t.startsWith('custom:');
export const customKey = (t: CustomType) => t.slice('custom:'.length);
export const customType = (key: string): CustomType => `custom:${key}`;

/** A built-in object's segment, in API paths and in the app's own (`contacts`). */
export const segmentOf = builtInSegments;

/** Where an object's records are in the API: `contacts`, `objects/project/records`. */
export const apiSegment = (t: ObjectType) => (isCustom(t) ? `objects/${customKey(t)}/records` : builtInSegments[t]);
/** The app's page of an object's list: `/contacts`, `/o/project`; a record is that plus `/<id>`. */
export const webPath = (t: ObjectType) => (isCustom(t) ? `/o/${customKey(t)}` : `/${builtInSegments[t]}`);
/** The record type activities and tasks link to, and the API segment of its timeline and tasks. */
export const linkTypeOf = (t: Exclude<ObjectType, 'task'>) => (isCustom(t) ? 'custom_record' : t);
export const linkSegment = (t: Exclude<ObjectType, 'task'>) => (isCustom(t) ? 'custom-records' : builtInSegments[t]);
/** The object type that names its custom fields and saved views: a custom object's key. */
export const fieldsKeyOf = (t: ObjectType) => (isCustom(t) ? customKey(t) : t);

export type Row = { id: string; version: number; deletedAt?: string | null; custom?: Record<string, unknown> } & Record<string, unknown>;

const listPath = (t: ObjectType) => `/api/v1/${apiSegment(t)}` as '/api/v1/contacts';
const itemPath = (t: ObjectType) => `/api/v1/${apiSegment(t)}/{id}` as '/api/v1/contacts/{id}';

export interface ListParams {
  filter?: string;
  sort?: string;
  cursor?: string;
  limit?: number;
  deleted?: boolean;
  /** Ask how many records the whole list holds (`total`, exact or an estimate). */
  count?: boolean;
}

export async function listRecords(t: ObjectType, query: ListParams) {
  const page = unwrap(await api.GET(listPath(t), { params: { query } }));
  return { rows: fullRows<Row>(page), nextCursor: page.nextCursor, total: page.total, totalIsEstimate: page.totalIsEstimate };
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
const builtInBulkFields: Record<BuiltInType, readonly string[]> = {
  contact: ['ownerId', 'lifecycleStage', 'source'],
  company: ['ownerId', 'industry', 'size'],
  deal: ['ownerId'],
  lead: ['ownerId', 'status'],
  task: ['assigneeId', 'done', 'priority'],
};
export const bulkFieldsOf = (t: ObjectType) => (isCustom(t) ? ['ownerId'] : builtInBulkFields[t]);

/** Sets the same values on many records at once: one request, however many are selected. */
export async function bulkUpdate(t: ObjectType, ids: string[], set: Record<string, unknown>) {
  return unwrap(await api.POST(`/api/v1/${apiSegment(t)}/bulk-update` as '/api/v1/contacts/bulk-update', { body: { ids, set } as never }));
}

export async function deleteRecord(t: ObjectType, id: string) {
  unwrap(await api.DELETE(itemPath(t), { params: { path: { id } } }));
}

export async function restoreRecord(t: ObjectType, id: string) {
  unwrap(await api.POST(`/api/v1/${apiSegment(t)}/{id}/restore` as '/api/v1/contacts/{id}/restore', { params: { path: { id } } }));
}

export async function recordHistory(t: ObjectType, id: string) {
  return unwrap(await api.GET(`/api/v1/${apiSegment(t)}/{id}/history` as '/api/v1/contacts/{id}/history', { params: { path: { id } } }))
    .data;
}

export const recordKeys = {
  all: (t: ObjectType) => [apiSegment(t)] as const,
  list: (t: ObjectType, params: unknown) => [apiSegment(t), 'list', params] as const,
  one: (t: ObjectType, id: string) => [apiSegment(t), 'one', id] as const,
  history: (t: ObjectType, id: string) => [apiSegment(t), 'history', id] as const,
};
