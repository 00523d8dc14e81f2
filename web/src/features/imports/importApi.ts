import { api, type GetResult, unwrap } from '../../api.ts';
import type { paths } from '../../api-types.ts';

// The import screen's calls. The file travels as the raw body (text/csv), the options in the query
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

export async function startImport(file: File, object: ImportObject, reading: Reading, choice: Choice | null, dedupe: Dedupe) {
  const path = object === 'company' ? '/api/v1/imports/companies' : '/api/v1/imports/contacts';
  const r = unwrap(
    await api.POST(path, {
      params: {
        query: { ...reading, dedupe, fileName: file.name, wait: 0, ...mappingParam(choice) },
      },
      body: file as never,
      bodySerializer: raw,
      headers: { 'content-type': 'text/csv' },
    }),
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
