import { sql } from 'drizzle-orm';
import type { Conn } from '../../db/client.ts';

/** How often a healthy mailbox is polled for new mail. */
export const POLL_MS = 60_000;

/** The wait after the n-th failure in a row: 1 min, 2, 4 … capped at an hour. A wrong password is not hammered. */
export const backoffAfter = (failures: number) => Math.min(60 * 60_000, POLL_MS * 2 ** Math.max(0, failures - 1));

export async function recordAttempt(conn: Conn, workspaceId: string, mailboxId: string) {
  await conn.execute(sql`update mailboxes set last_attempt_at = now() where workspace_id = ${workspaceId} and id = ${mailboxId}`);
}

/** A sync that finished: the error is cleared (or replaced by a note that did not stop it), the next poll is due in POLL_MS. */
export async function recordSuccess(conn: Conn, workspaceId: string, mailboxId: string, note: string | null) {
  await conn.execute(sql`update mailboxes set last_success_at = now(), consecutive_failures = 0,
      last_error = ${note}, last_error_at = ${note === null ? null : new Date().toISOString()}::timestamptz,
      next_sync_at = now() + ${`${POLL_MS} milliseconds`}::interval, updated_at = now()
    where workspace_id = ${workspaceId} and id = ${mailboxId}`);
}

/** A sync that failed: the reason in words, one more failure, the next try backed off. */
export async function recordFailure(conn: Conn, workspaceId: string, mailboxId: string, reason: string) {
  // The next try in epoch milliseconds, through to_timestamp (immutable): Citus refuses a stable
  // function (timestamptz + interval) over a column in an UPDATE, and the wait needs the column.
  const now = Date.now();
  const at = new Date(now).toISOString();
  await conn.execute(sql`update mailboxes set last_error = ${reason.slice(0, 1000)}, last_error_at = ${at}::timestamptz,
      consecutive_failures = consecutive_failures + 1,
      next_sync_at = to_timestamp((${now}::bigint + least(3600000, ${POLL_MS} * power(2, consecutive_failures))::bigint) / 1000.0),
      updated_at = ${at}::timestamptz
    where workspace_id = ${workspaceId} and id = ${mailboxId}`);
}
