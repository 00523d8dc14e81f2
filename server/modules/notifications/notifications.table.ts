import { sql } from 'drizzle-orm';
import { boolean, date, foreignKey, index, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { notificationKinds } from '../../../contract/notifications.ts';
import { tenantKey, ts } from '../../db/columns.ts';
import { memberRef, tenantConstraints } from '../../db/constraints.ts';
import { members } from '../auth/auth.table.ts';
import { workspaces } from '../workspaces/workspaces.table.ts';

/** In-app notices to one member each, newest first; read ones stay until a retention job comes. */
export const notifications = pgTable(
  'notifications',
  {
    ...tenantKey(),
    memberId: uuid('member_id').notNull(),
    /** What it is about, which the member's preferences switch on or off, and the web app names in their language. */
    kind: text('kind', { enum: notificationKinds }).notNull().default('system'),
    title: text('title').notNull(),
    body: text('body'),
    /** The record the notice links to: a built-in object's type or a custom object's key. */
    recordType: text('record_type'),
    recordId: uuid('record_id'),
    /** The note (activity) a mention was made in, shown on the record's timeline. */
    activityId: uuid('activity_id'),
    /** The member whose action caused it (who mentioned, who assigned); null for the clock and automation. */
    actorId: uuid('actor_id'),
    readAt: ts('read_at'),
    /** When the notice went out by email too (the member's `byEmail`), or why it did not. */
    emailedAt: ts('emailed_at'),
    emailError: text('email_error'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    ...tenantConstraints(t),
    memberRef(t, t.memberId),
    index('notifications_member_idx').on(t.workspaceId, t.memberId, t.id),
    index('notifications_unread_idx').on(t.workspaceId, t.memberId).where(sql`read_at is null`),
  ],
);

/**
 * What each member wants to be told of; a member without a row gets every kind and no digest.
 * One row per member, so that reading them is one key lookup in notify().
 */
export const notificationPreferences = pgTable(
  'notification_preferences',
  {
    workspaceId: uuid('workspace_id').notNull(),
    memberId: uuid('member_id').notNull(),
    taskReminders: boolean('task_reminders').notNull().default(true),
    mentions: boolean('mentions').notNull().default(true),
    assignments: boolean('assignments').notNull().default(true),
    automation: boolean('automation').notNull().default(true),
    dailyDigest: boolean('daily_digest').notNull().default(false),
    byEmail: boolean('by_email').notNull().default(false),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.memberId] }),
    foreignKey({ columns: [t.workspaceId, t.memberId], foreignColumns: [members.workspaceId, members.id] }).onDelete('cascade'),
    index('notification_preferences_digest_idx').on(t.workspaceId, t.memberId).where(sql`daily_digest`),
  ],
);

/**
 * The digests sent, one row per member and local day: inserting the row is the claim, so a digest
 * goes out once per member per day however many workers scan at 08:00.
 */
export const notificationDigests = pgTable(
  'notification_digests',
  {
    workspaceId: uuid('workspace_id').notNull(),
    memberId: uuid('member_id').notNull(),
    day: date('day').notNull(),
    notificationId: uuid('notification_id'),
    sentAt: ts('sent_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.memberId, t.day] }),
    foreignKey({ columns: [t.workspaceId, t.memberId], foreignColumns: [members.workspaceId, members.id] }).onDelete('cascade'),
  ],
);

/**
 * A workspace's settings for notices by email: the shared mailbox they are sent from. No foreign
 * key to the mailbox: disconnecting it leaves the choice dangling, and the sender says so per notice.
 */
export const notificationSettings = pgTable(
  'notification_settings',
  {
    workspaceId: uuid('workspace_id').primaryKey(),
    senderMailboxId: uuid('sender_mailbox_id'),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade')],
);
