import { and, desc, eq, gte, lt, ne, notInArray, type SQL, sql } from 'drizzle-orm';
import type { SignInAttempt } from '../../../contract/audit.ts';
import { acrossWorkspaces } from '../../db/citus.ts';
import { affectedRows, type Conn, selectRows } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { loginEvents, members } from './auth.table.ts';

/** Steps of a sign-in that are neither a success nor a failure: a password accepted with a second factor still due, a reset asked for. */
const pendingResults = ['second_factor_due', 'enrolment_due', 'requested'];

export interface SignInFilter {
  memberId?: string;
  outcome?: 'success' | 'failure';
  ip?: string;
  from?: string;
  to?: string;
  limit: number;
  cursor?: string;
}

/**
 * The sign-ins of the workspace's members, newest first. Sign-in history is global (an attempt is
 * made before a workspace is known), so a workspace sees the attempts on the logins of its members;
 * an attempt on an address that has no login belongs to no workspace and is not shown.
 */
export async function listSignIns(conn: Conn, ctx: Ctx, f: SignInFilter): Promise<{ data: SignInAttempt[]; nextCursor: string | null }> {
  const rows = await conn
    .select({ e: loginEvents, memberId: members.id })
    .from(loginEvents)
    .innerJoin(members, and(eq(members.workspaceId, ctx.workspaceId), eq(members.identityId, loginEvents.identityId)))
    .where(
      and(
        f.memberId ? eq(members.id, f.memberId) : undefined,
        f.outcome === 'success' ? eq(loginEvents.result, 'success') : undefined,
        f.outcome === 'failure' ? and(ne(loginEvents.result, 'success'), notInArray(loginEvents.result, pendingResults)) : undefined,
        f.ip ? eq(loginEvents.ip, f.ip) : undefined,
        f.from ? gte(loginEvents.createdAt, new Date(f.from)) : undefined,
        f.to ? lt(loginEvents.createdAt, new Date(f.to)) : undefined,
        f.cursor ? lt(loginEvents.id, f.cursor) : undefined,
      ),
    )
    .orderBy(desc(loginEvents.id))
    .limit(f.limit + 1);
  const page = rows.slice(0, f.limit);
  return {
    data: page.map(({ e, memberId }) => ({
      id: e.id,
      at: e.createdAt.toISOString(),
      email: e.email,
      memberId,
      method: e.method,
      result: e.result,
      success: e.result === 'success',
      ip: e.ip,
      userAgent: e.userAgent,
    })),
    nextCursor: rows.length > f.limit ? (page.at(-1)?.e.id ?? null) : null,
  };
}

/**
 * Deletes up to `batch` sign-ins of the workspace's members older than `days`, returning how many.
 * A login may belong to several workspaces: its attempt goes only once every workspace it belongs
 * to would let it go. `retentionOf` is the SQL of a workspace's retention in days (null: for good),
 * given by the audit module that keeps the setting. The other workspaces of each login are read
 * apart, as a named cross-workspace query (the row is shared by them), and each login's longest
 * period is worked out here: Citus cannot join members of every workspace by login inside a delete.
 */
export async function purgeSignIns(conn: Conn, workspaceId: string, days: number, batch: number, retentionOf: (workspaceId: SQL) => SQL) {
  const mine = await selectRows<{ identity_id: string }>(
    conn,
    sql`select distinct identity_id from members where workspace_id = ${workspaceId} and identity_id is not null`,
  );
  if (!mine.length) return 0;
  const others = await acrossWorkspaces(conn, (tx) =>
    selectRows<{ identity_id: string; days: number | null }>(
      tx,
      sql`select o.identity_id, ${retentionOf(sql`o.workspace_id`)} as days from members o
        where o.identity_id = any(${`{${mine.map((m) => m.identity_id).join(',')}}`}::uuid[]) and o.workspace_id <> ${workspaceId}`,
    ),
  );
  // Per login, the days its attempts are kept: the longest of its workspaces' (null: for good).
  const kept = new Map<string, number | null>(mine.map((m) => [m.identity_id, days]));
  for (const o of others) {
    const k = kept.get(o.identity_id);
    if (k === null || k === undefined) continue;
    kept.set(o.identity_id, o.days === null ? null : Math.max(k, Number(o.days)));
  }
  let deleted = 0;
  for (const [identity, d] of kept) {
    if (d === null || deleted >= batch) continue;
    const r = await conn.execute(sql`delete from login_events where id in (
      select id from login_events where identity_id = ${identity} and created_at < now() - make_interval(days => ${d}::int)
      limit ${batch - deleted})`);
    deleted += affectedRows(r);
  }
  return deleted;
}
