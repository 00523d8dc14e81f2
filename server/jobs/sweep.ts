import type { SQL } from 'drizzle-orm';
import { acrossWorkspaces } from '../db/citus.ts';
import { type Conn, selectRows } from '../db/client.ts';

// House-keeping over every workspace (due reminders, SLA timers, waits that are over). On Citus a
// claim with FOR UPDATE / SKIP LOCKED over several shards is refused, so a sweep is in two steps:
// the due rows' (workspace_id, id) pairs are read across workspaces without a lock, as a named
// cross-workspace query; then each workspace's rows are claimed on its one shard, where SKIP LOCKED
// and the due condition, tested again, let one worker only claim a row.

/** The (workspace_id, id) pairs `query` returns over every workspace, grouped by workspace in the order read. */
export async function dueByWorkspace(conn: Conn, query: SQL): Promise<Map<string, string[]>> {
  const rows = await acrossWorkspaces(conn, (tx) => selectRows<{ workspace_id: string; id: string }>(tx, query));
  const out = new Map<string, string[]>();
  for (const r of rows) {
    const ids = out.get(r.workspace_id) ?? [];
    ids.push(r.id);
    out.set(r.workspace_id, ids);
  }
  return out;
}

/** Ids as a uuid[] parameter. */
export const uuidArray = (ids: readonly string[]) => `{${ids.join(',')}}`;
