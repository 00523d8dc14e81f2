import { sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { type Conn, selectRows } from '../../db/client.ts';
import type { ParsedEmail } from './parse.ts';

/**
 * A text[] parameter that holds any text: Message-IDs and addresses may contain commas, quotes or
 * braces, which an array literal reads as syntax unless each element is quoted (and its quotes and
 * backslashes escaped), as here. Not a subquery over a JSON array: Citus refuses a subquery inside
 * an INSERT's VALUES.
 */
export const textArray = (values: readonly string[]) =>
  sql`${`{${values.map((v) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`}::text[]`;

/** Reply and forward prefixes mail clients put before a subject, in the languages seen most. */
const prefix = /^\s*(?:(?:re|fw|fwd|aw|wg|sv|vs|antw|rif|tr|r)\s*(?:\[\d+\]|\(\d+\))?\s*[:：]\s*|\[[^\]]{1,40}\]\s*)/i;

/** `Re: AW: [ext] Pricing   offer` → `pricing offer`: what the subject fallback compares. */
export function subjectKey(subject: string): { key: string; reply: boolean } {
  let s = subject;
  let reply = false;
  for (let i = 0; i < 20; i++) {
    const m = prefix.exec(s);
    if (!m) break;
    if (!m[0].trim().startsWith('[')) reply = true;
    s = s.slice(m[0].length);
  }
  return { key: s.normalize('NFC').toLowerCase().replace(/\s+/g, ' ').trim().slice(0, 300), reply };
}

/** How far back the subject fallback looks for a thread to join. */
const SUBJECT_WINDOW_DAYS = 90;

/**
 * The thread a new email belongs to, or a new one. In order:
 * 1. a stored email it names in In-Reply-To or References (its parent, or an ancestor);
 * 2. a stored email that names it in In-Reply-To (a reply that arrived before its parent);
 * 3. the subject fallback, when the headers are missing or name nothing stored but the subject
 *    says reply ("Re: …"): the newest thread of the same normalised subject in the last 90 days
 *    that one of its participants is in (a "Hello" from two strangers is two threads).
 * A new thread is shared with the workspace or private as the mailbox's default says.
 */
export async function threadFor(
  conn: Conn,
  workspaceId: string,
  m: ParsedEmail,
  participants: string[],
  sharedByDefault: boolean,
): Promise<{ id: string; shared: boolean; created: boolean }> {
  const ancestors = [...new Set([m.inReplyTo, ...m.references].filter((x): x is string => Boolean(x)))];
  if (ancestors.length) {
    const [hit] = await selectRows<{ id: string; shared: boolean }>(
      conn,
      sql`select t.id, t.shared from email_messages e join email_threads t on t.workspace_id = e.workspace_id and t.id = e.thread_id
        where e.workspace_id = ${workspaceId} and e.message_id = any(${textArray(ancestors)})
        order by e.date desc limit 1`,
    );
    if (hit) return touch(conn, workspaceId, hit, m.date);
  }
  const [child] = await selectRows<{ id: string; shared: boolean }>(
    conn,
    sql`select t.id, t.shared from email_messages e join email_threads t on t.workspace_id = e.workspace_id and t.id = e.thread_id
      where e.workspace_id = ${workspaceId} and e.in_reply_to = ${m.messageId} limit 1`,
  );
  if (child) return touch(conn, workspaceId, child, m.date);
  const { key, reply } = subjectKey(m.subject);
  if (key && (reply || ancestors.length) && participants.length) {
    const [same] = await selectRows<{ id: string; shared: boolean }>(
      conn,
      sql`select t.id, t.shared from email_threads t
        where t.workspace_id = ${workspaceId} and t.subject_key = ${key}
          and t.last_message_at > ${m.date.toISOString()}::timestamptz - ${`${SUBJECT_WINDOW_DAYS} days`}::interval
          and exists (select 1 from email_messages e where e.workspace_id = t.workspace_id and e.thread_id = t.id
                        and e.participants && ${textArray(participants)})
        order by t.last_message_at desc limit 1`,
    );
    if (same) return touch(conn, workspaceId, same, m.date);
  }
  const id = uuidv7();
  await conn.execute(sql`insert into email_threads (workspace_id, id, subject_key, shared, last_message_at)
    values (${workspaceId}, ${id}, ${key}, ${sharedByDefault}, ${m.date.toISOString()})`);
  return { id, shared: sharedByDefault, created: true };
}

async function touch(conn: Conn, workspaceId: string, t: { id: string; shared: boolean }, at: Date) {
  await conn.execute(sql`update email_threads set last_message_at = greatest(last_message_at, ${at.toISOString()}::timestamptz)
    where workspace_id = ${workspaceId} and id = ${t.id}`);
  return { ...t, created: false };
}
