import { api, type GetResult, unwrap } from '../../api.ts';
import type { paths } from '../../api-types.ts';

// The import screen's calls. The file travels as the raw body (sent as text/csv whatever it is: the
// server reads a vCard or JSON file by what it holds), the options in the query
// string, the mapping chosen by hand as JSON in `mapping` — as the API and the CLI take them.

type PreviewOp = paths['/api/v1/imports/preview']['post'];
export type Preview = PreviewOp['responses'][200]['content']['application/json'];
export type PreviewColumn = Preview['columns'][number];
export type PreviewRow = Preview['rows'][number];
export type Choice = Preview['mapping'];
export type ColumnChoice = NonNullable<Choice['columns']>[number];
export type ImportObject = Preview['object'];
export type Delimiter = Preview['file']['delimiter'];
export type Import = GetResult<'/api/v1/imports/{id}'>;
export type Dedupe = Import['dedupe'];

/** How the file is read, when the person overrides what was detected. */
export interface Reading {
  encoding?: string;
  delimiter?: Delimiter;
  header?: boolean;
}

/** The preview reads the beginning of a large file: enough for its header and first rows. */
const PREVIEW_BYTES = 1024 * 1024;

const raw = (b: unknown) => b as BodyInit;

/** The mapping as the API takes it: a constant still being typed (empty) or a new field without a name is left out until it is filled. */
function mappingParam(choice: Choice | null) {
  if (!choice) return {};
  const clean: Choice = {
    columns: (choice.columns ?? []).filter((c) => !c.newField || c.newField.label.trim()),
    constants: (choice.constants ?? []).filter((k) => k.value.trim()),
  };
  return { mapping: JSON.stringify(clean) };
}

export async function previewFile(file: File, object: ImportObject, reading: Reading, choice: Choice | null) {
  const partial = file.size > PREVIEW_BYTES;
  const body = partial ? file.slice(0, PREVIEW_BYTES) : file;
  return unwrap(
    await api.POST('/api/v1/imports/preview', {
      params: {
        query: { object, ...reading, partial, ...mappingParam(choice) },
      },
      body: body as never,
      bodySerializer: raw,
      headers: { 'content-type': 'text/csv' },
    }),
  );
}

/** The import route of each built-in object. */
const importPaths = {
  contact: '/api/v1/imports/contacts',
  company: '/api/v1/imports/companies',
  lead: '/api/v1/imports/leads',
  deal: '/api/v1/imports/deals',
  task: '/api/v1/imports/tasks',
  activity: '/api/v1/imports/activities',
} as const;

/** The objects the import screen offers besides custom ones, in the order it lists them. */
export const builtInImportObjects = Object.keys(importPaths) as (keyof typeof importPaths)[];

export async function startImport(file: File, object: ImportObject, reading: Reading, choice: Choice | null, dedupe: Dedupe) {
  const query = { ...reading, dedupe, fileName: file.name, wait: 0, ...mappingParam(choice) };
  const options = { body: file as never, bodySerializer: raw, headers: { 'content-type': 'text/csv' } };
  const r = unwrap(
    object.startsWith('custom:')
      ? await api.POST('/api/v1/imports/objects/{objectKey}', {
          params: { path: { objectKey: object.slice(7) }, query },
          ...options,
        })
      : await api.POST(importPaths[object as keyof typeof importPaths] ?? importPaths.contact, { params: { query }, ...options }),
  );
  return r.importId as string;
}

export async function getImport(id: string) {
  return unwrap(await api.GET('/api/v1/imports/{id}', { params: { path: { id } } }));
}

export async function cancelImport(id: string) {
  return unwrap(await api.POST('/api/v1/imports/{id}/cancel', { params: { path: { id } } }));
}

export const isFinished = (status: string) => status === 'completed' || status === 'failed' || status === 'cancelled';

export type UndoPreview = GetResult<'/api/v1/imports/{id}/undo'>;

export async function previewUndo(id: string) {
  return unwrap(await api.GET('/api/v1/imports/{id}/undo', { params: { path: { id } } }));
}

export async function undoImport(id: string) {
  return unwrap(await api.POST('/api/v1/imports/{id}/undo', { params: { path: { id } } }));
}

/** Whether the import page should keep reading the import: it runs, or its undo does. */
export const isSettled = (imp: Import) =>
  isFinished(imp.status) && (!imp.undo || imp.undo.status === 'completed' || imp.undo.status === 'failed');
