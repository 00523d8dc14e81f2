import { foreignKey, index, integer, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { chatAuthors, chatStatuses } from '../../../contract/chat.ts';
import { tenantKey, ts } from '../../db/columns.ts';
import { memberRef, tenantConstraints } from '../../db/constraints.ts';
import { workspaces } from '../workspaces/workspaces.table.ts';

/**
 * A live chat with a website visitor. The visitor proves who they are with a random token the
 * widget keeps in localStorage; only its SHA-256 is stored, so a database reader cannot act as them.
 */
export const chatConversations = pgTable(
  'chat_conversations',
  {
    ...tenantKey(),
    visitorTokenHash: text('visitor_token_hash').notNull(),
    visitorName: text('visitor_name'),
    visitorEmail: text('visitor_email'),
    contactId: uuid('contact_id'),
    status: text('status', { enum: chatStatuses }).notNull().default('open'),
    assigneeId: uuid('assignee_id'),
    ticketId: uuid('ticket_id'),
    pageUrl: text('page_url'),
    /** The last message's seq: taken under the row's lock, so seq order is commit order. */
    lastSeq: integer('last_seq').notNull().default(0),
    lastMessage: text('last_message'),
    lastMessageAt: ts('last_message_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    closedAt: ts('closed_at'),
  },
  (t) => [
    ...tenantConstraints(t),
    memberRef(t, t.assigneeId),
    index('chat_conversations_status_idx').on(t.workspaceId, t.status, t.updatedAt),
  ],
);

export const chatMessages = pgTable(
  'chat_messages',
  {
    ...tenantKey(),
    conversationId: uuid('conversation_id').notNull(),
    seq: integer('seq').notNull(),
    author: text('author', { enum: chatAuthors }).notNull(),
    authorMemberId: uuid('author_member_id'),
    body: text('body').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    ...tenantConstraints(t),
    memberRef(t, t.authorMemberId),
    foreignKey({
      columns: [t.workspaceId, t.conversationId],
      foreignColumns: [chatConversations.workspaceId, chatConversations.id],
    }).onDelete('cascade'),
    index('chat_messages_conversation_idx').on(t.workspaceId, t.conversationId, t.seq),
  ],
);

/**
 * Which agents have the Chat page open: the page's stream stamps `seen_at` while it is connected.
 * An agent is online while their stamp is fresh; the widget offers live chat only then.
 */
export const chatAgents = pgTable(
  'chat_agents',
  {
    workspaceId: uuid('workspace_id').notNull(),
    memberId: uuid('member_id').notNull(),
    seenAt: ts('seen_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.memberId] }),
    foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
    memberRef(t, t.memberId).onDelete('cascade'),
  ],
);
