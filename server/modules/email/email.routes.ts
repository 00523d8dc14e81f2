import Type from 'typebox';
import { IdParams } from '../../../contract/common.ts';
import { ActivityEmailParams, EmailMessage, EmailSend, EmailSent, Mailbox, MailboxCreate } from '../../../contract/email.ts';
import type { App } from '../../http/typed-app.ts';
import { wakeWorkers } from '../../jobs/queue.ts';
import { errorResponses } from '../../records/routes.ts';
import * as email from './email.service.ts';
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
    schema: {
      tags,
      summary: 'Send an email through a mailbox’s SMTP server; filed in its Sent folder and on the recipients’ contacts’ timelines',
      body: EmailSend,
      response: { 201: EmailSent, ...errorResponses },
    },
    handler: async (req, reply) => reply.status(201).send(await sendEmail(app.db, req.ctx, req.body)),
  });
  app.get('/emails/:id', {
    config: { permission: 'read' },
    schema: { tags, summary: 'One email (its HTML sanitised)', params: IdParams, response: { 200: EmailMessage, ...errorResponses } },
    handler: async (req) => email.toEmail(await email.findEmail(app.db, req.ctx, req.params.id)),
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
