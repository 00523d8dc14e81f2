import type { FastifyRequest } from 'fastify';
import { IdParams, Page, Problem } from '../../../contract/common.ts';
import { Import, ImportContactsQuery, ImportListQuery, ImportResult, MAX_IMPORT_BYTES } from '../../../contract/imports.ts';
import { AppError } from '../../http/errors.ts';
import type { App } from '../../http/typed-app.ts';
import { validatorCompiler } from '../../http/validation.ts';
import { wakeWorkers } from '../../jobs/queue.ts';
import { errorResponses } from '../../records/routes.ts';
import { dryRunContacts, getImport, listImports, startImport, toImportResult, waitForImport } from './imports.service.ts';

const csvTypes = ['text/csv', 'application/csv'];

/**
 * Refuses anything but a UTF-8 CSV body before a byte of it is read: a 64 MB JSON body would
 * otherwise be parsed only to be refused.
 */
async function requireCsv(req: FastifyRequest) {
  const [type, ...params] = (req.headers['content-type'] ?? '').split(';').map((p) => p.trim().toLowerCase());
  const charset = params
    .find((p) => p.startsWith('charset='))
    ?.slice(8)
    .replace(/"/g, '');
  if (!csvTypes.includes(type) || (charset && charset !== 'utf-8' && charset !== 'utf8')) {
    throw new AppError(415, 'unsupported_media_type', 'Send the file itself as the body, with Content-Type: text/csv (UTF-8)');
  }
}

export async function importRoutes(app: App) {
  // The file arrives as raw bytes: its encoding is checked (UTF-8, no NUL) before anything is parsed.
  app.addContentTypeParser(csvTypes, { parseAs: 'buffer', bodyLimit: MAX_IMPORT_BYTES }, (_req, body, done) => done(null, body));

  app.post('/imports/contacts', {
    config: { permission: 'write' },
    bodyLimit: MAX_IMPORT_BYTES,
    onRequest: requireCsv,
    // The body schema documents the file for the OpenAPI document; the file itself is checked by the
    // import (encoding, CSV syntax, rows), not by a JSON validator.
    validatorCompiler: (route) => (route.httpPart === 'body' ? () => true : validatorCompiler(route)),
    schema: {
      tags: ['Imports'],
      summary: 'Import contacts from a CSV file',
      description:
        'The body is the CSV file (UTF-8; comma, semicolon or tab; a header row naming the columns). Columns are matched to contact fields by name, custom fields by key or label; other columns are ignored and listed. A file that cannot be imported at all is refused at once. The import then runs in the background a batch of rows at a time (each batch written whole, a stopped import carried on where it stopped): the answer is 201 with the result when it finishes within `wait` seconds, else 202 with its progress so far (follow it at Location). Rows with errors are reported and skipped. `dryRun=true` checks and counts without writing.',
      consumes: ['text/csv'],
      body: { type: 'string', format: 'binary', description: 'The CSV file (UTF-8)' },
      querystring: ImportContactsQuery,
      response: { 200: ImportResult, 201: ImportResult, 202: ImportResult, 413: Problem, 415: Problem, ...errorResponses },
    },
    handler: async (req, reply) => {
      const q = req.query;
      // An empty body arrives as no body at all.
      const file = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const input = { dedupe: q.dedupe ?? 'skip', ownerId: q.ownerId, dryRun: q.dryRun ?? false, fileName: q.fileName ?? null } as const;
      if (input.dryRun) return reply.status(200).send(await dryRunContacts(app.db, req.ctx, file, input));
      const id = await startImport(app.db, req.ctx, file, input, app.database.kind);
      wakeWorkers();
      const row = await waitForImport(app.db, req.ctx, id, (q.wait ?? 30) * 1000);
      reply.header('location', `/api/v1/imports/${id}`);
      return reply.status(row.status === 'completed' || row.status === 'failed' ? 201 : 202).send(toImportResult(row));
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
