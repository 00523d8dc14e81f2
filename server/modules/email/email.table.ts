import { sql } from 'drizzle-orm';
import { bigint, boolean, foreignKey, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { emailAutomation, folderRoles, mailboxPrivacies, newSenderModes, tlsModes } from '../../../contract/email.ts';
import { bytea, tenantKey, ts } from '../../db/columns.ts';
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
    /** Whether a new email of a thread is shared with the workspace or private to the owners of the mailboxes holding it. */
    privacy: text('privacy', { enum: mailboxPrivacies }).notNull().default('workspace'),
    /** Link emails to the open deals of the contacts in them too. */
    matchDeals: boolean('match_deals').notNull().default(true),
    /** What the sender of a received email that no contact or lead holds becomes. */
    newSenders: text('new_senders', { enum: newSenderModes }).notNull().default('ignore'),
    /** Addresses and domains whose mail makes no contact or lead (the mailbox's own domain always, and no-reply senders). */
    ignoreSenders: text('ignore_senders').array().notNull().default(sql`'{}'::text[]`),
    /** Folders synced besides INBOX and Sent, by path, as the owner picked them from the server's list. */
    folders: text('folders').array().notNull().default(sql`'{}'::text[]`),
    lastAttemptAt: ts('last_attempt_at'),
    lastSuccessAt: ts('last_success_at'),
    lastError: text('last_error'),
    lastErrorAt: ts('last_error_at'),
    consecutiveFailures: integer('consecutive_failures').notNull().default(0),
    nextSyncAt: ts('next_sync_at'),
    /** How long without a successful sync before the owner is told (once per stale period: `stale_notified_at`). */
    staleAfterMinutes: integer('stale_after_minutes').notNull().default(180),
    staleNotifiedAt: ts('stale_notified_at'),
    /** The last reconciliation (reconcile.ts): what it found missing and fetched, and what the server no longer holds. */
    reconciledAt: ts('reconciled_at'),
    reconcileMissing: integer('reconcile_missing').notNull().default(0),
    reconcileRepaired: integer('reconcile_repaired').notNull().default(0),
    reconcileVanished: integer('reconcile_vanished').notNull().default(0),
    reconcileNote: text('reconcile_note'),
    /**
     * The IMAP IDLE watcher of this mailbox (idle.ts): the worker holding it and until when. One
     * worker at a time watches a mailbox; a lease that runs out (a killed worker) is taken over.
     */
    idleBy: text('idle_by'),
    idleUntil: ts('idle_until'),
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
    role: text('role', { enum: folderRoles }).notNull(),
    /** '' for INBOX and Sent (one of each, whatever their path); the path of a folder the owner picked. */
    folder: text('folder').notNull().default(''),
    uidValidity: bigint('uid_validity', { mode: 'number' }),
    lastUid: bigint('last_uid', { mode: 'number' }).notNull().default(0),
    uidNext: bigint('uid_next', { mode: 'number' }),
    highestModseq: text('highest_modseq'),
    lastSyncAt: ts('last_sync_at'),
  },
  (t) => [
    ...tenantConstraints(t),
    foreignKey({ columns: [t.workspaceId, t.mailboxId], foreignColumns: [mailboxes.workspaceId, mailboxes.id] }).onDelete('cascade'),
    uniqueIndex('mailbox_folders_role_key').on(t.workspaceId, t.mailboxId, t.role, t.folder),
  ],
);

/**
 * A conversation: emails joined by Message-ID / In-Reply-To / References, or by the normalised
 * subject when the headers do not tell (threads.ts). Whether its emails' content is shared with
 * the workspace is decided here, once for the whole thread: set from the first mailbox's default,
 * changeable by the owners of the mailboxes that hold it.
 */
export const emailThreads = pgTable(
  'email_threads',
  {
    ...tenantKey(),
    /** The subject without Re:/Fwd: prefixes, lower case: what the subject fallback matches. */
    subjectKey: text('subject_key').notNull(),
    shared: boolean('shared').notNull(),
    lastMessageAt: ts('last_message_at').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [...tenantConstraints(t), index('email_threads_subject_idx').on(t.workspaceId, t.subjectKey, t.lastMessageAt)],
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
    /** What the message carried; `id` names the stored file (email_attachments), `note` why one was not stored. */
    attachments: jsonb('attachments').$type<StoredAttachment[]>().notNull(),
    /** The activity that puts it on contacts' timelines; null when no contact's address is in it. */
    activityId: uuid('activity_id'),
    threadId: uuid('thread_id'),
    /** Every address in From, To and Cc, lower case: the subject fallback of threading matches on them. */
    participants: text('participants').array().notNull().default(sql`'{}'::text[]`),
    /** The owners of the mailboxes that hold it (and who sent it): they read it even when its thread is private. */
    viewerIds: uuid('viewer_ids').array().notNull().default(sql`'{}'::uuid[]`),
    /**
     * Set when it was sent with open and click tracking (tracking.ts): its links in order, the only
     * places its click route redirects to. Null: not tracked.
     */
    trackedLinks: jsonb('tracked_links').$type<string[]>(),
    /** Set when a machine sent it (automated.ts): an auto-reply, a bounce, list mail. */
    automated: text('automated', { enum: emailAutomation }),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    ...tenantConstraints(t),
    uniqueIndex('email_messages_message_id_key').on(t.workspaceId, t.messageId),
    index('email_messages_activity_idx').on(t.workspaceId, t.activityId),
    index('email_messages_thread_idx').on(t.workspaceId, t.threadId, t.date),
    index('email_messages_in_reply_to_idx').on(t.workspaceId, t.inReplyTo),
    foreignKey({ columns: [t.workspaceId, t.threadId], foreignColumns: [emailThreads.workspaceId, emailThreads.id] }),
  ],
);

export interface StoredAttachment {
  filename: string | null;
  contentType: string;
  size: number;
  id?: string | null;
  note?: string | null;
}

/**
 * The bytes of an email's attachments, in the database (backed up with it, deleted with the email).
 * One over the size cap is not stored: the email's attachment list says so, and the rest arrives.
 */
export const emailAttachments = pgTable(
  'email_attachments',
  {
    ...tenantKey(),
    emailId: uuid('email_id').notNull(),
    filename: text('filename'),
    contentType: text('content_type').notNull(),
    size: integer('size').notNull(),
    content: bytea('content').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    ...tenantConstraints(t),
    foreignKey({ columns: [t.workspaceId, t.emailId], foreignColumns: [emailMessages.workspaceId, emailMessages.id] }).onDelete('cascade'),
    index('email_attachments_email_idx').on(t.workspaceId, t.emailId),
  ],
);

/** Which UID of which folder of which mailbox holds an email: the sync's dedupe key. */
export const mailboxMessages = pgTable(
  'mailbox_messages',
  {
    workspaceId: uuid('workspace_id').notNull(),
    mailboxId: uuid('mailbox_id').notNull(),
    role: text('role', { enum: folderRoles }).notNull(),
    folder: text('folder').notNull().default(''),
    uidValidity: bigint('uid_validity', { mode: 'number' }).notNull(),
    uid: bigint('uid', { mode: 'number' }).notNull(),
    emailId: uuid('email_id').notNull(),
    /** When the server was found no longer to hold it (deleted or moved there): kept, so it is never fetched again. */
    vanishedAt: ts('vanished_at'),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.mailboxId, t.role, t.folder, t.uidValidity, t.uid] }),
    foreignKey({ columns: [t.workspaceId, t.mailboxId], foreignColumns: [mailboxes.workspaceId, mailboxes.id] }).onDelete('cascade'),
    foreignKey({ columns: [t.workspaceId, t.emailId], foreignColumns: [emailMessages.workspaceId, emailMessages.id] }).onDelete('cascade'),
    index('mailbox_messages_email_idx').on(t.workspaceId, t.emailId),
  ],
);
