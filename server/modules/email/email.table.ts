import { bigint, boolean, foreignKey, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { tlsModes } from '../../../contract/email.ts';
import { tenantKey, ts } from '../../db/columns.ts';
import { memberRef, tenantConstraints } from '../../db/constraints.ts';

/**
 * A mailbox a member (or, shared, an admin for the team) connected. `secret` is the password
 * encrypted by the keyring (server/security/keyring.ts), bound to this workspace and mailbox; it is
 * read only by the sync and the sender. The health columns are written by every sync, so that what
 * the page shows is what the last sync did, not what we hope it did.
 */
export const mailboxes = pgTable(
  'mailboxes',
  {
    ...tenantKey(),
    name: text('name').notNull(),
    address: text('address').notNull(),
    shared: boolean('shared').notNull().default(false),
    ownerId: uuid('owner_id').notNull(),
    imapHost: text('imap_host').notNull(),
    imapPort: integer('imap_port').notNull(),
    imapTls: text('imap_tls', { enum: tlsModes }).notNull(),
    smtpHost: text('smtp_host').notNull(),
    smtpPort: integer('smtp_port').notNull(),
    smtpTls: text('smtp_tls', { enum: tlsModes }).notNull(),
    username: text('username').notNull(),
    secret: text('secret').notNull(),
    syncDays: integer('sync_days').notNull().default(30),
    lastAttemptAt: ts('last_attempt_at'),
    lastSuccessAt: ts('last_success_at'),
    lastError: text('last_error'),
    lastErrorAt: ts('last_error_at'),
    consecutiveFailures: integer('consecutive_failures').notNull().default(0),
    nextSyncAt: ts('next_sync_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [...tenantConstraints(t), memberRef(t, t.ownerId), index('mailboxes_next_sync_idx').on(t.nextSyncAt)],
);

/**
 * Where the sync of one folder got to. Everything up to `last_uid` of `uid_validity` is stored;
 * a different UIDVALIDITY on the server means the UIDs were renumbered, and the folder is read
 * again (Message-ID dedupe keeps that from doubling anything). `highest_modseq` (CONDSTORE) lets a
 * poll of an unchanged folder end after one SELECT.
 */
export const mailboxFolders = pgTable(
  'mailbox_folders',
  {
    ...tenantKey(),
    mailboxId: uuid('mailbox_id').notNull(),
    path: text('path').notNull(),
    role: text('role', { enum: ['inbox', 'sent'] }).notNull(),
    uidValidity: bigint('uid_validity', { mode: 'number' }),
    lastUid: bigint('last_uid', { mode: 'number' }).notNull().default(0),
    uidNext: bigint('uid_next', { mode: 'number' }),
    highestModseq: text('highest_modseq'),
    lastSyncAt: ts('last_sync_at'),
  },
  (t) => [
    ...tenantConstraints(t),
    foreignKey({ columns: [t.workspaceId, t.mailboxId], foreignColumns: [mailboxes.workspaceId, mailboxes.id] }).onDelete('cascade'),
    uniqueIndex('mailbox_folders_role_key').on(t.workspaceId, t.mailboxId, t.role),
  ],
);

/**
 * One email, whichever mailboxes hold it: unique by Message-ID in a workspace, so the same message
 * in two members' mailboxes is one email on the timeline. A message without a Message-ID gets one
 * made from a hash of its bytes (the same bytes give the same id on every resync).
 */
export const emailMessages = pgTable(
  'email_messages',
  {
    ...tenantKey(),
    messageId: text('message_id').notNull(),
    direction: text('direction', { enum: ['received', 'sent'] }).notNull(),
    subject: text('subject').notNull(),
    fromAddress: jsonb('from_address').$type<{ address: string; name: string } | null>(),
    toAddresses: jsonb('to_addresses').$type<{ address: string; name: string }[]>().notNull(),
    ccAddresses: jsonb('cc_addresses').$type<{ address: string; name: string }[]>().notNull(),
    date: ts('date').notNull(),
    textBody: text('text_body').notNull(),
    /** Sanitised when stored (sanitize.ts); the web app still shows it only in a sandboxed iframe. */
    htmlBody: text('html_body'),
    inReplyTo: text('in_reply_to'),
    references: jsonb('reference_ids').$type<string[]>().notNull(),
    attachments: jsonb('attachments').$type<{ filename: string | null; contentType: string; size: number }[]>().notNull(),
    /** The activity that puts it on contacts' timelines; null when no contact's address is in it. */
    activityId: uuid('activity_id'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    ...tenantConstraints(t),
    uniqueIndex('email_messages_message_id_key').on(t.workspaceId, t.messageId),
    index('email_messages_activity_idx').on(t.workspaceId, t.activityId),
  ],
);

/** Which UID of which folder of which mailbox holds an email: the sync's dedupe key. */
export const mailboxMessages = pgTable(
  'mailbox_messages',
  {
    workspaceId: uuid('workspace_id').notNull(),
    mailboxId: uuid('mailbox_id').notNull(),
    role: text('role', { enum: ['inbox', 'sent'] }).notNull(),
    uidValidity: bigint('uid_validity', { mode: 'number' }).notNull(),
    uid: bigint('uid', { mode: 'number' }).notNull(),
    emailId: uuid('email_id').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.mailboxId, t.role, t.uidValidity, t.uid] }),
    foreignKey({ columns: [t.workspaceId, t.mailboxId], foreignColumns: [mailboxes.workspaceId, mailboxes.id] }).onDelete('cascade'),
    foreignKey({ columns: [t.workspaceId, t.emailId], foreignColumns: [emailMessages.workspaceId, emailMessages.id] }).onDelete('cascade'),
    index('mailbox_messages_email_idx').on(t.workspaceId, t.emailId),
  ],
);
