import { and, eq, isNotNull, or, type SQL, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { EmailMessage, EmailTracking, Mailbox, MailboxCreate, MailboxUpdate } from '../../../contract/email.ts';
import { type Conn, selectRows } from '../../db/client.ts';
import { type Ctx, roleAllows } from '../../http/context.ts';
import { AppError, forbidden, invalid, notFound } from '../../http/errors.ts';
import { enqueue } from '../../jobs/queue.ts';
import { decryptSecret, encryptSecret, keyring } from '../../security/keyring.ts';
import { setActivityContent } from '../activities/activities.service.ts';
import { describe, MailError, openImap, type ServerSettings, verifyServers } from './connect.ts';
import { queueReconcile, syncMailboxJob } from './email.jobs.ts';
import { emailMessages, emailThreads, mailboxes, type StoredAttachment } from './email.table.ts';
import { activityContent } from './store.ts';
import { sentFolder } from './sync.ts';
import { trackingOf } from './tracking.service.ts';

export type MailboxRow = typeof mailboxes.$inferSelect;

/** What the secret is bound to: a stored password copied onto another mailbox does not decrypt. */
export const secretAad = (workspaceId: string, mailboxId: string) => `mailbox:${workspaceId}:${mailboxId}`;

export const mailboxPassword = (mb: MailboxRow) => decryptSecret(keyring(), mb.secret, secretAad(mb.workspaceId, mb.id));

export const imapSettings = (mb: Pick<MailboxRow, 'imapHost' | 'imapPort' | 'imapTls' | 'username'>, password: string): ServerSettings => ({
  host: mb.imapHost,
  port: mb.imapPort,
  tls: mb.imapTls,
  username: mb.username,
  password,
});
export const smtpSettings = (mb: Pick<MailboxRow, 'smtpHost' | 'smtpPort' | 'smtpTls' | 'username'>, password: string): ServerSettings => ({
  host: mb.smtpHost,
  port: mb.smtpPort,
  tls: mb.smtpTls,
  username: mb.username,
  password,
});

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** Who may see and use a mailbox: its owner, anyone for a shared one, admins for all. */
const visible = (ctx: Ctx) =>
  roleAllows(ctx.role, 'admin') ? sql`true` : or(eq(mailboxes.ownerId, ctx.memberId), eq(mailboxes.shared, true));

/** Who may change or disconnect it: its owner; admins for shared ones and any other. */
function assertManage(ctx: Ctx, mb: MailboxRow) {
  if (mb.ownerId !== ctx.memberId && !roleAllows(ctx.role, 'admin')) throw forbidden('Only its owner or an admin may change this mailbox');
}

export async function mailboxRows(conn: Conn, ctx: Ctx, id?: string) {
  return conn
    .select()
    .from(mailboxes)
    .where(and(eq(mailboxes.workspaceId, ctx.workspaceId), id ? eq(mailboxes.id, id) : undefined, visible(ctx)))
    .orderBy(mailboxes.createdAt);
}

/** The API shape: settings, and health as the last syncs left it. Never the secret. */
async function toMailboxes(conn: Conn, ctx: Ctx, rows: MailboxRow[]): Promise<Mailbox[]> {
  if (!rows.length) return [];
  const ids = rows.map((r) => r.id);
  const folders = await selectRows<{
    mailbox_id: string;
    path: string;
    role: 'inbox' | 'sent' | 'folder';
    uid_validity: string | null;
    last_uid: string;
    last_sync_at: string | null;
    messages: number;
  }>(
    conn,
    sql`select f.mailbox_id, f.path, f.role, f.uid_validity, f.last_uid, f.last_sync_at,
        (select count(*)::int from mailbox_messages m where m.workspace_id = ${ctx.workspaceId} and m.mailbox_id = f.mailbox_id
          and m.role = f.role and m.folder = f.folder and m.uid_validity = f.uid_validity and m.vanished_at is null) as messages
      from mailbox_folders f where f.workspace_id = ${ctx.workspaceId} and f.mailbox_id = any(${sql`${`{${ids.join(',')}}`}::uuid[]`})
      order by array_position(array['inbox', 'sent', 'folder'], f.role), f.path`,
  );
  // Health and "is a sync queued or running" are read in one statement (one snapshot): read apart,
  // a sync that failed between the two reads showed as `ok` with its attempt time (CI caught it).
  const health = await selectRows<{
    id: string;
    last_success_at: Date | null;
    last_attempt_at: Date | null;
    last_error: string | null;
    last_error_at: Date | null;
    consecutive_failures: number;
    next_sync_at: Date | null;
    syncing: boolean;
  }>(
    conn,
    sql`select m.id, m.last_success_at, m.last_attempt_at, m.last_error, m.last_error_at, m.consecutive_failures, m.next_sync_at,
        exists (select 1 from jobs j where j.workspace_id = m.workspace_id and j.workspace_id = ${ctx.workspaceId}
          and j.name = ${syncMailboxJob.name} and j.status in ('queued', 'running') and j.singleton_key = 'mailbox:' || m.id) as syncing
      from mailboxes m where m.workspace_id = ${ctx.workspaceId} and m.id = any(${`{${ids.join(',')}}`}::uuid[])`,
  );
  const date = (d: Date | string | null) => (d === null ? null : new Date(d));
  return rows.map((row) => {
    const h = health.find((x) => x.id === row.id);
    const r = h
      ? {
          ...row,
          lastSuccessAt: date(h.last_success_at),
          lastAttemptAt: date(h.last_attempt_at),
          lastError: h.last_error,
          lastErrorAt: date(h.last_error_at),
          consecutiveFailures: h.consecutive_failures,
          nextSyncAt: date(h.next_sync_at),
        }
      : row;
    // Picked folders the owner since dropped keep their state (picked again, they go on) but are not shown.
    const own = folders.filter((f) => f.mailbox_id === r.id && (f.role !== 'folder' || r.folders.includes(f.path)));
    const state = h?.syncing ? 'syncing' : r.consecutiveFailures > 0 ? 'failing' : r.lastSuccessAt ? 'ok' : 'waiting';
    return {
      id: r.id,
      name: r.name,
      address: r.address,
      shared: r.shared,
      ownerId: r.ownerId,
      imapHost: r.imapHost,
      imapPort: r.imapPort,
      imapTls: r.imapTls,
      smtpHost: r.smtpHost,
      smtpPort: r.smtpPort,
      smtpTls: r.smtpTls,
      username: r.username,
      syncDays: r.syncDays,
      privacy: r.privacy,
      matchDeals: r.matchDeals,
      newSenders: r.newSenders,
      ignoreSenders: r.ignoreSenders,
      staleAfterMinutes: r.staleAfterMinutes,
      folders: r.folders,
      health: {
        state,
        lastSuccessAt: iso(r.lastSuccessAt),
        lastAttemptAt: iso(r.lastAttemptAt),
        lastError: r.lastError,
        lastErrorAt: iso(r.lastErrorAt),
        consecutiveFailures: r.consecutiveFailures,
        nextSyncAt: iso(r.nextSyncAt),
        messages: own.reduce((n, f) => n + f.messages, 0),
        stale: Date.now() - (r.lastSuccessAt ?? r.createdAt).getTime() > r.staleAfterMinutes * 60_000,
        reconciliation: r.reconciledAt
          ? {
              at: r.reconciledAt.toISOString(),
              missing: r.reconcileMissing,
              repaired: r.reconcileRepaired,
              vanished: r.reconcileVanished,
              note: r.reconcileNote,
            }
          : null,
        folders: own.map((f) => ({
          path: f.path,
          role: f.role,
          uidValidity: f.uid_validity === null ? null : Number(f.uid_validity),
          lastUid: Number(f.last_uid),
          messages: f.messages,
          lastSyncAt: f.last_sync_at ? new Date(f.last_sync_at).toISOString() : null,
        })),
      },
      createdAt: r.createdAt.toISOString(),
    };
  });
}

export async function listMailboxes(conn: Conn, ctx: Ctx) {
  return toMailboxes(conn, ctx, await mailboxRows(conn, ctx));
}

export async function findMailbox(conn: Conn, ctx: Ctx, id: string): Promise<MailboxRow> {
  const [row] = await mailboxRows(conn, ctx, id);
  if (!row) throw notFound('Mailbox');
  return row;
}

/** The acting member's own (not shared) mailbox, the first they connected: where their meeting invites go out from. */
export async function ownMailbox(conn: Conn, ctx: Ctx): Promise<MailboxRow | null> {
  const [row] = await conn
    .select()
    .from(mailboxes)
    .where(and(eq(mailboxes.workspaceId, ctx.workspaceId), eq(mailboxes.ownerId, ctx.memberId), eq(mailboxes.shared, false)))
    .orderBy(mailboxes.createdAt)
    .limit(1);
  return row ?? null;
}

export async function getMailbox(conn: Conn, ctx: Ctx, id: string) {
  const [mb] = await toMailboxes(conn, ctx, [await findMailbox(conn, ctx, id)]);
  return mb;
}

/** Which field a failed check points at, for the 422. */
const fieldOf = (e: MailError) => (e.kind === 'auth' ? 'body.password' : e.server === 'imap' ? 'body.imapHost' : 'body.smtpHost');

/**
 * Connects a mailbox: both servers are logged in to first (a mailbox that cannot sync is not
 * saved), the password is encrypted with the keyring, and its first sync is queued.
 */
export async function createMailbox(conn: Conn, ctx: Ctx, input: MailboxCreate, verify = verifyServers) {
  if (input.shared && !roleAllows(ctx.role, 'admin')) throw forbidden('Only admins connect shared team mailboxes');
  try {
    await verify(imapSettings(input, input.password), smtpSettings(input, input.password));
  } catch (err) {
    if (!(err instanceof MailError)) throw err;
    throw invalid([{ field: fieldOf(err), code: `mail_${err.kind}`, message: err.message }], err.message);
  }
  const id = uuidv7();
  const [row] = await conn
    .insert(mailboxes)
    .values({
      workspaceId: ctx.workspaceId,
      id,
      name: input.name,
      address: input.address.toLowerCase(),
      shared: input.shared ?? false,
      ownerId: ctx.memberId,
      imapHost: input.imapHost,
      imapPort: input.imapPort,
      imapTls: input.imapTls,
      smtpHost: input.smtpHost,
      smtpPort: input.smtpPort,
      smtpTls: input.smtpTls,
      username: input.username,
      secret: encryptSecret(keyring(), input.password, secretAad(ctx.workspaceId, id)),
      syncDays: input.syncDays ?? 30,
      ...settingsOf(input),
      nextSyncAt: new Date(),
    })
    .returning();
  await queueSync(conn, ctx.workspaceId, id);
  const [mb] = await toMailboxes(conn, ctx, [row]);
  return mb;
}

/** The sharing and matching settings given, normalised (ignore entries lower case, once each). */
function settingsOf(
  input: Partial<Pick<MailboxUpdate, 'privacy' | 'matchDeals' | 'newSenders' | 'ignoreSenders' | 'staleAfterMinutes' | 'folders'>>,
) {
  return {
    ...(input.folders ? { folders: input.folders } : {}),
    ...(input.staleAfterMinutes ? { staleAfterMinutes: input.staleAfterMinutes } : {}),
    ...(input.privacy ? { privacy: input.privacy } : {}),
    ...(input.matchDeals !== undefined ? { matchDeals: input.matchDeals } : {}),
    ...(input.newSenders ? { newSenders: input.newSenders } : {}),
    ...(input.ignoreSenders ? { ignoreSenders: [...new Set(input.ignoreSenders.map((e) => e.trim().toLowerCase()))] } : {}),
  };
}

/** Changes a mailbox's name and settings (owner, or an admin); they apply to email synced from now on. */
export async function updateMailbox(conn: Conn, ctx: Ctx, id: string, input: MailboxUpdate) {
  const mb = await findMailbox(conn, ctx, id);
  assertManage(ctx, mb);
  await conn
    .update(mailboxes)
    .set({ ...(input.name ? { name: input.name } : {}), ...settingsOf(input), updatedAt: new Date() })
    .where(and(eq(mailboxes.workspaceId, ctx.workspaceId), eq(mailboxes.id, id)));
  return getMailbox(conn, ctx, id);
}

export const queueSync = (conn: Conn, workspaceId: string, mailboxId: string) =>
  enqueue(conn, syncMailboxJob, { mailboxId }, { workspaceId, singletonKey: `mailbox:${mailboxId}` });

/** "Sync now": a sync is queued at once (or the one already waiting or running will do). */
export async function requestSync(conn: Conn, ctx: Ctx, id: string) {
  const mb = await findMailbox(conn, ctx, id);
  assertManage(ctx, mb);
  await queueSync(conn, ctx.workspaceId, id);
  return getMailbox(conn, ctx, id);
}

/** "Reconcile now": the server's UIDs are compared with what is stored, and gaps fetched (reconcile.ts). */
export async function requestReconcile(conn: Conn, ctx: Ctx, id: string) {
  const mb = await findMailbox(conn, ctx, id);
  assertManage(ctx, mb);
  await queueReconcile(conn, ctx.workspaceId, id);
  return getMailbox(conn, ctx, id);
}

/**
 * The server's folders, for picking which to sync: INBOX and Sent always are; a folder the owner
 * picked is marked selected. A server that cannot be reached is a 502 in words.
 */
export async function serverFolders(conn: Conn, ctx: Ctx, id: string) {
  const mb = await findMailbox(conn, ctx, id);
  let client: Awaited<ReturnType<typeof openImap>> | null = null;
  try {
    client = await openImap(imapSettings(mb, mailboxPassword(mb)));
    const list = await client.list();
    const sent = sentFolder(list);
    return list
      .filter((f) => !f.flags.has('\\Noselect') && !f.flags.has('\\NonExistent'))
      .map((f) => {
        const role = f.path === 'INBOX' ? ('inbox' as const) : f.path === sent?.path ? ('sent' as const) : null;
        return {
          path: f.path,
          name: f.name,
          role,
          specialUse: f.specialUse ?? null,
          selected: role !== null || mb.folders.includes(f.path),
        };
      })
      .sort((a, b) => (a.role === 'inbox' ? -1 : b.role === 'inbox' ? 1 : a.path.localeCompare(b.path)));
  } catch (err) {
    throw new AppError(502, 'mail_unreachable', describe('imap', { host: mb.imapHost, port: mb.imapPort }, err).message);
  } finally {
    if (client) await client.logout().catch(() => client?.close());
  }
}

/** Disconnects: the mailbox, its secret and its sync state go; the emails already on timelines stay. */
export async function deleteMailbox(conn: Conn, ctx: Ctx, id: string) {
  const mb = await findMailbox(conn, ctx, id);
  assertManage(ctx, mb);
  const [out] = await toMailboxes(conn, ctx, [mb]);
  await conn.delete(mailboxes).where(and(eq(mailboxes.workspaceId, ctx.workspaceId), eq(mailboxes.id, id)));
  return out;
}

/**
 * Whether the acting member reads an email's content: its thread is shared, or they hold it in
 * one of their mailboxes (or sent it). An email from before threads existed counts as shared.
 * Every read of an email goes through this condition, in SQL.
 */
const opens = (ctx: Ctx) => sql`(coalesce(${emailThreads.shared}, true) or ${ctx.memberId}::uuid = any(${emailMessages.viewerIds}))`;

/** An email as the acting member may read it: the content of a private one they do not hold comes out empty. */
async function readEmails(conn: Conn, ctx: Ctx, where: SQL) {
  const open = opens(ctx);
  return conn
    .select({
      id: emailMessages.id,
      messageId: emailMessages.messageId,
      direction: emailMessages.direction,
      subject: sql<string>`case when ${open} then ${emailMessages.subject} else '' end`,
      from: emailMessages.fromAddress,
      to: emailMessages.toAddresses,
      cc: emailMessages.ccAddresses,
      date: emailMessages.date,
      text: sql<string>`case when ${open} then ${emailMessages.textBody} else '' end`,
      html: sql<string | null>`case when ${open} then ${emailMessages.htmlBody} end`,
      inReplyTo: emailMessages.inReplyTo,
      references: emailMessages.references,
      attachments: sql<StoredAttachment[]>`case when ${open} then ${emailMessages.attachments} else '[]'::jsonb end`,
      activityId: emailMessages.activityId,
      threadId: emailMessages.threadId,
      automated: emailMessages.automated,
      shared: sql<boolean>`coalesce(${emailThreads.shared}, true)`,
      yours: sql<boolean>`${ctx.memberId}::uuid = any(${emailMessages.viewerIds})`,
      open: sql<boolean>`${open}`,
      tracked: sql<boolean>`${emailMessages.trackedLinks} is not null`,
    })
    .from(emailMessages)
    .leftJoin(emailThreads, and(eq(emailThreads.workspaceId, emailMessages.workspaceId), eq(emailThreads.id, emailMessages.threadId)))
    .where(and(eq(emailMessages.workspaceId, ctx.workspaceId), where))
    .orderBy(emailMessages.date, emailMessages.id);
}

type EmailRead = Awaited<ReturnType<typeof readEmails>>[number];

export const toEmail = ({ open, tracked: _tracked, date, attachments, ...r }: EmailRead, tracking?: EmailTracking): EmailMessage => ({
  ...r,
  tracking: tracking ?? null,
  date: date.toISOString(),
  private: !open,
  // Emails stored before attachments were kept have neither an id nor a note.
  attachments: attachments.map((a) => ({
    id: a.id ?? null,
    filename: a.filename,
    contentType: a.contentType,
    size: a.size,
    note: a.note ?? (a.id ? null : 'not stored'),
  })),
});

/** Emails as the API shows them, with the tracking counts of those tracked whose content the member reads (the clicked links are content). */
async function withTracking(conn: Conn, ctx: Ctx, rows: EmailRead[]) {
  const counts = await trackingOf(
    conn,
    ctx.workspaceId,
    rows.filter((r) => r.tracked && r.open).map((r) => r.id),
  );
  return rows.map((r) => toEmail(r, counts.get(r.id)));
}

/** One email as the acting member may read it (404 when there is none). */
export async function findEmail(conn: Conn, ctx: Ctx, id: string) {
  const [row] = await readEmails(conn, ctx, eq(emailMessages.id, id));
  if (!row) throw notFound('Email');
  return (await withTracking(conn, ctx, [row]))[0];
}

/** The email an activity of type `email` stands for (the timeline opens it). */
export async function emailOfActivity(conn: Conn, ctx: Ctx, activityId: string) {
  const [row] = await readEmails(conn, ctx, eq(emailMessages.activityId, activityId));
  if (!row) throw notFound('Email');
  return (await withTracking(conn, ctx, [row]))[0];
}

/** A thread and its emails, oldest first, each as the acting member may read it. */
export async function getThread(conn: Conn, ctx: Ctx, id: string) {
  const [thread] = await conn
    .select({ id: emailThreads.id, shared: emailThreads.shared })
    .from(emailThreads)
    .where(and(eq(emailThreads.workspaceId, ctx.workspaceId), eq(emailThreads.id, id)));
  if (!thread) throw notFound('Thread');
  const emails = await readEmails(conn, ctx, eq(emailMessages.threadId, id));
  return { ...thread, emails: await withTracking(conn, ctx, emails) };
}

/**
 * Shares a thread with the workspace or makes it private again. Only a member who holds one of
 * its emails in their mailbox (or sent one) decides: an admin does not open someone's private
 * mail. The activities of its emails get their subject and text back, or lose them.
 */
export async function setThreadSharing(conn: Conn, ctx: Ctx, id: string, shared: boolean) {
  const before = await getThread(conn, ctx, id);
  if (!before.emails.some((e) => e.yours)) {
    throw forbidden('Only the owners of the mailboxes holding this thread may share it or make it private');
  }
  await conn
    .update(emailThreads)
    .set({ shared })
    .where(and(eq(emailThreads.workspaceId, ctx.workspaceId), eq(emailThreads.id, id)));
  const rows = await conn
    .select({ activityId: emailMessages.activityId, subject: emailMessages.subject, textBody: emailMessages.textBody })
    .from(emailMessages)
    .where(and(eq(emailMessages.workspaceId, ctx.workspaceId), eq(emailMessages.threadId, id), isNotNull(emailMessages.activityId)));
  const byActivity = new Map(rows.map((r) => [r.activityId as string, r]));
  await setActivityContent(conn, ctx, [...byActivity.keys()], (activityId) => {
    const r = byActivity.get(activityId);
    return shared && r ? activityContent(r) : null;
  });
  return getThread(conn, ctx, id);
}

/**
 * A stored email as the system reads it, whatever its thread's privacy: email-to-ticket
 * (tickets/ticket-mail.ts) reads what arrived in a shared support mailbox.
 */
export async function storedEmail(conn: Conn, workspaceId: string, id: string) {
  const [row] = await conn
    .select({
      id: emailMessages.id,
      messageId: emailMessages.messageId,
      direction: emailMessages.direction,
      subject: emailMessages.subject,
      from: emailMessages.fromAddress,
      text: emailMessages.textBody,
      inReplyTo: emailMessages.inReplyTo,
      references: emailMessages.references,
      automated: emailMessages.automated,
      attachments: emailMessages.attachments,
    })
    .from(emailMessages)
    .where(and(eq(emailMessages.workspaceId, workspaceId), eq(emailMessages.id, id)));
  return row ?? null;
}

/** Whether an address is one of this workspace's own mailboxes: mail from it is never a customer's. */
export async function isOwnAddress(conn: Conn, workspaceId: string, address: string) {
  const rows = await conn
    .select({ id: mailboxes.id })
    .from(mailboxes)
    .where(and(eq(mailboxes.workspaceId, workspaceId), sql`lower(${mailboxes.address}) = ${address.toLowerCase()}`))
    .limit(1);
  return rows.length > 0;
}

/** The id of a stored email by its Message-ID (without brackets), or null. */
export async function emailIdByMessageId(conn: Conn, workspaceId: string, messageId: string) {
  const [row] = await conn
    .select({ id: emailMessages.id })
    .from(emailMessages)
    .where(and(eq(emailMessages.workspaceId, workspaceId), eq(emailMessages.messageId, messageId)));
  return row?.id ?? null;
}

/** A mailbox as the system reads it (jobs of the workspace, not a member's request), or null. */
export async function systemMailbox(conn: Conn, workspaceId: string, id: string): Promise<MailboxRow | null> {
  const [row] = await conn
    .select()
    .from(mailboxes)
    .where(and(eq(mailboxes.workspaceId, workspaceId), eq(mailboxes.id, id)));
  return row ?? null;
}
