import { and, eq, or, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { EmailMessage, Mailbox, MailboxCreate } from '../../../contract/email.ts';
import { type Conn, selectRows } from '../../db/client.ts';
import { type Ctx, roleAllows } from '../../http/context.ts';
import { forbidden, invalid, notFound } from '../../http/errors.ts';
import { enqueue } from '../../jobs/queue.ts';
import { decryptSecret, encryptSecret, keyring } from '../../security/keyring.ts';
import { MailError, type ServerSettings, verifyServers } from './connect.ts';
import { syncMailboxJob } from './email.jobs.ts';
import { emailMessages, mailboxes } from './email.table.ts';

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

async function mailboxRows(conn: Conn, ctx: Ctx, id?: string) {
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
    role: 'inbox' | 'sent';
    uid_validity: string | null;
    last_uid: string;
    last_sync_at: string | null;
    messages: number;
  }>(
    conn,
    sql`select f.mailbox_id, f.path, f.role, f.uid_validity, f.last_uid, f.last_sync_at,
        (select count(*)::int from mailbox_messages m where m.workspace_id = f.workspace_id and m.mailbox_id = f.mailbox_id
          and m.role = f.role and m.uid_validity = f.uid_validity) as messages
      from mailbox_folders f where f.workspace_id = ${ctx.workspaceId} and f.mailbox_id = any(${sql`${`{${ids.join(',')}}`}::uuid[]`})
      order by f.role`,
  );
  const queued = await selectRows<{ key: string }>(
    conn,
    sql`select singleton_key as key from jobs where name = ${syncMailboxJob.name} and workspace_id = ${ctx.workspaceId}
      and status in ('queued', 'running') and singleton_key = any(${`{${ids.map((i) => `mailbox:${i}`).join(',')}}`}::text[])`,
  );
  const syncing = new Set(queued.map((q) => q.key.slice('mailbox:'.length)));
  return rows.map((r) => {
    const own = folders.filter((f) => f.mailbox_id === r.id);
    const state = syncing.has(r.id) ? 'syncing' : r.consecutiveFailures > 0 ? 'failing' : r.lastSuccessAt ? 'ok' : 'waiting';
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
      health: {
        state,
        lastSuccessAt: iso(r.lastSuccessAt),
        lastAttemptAt: iso(r.lastAttemptAt),
        lastError: r.lastError,
        lastErrorAt: iso(r.lastErrorAt),
        consecutiveFailures: r.consecutiveFailures,
        nextSyncAt: iso(r.nextSyncAt),
        messages: own.reduce((n, f) => n + f.messages, 0),
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
      nextSyncAt: new Date(),
    })
    .returning();
  await queueSync(conn, ctx.workspaceId, id);
  const [mb] = await toMailboxes(conn, ctx, [row]);
  return mb;
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

/** Disconnects: the mailbox, its secret and its sync state go; the emails already on timelines stay. */
export async function deleteMailbox(conn: Conn, ctx: Ctx, id: string) {
  const mb = await findMailbox(conn, ctx, id);
  assertManage(ctx, mb);
  const [out] = await toMailboxes(conn, ctx, [mb]);
  await conn.delete(mailboxes).where(and(eq(mailboxes.workspaceId, ctx.workspaceId), eq(mailboxes.id, id)));
  return out;
}

type EmailRow = typeof emailMessages.$inferSelect;

export const toEmail = (r: EmailRow): EmailMessage => ({
  id: r.id,
  messageId: r.messageId,
  direction: r.direction,
  subject: r.subject,
  from: r.fromAddress,
  to: r.toAddresses,
  cc: r.ccAddresses,
  date: r.date.toISOString(),
  text: r.textBody,
  html: r.htmlBody,
  inReplyTo: r.inReplyTo,
  references: r.references,
  attachments: r.attachments,
  activityId: r.activityId,
});

export async function findEmail(conn: Conn, ctx: Ctx, id: string) {
  const [row] = await conn
    .select()
    .from(emailMessages)
    .where(and(eq(emailMessages.workspaceId, ctx.workspaceId), eq(emailMessages.id, id)));
  if (!row) throw notFound('Email');
  return row;
}

/** The email an activity of type `email` stands for (the timeline opens it). */
export async function emailOfActivity(conn: Conn, ctx: Ctx, activityId: string) {
  const [row] = await conn
    .select()
    .from(emailMessages)
    .where(and(eq(emailMessages.workspaceId, ctx.workspaceId), eq(emailMessages.activityId, activityId)));
  if (!row) throw notFound('Email');
  return toEmail(row);
}
