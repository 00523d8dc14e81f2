import { and, eq, sql } from 'drizzle-orm';
import type { FetchMessageObject, ImapFlow, ListResponse } from 'imapflow';
import { uuidv7 } from 'uuidv7';
import type { Db } from '../../db/client.ts';
import type { RunningJob } from '../../jobs/define.ts';
import { describe, MailError, openImap } from './connect.ts';
import { imapSettings, type MailboxRow, mailboxPassword } from './email.service.ts';
import { mailboxes, mailboxFolders } from './email.table.ts';
import { recordAttempt, recordFailure, recordSuccess } from './health.ts';
import { type ParsedEmail, parseEmail } from './parse.ts';
import { storeMessage } from './store.ts';

/** Messages fetched and committed together: a killed worker loses at most one batch, which the next run reads again. */
export const BATCH = 25;

type Role = 'inbox' | 'sent' | 'folder';
type FolderRow = typeof mailboxFolders.$inferSelect;

export interface SyncResult {
  stored: number;
  /** Messages the server said (QRESYNC VANISHED) were expunged since the last sync: marked, not deleted. */
  vanished: number;
  linked: number;
  skipped: number;
  folders: Record<string, { uidValidity: number; lastUid: number; reset: boolean; unchanged: boolean }>;
}

/** INBOX and Sent are one each, whatever their path; a picked folder is keyed by its path. */
const folderKey = (role: Role, path: string) => (role === 'folder' ? path : '');

async function folderState(db: Db, mb: MailboxRow, role: Role, path: string): Promise<FolderRow> {
  const folder = folderKey(role, path);
  await db
    .insert(mailboxFolders)
    .values({ workspaceId: mb.workspaceId, id: uuidv7(), mailboxId: mb.id, path, role, folder })
    .onConflictDoNothing();
  const [row] = await db
    .select()
    .from(mailboxFolders)
    .where(
      and(
        eq(mailboxFolders.workspaceId, mb.workspaceId),
        eq(mailboxFolders.mailboxId, mb.id),
        eq(mailboxFolders.role, role),
        eq(mailboxFolders.folder, folder),
      ),
    );
  return row;
}

/**
 * Brings one folder up to date. Reads the server's UIDVALIDITY first: a new one means every UID
 * changed, so what was stored under the old one is forgotten (the emails stay: Message-ID
 * dedupe links them again) and the folder is read anew. With CONDSTORE, an unchanged
 * HIGHESTMODSEQ and UIDNEXT end the work after the SELECT. New messages are fetched in batches,
 * each stored with the folder's new `last_uid` in one transaction: whatever a crash interrupts is
 * read again, nothing is marked as synced that was not stored.
 */
async function syncFolder(
  job: RunningJob<{ mailboxId: string }>,
  client: ImapFlow,
  mb: MailboxRow,
  role: Role,
  path: string,
  out: SyncResult,
) {
  const { db } = job;
  let state = await folderState(db, mb, role, path);
  // QRESYNC (where the server offers it): SELECT with the UIDVALIDITY and HIGHESTMODSEQ last seen,
  // and the server answers VANISHED (EARLIER) with the UIDs expunged since: those are marked.
  const vanished: number[] = [];
  const onExpunge = (e: { path: string; uid?: number; vanished: boolean }) => {
    if (e.vanished && e.uid && e.path === path) vanished.push(e.uid);
  };
  client.on('expunge', onExpunge);
  const since =
    state.uidValidity !== null && state.highestModseq ? { uidValidity: state.uidValidity, changedSince: BigInt(state.highestModseq) } : {};
  const lock = await client.getMailboxLock(path, { readOnly: true, ...since });
  try {
    const box = client.mailbox;
    if (!box) throw new MailError('folder', 'imap', `folder ${path} could not be opened`);
    const uidValidity = Number(box.uidValidity);
    const uidNext = Number(box.uidNext);
    const modseq = box.highestModseq ? String(box.highestModseq) : null;
    let reset = false;
    if (vanished.length && state.uidValidity === uidValidity) {
      await db.execute(sql`update mailbox_messages set vanished_at = now()
        where workspace_id = ${mb.workspaceId} and mailbox_id = ${mb.id} and role = ${role} and folder = ${state.folder}
          and uid_validity = ${uidValidity} and vanished_at is null and uid = any(${`{${vanished.join(',')}}`}::bigint[])`);
      out.vanished += vanished.length;
    }
    if (state.uidValidity !== null && state.uidValidity !== uidValidity) {
      reset = true;
      await db.transaction(async (tx) => {
        await tx.execute(sql`delete from mailbox_messages where workspace_id = ${mb.workspaceId} and mailbox_id = ${mb.id}
          and role = ${role} and folder = ${state.folder} and uid_validity = ${state.uidValidity}`);
        await tx
          .update(mailboxFolders)
          .set({ uidValidity, lastUid: 0, uidNext: null, highestModseq: null })
          .where(and(eq(mailboxFolders.workspaceId, mb.workspaceId), eq(mailboxFolders.id, state.id)));
      });
      state = { ...state, uidValidity, lastUid: 0, uidNext: null, highestModseq: null };
    }
    const unchanged = state.uidValidity === uidValidity && modseq !== null && state.highestModseq === modseq && state.uidNext === uidNext;
    out.folders[path] = { uidValidity, lastUid: state.lastUid, reset, unchanged };
    if (unchanged) {
      await db
        .update(mailboxFolders)
        .set({ lastSyncAt: new Date() })
        .where(and(eq(mailboxFolders.workspaceId, mb.workspaceId), eq(mailboxFolders.id, state.id)));
      return;
    }

    let uids: number[] = [];
    if (box.exists > 0) {
      const found =
        state.lastUid === 0
          ? await client.search({ since: new Date(Date.now() - mb.syncDays * 86_400_000) }, { uid: true })
          : await client.search({ uid: `${state.lastUid + 1}:*` }, { uid: true });
      // `n:*` always matches the last message, even below n.
      uids = (found || []).filter((u) => u > state.lastUid).sort((a, b) => a - b);
    }
    let lastUid = state.lastUid;
    for (let i = 0; i < uids.length; i += BATCH) {
      if (job.signal.aborted) throw new Error('the sync was stopped (the worker is stopping or lost its lease)');
      const batch = uids.slice(i, i + BATCH);
      const parsed = await fetchParsed(job, client, mb, batch, out);
      const batchLast = batch[batch.length - 1];
      await db.transaction(async (tx) => {
        for (const p of parsed) {
          const r = await storeMessage(tx, mb, { role, folder: state.folder, uidValidity, uid: p.uid }, p.email, role === 'sent', {
            log: job.log,
          });
          if (r.created) out.stored++;
          else out.linked++;
        }
        await tx
          .update(mailboxFolders)
          .set({ uidValidity, lastUid: batchLast, lastSyncAt: new Date() })
          .where(and(eq(mailboxFolders.workspaceId, mb.workspaceId), eq(mailboxFolders.id, state.id)));
      });
      lastUid = batchLast;
      await job.progress({ folder: path, lastUid, of: uids[uids.length - 1] });
    }
    // Everything below the UIDNEXT read at SELECT was searched: older messages outside the window
    // are not wanted, so the next poll starts above it.
    lastUid = Math.max(lastUid, uidNext - 1);
    await db
      .update(mailboxFolders)
      .set({ uidValidity, lastUid, uidNext, highestModseq: modseq, lastSyncAt: new Date() })
      .where(and(eq(mailboxFolders.workspaceId, mb.workspaceId), eq(mailboxFolders.id, state.id)));
    out.folders[path].lastUid = lastUid;
  } finally {
    client.off('expunge', onExpunge);
    lock.release();
  }
}

/**
 * Fetches messages by UID and parses them. One that cannot be read is counted as skipped and
 * logged with its UID; the rest go on.
 */
export async function fetchParsed(
  job: Pick<RunningJob<unknown>, 'log'>,
  client: ImapFlow,
  mb: MailboxRow,
  uids: number[],
  out: { skipped: number },
) {
  const fetched: FetchMessageObject[] = [];
  for await (const m of client.fetch(uids.join(','), { uid: true, source: true, internalDate: true }, { uid: true })) fetched.push(m);
  const parsed: { uid: number; email: ParsedEmail }[] = [];
  for (const m of fetched.sort((a, b) => a.uid - b.uid)) {
    try {
      const internal = m.internalDate instanceof Date ? m.internalDate : new Date(m.internalDate ?? Date.now());
      parsed.push({ uid: m.uid, email: await parseEmail(m.source as Buffer, internal) });
    } catch (err) {
      out.skipped++;
      job.log.warn({ mailboxId: mb.id, uid: m.uid, err: String(err) }, 'a message could not be read and was skipped');
    }
  }
  return parsed;
}

export const sentFolder = (list: ListResponse[]) =>
  list.find((f) => f.specialUse === '\\Sent') ?? list.find((f) => /^sent( (items|messages|mail))?$/i.test(f.name));

/**
 * One sync of a mailbox: INBOX and the Sent folder. The result is written to the mailbox's health
 * whatever happens: a mail server's refusal (wrong password, unreachable, folder missing) is
 * recorded in words and backed off, not retried by the job queue; anything else (the database)
 * is recorded and thrown, so the job retries.
 */
export async function syncMailbox(job: RunningJob<{ mailboxId: string }>): Promise<SyncResult | { gone: true }> {
  const { db } = job;
  const workspaceId = job.workspaceId as string;
  const [mb] = await db
    .select()
    .from(mailboxes)
    .where(and(eq(mailboxes.workspaceId, workspaceId), eq(mailboxes.id, job.input.mailboxId)));
  if (!mb) return { gone: true };
  await recordAttempt(db, workspaceId, mb.id);
  const out: SyncResult = { stored: 0, vanished: 0, linked: 0, skipped: 0, folders: {} };
  let client: ImapFlow | null = null;
  try {
    client = await openImap(imapSettings(mb, mailboxPassword(mb)));
    const list = await client.list();
    await syncFolder(job, client, mb, 'inbox', 'INBOX', out);
    const sent = sentFolder(list);
    if (sent) await syncFolder(job, client, mb, 'sent', sent.path, out);
    const missing: string[] = [];
    for (const path of mb.folders) {
      if (path === 'INBOX' || path === sent?.path) continue;
      if (!list.some((f) => f.path === path)) missing.push(path);
      else await syncFolder(job, client, mb, 'folder', path, out);
    }
    const notes = [
      sent ? null : 'folder Sent not found (only INBOX is synced)',
      ...missing.map((p) => `folder ${p} not found on the server (picked to sync; renamed or deleted?)`),
      out.skipped ? `${out.skipped} message(s) could not be read` : null,
    ];
    await recordSuccess(db, workspaceId, mb.id, notes.filter(Boolean).join('; ') || null);
    return out;
  } catch (err) {
    const known =
      err instanceof MailError ||
      (err as { code?: string }).code !== undefined ||
      (err as { authenticationFailed?: boolean }).authenticationFailed;
    const words = known
      ? describe('imap', { host: mb.imapHost, port: mb.imapPort }, err).message
      : `sync failed: ${(err as Error).message}`;
    await recordFailure(db, workspaceId, mb.id, words);
    if (known && !job.signal.aborted) return out;
    throw err;
  } finally {
    if (client) {
      try {
        await client.logout();
      } catch {
        client.close();
      }
    }
  }
}
