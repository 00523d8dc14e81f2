import Type from 'typebox';
import { IdParams } from '../../../contract/common.ts';
import {
  ActivityEmailParams,
  EmailAttachmentParams,
  EmailFrameQuery,
  EmailMessage,
  EmailSend,
  EmailSent,
  EmailThread,
  EmailThreadUpdate,
  Mailbox,
  MailboxCreate,
  MailboxUpdate,
  ServerFolder,
} from '../../../contract/email.ts';
import { loadConfig } from '../../config.ts';
import type { App } from '../../http/typed-app.ts';
import { wakeWorkers } from '../../jobs/queue.ts';
import { idempotent } from '../../records/idempotency.ts';
import { errorResponses } from '../../records/routes.ts';
import { readAttachment } from './attachments.ts';
import * as email from './email.service.ts';
import { emailFrame, frameCsp } from './frame.ts';
import { sendEmail } from './send.ts';

/**
 * Mailboxes and email. Members connect their own mailboxes (`write`); a shared team mailbox needs
 * an admin (checked in the service). Reading an email needs `read`.
 */
export async function emailRoutes(app: App) {
  const tags = ['Email'];
  app.get('/mailboxes', {
    config: { permission: 'read' },
    schema: {
      tags,
      summary: 'Mailboxes you can see (your own and shared ones; admins: all), with their sync health',
      response: { 200: Type.Object({ data: Type.Array(Mailbox) }), ...errorResponses },
    },
    handler: async (req) => ({ data: await email.listMailboxes(app.db, req.ctx) }),
  });
  app.post('/mailboxes', {
    config: { permission: 'write' },
    schema: {
      tags,
      summary:
        'Connect a mailbox: both servers are logged in to first (422 says what failed); the password is stored encrypted and never returned',
      body: MailboxCreate,
      response: { 201: Mailbox, ...errorResponses },
    },
    handler: async (req, reply) => {
      const mb = await email.createMailbox(app.db, req.ctx, req.body);
      wakeWorkers();
      return reply.status(201).send(mb);
    },
  });
  app.get('/mailboxes/:id', {
    config: { permission: 'read' },
    schema: { tags, summary: 'One mailbox and its sync health', params: IdParams, response: { 200: Mailbox, ...errorResponses } },
    handler: async (req) => email.getMailbox(app.db, req.ctx, req.params.id),
  });
  app.patch('/mailboxes/:id', {
    config: { permission: 'write' },
    schema: {
      tags,
      summary:
        'Change a mailbox’s name, privacy default and matching settings (its owner, or an admin); they apply to email synced from now on',
      params: IdParams,
      body: MailboxUpdate,
      response: { 200: Mailbox, ...errorResponses },
    },
    handler: async (req) => app.db.transaction((tx) => email.updateMailbox(tx, req.ctx, req.params.id, req.body)),
  });
  app.get('/mailboxes/:id/folders', {
    config: { permission: 'read' },
    schema: {
      tags,
      summary:
        'The folders on the mailbox’s server, to pick which sync besides INBOX and Sent (502 in words when the server cannot be reached)',
      params: IdParams,
      response: { 200: Type.Object({ data: Type.Array(ServerFolder) }), ...errorResponses },
    },
    handler: async (req) => ({ data: await email.serverFolders(app.db, req.ctx, req.params.id) }),
  });
  app.post('/mailboxes/:id/sync', {
    config: { permission: 'write' },
    schema: {
      tags,
      summary: 'Sync now (the sync already waiting or running, if any, does it)',
      params: IdParams,
      response: { 202: Mailbox, ...errorResponses },
    },
    handler: async (req, reply) => {
      const mb = await app.db.transaction((tx) => email.requestSync(tx, req.ctx, req.params.id));
      wakeWorkers();
      return reply.status(202).send(mb);
    },
  });
  app.post('/mailboxes/:id/reconcile', {
    config: { permission: 'write' },
    schema: {
      tags,
      summary:
        'Reconcile now: compare the server’s UIDs with what is stored, fetch what is missing, mark what the server no longer holds; the result shows on the mailbox’s health',
      params: IdParams,
      response: { 202: Mailbox, ...errorResponses },
    },
    handler: async (req, reply) => {
      const mb = await app.db.transaction((tx) => email.requestReconcile(tx, req.ctx, req.params.id));
      wakeWorkers();
      return reply.status(202).send(mb);
    },
  });
  app.delete('/mailboxes/:id', {
    config: { permission: 'write' },
    schema: {
      tags,
      summary: 'Disconnect a mailbox (its password and sync state go; emails already on timelines stay)',
      params: IdParams,
      response: { 200: Mailbox, ...errorResponses },
    },
    handler: async (req) => app.db.transaction((tx) => email.deleteMailbox(tx, req.ctx, req.params.id)),
  });
  app.post('/emails', {
    config: { permission: 'write' },
    // Attachments come base64 in the JSON: the cap (10 MiB by default) takes a third more, and the rest of the message.
    bodyLimit: Math.ceil((loadConfig().emailAttachmentMaxBytes * 4) / 3) + 1024 * 1024,
    schema: {
      tags,
      summary:
        'Send an email through a mailbox’s SMTP server; filed in its Sent folder and on the recipients’ contacts’ timelines. With an Idempotency-Key header a repeated request (a double submit, a retry) sends once and gets the first answer',
      body: EmailSend,
      response: { 201: EmailSent, ...errorResponses },
    },
    handler: async (req, reply) => {
      if (req.headers['idempotency-key'] === undefined) return reply.status(201).send(await sendEmail(app.db, req.ctx, req.body));
      // With a key, a double submit sends once: the second waits for the first and gets its answer.
      const out = await idempotent(app.db, req, async (tx) => ({ status: 201, body: await sendEmail(tx, req.ctx, req.body) }), {
        serialize: true,
      });
      if (out.replayed) reply.header('idempotent-replayed', 'true');
      return reply.status(out.status).send(out.body);
    },
  });
  app.get('/emails/:id', {
    config: { permission: 'read' },
    schema: { tags, summary: 'One email (its HTML sanitised)', params: IdParams, response: { 200: EmailMessage, ...errorResponses } },
    handler: async (req) => email.findEmail(app.db, req.ctx, req.params.id),
  });
  app.get('/emails/:id/frame', {
    config: { permission: 'read' },
    schema: {
      tags,
      summary: 'The email’s HTML as the document its sandboxed frame shows, with a CSP of its own; 404 when you may not read its content',
      params: IdParams,
      querystring: EmailFrameQuery,
      produces: ['text/html'],
      response: { 200: { type: 'string', description: 'An HTML document' }, ...errorResponses },
    },
    handler: async (req, reply) => {
      const images = req.query.images === true;
      const html = await emailFrame(app.db, req.ctx, req.params.id, images);
      // The sandbox gives the document an opaque origin, which cannot be origin-keyed: without this
      // Chromium warns on every email shown.
      reply.raw.removeHeader('origin-agent-cluster');
      return reply
        .header('content-type', 'text/html; charset=utf-8')
        .header('content-security-policy', frameCsp(images))
        .header('x-frame-options', 'SAMEORIGIN')
        .header('referrer-policy', 'no-referrer')
        .send(html);
    },
  });
  app.get('/emails/:id/attachments/:attachmentId', {
    config: { permission: 'read' },
    schema: {
      tags,
      summary: 'Download an attachment of an email (as a file, never shown inline); 404 when you may not read the email’s content',
      params: EmailAttachmentParams,
      produces: ['application/octet-stream'],
      response: {
        200: { type: 'string', format: 'binary', description: 'The attachment’s bytes, with its Content-Type' },
        ...errorResponses,
      },
    },
    handler: async (req, reply) => {
      const file = await readAttachment(app.db, req.ctx, req.params.id, req.params.attachmentId);
      return (
        reply
          .header('content-type', file.contentType)
          .header('content-disposition', file.disposition)
          .header('x-content-type-options', 'nosniff')
          .header('content-security-policy', "default-src 'none'; sandbox")
          // The schema says `string` (binary) for the document; Fastify sends a Buffer as it is.
          .send(file.content as unknown as string)
      );
    },
  });
  app.get('/email-threads/:id', {
    config: { permission: 'read' },
    schema: {
      tags,
      summary: 'A thread and its emails, oldest first; a private thread’s content only for the owners of the mailboxes holding it',
      params: IdParams,
      response: { 200: EmailThread, ...errorResponses },
    },
    handler: async (req) => email.getThread(app.db, req.ctx, req.params.id),
  });
  app.patch('/email-threads/:id', {
    config: { permission: 'write' },
    schema: {
      tags,
      summary: 'Share a thread with the workspace or make it private (only the owners of the mailboxes holding it)',
      params: IdParams,
      body: EmailThreadUpdate,
      response: { 200: EmailThread, ...errorResponses },
    },
    handler: async (req) => app.db.transaction((tx) => email.setThreadSharing(tx, req.ctx, req.params.id, req.body.shared)),
  });
  app.get('/activities/:activityId/email', {
    config: { permission: 'read' },
    schema: {
      tags,
      summary: 'The email an `email` activity on a timeline stands for',
      params: ActivityEmailParams,
      response: { 200: EmailMessage, ...errorResponses },
    },
    handler: async (req) => email.emailOfActivity(app.db, req.ctx, req.params.activityId),
  });
}
