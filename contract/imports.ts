import Type, { type Static } from 'typebox';
import { Nullable, Timestamp, Uuid, UuidParam } from './common.ts';

export const dedupeModes = ['skip', 'update', 'none'] as const;
export type DedupeMode = (typeof dedupeModes)[number];

/** At most this many per-row errors are returned and kept; `rejected` counts them all. */
export const MAX_IMPORT_ERRORS = 100;
export const MAX_IMPORT_ROWS = 1_000_000;
export const MAX_IMPORT_BYTES = 64 * 1024 * 1024;

/** An import is queued, then running (a batch of rows per transaction), then completed or failed. */
export const importStatuses = ['queued', 'running', 'completed', 'failed'] as const;
export const ImportStatus = Type.Enum(importStatuses);

export const ImportContactsQuery = Type.Object(
  {
    dedupe: Type.Optional(
      Type.Enum(dedupeModes, {
        default: 'skip',
        description:
          'A row whose email belongs to a contact of this workspace, or to an earlier row of the file: `skip` counts it as a duplicate, `update` writes its non-empty values into that contact, `none` creates it anyway.',
      }),
    ),
    ownerId: Type.Optional(UuidParam('Owner of the created contacts (default: you)')),
    dryRun: Type.Optional(Type.Boolean({ default: false, description: 'Validate and count; write nothing' })),
    fileName: Type.Optional(Type.String({ maxLength: 255, description: 'Kept with the import so that people recognise it in the list' })),
    wait: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 60,
        default: 30,
        description:
          'Seconds to wait for the import to finish: 201 with the result if it does, else 202 with its progress (follow it at Location)',
      }),
    ),
  },
  { additionalProperties: false },
);
export type ImportContactsQuery = Static<typeof ImportContactsQuery>;

/** Why one data row was not imported. `row` is the row as a spreadsheet numbers it: the header is row 1. */
export const ImportRowError = Type.Object({
  row: Type.Integer({ minimum: 2 }),
  field: Type.String({ description: 'The contact field: `email`, `lastName`, `custom.<key>` …' }),
  column: Nullable(Type.String({ description: 'The column of the file, as its header reads' })),
  message: Type.String(),
});
export type ImportRowError = Static<typeof ImportRowError>;

export const ImportCounts = Type.Object({
  /** Data rows read, blank rows not counted. */
  rows: Type.Integer(),
  created: Type.Integer(),
  updated: Type.Integer(),
  duplicates: Type.Integer(),
  rejected: Type.Integer(),
});
export type ImportCounts = Static<typeof ImportCounts>;

const Mapping = {
  columns: Type.Record(Type.String(), Type.String(), {
    description: 'Each used column (by header) and the contact field it fills: `firstName`, `email`, `custom.<key>` …',
  }),
  ignoredColumns: Type.Array(Type.String(), { description: 'Columns no field was found for' }),
};

export const ImportResult = Type.Object({
  importId: Nullable(Uuid),
  dryRun: Type.Boolean(),
  status: ImportStatus,
  /** Data rows of the file (known once the file is read), for a progress bar beside `rows`. */
  totalRows: Nullable(Type.Integer()),
  ...ImportCounts.properties,
  errors: Type.Array(ImportRowError, { description: `The first ${MAX_IMPORT_ERRORS} row errors` }),
  ...Mapping,
});
export type ImportResult = Static<typeof ImportResult>;

export const Import = Type.Object({
  id: Uuid,
  objectType: Type.String(),
  fileName: Nullable(Type.String()),
  status: ImportStatus,
  dedupe: Type.Enum(dedupeModes),
  counts: ImportCounts,
  errors: Type.Array(ImportRowError),
  ...Mapping,
  totalRows: Nullable(Type.Integer()),
  failure: Nullable(Type.String({ description: 'Why the import failed, when that was not one row’s fault' })),
  requestId: Nullable(Type.String({ description: 'The request that wrote it; its history rows carry the same id' })),
  createdBy: Nullable(Uuid),
  createdAt: Timestamp,
  finishedAt: Nullable(Timestamp),
});
export type Import = Static<typeof Import>;

export const ImportListQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    cursor: Type.Optional(UuidParam('nextCursor of the previous page')),
  },
  { additionalProperties: false },
);
export type ImportListQuery = Static<typeof ImportListQuery>;
