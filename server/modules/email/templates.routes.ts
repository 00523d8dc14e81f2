import Type from 'typebox';
import { IdParams } from '../../../contract/common.ts';
import { EmailQueue } from '../../../contract/email.ts';
import {
  EmailSettings,
  EmailSettingsUpdate,
  EmailSignature,
  EmailSignaturePut,
  EmailTemplate,
  EmailTemplateCreate,
  EmailTemplateUpdate,
  MailboxIdParams,
  OutboxItem,
  OutboxReschedule,
  RenderedEmail,
  TemplatePreview,
} from '../../../contract/email-templates.ts';
import type { App } from '../../http/typed-app.ts';
import { wakeWorkers } from '../../jobs/queue.ts';
import { idempotent } from '../../records/idempotency.ts';
import { errorResponses } from '../../records/routes.ts';
import * as outbox from './outbox.ts';
import { listSignatures, putSignature } from './signatures.service.ts';
import * as templates from './templates.service.ts';

/** Email templates (merge fields checked when saved), their preview, and members' signatures. */
export async function emailTemplateRoutes(app: App) {
  const tags = ['Email'];
  app.get('/email-templates', {
    config: { permission: 'read' },
    schema: {
      tags,
      summary: 'Your email templates and the shared ones, by name',
      response: { 200: Type.Object({ data: Type.Array(EmailTemplate) }), ...errorResponses },
    },
    handler: async (req) => ({ data: await templates.listTemplates(app.db, req.ctx) }),
  });
  app.post('/email-templates', {
    config: { permission: 'write' },
    schema: {
      tags,
      summary: 'Save a template; a merge field that names no field is refused (422 naming the field and the token)',
      body: EmailTemplateCreate,
      response: { 201: EmailTemplate, ...errorResponses },
    },
    handler: async (req, reply) =>
      reply.status(201).send(await app.db.transaction((tx) => templates.createTemplate(tx, req.ctx, req.body))),
  });
  app.get('/email-templates/:id', {
    config: { permission: 'read' },
    schema: { tags, summary: 'One email template', params: IdParams, response: { 200: EmailTemplate, ...errorResponses } },
    handler: async (req) => templates.getTemplate(app.db, req.ctx, req.params.id),
  });
  app.patch('/email-templates/:id', {
    config: { permission: 'write' },
    schema: {
      tags,
      summary: 'Change a template (its author, or an admin for shared ones)',
      params: IdParams,
      body: EmailTemplateUpdate,
      response: { 200: EmailTemplate, ...errorResponses },
    },
    handler: async (req) => app.db.transaction((tx) => templates.updateTemplate(tx, req.ctx, req.params.id, req.body)),
  });
  app.delete('/email-templates/:id', {
    config: { permission: 'write' },
    schema: { tags, summary: 'Delete a template', params: IdParams, response: { 200: EmailTemplate, ...errorResponses } },
    handler: async (req) => app.db.transaction((tx) => templates.deleteTemplate(tx, req.ctx, req.params.id)),
  });
  app.post('/email-templates/preview', {
    config: { permission: 'read' },
    schema: {
      tags,
      summary:
        'A subject and body with their merge fields filled for a contact and deal, as they would be sent (HTML with every value escaped)',
      body: TemplatePreview,
      response: { 200: RenderedEmail, ...errorResponses },
    },
    handler: async (req) => templates.renderEmail(app.db, req.ctx, req.body),
  });
  app.get('/email-signatures', {
    config: { permission: 'read' },
    schema: {
      tags,
      summary: 'Your signature for each mailbox you can send from (empty when none is set)',
      response: { 200: Type.Object({ data: Type.Array(EmailSignature) }), ...errorResponses },
    },
    handler: async (req) => ({ data: await listSignatures(app.db, req.ctx) }),
  });
  app.patch('/email-signatures/:mailboxId', {
    config: { permission: 'write' },
    schema: {
      tags,
      summary: 'Set your signature for a mailbox (added below new messages and replies in the compose form)',
      params: MailboxIdParams,
      body: EmailSignaturePut,
      response: { 200: EmailSignature, ...errorResponses },
    },
    handler: async (req) => app.db.transaction((tx) => putSignature(tx, req.ctx, req.params.mailboxId, req.body.body)),
  });
  app.post('/email-outbox', {
    config: { permission: 'write' },
    // Attachments come base64 in the JSON, as for POST /emails.
    bodyLimit: 16 * 1024 * 1024,
    schema: {
      tags,
      summary:
        'Queue an email: sent at `sendAt` (scheduled send) or after the workspace’s undo window; until then it can be cancelled (nothing reaches the mail server before)',
      body: EmailQueue,
      response: { 201: OutboxItem, ...errorResponses },
    },
    handler: async (req, reply) => {
      const out = await idempotent(app.db, req, async (tx) => ({ status: 201, body: await outbox.queueEmail(tx, req.ctx, req.body) }));
      wakeWorkers();
      return reply.status(out.status).send(out.body);
    },
  });
  app.get('/email-outbox', {
    config: { permission: 'read' },
    schema: {
      tags,
      summary: 'Your emails that have not gone yet (queued, sending) or failed, soonest first',
      response: { 200: Type.Object({ data: Type.Array(OutboxItem) }), ...errorResponses },
    },
    handler: async (req) => ({ data: await outbox.listOutbox(app.db, req.ctx) }),
  });
  app.post('/email-outbox/:id/cancel', {
    config: { permission: 'write' },
    schema: {
      tags,
      summary: 'Undo a send, cancel a scheduled one or discard a failed one (409 once it is being sent or sent)',
      params: IdParams,
      response: { 200: OutboxItem, ...errorResponses },
    },
    handler: async (req) => app.db.transaction((tx) => outbox.cancelQueued(tx, req.ctx, req.params.id)),
  });
  app.post('/email-outbox/:id/retry', {
    config: { permission: 'write' },
    schema: {
      tags,
      summary: 'Send a failed email again, now (409 unless it failed)',
      params: IdParams,
      response: { 200: OutboxItem, ...errorResponses },
    },
    handler: async (req) => {
      const item = await app.db.transaction((tx) => outbox.retryFailed(tx, req.ctx, req.params.id));
      wakeWorkers();
      return item;
    },
  });
  app.patch('/email-outbox/:id', {
    config: { permission: 'write' },
    schema: {
      tags,
      summary: 'Reschedule a queued email (409 once it is being sent)',
      params: IdParams,
      body: OutboxReschedule,
      response: { 200: OutboxItem, ...errorResponses },
    },
    handler: async (req) => {
      const item = await app.db.transaction((tx) => outbox.rescheduleQueued(tx, req.ctx, req.params.id, req.body.sendAt));
      wakeWorkers();
      return item;
    },
  });
  app.get('/email-settings', {
    config: { permission: 'read' },
    schema: {
      tags,
      summary: 'The workspace’s email settings (the undo window of sends, whether tracking is allowed)',
      response: { 200: EmailSettings, ...errorResponses },
    },
    handler: async (req) => outbox.getEmailSettings(app.db, req.ctx),
  });
  app.patch('/email-settings', {
    config: { permission: 'admin' },
    schema: {
      tags,
      summary: 'Change the undo window of sends (0–60 seconds) and whether members may track opens and clicks',
      body: EmailSettingsUpdate,
      response: { 200: EmailSettings, ...errorResponses },
    },
    handler: async (req) => outbox.updateEmailSettings(app.db, req.ctx, req.body),
  });
}
