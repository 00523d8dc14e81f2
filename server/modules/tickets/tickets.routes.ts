import Type from 'typebox';
import { uuidv7 } from 'uuidv7';
import { IdParams, Page, Problem } from '../../../contract/common.ts';
import {
  ServiceReport,
  ServiceReportQuery,
  SlaPolicyAnswer,
  SlaPolicyPut,
  Ticket,
  TicketAttachment,
  TicketAttachmentParams,
  TicketCreate,
  TicketMessage,
  TicketMessageCreate,
  TicketQueueCounts,
  TicketUpdate,
} from '../../../contract/support.ts';
import { loadConfig } from '../../config.ts';
import { AppError, invalid } from '../../http/errors.ts';
import type { App } from '../../http/typed-app.ts';
import { enqueue } from '../../jobs/queue.ts';
import { errorResponses, registerRecordRoutes } from '../../records/routes.ts';
import { listTicketAttachments, readTicketAttachment, uploadsOf } from './attachments.ts';
import { addMessage, listMessages } from './messages.service.ts';
import { queueCounts } from './queues.ts';
import { serviceReport } from './service-report.ts';
import { checkOverrides, checkPolicy, getSlaPolicy, putSlaPolicy } from './sla.ts';
import { slaRecomputeJob } from './tickets.jobs.ts';
import * as tickets from './tickets.service.ts';

export async function ticketRoutes(app: App) {
  registerRecordRoutes(app, {
    path: 'tickets',
    tag: 'Tickets',
    def: tickets.ticketDef,
    schemas: { record: Ticket, create: TicketCreate, update: TicketUpdate },
    service: {
      list: tickets.listTickets,
      get: tickets.getTicket,
      create: tickets.createTicket,
      update: tickets.updateTicket,
      remove: tickets.deleteTicket,
      restore: tickets.restoreTicket,
    },
  });

  app.get('/tickets/queues', {
    config: { permission: 'read' },
    schema: {
      tags: ['Tickets'],
      summary: "Count the open tickets in each of the agent's queues",
      description:
        'Open tickets (new, open, pending, on hold) the caller may read: unassigned, assigned to the caller, to a team the caller is in or leads, breaching soon or breached, and all.',
      response: { 200: TicketQueueCounts, ...errorResponses },
    },
    handler: async (req) => queueCounts(app.db, req.ctx),
  });

  app.get('/tickets/report', {
    config: { permission: 'read' },
    schema: {
      tags: ['Tickets'],
      summary: 'The service dashboard: volume, response and resolution times, SLA compliance, backlog and per agent and team',
      description:
        'Over the tickets created from `from` to `to` (days, UTC; default the last 30) that the caller may read. Times are wall-clock minutes from creation; the backlog is the open tickets now.',
      querystring: ServiceReportQuery,
      response: { 200: ServiceReport, ...errorResponses },
    },
    handler: async (req) => serviceReport(app.db, req.ctx, req.query),
  });

  app.get('/tickets/:id/messages', {
    config: { permission: 'read' },
    schema: {
      tags: ['Tickets'],
      summary: "A ticket's conversation: public replies and internal notes, oldest first",
      params: IdParams,
      response: { 200: Page(TicketMessage), ...errorResponses },
    },
    handler: async (req) => ({ data: await listMessages(app.db, req.ctx, req.params.id), nextCursor: null }),
  });

  app.post('/tickets/:id/messages', {
    config: { permission: 'write' },
    // The files' base64 (4/3 of the cap) and the text; a larger body is refused before it is read.
    bodyLimit: Math.ceil((loadConfig().emailAttachmentMaxBytes * 4) / 3) + 1024 * 1024,
    schema: {
      tags: ['Tickets'],
      summary: 'Reply to a ticket or add an internal note, with files',
      description:
        "An agent's first public reply meets the first-response target; a reply from the requester starts the next-response clock, the agent's next reply stops it. Notes touch no clock. Files over the attachment cap refuse the whole message (413, naming the file and the limit); nothing is written.",
      params: IdParams,
      body: TicketMessageCreate,
      response: { 201: TicketMessage, 413: Problem, ...errorResponses },
    },
    handler: async (req, reply) => {
      const { attachments, ...input } = req.body;
      const files = uploadsOf(attachments);
      const m = await app.db.transaction((tx) => addMessage(tx, req.ctx, req.params.id, input, files));
      return reply.code(201).send(m);
    },
  });

  app.get('/tickets/:id/attachments', {
    config: { permission: 'read' },
    schema: {
      tags: ['Tickets'],
      summary: "Every file of a ticket's conversation: those that came with the ticket (messageId null), then each message's",
      params: IdParams,
      response: { 200: Type.Object({ data: Type.Array(TicketAttachment) }), ...errorResponses },
    },
    handler: async (req) => ({ data: await listTicketAttachments(app.db, req.ctx, req.params.id) }),
  });

  app.get('/tickets/:id/attachments/:attachmentId', {
    config: { permission: 'read' },
    schema: {
      tags: ['Tickets'],
      summary: 'Download a file of a ticket (as a file, never shown inline); 404 when you may not read the ticket',
      params: TicketAttachmentParams,
      produces: ['application/octet-stream'],
      response: {
        200: { type: 'string', format: 'binary', description: 'The file’s bytes, with its Content-Type (markup and scripts as bytes)' },
        ...errorResponses,
      },
    },
    handler: async (req, reply) => {
      const file = await readTicketAttachment(app.db, req.ctx, req.params.id, req.params.attachmentId);
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

  app.get('/sla-policy', {
    config: { permission: 'read' },
    schema: {
      tags: ['Tickets'],
      summary: "The workspace's SLA policy (`policy` null: tickets have no targets)",
      response: { 200: SlaPolicyAnswer, ...errorResponses },
    },
    handler: async (req) => ({ policy: await getSlaPolicy(app.db, req.ctx) }),
  });

  app.put('/sla-policy', {
    config: { permission: 'admin' },
    schema: {
      tags: ['Tickets'],
      summary:
        "Set the workspace's SLA policy: targets per priority in business minutes, on a calendar, with overrides by channel and customer tier",
      description:
        "A ticket takes the first override whose channels (empty: any) hold its channel and whose tiers (empty: any) hold its customer's tier (the `tier` custom field of its company, else of its requester), else the base targets; an override without a calendar counts on the base one. Override names must be unique and each must name a channel or a tier (400). Applies to new tickets at once; the open tickets' due times and SLA states are recomputed under it in the background (a job, in batches).",
      body: SlaPolicyPut,
      response: { 200: SlaPolicyAnswer, ...errorResponses },
    },
    handler: async (req) => {
      const malformed = checkOverrides(req.body);
      if (malformed.length) throw new AppError(400, 'bad_request', 'Some overrides are malformed', malformed);
      const errors = checkPolicy(req.body);
      if (errors.length) throw invalid(errors);
      const policy = await app.db.transaction(async (tx) => {
        const saved = await putSlaPolicy(tx, req.ctx, uuidv7(), req.body);
        const { workspaceId } = req.ctx;
        // No singleton: a run already under way read the policy before this change; this one reads it after.
        await enqueue(tx, slaRecomputeJob, { workspaceId }, { workspaceId });
        return saved;
      });
      return { policy };
    },
  });
}
