import Type, { type Static } from 'typebox';
import { UuidParam } from './common.ts';

export const exportFormats = ['csv', 'json', 'vcard'] as const;
export type ExportFormat = (typeof exportFormats)[number];

/** `GET /<records>/export`: a list as a file, with the list's own filter, sort, view and columns. */
export const ExportQuery = Type.Object(
  {
    format: Type.Optional(
      Type.Enum(exportFormats, {
        default: 'csv',
        description: '`csv` (UTF-8 with a byte order mark), `json` (an array of records as the API reads them) or `vcard` (contacts only)',
      }),
    ),
    filter: Type.Optional(Type.String({ maxLength: 8000, description: 'A JSON filter, as for the list' })),
    sort: Type.Optional(Type.String({ maxLength: 300, description: 'Comma-separated fields, `-` for descending' })),
    fields: Type.Optional(Type.String({ maxLength: 2000, description: 'Comma-separated fields: the CSV columns, in order' })),
    deleted: Type.Optional(Type.Boolean({ description: 'true exports the trash' })),
    view: Type.Optional(UuidParam('Export a saved view: its filter, sort and columns')),
  },
  { additionalProperties: false },
);
export type ExportQuery = Static<typeof ExportQuery>;
