import type { FastifyRequest } from 'fastify';
import { IdParams, Page, Problem } from '../../../contract/common.ts';
import {
  Import,
  ImportListQuery,
  type ImportObject,
  ImportPreview,
  ImportPreviewQuery,
  ImportQuery,
  ImportResult,
  MAX_IMPORT_BYTES,
} from '../../../contract/imports.ts';
import { AppError } from '../../http/errors.ts';
import type { App } from '../../http/typed-app.ts';
import { validatorCompiler } from '../../http/validation.ts';
import { wakeWorkers } from '../../jobs/queue.ts';
import { errorResponses } from '../../records/routes.ts';
import { isEncoding } from './encoding.ts';
import { errorsCsv } from './errors-csv.ts';
import { cancelImport, dryRunImport, getImport, listImports, startImport, toImportResult, waitForImport } from './imports.service.ts';
import { previewImport } from './preview.ts';

const csvTypes = ['text/csv', 'application/csv', 'text/tab-separated-values', 'text/plain'];

/** The charset a request's Content-Type names, if any. */
const charsetOf = (req: FastifyRequest) =>
  (req.headers['content-type'] ?? '')
    .split(';')
    .map((p) => p.trim())
    .find((p) => p.toLowerCase().startsWith('charset='))
    ?.slice(8)
    .replace(/"/g, '');

/**
 * Refuses anything but a CSV body before a byte of it is read: a 64 MB JSON body would otherwise be
 * parsed only to be refused. A charset in the Content-Type must be one we can decode.
 */
async function requireCsv(req: FastifyRequest) {
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  const charset = charsetOf(req);
  if (!csvTypes.includes(type) || (charset && !isEncoding(charset))) {
    throw new AppError(
      415,
      'unsupported_media_type',
      'Send the file itself as the body, with Content-Type: text/csv (and, if you know it, its charset: text/csv; charset=windows-1252)',
    );
  }
}

const objects: { object: ImportObject; path: string; plural: string; matched: string }[] = [
  {
    object: 'contact',
    path: '/imports/contacts',
    plural: 'contacts',
    matched:
      'Columns are matched to contact fields by name, including the exports of Google Contacts, Outlook, Apple Contacts, Thunderbird, HubSpot, Salesforce (with `Object: Field` report headers), Pipedrive, Zoho and Twenty; several email and phone columns each add a labelled email or phone; a company column (or `Company Domain`, `Website`) links the contact to that company, found by domain or name or created. Custom fields by key or label. A file of companies (a company name, domain or industry but no person or email) is refused with a pointer to the company import.',
  },
  {
    object: 'company',
    path: '/imports/companies',
    plural: 'companies',
    matched:
      'Columns are matched to company fields by name (`Company Name`, `Account Name`, `Organization - Name`, `Domain`, `Website`, `Industry`, `Employees` as a head count or range, `Phone`, address columns), custom fields by key or label. Duplicates are found by domain, else by name ignoring case.',
  },
];

export async function importRoutes(app: App) {
  // The file arrives as raw bytes: its encoding is detected (or named) before anything is parsed.
  app.addContentTypeParser(csvTypes, { parseAs: 'buffer', bodyLimit: MAX_IMPORT_BYTES }, (_req, body, done) => done(null, body));

  for (const { object, path, plural, matched } of objects) {
    app.post(path, {
      config: { permission: 'write' },
      bodyLimit: MAX_IMPORT_BYTES,
      onRequest: requireCsv,
      // The body schema documents the file for the OpenAPI document; the file itself is checked by the
      // import (encoding, CSV syntax, rows), not by a JSON validator.
      validatorCompiler: (route) => (route.httpPart === 'body' ? () => true : validatorCompiler(route)),
      schema: {
        tags: ['Imports'],
        summary: `Import ${plural} from a CSV file`,
        description: `The body is the CSV file: UTF-8, UTF-16 or a legacy encoding (Windows-1252, ISO-8859-x, Shift_JIS, GB18030, Big5, EUC-KR …, detected or named by \`encoding\` or the Content-Type's charset); comma, semicolon, tab or pipe; with a header row naming the columns, or without one (detected, or \`header=false\`: columns are then mapped by what they hold, or by \`columns\`). ${matched} Other columns are ignored and listed. A file that cannot be imported at all is refused at once. The import then runs in the background a batch of rows at a time (each batch written whole, a stopped import carried on where it stopped): the answer is 201 with the result when it finishes within \`wait\` seconds, else 202 with its progress so far (follow it at Location). A cell that cannot be read is left out (a phone number kept as typed) and reported in \`warnings\`; only a row that cannot become a record is refused and reported in \`errors\`. \`file\` reports the encoding, delimiter and header used. \`dryRun=true\` checks and counts without writing.`,
        consumes: ['text/csv'],
        body: { type: 'string', format: 'binary', description: 'The CSV file' },
        querystring: ImportQuery,
        response: { 200: ImportResult, 201: ImportResult, 202: ImportResult, 413: Problem, 415: Problem, ...errorResponses },
      },
      handler: async (req, reply) => {
        const q = req.query;
        // An empty body arrives as no body at all.
        const file = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        const input = {
          object,
          dedupe: q.dedupe ?? 'skip',
          ownerId: q.ownerId,
          dryRun: q.dryRun ?? false,
          fileName: q.fileName ?? null,
          encoding: q.encoding ?? charsetOf(req),
          delimiter: q.delimiter,
          header: q.header,
          columns: q.columns,
          country: q.country,
          mapping: q.mapping,
        } as const;
        if (input.dryRun) return reply.status(200).send(await dryRunImport(app.db, req.ctx, file, input));
        const id = await startImport(app.db, req.ctx, file, input, app.database.kind);
        wakeWorkers();
        const row = await waitForImport(app.db, req.ctx, id, (q.wait ?? 30) * 1000);
        reply.header('location', `/api/v1/imports/${id}`);
        const finished = row.status === 'completed' || row.status === 'failed' || row.status === 'cancelled';
        return reply.status(finished ? 201 : 202).send(toImportResult(row));
      },
    });
  }

  app.post('/imports/preview', {
    config: { permission: 'write' },
    bodyLimit: MAX_IMPORT_BYTES,
    onRequest: requireCsv,
    validatorCompiler: (route) => (route.httpPart === 'body' ? () => true : validatorCompiler(route)),
    schema: {
      tags: ['Imports'],
      summary: 'Preview an import: how the file is read and mapped, and its first rows as they would be imported',
      description:
        'The body is the CSV file, or its beginning with `partial=true` (a cut last line is left out). Nothing is written. The answer names the encoding, delimiter and header found (each can be set as for an import), every column with the field suggested for it, the field it fills with `mapping` and its first values, and the first 20 rows with what each record would get and every warning and error. Without `mapping`, one remembered from an earlier import of a file with the same header is used (`savedMapping`). A mapping that fills no field a record needs is reported in `problem`.',
      consumes: ['text/csv'],
      body: { type: 'string', format: 'binary', description: 'The CSV file' },
      querystring: ImportPreviewQuery,
      response: { 200: ImportPreview, 413: Problem, 415: Problem, ...errorResponses },
    },
    handler: async (req) => {
      const file = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      return previewImport(app.db, req.ctx, file, { ...req.query, encoding: req.query.encoding ?? charsetOf(req) });
    },
  });

  app.post('/imports/:id/cancel', {
    config: { permission: 'write' },
    schema: {
      tags: ['Imports'],
      summary: 'Cancel an import',
      description:
        'A queued import is cancelled at once; a running one becomes `cancelling` and stops before its next batch of rows, then `cancelled`. The rows already written stay, and its counts say how many. 409 when the import has finished.',
      params: IdParams,
      response: { 200: Import, ...errorResponses },
    },
    handler: async (req) => cancelImport(app.db, req.ctx, req.params.id),
  });

  app.get('/imports/:id/errors.csv', {
    config: { permission: 'read' },
    schema: {
      tags: ['Imports'],
      summary: 'The rows and cells of an import that were not imported, and why, as CSV',
      description:
        'One line per refused row (with its cells as the file had them, under the file’s own column names) and per cell left out or kept as typed: row, what happened, column, field, value, reason. Every one, not only the first 100 the import lists.',
      params: IdParams,
      produces: ['text/csv'],
      response: {
        200: { type: 'string', description: 'CSV (UTF-8 with a byte order mark, so spreadsheets read it right)' },
        ...errorResponses,
      },
    },
    handler: async (req, reply) => {
      const { name, csv } = await errorsCsv(app.db, req.ctx, req.params.id);
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${name}"`)
        .send(csv);
    },
  });

  app.get('/imports', {
    config: { permission: 'read' },
    schema: {
      tags: ['Imports'],
      summary: 'List imports, newest first',
      querystring: ImportListQuery,
      response: { 200: Page(Import), ...errorResponses },
    },
    handler: async (req) => listImports(app.db, req.ctx, req.query),
  });

  app.get('/imports/:id', {
    config: { permission: 'read' },
    schema: { tags: ['Imports'], summary: 'Get an import', params: IdParams, response: { 200: Import, ...errorResponses } },
    handler: async (req) => getImport(app.db, req.ctx, req.params.id),
  });
}
