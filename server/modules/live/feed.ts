import { sql } from 'drizzle-orm';
import { acrossWorkspaces } from '../../db/citus.ts';
import { type Database, pgArray, selectRows } from '../../db/client.ts';
import { EVENTS_CHANNEL } from '../history/outbox.ts';

/** What a page learns of a change: which record, what happened, who did it — never the record itself. */
export interface LiveChange {
  type: string;
  recordType: string;
  recordId: string;
  actorId: string | null;
  at: string;
  /** For events addressed to one member (a notification): only they receive it. */
  memberId?: string;
}

/** Where a change is in the outbox's order: its transaction and place in it, as `<txId>.<seq>`. */
export type LivePosition = string;
export const positionOf = (txId: string, seq: number | string): LivePosition => `${txId}.${seq}`;
export function parsePosition(p: string): { txId: string; seq: string } | null {
  const m = /^(\d{1,20})\.(\d{1,19})$/.exec(p);
  return m ? { txId: m[1], seq: m[2] } : null;
}
const after = (a: LivePosition, b: LivePosition) => {
  const [x, y] = [parsePosition(a), parsePosition(b)];
  if (!x || !y) return true;
  return BigInt(x.txId) > BigInt(y.txId) || (x.txId === y.txId && BigInt(x.seq) > BigInt(y.seq));
};
export const isAfter = after;

type Listener = (change: LiveChange, at: LivePosition) => void;

interface EventRow {
  workspace_id: string | null;
  tx_id: string;
  seq: number;
  type: string;
  record_type: string;
  record_id: string;
  actor_id: string | null;
  at: string | Date;
  member_id: string | null;
}

const toChange = (r: EventRow): LiveChange => ({
  type: r.type,
  recordType: r.record_type,
  recordId: r.record_id,
  actorId: r.actor_id,
  at: new Date(r.at).toISOString(),
  // A notification's event carries its member in `after` (as GET /notifications shows it); one
  // without a member is pushed to no one rather than to everyone.
  ...(r.type.startsWith('notification.') ? { memberId: r.member_id ?? '' } : {}),
});

const columns = sql.raw(
  `workspace_id, tx_id::text, seq, type, record_type, record_id, actor_id, at, coalesce(payload->'after'->>'memberId', payload->>'memberId') as member_id`,
);

/**
 * One process's tail of the outbox for the pages connected to it. Every HTTP process keeps its
 * own position in memory (every process must see every event, unlike a consumer's shared cursor),
 * reads only the workspaces it has listeners for, and in the same order and with the same horizon
 * as consumeEvents: events of a transaction that commits late are not passed over. Woken by the
 * NOTIFY of an event's commit, polling behind it while anyone listens.
 */
export class LiveFeed {
  private readonly listeners = new Map<string, Set<Listener>>();
  private cursor: { txId: string; seq: number } | null = null;
  private timer: NodeJS.Timeout | null = null;
  private unlisten: (() => Promise<void>) | null = null;
  private reading: Promise<void> | null = null;
  private again = false;
  private closed = false;

  constructor(
    private readonly database: Database,
    private readonly pollMs = 1_000,
  ) {}

  /** Calls `listener` with each change in the workspace from now on; returns the unsubscribe. */
  async subscribe(workspaceId: string, listener: Listener) {
    if (this.closed) throw new Error('live feed closed');
    if (!this.cursor) await this.open();
    let set = this.listeners.get(workspaceId);
    if (!set) {
      set = new Set();
      this.listeners.set(workspaceId, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (!set.size) this.listeners.delete(workspaceId);
    };
  }

  get size() {
    let n = 0;
    for (const s of this.listeners.values()) n += s.size;
    return n;
  }

  private async open() {
    const [start] = await selectRows<{ tx_id: string }>(
      this.database.db,
      sql`select pg_snapshot_xmin(pg_current_snapshot())::text as tx_id`,
    );
    // Everything from transactions older than the horizon is the past; a transaction at or past it may still commit.
    this.cursor ??= { txId: (BigInt(start.tx_id) - 1n).toString(), seq: Number.MAX_SAFE_INTEGER };
    this.unlisten ??= await this.database.listen(EVENTS_CHANNEL, () => this.read()).catch(() => null);
    this.timer ??= setInterval(() => this.read(), this.pollMs);
    this.timer.unref();
  }

  /** Reads what is new; a read asked for while one runs runs again after it. */
  read(): Promise<void> {
    if (this.reading) {
      this.again = true;
      return this.reading;
    }
    this.reading = (async () => {
      try {
        do {
          this.again = false;
          await this.readOnce();
        } while (this.again && !this.closed);
      } catch {
        // A failed read (a restarting server) is retried by the next poll or notification.
      } finally {
        this.reading = null;
      }
    })();
    return this.reading;
  }

  private async readOnce() {
    const cursor = this.cursor;
    const workspaces = [...this.listeners.keys()];
    if (!cursor || !workspaces.length) return;
    for (;;) {
      // The horizon is read first: every transaction older than it has ended, so the events read next
      // (a later snapshot) hold all of theirs, and the cursor may move up to it even when none of its
      // events were for these workspaces. The events of the page's workspaces lie on several shards
      // on Citus: a named cross-workspace read (server/db/citus.ts).
      const { horizon, rows } = await acrossWorkspaces(this.database.db, async (tx) => {
        const [h] = await selectRows<{ x: string }>(tx, sql`select pg_snapshot_xmin(pg_current_snapshot())::text as x`);
        const read = await selectRows<EventRow>(
          tx,
          sql`select ${columns}
            from domain_events
            where workspace_id = any(${pgArray(workspaces, 'uuid')})
              and (tx_id, seq) > (${cursor.txId}::xid8, ${cursor.seq}::bigint)
              and tx_id < ${h.x}::xid8
            order by tx_id, seq limit 500`,
        );
        return { horizon: h.x, rows: read };
      });
      for (const r of rows) {
        const change = toChange(r);
        const at = positionOf(r.tx_id, r.seq);
        for (const l of this.listeners.get(r.workspace_id as string) ?? []) l(change, at);
      }
      if (rows.length < 500) {
        // All read up to the horizon: nothing older can still appear.
        if (BigInt(horizon) - 1n >= BigInt(cursor.txId)) {
          cursor.txId = (BigInt(horizon) - 1n).toString();
          cursor.seq = Number.MAX_SAFE_INTEGER;
        }
        return;
      }
      const last = rows[rows.length - 1];
      cursor.txId = last.tx_id;
      cursor.seq = Number(last.seq);
    }
  }

  /**
   * The workspace's changes after `from`, up to the horizon, for a page that reconnects: at most
   * `limit`, and `more` when there were more (the page then reads everything anew).
   */
  async since(workspaceId: string, from: LivePosition, limit = 1_000) {
    const p = parsePosition(from);
    if (!p) return { changes: [], more: true };
    const rows = await selectRows<EventRow>(
      this.database.db,
      sql`select ${columns} from domain_events
        where workspace_id = ${workspaceId} and (tx_id, seq) > (${p.txId}::xid8, ${p.seq}::bigint)
          and tx_id < pg_snapshot_xmin(pg_current_snapshot())
        order by tx_id, seq limit ${limit + 1}`,
    );
    return {
      changes: rows.slice(0, limit).map((r) => ({ change: toChange(r), at: positionOf(r.tx_id, r.seq) })),
      more: rows.length > limit,
    };
  }

  /** Where the feed has read up to: a page that starts now is up to date from here. */
  get position(): LivePosition | null {
    return this.cursor ? positionOf(this.cursor.txId, this.cursor.seq) : null;
  }

  async close() {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    await this.unlisten?.();
    await this.reading;
    this.listeners.clear();
  }
}
