import Type from 'typebox';
import { IdParams } from '../../../contract/common.ts';
import {
  Macro,
  MacroApplied,
  MacroApply,
  MacroApplyBulk,
  MacroCreate,
  MacroUpdate,
  PresencePut,
  SuggestedArticles,
  TicketBulkAction,
  TicketBulkResult,
  TicketMerge,
  TicketPresence,
  TicketRelations,
  TicketSplit,
} from '../../../contract/desk.ts';
import { ArticleLanguage } from '../../../contract/knowledge.ts';
import { Ticket } from '../../../contract/support.ts';
import type { App } from '../../http/typed-app.ts';
import { errorResponses } from '../../records/routes.ts';
import { bulkActOnTickets } from './bulk-actions.ts';
import { applyMacro } from './macros.apply.ts';
import * as macros from './macros.service.ts';
import { listRelations, mergeTickets, splitTicket } from './merge.ts';
import { beat, presenceOn } from './presence.ts';
import { suggestArticles } from './suggestions.ts';

const tags = ['Tickets'];

/** The agent workspace around tickets (issue 14): macros, presence, merge and split, suggested articles. */
export async function deskRoutes(app: App) {
  app.get('/ticket-macros', {
    config: { permission: 'read' },
    schema: {
      tags,
      summary: "The workspace's shared macros and the caller's own, by name",
      response: { 200: Type.Object({ data: Type.Array(Macro) }), ...errorResponses },
    },
    handler: async (req) => ({ data: await macros.listMacros(app.db, req.ctx) }),
  });

  app.post('/ticket-macros', {
    config: { permission: 'write' },
    schema: {
      tags,
      summary: 'Create a macro: a canned reply or note and field changes',
      description:
        'Shared macros (the default) need an admin; `personal: true` makes one only the caller sees. The body may use {{requester.firstName}}, {{requester.lastName}}, {{requester.name}}, {{requester.email}}, {{ticket.number}}, {{ticket.subject}}, {{agent.name}}; any other placeholder is refused.',
      body: MacroCreate,
      response: { 201: Macro, ...errorResponses },
    },
    handler: async (req, reply) => reply.code(201).send(await app.db.transaction((tx) => macros.createMacro(tx, req.ctx, req.body))),
  });

  app.patch('/ticket-macros/:id', {
    config: { permission: 'write' },
    schema: { tags, summary: 'Change a macro', params: IdParams, body: MacroUpdate, response: { 200: Macro, ...errorResponses } },
    handler: async (req) => app.db.transaction((tx) => macros.updateMacro(tx, req.ctx, req.params.id, req.body)),
  });

  app.delete('/ticket-macros/:id', {
    config: { permission: 'write' },
    schema: { tags, summary: 'Delete a macro', params: IdParams, response: { 204: Type.Null(), ...errorResponses } },
    handler: async (req, reply) => {
      await app.db.transaction((tx) => macros.deleteMacro(tx, req.ctx, req.params.id));
      return reply.status(204).send(null);
    },
  });

  app.post('/tickets/:id/apply-macro', {
    config: { permission: 'write' },
    schema: {
      tags,
      summary: 'Apply a macro to a ticket: its reply or note, then its field changes, in one transaction',
      params: IdParams,
      body: MacroApply,
      response: { 200: MacroApplied, ...errorResponses },
    },
    handler: async (req) => app.db.transaction((tx) => applyMacro(tx, req.ctx, req.body.macroId, [req.params.id])),
  });

  app.post('/tickets/apply-macro', {
    config: { permission: 'write' },
    schema: {
      tags,
      summary: 'Apply a macro to several tickets, all or none',
      body: MacroApplyBulk,
      response: { 200: MacroApplied, ...errorResponses },
    },
    handler: async (req) => app.db.transaction((tx) => applyMacro(tx, req.ctx, req.body.macroId, req.body.ids)),
  });

  app.post('/tickets/bulk-actions', {
    config: { permission: 'write' },
    schema: {
      tags,
      summary: 'Act on the tickets selected in a queue: assign, set status or priority, tag, apply a macro',
      description:
        'Each ticket is changed as a single edit would change it (history, events, SLA clock), in a savepoint of its own: one the caller may not see or edit, or one in the trash, is refused alone with its reason (`results`), the others are done. `changes` sets the given fields and adds or removes tags; `macroId` applies a macro first. The whole request is refused when the caller may not bulk-edit tickets, or for an unknown assignee, team or macro.',
      body: TicketBulkAction,
      response: { 200: TicketBulkResult, ...errorResponses },
    },
    handler: async (req) => app.db.transaction((tx) => bulkActOnTickets(tx, req.ctx, req.body)),
  });

  app.get('/tickets/:id/presence', {
    config: { permission: 'read' },
    schema: {
      tags,
      summary: 'Who else has the ticket open now, viewing or replying',
      params: IdParams,
      response: { 200: TicketPresence, ...errorResponses },
    },
    handler: async (req) => presenceOn(app.db, req.ctx, req.params.id),
  });

  app.put('/tickets/:id/presence', {
    config: { permission: 'read' },
    schema: {
      tags,
      summary: 'Say that the caller is viewing or replying to the ticket (or has left it); answers who else is on it',
      description: 'A page sends this every 10 seconds while the ticket is open; presence lapses 30 seconds after the last one.',
      params: IdParams,
      body: PresencePut,
      response: { 200: TicketPresence, ...errorResponses },
    },
    handler: async (req) => app.db.transaction((tx) => beat(tx, req.ctx, req.params.id, req.body)),
  });

  app.post('/tickets/:id/merge', {
    config: { permission: 'write' },
    schema: {
      tags,
      summary: 'Merge another ticket (`sourceId`) into this one',
      description:
        "The source's conversation is copied here with a note, the source is closed with a note and linked as merged into this ticket. `version` is this ticket's, as read.",
      params: IdParams,
      body: TicketMerge,
      response: { 200: Ticket, ...errorResponses },
    },
    handler: async (req) => app.db.transaction((tx) => mergeTickets(tx, req.ctx, req.params.id, req.body.sourceId, req.body.version)),
  });

  app.post('/tickets/:id/split', {
    config: { permission: 'write' },
    schema: {
      tags,
      summary: 'Make a new ticket of one message of this ticket (same requester), linked both ways',
      params: IdParams,
      body: TicketSplit,
      response: { 201: Ticket, ...errorResponses },
    },
    handler: async (req, reply) =>
      reply.code(201).send(await app.db.transaction((tx) => splitTicket(tx, req.ctx, req.params.id, req.body.messageId, req.body.subject))),
  });

  app.get('/tickets/:id/relations', {
    config: { permission: 'read' },
    schema: {
      tags,
      summary: 'The tickets this one was merged or split with',
      params: IdParams,
      response: { 200: TicketRelations, ...errorResponses },
    },
    handler: async (req) => ({ data: await listRelations(app.db, req.ctx, req.params.id) }),
  });

  app.get('/tickets/:id/suggested-articles', {
    config: { permission: 'read' },
    schema: {
      tags,
      summary: 'Published knowledge-base articles matching the ticket’s subject and description, best first (at most 5)',
      params: IdParams,
      querystring: Type.Object({ language: Type.Optional(ArticleLanguage) }, { additionalProperties: false }),
      response: { 200: SuggestedArticles, ...errorResponses },
    },
    handler: async (req) => suggestArticles(app.db, req.ctx, req.params.id, req.query.language),
  });
}
