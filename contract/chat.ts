import Type, { type Static } from 'typebox';
import { Email, Nullable, Timestamp, Uuid } from './common.ts';

// Live chat (issue 14): a visitor on a customer's website talks to the workspace's agents through
// the embeddable widget (/chat/widget.js). The visitor's side is public (no session); the agents'
// side is the web app's Chat page.

export const chatStatuses = ['open', 'closed'] as const;
export const chatAuthors = ['visitor', 'agent', 'system'] as const;

/** The longest message a visitor or an agent may send, in characters. */
export const CHAT_MESSAGE_MAX = 2_000;

const Body = Type.String({ minLength: 1, maxLength: CHAT_MESSAGE_MAX, pattern: '\\S' });
const VisitorName = Type.String({ minLength: 1, maxLength: 100 });

export const ChatMessage = Type.Object({
  id: Uuid,
  conversationId: Uuid,
  /** Place in the conversation, 1, 2, 3 …: a stream resumes after the last one it had. */
  seq: Type.Integer(),
  author: Type.Enum(chatAuthors),
  /** The agent who wrote it; null for the visitor and the system. */
  authorMemberId: Nullable(Uuid),
  /** Plain text, never markup: shown as text everywhere. */
  body: Type.String(),
  createdAt: Timestamp,
});
export type ChatMessage = Static<typeof ChatMessage>;

export const ChatConversation = Type.Object({
  id: Uuid,
  status: Type.Enum(chatStatuses),
  visitorName: Nullable(Type.String()),
  visitorEmail: Nullable(Type.String()),
  /** The contact whose email the visitor gave, when one has it (or was filed when the chat closed). */
  contactId: Nullable(Uuid),
  assigneeId: Nullable(Uuid),
  /** The ticket the conversation was turned into. */
  ticketId: Nullable(Uuid),
  lastMessage: Nullable(Type.String()),
  lastMessageAt: Nullable(Timestamp),
  /** The website page the visitor started from. */
  pageUrl: Nullable(Type.String()),
  createdAt: Timestamp,
  closedAt: Nullable(Timestamp),
});
export type ChatConversation = Static<typeof ChatConversation>;

export const ChatConversationDetail = Type.Object({ conversation: ChatConversation, messages: Type.Array(ChatMessage) });
export type ChatConversationDetail = Static<typeof ChatConversationDetail>;

export const ChatListQuery = Type.Object({ status: Type.Optional(Type.Enum(chatStatuses)) }, { additionalProperties: false });

export const ChatReply = Type.Object({ body: Body }, { additionalProperties: false });
export type ChatReply = Static<typeof ChatReply>;

export const ChatTicketAnswer = Type.Object({ ticketId: Uuid, number: Type.Integer() });

export const ChatPresence = Type.Object({ online: Type.Boolean() });
export type ChatPresence = Static<typeof ChatPresence>;

// The visitor's side, sent by the widget.

export const VisitorStart = Type.Object(
  {
    body: Body,
    name: Type.Optional(VisitorName),
    email: Type.Optional(Email),
    pageUrl: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export type VisitorStart = Static<typeof VisitorStart>;

export const VisitorMessage = Type.Object({ body: Body }, { additionalProperties: false });

/** "Leave a message" while no agent is online: it becomes a ticket on the chat channel. */
export const VisitorOfflineMessage = Type.Object(
  { body: Type.String({ minLength: 1, maxLength: 5_000, pattern: '\\S' }), name: Type.Optional(VisitorName), email: Email },
  { additionalProperties: false },
);
export type VisitorOfflineMessage = Static<typeof VisitorOfflineMessage>;
