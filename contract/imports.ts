import Type, { type Static } from 'typebox';
import { Country, Nullable, Timestamp, Uuid, UuidParam } from './common.ts';

export const dedupeModes = ['skip', 'update', 'none'] as const;
export type DedupeMode = (typeof dedupeModes)[number];

/** At most this many per-row errors (and as many warnings) are returned and kept; `rejected` and `warned` count them all. */
export const MAX_IMPORT_ERRORS = 100;
export const MAX_IMPORT_ROWS = 1_000_000;
export const MAX_IMPORT_BYTES = 64 * 1024 * 1024;

/**
 * An import is queued, then running (a batch of rows per transaction), then completed or failed; a
 * cancelled one is `cancelling` until its job stops at the next batch, then `cancelled` (the rows of
 * the batches already written stay).
 */
export const importStatuses = ['queued', 'running', 'completed', 'failed', 'cancelling', 'cancelled'] as const;
/** The statuses an import ends in. */
export const finishedImportStatuses = ['completed', 'failed', 'cancelled'] as const;
export const ImportStatus = Type.Enum(importStatuses);

/**
 * The built-in objects a file can be imported as (`POST /imports/contacts`, `/imports/deals` …); a
 * custom object is `custom:<key>` (`POST /imports/objects/{key}`), as the web app names it.
 */
export const importObjects = ['contact', 'company', 'lead', 'deal', 'task', 'activity'] as const;
export type BuiltInImportObject = (typeof importObjects)[number];
export type ImportObject = BuiltInImportObject | `custom:${string}`;
/** An object a file can be imported as: a built-in one, or `custom:<key>`. */
export const ImportObjectName = Type.String({
  pattern: `^(${importObjects.join('|')}|custom:[a-z][a-z0-9_]{0,62})$`,
  maxLength: 70,
  description: `What the rows become: ${importObjects.join(', ')}, or \`custom:<key>\` for a custom object`,
});
/** The record types an undo counts (a custom object's records are `custom_record`). */
export const undoTypes = ['contact', 'company', 'lead', 'deal', 'task', 'activity', 'custom_record'] as const;

export const importDelimiters = ['comma', 'semicolon', 'tab', 'pipe'] as const;
export type ImportDelimiter = (typeof importDelimiters)[number];

export const ImportQuery = Type.Object(
  {
    dedupe: Type.Optional(
      Type.Enum(dedupeModes, {
        default: 'skip',
        description:
          'A row that matches a record of this workspace, or an earlier row of the file (contacts by email; companies by domain, else by name, ignoring case): `skip` counts it as a duplicate, `update` writes its non-empty values into that record, `none` creates it anyway.',
      }),
    ),
    ownerId: Type.Optional(UuidParam('Owner of the created records (default: you)')),
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
    encoding: Type.Optional(
      Type.String({
        minLength: 2,
        maxLength: 40,
        description:
          'The file’s character encoding (`UTF-8`, `UTF-16LE`, `windows-1252`, `ISO-8859-2`, `Shift_JIS`, `GB18030`, `Big5`, `EUC-KR` …). Default: detected (a byte order mark, else the bytes), and reported in `file.encoding`.',
      }),
    ),
    delimiter: Type.Optional(
      Type.Enum(importDelimiters, {
        description: 'The field delimiter. Default: detected from the first lines, and reported in `file.delimiter`.',
      }),
    ),
    header: Type.Optional(
      Type.Boolean({
        description:
          'Whether the first row names the columns. Default: detected (a first row holding an email address or a phone number is data). Without a header, columns are mapped by what they hold, or by `columns`.',
      }),
    ),
    columns: Type.Optional(
      Type.String({
        maxLength: 4000,
        description:
          'The field of each column by position, comma-separated, instead of the mapping read from the header: e.g. `firstName,lastName,,email:home,phone:mobile,custom.tier` (an empty entry or `skip` leaves a column out).',
      }),
    ),
    country: Type.Optional(
      Type.String({
        ...Country,
        description:
          'The country national phone numbers of the file are read in (ISO 3166 code, e.g. `US`). Default: the workspace’s country.',
      }),
    ),
    mapping: Type.Optional(
      Type.String({
        maxLength: 20_000,
        description:
          'Changes to the suggested mapping, as JSON (`ImportMappingChoice`): `{"columns":[{"index":2,"field":"email:home"},{"index":3,"field":"skip"},{"index":4,"newField":{"label":"Tier","type":"text"}}],"constants":[{"field":"source","value":"Fair 2026"}]}`. Columns not named keep their suggestion. A new field is created (admins only) when the import starts. When the import completes, the mapping is remembered for files with the same header.',
      }),
    ),
  },
  { additionalProperties: false },
);
export type ImportQuery = Static<typeof ImportQuery>;
/** The options of a contact import (the same as every import's). */
export const ImportContactsQuery = ImportQuery;
export type ImportContactsQuery = ImportQuery;

/** The types a custom field made from a column may take (those a cell of text can fill). */
export const importNewFieldTypes = ['text', 'longText', 'number', 'date', 'boolean', 'email', 'phone', 'url'] as const;

/** One column mapped by hand: to a field, skipped, or to a custom field made from it. */
export const ImportColumnChoice = Type.Object(
  {
    index: Type.Integer({ minimum: 0, maximum: 999, description: 'The column, by position (0 is the first)' }),
    field: Type.Optional(
      Type.String({
        maxLength: 100,
        description: 'The field it fills (`firstName`, `email:home`, `phone:mobile`, `custom.<key>` …); `skip` leaves the column out',
      }),
    ),
    newField: Type.Optional(
      Type.Object(
        {
          label: Type.String({ minLength: 1, maxLength: 100 }),
          key: Type.Optional(Type.String({ pattern: '^[a-z][a-z0-9_]{0,62}$' })),
          type: Type.Enum(importNewFieldTypes),
        },
        { additionalProperties: false, description: 'Make a custom field from this column (admins only); the import fills it' },
      ),
    ),
  },
  { additionalProperties: false },
);
export type ImportColumnChoice = Static<typeof ImportColumnChoice>;

/** A mapping chosen by hand: changes to the suggested one, and fields given one value for every row. */
export const ImportMappingChoice = Type.Object(
  {
    columns: Type.Optional(Type.Array(ImportColumnChoice, { maxItems: 1000 })),
    constants: Type.Optional(
      Type.Array(
        Type.Object(
          { field: Type.String({ minLength: 1, maxLength: 100 }), value: Type.String({ minLength: 1, maxLength: 500 }) },
          { additionalProperties: false },
        ),
        { maxItems: 50 },
      ),
    ),
  },
  { additionalProperties: false },
);
export type ImportMappingChoice = Static<typeof ImportMappingChoice>;

/** Why one data row was not imported. `row` is the row as a spreadsheet numbers it: a header is row 1. */
export const ImportRowError = Type.Object({
  row: Type.Integer({ minimum: 1 }),
  field: Type.String({ description: 'The field: `email`, `lastName`, `custom.<key>` …' }),
  column: Nullable(Type.String({ description: 'The column of the file, as its header reads' })),
  message: Type.String(),
});
export type ImportRowError = Static<typeof ImportRowError>;

/** A cell of an imported row that was left out, or kept as typed, and why: the row itself was imported. */
export const ImportRowWarning = Type.Object({
  row: Type.Integer({ minimum: 1 }),
  field: Type.String({ description: 'The field: `email`, `phone`, `custom.<key>` …' }),
  column: Nullable(Type.String({ description: 'The column of the file, as its header reads' })),
  value: Type.String({ description: 'The cell as the file has it (cut at 200 characters)' }),
  message: Type.String({ description: 'What was done with the value and why' }),
});
export type ImportRowWarning = Static<typeof ImportRowWarning>;

/** How the file was read: what was detected, or what the request said. */
export const ImportFileInfo = Type.Object({
  encoding: Type.String({ description: 'The character encoding the file was read in: `UTF-8`, `UTF-16LE`, `windows-1252`, `Shift_JIS` …' }),
  delimiter: Type.Enum(importDelimiters),
  header: Type.Boolean({ description: 'Whether the first row named the columns' }),
  format: Type.Optional(
    Type.Enum(['csv', 'vcard', 'json'], {
      description: 'What the file was: CSV (or TSV), vCard (a row per card) or JSON (an array of objects or NDJSON, a row per object)',
    }),
  ),
});
export type ImportFileInfo = Static<typeof ImportFileInfo>;

export const ImportCounts = Type.Object({
  /** Data rows read, blank rows not counted. */
  rows: Type.Integer(),
  created: Type.Integer(),
  updated: Type.Integer(),
  duplicates: Type.Integer(),
  rejected: Type.Integer(),
  /** Rows imported with at least one warning. */
  warned: Type.Integer(),
  /** Companies a contact import created for the contacts' company columns (0 for a company import). */
  companiesCreated: Type.Integer(),
});
export type ImportCounts = Static<typeof ImportCounts>;

const Mapping = {
  columns: Type.Record(Type.String(), Type.String(), {
    description:
      'Each used column (by header) and the field it fills: `firstName`, `email`, `company`, `companyDomain`, `custom.<key>` …; a column that labels another reads `email.label` or `phone.label`',
  }),
  ignoredColumns: Type.Array(Type.String(), { description: 'Columns no field was found for' }),
};

export const ImportResult = Type.Object({
  importId: Nullable(Uuid),
  objectType: ImportObjectName,
  dryRun: Type.Boolean(),
  status: ImportStatus,
  /** Data rows of the file (known once the file is read), for a progress bar beside `rows`. */
  totalRows: Nullable(Type.Integer()),
  ...ImportCounts.properties,
  errors: Type.Array(ImportRowError, { description: `The first ${MAX_IMPORT_ERRORS} row errors` }),
  warnings: Type.Array(ImportRowWarning, { description: `The first ${MAX_IMPORT_ERRORS} warnings of imported rows` }),
  file: ImportFileInfo,
  ...Mapping,
});
export type ImportResult = Static<typeof ImportResult>;

/** Records of each object an undo moves to the trash or gives their earlier values back. */
export const UndoCounts = Type.Object(
  Object.fromEntries(undoTypes.map((t) => [t, Type.Integer({ minimum: 0 })])) as Record<
    (typeof undoTypes)[number],
    ReturnType<typeof Type.Integer>
  >,
);
export type UndoCounts = Static<typeof UndoCounts>;

/** A field an undo leaves as it is: someone changed it after the import, or the record is in the trash. */
export const UndoSkip = Type.Object({
  recordType: Type.String(),
  recordId: Uuid,
  field: Nullable(Type.String()),
  reason: Type.String(),
});
export type UndoSkip = Static<typeof UndoSkip>;

export const undoStatuses = ['queued', 'running', 'completed', 'failed'] as const;

/** An import's undo: a job that moves the records the import created to the trash and gives those it updated their earlier values back. */
export const ImportUndo = Type.Object({
  status: Type.Enum(undoStatuses),
  requestedBy: Nullable(Uuid),
  requestedAt: Timestamp,
  finishedAt: Nullable(Timestamp),
  trashed: UndoCounts,
  restored: UndoCounts,
  /** Fields left as they are (the first 100), and how many in all. */
  skipped: Type.Array(UndoSkip),
  skippedCount: Type.Integer({ minimum: 0 }),
  failure: Nullable(Type.String()),
});
export type ImportUndo = Static<typeof ImportUndo>;

/** `GET /imports/{id}/undo`: what undoing the import would do, before it is done. */
export const ImportUndoPreview = Type.Object({
  importId: Uuid,
  /** Whether the import can be undone now (it has finished, and no undo is under way or done). */
  possible: Type.Boolean(),
  /** Why not, in words, when it cannot. */
  reason: Nullable(Type.String()),
  willTrash: UndoCounts,
  willRestore: UndoCounts,
  /** Fields that will be left as they are, and why (the first 100); `skippedCount` counts them all. */
  skipped: Type.Array(UndoSkip),
  skippedCount: Type.Integer({ minimum: 0 }),
});
export type ImportUndoPreview = Static<typeof ImportUndoPreview>;

export const Import = Type.Object({
  id: Uuid,
  objectType: Type.String(),
  fileName: Nullable(Type.String()),
  status: ImportStatus,
  dedupe: Type.Enum(dedupeModes),
  counts: ImportCounts,
  errors: Type.Array(ImportRowError),
  warnings: Type.Array(ImportRowWarning),
  /** How the file was read (null for imports made before this was kept). */
  file: Nullable(ImportFileInfo),
  ...Mapping,
  totalRows: Nullable(Type.Integer()),
  failure: Nullable(Type.String({ description: 'Why the import failed, when that was not one row’s fault' })),
  requestId: Nullable(Type.String({ description: 'The request that wrote it; its history rows carry the same id' })),
  createdBy: Nullable(Uuid),
  createdAt: Timestamp,
  finishedAt: Nullable(Timestamp),
  undo: Nullable(ImportUndo),
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

/** `POST /imports/preview`: how a file is read, and its first rows as they would be imported. */
export const ImportPreviewQuery = Type.Object(
  {
    object: ImportObjectName,
    encoding: ImportQuery.properties.encoding,
    delimiter: ImportQuery.properties.delimiter,
    header: ImportQuery.properties.header,
    country: ImportQuery.properties.country,
    mapping: ImportQuery.properties.mapping,
    partial: Type.Optional(
      Type.Boolean({
        default: false,
        description: 'The body is the beginning of a larger file (the web app sends its first MiB): a cut last line is left out',
      }),
    ),
  },
  { additionalProperties: false },
);
export type ImportPreviewQuery = Static<typeof ImportPreviewQuery>;

export const ImportPreviewColumn = Type.Object({
  index: Type.Integer(),
  header: Type.String({ description: 'As the file names it ("Column 3" without a header row)' }),
  suggested: Nullable(Type.String({ description: 'The field suggested from its name or values' })),
  field: Nullable(Type.String({ description: 'The field it fills with the mapping given (null: left out)' })),
  qualifies: Nullable(Type.String({ description: 'A column that labels another: `email.label`, `phone.label`, `phone.country`' })),
  samples: Type.Array(Type.String(), { description: 'Its first non-empty values' }),
});

export const ImportPreviewRow = Type.Object({
  row: Type.Integer({ description: 'As a spreadsheet numbers it (a header is row 1)' }),
  status: Type.Enum(['ok', 'warning', 'error']),
  values: Type.Record(Type.String(), Type.String(), { description: 'What the record gets, by field' }),
  warnings: Type.Array(ImportRowWarning),
  errors: Type.Array(ImportRowError),
});

export const ImportPreview = Type.Object({
  object: ImportObjectName,
  /** The fields a column of this object may fill (besides `custom.<key>`), for a mapping screen's choices. */
  targets: Type.Array(Type.String()),
  file: ImportFileInfo,
  columns: Type.Array(ImportPreviewColumn),
  /** The fields the file's columns (and constants) fill, in the order a preview table shows them. */
  fields: Type.Array(Type.String()),
  mapping: ImportMappingChoice,
  savedMapping: Type.Boolean({ description: 'Whether `mapping` was remembered from an earlier import of a file with this header' }),
  customFields: Type.Array(Type.Object({ key: Type.String(), label: Type.String(), type: Type.String() })),
  problem: Nullable(Type.String({ description: 'Why the file cannot be imported with this mapping (e.g. no name or email column)' })),
  notes: Type.Array(ImportRowWarning, {
    description:
      'What could not be read while turning a vCard or JSON file into rows (a broken card, a property, a bad line), naming the card or line',
  }),
  rows: Type.Array(ImportPreviewRow),
});
export type ImportPreview = Static<typeof ImportPreview>;
