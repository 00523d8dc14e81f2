import Type from 'typebox';
import {
  ChatConversation,
  ChatConversationDetail,
  ChatListQuery,
  ChatMessage,
  ChatReply,
  ChatTicketAnswer,
} from '../../../contract/chat.ts';
import { IdParams, Page } from '../../../contract/common.ts';
import type { App } from '../../http/typed-app.ts';
import { errorResponses } from '../../records/routes.ts';
import { agentStream } from './agent-stream.ts';
import { ChatHub } from './chat.hub.ts';
import { closeConversation, getConversation, listConversations, replyToConversation } from './chat.service.ts';
import { conversationToTicket } from './chat-ticket.service.ts';

/** The agents' side of live chat: the web app's Chat page. */
export async function chatRoutes(app: App) {
  const hub = new ChatHub(app.database, app.database.kind === 'pglite' ? 1_000 : 2_000);
  const ends = new Set<() => void>();
  app.addHook('onClose', async () => {
    for (const end of ends) end();
    await hub.close();
  });

  app.get('/chat/conversations', {
    config: { permission: 'read' },
    schema: {
      tags: ['Chat'],
      summary: 'Chat conversations with website visitors, most recently active first (open ones by default)',
      querystring: ChatListQuery,
      response: { 200: Page(ChatConversation), ...errorResponses },
    },
    handler: async (req) => ({ data: await listConversations(app.db, req.ctx, req.query.status), nextCursor: null }),
  });

  app.get('/chat/conversations/:id', {
    config: { permission: 'read' },
    schema: {
      tags: ['Chat'],
      summary: 'A chat conversation with its messages, oldest first',
      params: IdParams,
      response: { 200: ChatConversationDetail, ...errorResponses },
    },
    handler: async (req) => getConversation(app.db, req.ctx, req.params.id),
  });

  app.post('/chat/conversations/:id/messages', {
    config: { permission: 'write' },
    schema: {
      tags: ['Chat'],
      summary: 'Answer the visitor (plain text); the first agent to answer takes the conversation',
      params: IdParams,
      body: ChatReply,
      response: { 201: ChatMessage, ...errorResponses },
    },
    handler: async (req, reply) => {
      const m = await app.db.transaction((tx) => replyToConversation(tx, req.ctx, req.params.id, req.body.body));
      return reply.code(201).send(m);
    },
  });

  app.post('/chat/conversations/:id/close', {
    config: { permission: 'write' },
    schema: {
      tags: ['Chat'],
      summary: "Close a conversation: it lands on the contact's timeline (the contact of the visitor's email, filed when new)",
      params: IdParams,
      response: { 200: ChatConversation, ...errorResponses },
    },
    handler: async (req) => app.db.transaction((tx) => closeConversation(tx, req.ctx, req.params.id)),
  });

  app.post('/chat/conversations/:id/ticket', {
    config: { permission: 'write' },
    schema: {
      tags: ['Chat'],
      summary: 'Turn a conversation into a ticket on the chat channel, its messages copied as the ticket’s first messages',
      params: IdParams,
      response: { 201: ChatTicketAnswer, ...errorResponses },
    },
    handler: async (req, reply) => reply.code(201).send(await app.db.transaction((tx) => conversationToTicket(tx, req.ctx, req.params.id))),
  });

  app.get('/chat/stream', {
    config: { permission: 'read' },
    schema: {
      tags: ['Chat'],
      summary: 'Conversations as they change (Server-Sent Events); while it is open the caller counts as an online agent',
      description:
        'A `text/event-stream` of `conversation` events, each a conversation as GET /chat/conversations lists it, whenever one starts, gets a message, closes or becomes a ticket. ' +
        'Starts with `ready`; ends after `seconds` (default 300; 0 ends it after `ready`) so that the browser reconnects and the session is checked again. ' +
        'The widget offers live chat while at least one agent has this stream open (or had it within 45 s); otherwise it offers to leave a message.',
      querystring: Type.Object({ seconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 3600 })) }, { additionalProperties: false }),
      response: {
        200: { description: 'The event stream', content: { 'text/event-stream': { schema: Type.String() } } },
        ...errorResponses,
      },
    },
    handler: async (req, reply) => {
      reply.hijack();
      await agentStream(app, hub, ends, req.ctx, reply.raw, req.query.seconds ?? 300);
    },
  });
}
