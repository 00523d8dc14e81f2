import { and, eq, sql } from 'drizzle-orm';
import type { ImapFlow } from 'imapflow';
import { selectRows } from '../../db/client.ts';
import type { RunningJob } from '../../jobs/define.ts';
import { describe, MailError, openImap } from './connect.ts';
import { imapSettings, mailboxPassword } from './email.service.ts';
import { mailboxes, mailboxFolders } from './email.table.ts';
import { storeMessage } from './store.ts';
import { BATCH, fetchParsed } from './sync.ts';

/** How often each healthy mailbox is reconciled (the poll queues it). */
export const RECONCILE_EVERY_MS = 6 * 60 * 60_000;

export interface FolderGap {
  /** UIDs the server holds that the sync covered (up to its last UID, within the first sync's window). */
  server: number;
  missing: number;
  repaired: number;
  vanished: number;
}

export interface ReconcileResult {
  missing: number;
  repaired: number;
  vanished: number;
  skipped: number;
  folders: Record<string, FolderGap>;
  notes: string[];
}

/**
 * Compares, folder by folder, the UIDs the server holds with those stored, up to the last UID
 * the sync says it stored: a UID the server has and Rapport has not is a gap (a message the
 * sync missed, or one whose row was lost) and is fetched and stored now (exactly once: the email
 * by Message-ID, its place by UID); a stored UID the server no longer holds was deleted or moved
 * there and is marked vanished (kept, so that it is never fetched again). What it found and
 * fixed goes on the mailbox's health, so a gap is reported even when it could be repaired.
 * A folder whose UIDVALIDITY changed is left to the next sync, which reads it anew.
 */
export async function reconcileMailbox(job: RunningJob<{ mailboxId: string }>): Promise<ReconcileResult | { gone: true }> {
  const { db } = job;
  const workspaceId = job.workspaceId as string;
  const [mb] = await db
    .select()
    .from(mailboxes)
    .where(and(eq(mailboxes.workspaceId, workspaceId), eq(mailboxes.id, job.input.mailboxId)));
  if (!mb) return { gone: true };
  const out: ReconcileResult = { missing: 0, repaired: 0, vanished: 0, skipped: 0, folders: {}, notes: [] };
  const folders = await db
    .select()
    .from(mailboxFolders)
    .where(and(eq(mailboxFolders.workspaceId, workspaceId), eq(mailboxFolders.mailboxId, mb.id)))
    .orderBy(mailboxFolders.role);
  // The first sync read the mailbox's last `sync_days` days from when it was connected.
  const since = new Date(mb.createdAt.getTime() - mb.syncDays * 86_400_000);
  let client: ImapFlow | null = null;
  try {
    client = await openImap(imapSettings(mb, mailboxPassword(mb)));
    for (const f of folders) {
      if (f.uidValidity === null || f.lastUid === 0) continue;
      // A folder no longer picked is not reconciled (nor synced).
      if (f.role === 'folder' && !mb.folders.includes(f.path)) continue;
      if (job.signal.aborted) throw new Error('the reconciliation was stopped (the worker is stopping or lost its lease)');
      const lock = await client.getMailboxLock(f.path, { readOnly: true });
      try {
        const box = client.mailbox;
        if (!box) throw new MailError('folder', 'imap', `folder ${f.path} could not be opened`);
        if (Number(box.uidValidity) !== f.uidValidity) {
          out.notes.push(`folder ${f.path} was renumbered (new UIDVALIDITY): the next sync reads it again`);
          continue;
        }
        const range = `1:${f.lastUid}`;
        const upTo = (found: number[] | false | undefined) => (found || []).filter((u) => u <= f.lastUid);
        const all = box.exists ? upTo(await client.search({ uid: range }, { uid: true })) : [];
        const wanted = box.exists ? upTo(await client.search({ uid: range, since }, { uid: true })) : [];
        const stored = await selectRows<{ uid: string; vanished: boolean }>(
          db,
          sql`select uid, vanished_at is not null as vanished from mailbox_messages
            where workspace_id = ${workspaceId} and mailbox_id = ${mb.id} and role = ${f.role} and folder = ${f.folder}
              and uid_validity = ${f.uidValidity}`,
        );
        const storedUids = new Set(stored.map((r) => Number(r.uid)));
        const onServer = new Set(all);
        const missing = wanted.filter((u) => !storedUids.has(u)).sort((a, b) => a - b);
        const gone = stored.filter((r) => !r.vanished && !onServer.has(Number(r.uid))).map((r) => Number(r.uid));
        const gap: FolderGap = { server: wanted.length, missing: missing.length, repaired: 0, vanished: gone.length };
        if (gone.length) {
          await db.execute(sql`update mailbox_messages set vanished_at = now()
            where workspace_id = ${workspaceId} and mailbox_id = ${mb.id} and role = ${f.role} and folder = ${f.folder}
              and uid_validity = ${f.uidValidity} and uid = any(${`{${gone.join(',')}}`}::bigint[])`);
        }
        for (let i = 0; i < missing.length; i += BATCH) {
          const parsed = await fetchParsed(job, client, mb, missing.slice(i, i + BATCH), out);
          await db.transaction(async (tx) => {
            for (const p of parsed) {
              const at = { role: f.role, folder: f.folder, uidValidity: f.uidValidity as number, uid: p.uid };
              await storeMessage(tx, mb, at, p.email, f.role === 'sent', { log: job.log });
            }
          });
          gap.repaired += parsed.length;
        }
        out.folders[f.path] = gap;
        out.missing += gap.missing;
        out.repaired += gap.repaired;
        out.vanished += gap.vanished;
      } finally {
        lock.release();
      }
    }
    if (out.skipped) out.notes.push(`${out.skipped} missing message(s) could not be read`);
    await record(job, mb.id, out, out.notes.join('; ') || null);
    return out;
  } catch (err) {
    const known = err instanceof MailError || (err as { code?: string }).code !== undefined;
    if (!known) throw err;
    const words = describe('imap', { host: mb.imapHost, port: mb.imapPort }, err).message;
    await record(job, mb.id, out, `reconciliation failed: ${words}`);
    return { ...out, notes: [...out.notes, words] };
  } finally {
    if (client) await client.logout().catch(() => client?.close());
  }
}

async function record(job: RunningJob<{ mailboxId: string }>, id: string, r: ReconcileResult, note: string | null) {
  await job.db.execute(sql`update mailboxes set reconciled_at = now(), reconcile_missing = ${r.missing},
      reconcile_repaired = ${r.repaired}, reconcile_vanished = ${r.vanished}, reconcile_note = ${note}
    where workspace_id = ${job.workspaceId} and id = ${id}`);
}
