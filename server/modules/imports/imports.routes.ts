import type { FastifyReply, FastifyRequest } from 'fastify';
import { IdParams, Page, Problem } from '../../../contract/common.ts';
import {
  Import,
  ImportListQuery,
  type ImportObject,
  ImportPreview,
  ImportPreviewQuery,
  ImportQuery,
  ImportResult,
  ImportUndoPreview,
  MAX_IMPORT_BYTES,
} from '../../../contract/imports.ts';
import { ObjectKeyParams } from '../../../contract/objects.ts';
import { AppError } from '../../http/errors.ts';
import type { App } from '../../http/typed-app.ts';
import { validatorCompiler } from '../../http/validation.ts';
import { wakeWorkers } from '../../jobs/queue.ts';
import { errorResponses } from '../../records/routes.ts';
import { isEncoding } from './encoding.ts';
import { errorsCsv } from './errors-csv.ts';
import { undoImportJob } from './imports.jobs.ts';
import { cancelImport, dryRunImport, getImport, listImports, startImport, toImportResult, waitForImport } from './imports.service.ts';
import { previewImport } from './preview.ts';
import { previewUndo, requestUndo } from './undo.ts';

const csvTypes = ['text/csv', 'application/csv', 'text/tab-separated-values', 'text/plain'];
/** vCards and JSON are read too (sources.ts): each is turned into rows as a CSV file would be. */
const fileTypes = [
  ...csvTypes,
  'text/vcard',
  'text/x-vcard',
  'text/directory',
  'application/json',
  'application/x-ndjson',
  'application/ndjson',
];

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
  if (!fileTypes.includes(type) || (charset && !isEncoding(charset))) {
    throw new AppError(
      415,
      'unsupported_media_type',
      'Send the file itself as the body, with Content-Type: text/csv, text/vcard or application/json (and, if you know it, its charset: text/csv; charset=windows-1252)',
    );
  }
}

const generic =
  'A cell that cannot be read (an unknown stage or status, an amount or date that is not one, a person or record not found) is left empty or at its default with a warning naming the row, column, value and reason; a row is refused only when it cannot become a record (no name or title). Every row is created: these objects have no key to find duplicates by, so `dedupe` does not apply.';

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
  {
    object: 'lead',
    path: '/imports/leads',
    plural: 'leads',
    matched: `Columns are matched to lead fields by name (\`First Name\`, \`Last Name\`, \`Email\`, \`Company\`, \`Lead Status\`, \`Lead Source\`, \`Lead Owner\` by member email or name), custom fields by key or label. ${generic}`,
  },
  {
    object: 'deal',
    path: '/imports/deals',
    plural: 'deals',
    matched: `Columns are matched to deal fields by name, including HubSpot's (\`Deal Name\`, \`Deal Stage\`, \`Pipeline\`, \`Amount\`, \`Close Date\`), Pipedrive's (\`Deal - Title\`, \`Deal - Value\`, \`Deal - Stage\`) and Salesforce's (\`Opportunity: Opportunity Name\`, \`Stage\`): the pipeline and stage by name (an unknown or missing stage is the pipeline's first open stage, with a warning), the company by name or domain, the contacts by email, the owner by member email or name. ${generic}`,
  },
  {
    object: 'task',
    path: '/imports/tasks',
    plural: 'tasks',
    matched: `Columns are matched to task fields by name (\`Title\`/\`Subject\`, \`Due Date\`, \`Priority\`, \`Status\` as done or not, \`Assigned To\` by member email or name), and the records a task concerns by \`Contact\` (email or name), \`Company\` (name or domain), \`Deal\` and \`Lead\` columns. ${generic}`,
  },
  {
    object: 'activity',
    path: '/imports/activities',
    plural: 'activities',
    matched: `Each row becomes a timeline entry (note, call, meeting …: \`Type\`, default note) on the records its \`Contact\` (email or name), \`Company\`, \`Deal\` or \`Lead\` columns name; a row that names none that can be found is refused. \`Subject\`, \`Body\`/\`Notes\`, \`Date\`, \`Outcome\`, \`Owner\`. ${generic}`,
  },
];

export async function importRoutes(app: App) {
  // The file arrives as raw bytes: its encoding is detected (or named) before anything is parsed.
  app.addContentTypeParser(fileTypes, { parseAs: 'buffer', bodyLimit: MAX_IMPORT_BYTES }, (_req, body, done) => done(null, body));

  /** Starts an import of one object from a request's file and options, and answers as it stands after `wait`. */
  async function run(req: FastifyRequest, q: ImportQuery, reply: FastifyReply, object: ImportObject) {
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
  }

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
        summary: `Import ${plural} from a CSV, vCard or JSON file`,
        description: `The body is the file — CSV, a vCard file (2.1, 3.0 or 4.0: a row per card, its properties under Google Contacts' column names; a card that cannot be read whole is read as far as it can be, and reported in \`warnings\` naming the card and property) or JSON (an array of objects or NDJSON: a row per object, nested keys as \`a.b\` columns). A CSV file is in UTF-8, UTF-16 or a legacy encoding (Windows-1252, ISO-8859-x, Shift_JIS, GB18030, Big5, EUC-KR …, detected or named by \`encoding\` or the Content-Type's charset); comma, semicolon, tab or pipe; with a header row naming the columns, or without one (detected, or \`header=false\`: columns are then mapped by what they hold, or by \`columns\`). ${matched} Other columns are ignored and listed. A file that cannot be imported at all is refused at once. The import then runs in the background a batch of rows at a time (each batch written whole, a stopped import carried on where it stopped): the answer is 201 with the result when it finishes within \`wait\` seconds, else 202 with its progress so far (follow it at Location). A cell that cannot be read is left out (a phone number kept as typed) and reported in \`warnings\`; only a row that cannot become a record is refused and reported in \`errors\`. \`file\` reports the encoding, delimiter and header used. \`dryRun=true\` checks and counts without writing.`,
        consumes: ['text/csv', 'text/vcard', 'application/json'],
        body: { type: 'string', format: 'binary', description: 'The file: CSV, vCard or JSON' },
        querystring: ImportQuery,
        response: { 200: ImportResult, 201: ImportResult, 202: ImportResult, 413: Problem, 415: Problem, ...errorResponses },
      },
      handler: async (req, reply) => run(req, req.query, reply, object),
    });
  }

  app.post('/imports/objects/:objectKey', {
    config: { permission: 'write' },
    bodyLimit: MAX_IMPORT_BYTES,
    onRequest: requireCsv,
    validatorCompiler: (route) => (route.httpPart === 'body' ? () => true : validatorCompiler(route)),
    schema: {
      tags: ['Imports'],
      summary: "Import a custom object's records from a CSV, vCard or JSON file",
      description: `As the other imports (see \`POST /imports/deals\`): columns are matched to the record's name (\`Name\`, \`Title\`), its owner (by member email or name) and the object's custom fields by key or label. ${generic} 404 when the workspace has no such object.`,
      consumes: ['text/csv', 'text/vcard', 'application/json'],
      body: { type: 'string', format: 'binary', description: 'The file: CSV, vCard or JSON' },
      params: ObjectKeyParams,
      querystring: ImportQuery,
      response: { 200: ImportResult, 201: ImportResult, 202: ImportResult, 413: Problem, 415: Problem, ...errorResponses },
    },
    handler: async (req, reply) => run(req, req.query, reply, `custom:${req.params.objectKey}`),
  });

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
      consumes: ['text/csv', 'text/vcard', 'application/json'],
      body: { type: 'string', format: 'binary', description: 'The file: CSV, vCard or JSON' },
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

  app.get('/imports/:id/undo', {
    config: { permission: 'read' },
    schema: {
      tags: ['Imports'],
      summary: 'What undoing an import would do',
      description:
        'Counted from the history the import wrote, nothing changed: how many records it created would go to the trash (those not there already), how many it updated would get their earlier values back, and which fields would be left as they are because someone changed them since (or the record is in the trash). `possible` says whether the import can be undone now, `reason` why not.',
      params: IdParams,
      response: { 200: ImportUndoPreview, ...errorResponses },
    },
    handler: async (req) => previewUndo(app.db, req.ctx, req.params.id),
  });

  app.post('/imports/:id/undo', {
    config: { permission: 'write' },
    schema: {
      tags: ['Imports'],
      summary: 'Undo an import',
      description:
        'Queues a job that moves the records the import created to the trash (restorable from there) and gives the records it updated their earlier values back, field by field, through their history, leaving fields someone else changed since as they are (listed in `undo.skipped`). Works for a completed, cancelled or failed import (one whose worker died mid-way included): whatever its committed batches wrote is undone. 202 with the import, whose `undo` shows the progress; 409 while the import runs or once it is undone.',
      params: IdParams,
      response: { 202: Import, ...errorResponses },
    },
    handler: async (req, reply) => {
      await requestUndo(app.db, req.ctx, req.params.id, undoImportJob);
      wakeWorkers();
      return reply.status(202).send(await getImport(app.db, req.ctx, req.params.id));
    },
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
