import { sql } from 'drizzle-orm';
import { allowFanOut } from '../../db/citus.ts';
import { type Conn, type Db, selectRows, type Tx } from '../../db/client.ts';

/** The channel an event's transaction notifies, so that consumers read it as soon as it commits. */
export const EVENTS_CHANNEL = 'rapport_events';

export interface OutboxEvent {
  workspaceId: string;
  id: string;
  seq: number;
  txId: string;
  type: string;
  recordType: string;
  recordId: string;
  payload: Record<string, unknown>;
  actorId: string | null;
  causes: string[];
  at: string;
}

/**
 * Hands the next events of the outbox to `consumer`, each once, and moves its cursor past them in
 * the same transaction as whatever `handle` writes (enqueued jobs, a webhook delivery row): the
 * events are taken exactly when their effects are kept.
 *
 * Events are taken in transaction order (the id of the transaction that wrote them, then their own
 * order) and only from transactions older than every transaction still running: those have all
 * committed or rolled back, so a transaction that commits late can never be passed over — its
 * events wait until it is settled, and so do those of every transaction begun after it. The cursor
 * row is locked while a batch is handled: one reader per consumer at a time, however many workers.
 * Returns how many events were handled.
 */
/**
 * The oldest transaction still running, read on its own first: on Citus the coordinator's snapshot
 * (the one that numbered the events), where a function in the events' query would run on each worker.
 * Read a statement earlier than the events, it can only be older: never a transaction not yet settled.
 */
export async function settledBefore(tx: Conn) {
  const [row] = await selectRows<{ xmin: string }>(tx, sql`select pg_snapshot_xmin(pg_current_snapshot())::text as xmin`);
  return row.xmin;
}

/** A position in the outbox: events are ordered by their transaction's id, then their sequence in it. */
export interface OutboxPosition {
  txId: bigint;
  seq: number;
}

/**
 * Where the settled outbox ends (its newest settled event, null when empty) and where every consumer's
 * cursor stands, in one transaction. An event settles only once every older transaction has ended,
 * so whatever settles later lies beyond this head: a consumer at the head has nothing to read.
 */
export async function outboxLook(db: Db) {
  return db.transaction(async (tx) => {
    await allowFanOut(tx);
    const xmin = await settledBefore(tx);
    const [last] = await selectRows<{ tx_id: string; seq: number }>(
      tx,
      sql`select e.tx_id::text, e.seq from domain_events e where e.tx_id < ${xmin}::xid8 order by e.tx_id desc, e.seq desc limit 1`,
    );
    const cursors = await selectRows<{ consumer: string; tx_id: string; seq: number }>(
      tx,
      sql`select consumer, tx_id::text, seq from event_cursors`,
    );
    const at = (r: { tx_id: string; seq: number }): OutboxPosition => ({ txId: BigInt(r.tx_id), seq: Number(r.seq) });
    return { head: last ? at(last) : null, cursors: new Map(cursors.map((c) => [c.consumer, at(c)])) };
  });
}

/** Whether position `a` lies before `b`. */
export const isBefore = (a: OutboxPosition, b: OutboxPosition) => a.txId < b.txId || (a.txId === b.txId && a.seq < b.seq);

export async function consumeEvents(
  db: Db,
  consumer: string,
  limit: number,
  handle: (tx: Tx, events: OutboxEvent[]) => Promise<void>,
  /** Where a consumer that has never read starts: at the oldest event, or (the default) with what happens from now on. */
  from: 'start' | 'now' = 'now',
) {
  return db.transaction(async (tx) => {
    // A read across workspaces: on Citus it runs on every shard (allowed here by name).
    await allowFanOut(tx);
    const xmin = await settledBefore(tx);
    await tx.execute(sql`insert into event_cursors (consumer, tx_id, seq)
      values (${consumer}, ${from === 'now' ? sql`${xmin}::xid8` : sql`'0'::xid8`}, 0)
      on conflict (consumer) do nothing`);
    const [cursor] = await selectRows<{ tx_id: string; seq: number }>(
      tx,
      sql`select tx_id::text, seq from event_cursors where consumer = ${consumer} for update`,
    );
    const events = await selectRows<{
      workspace_id: string;
      id: string;
      seq: number;
      tx_id: string;
      type: string;
      record_type: string;
      record_id: string;
      payload: Record<string, unknown>;
      actor_id: string | null;
      causes: string[];
      at: string | Date;
    }>(
      tx,
      sql`select workspace_id, id, seq, tx_id::text, type, record_type, record_id, payload, actor_id, causes, at from domain_events
        where (tx_id, seq) > (${cursor.tx_id}::xid8, ${cursor.seq}::bigint)
          and tx_id < ${xmin}::xid8
        order by tx_id, seq limit ${limit}`,
    );
    if (!events.length) return 0;
    await handle(
      tx,
      events.map((e) => ({
        workspaceId: e.workspace_id,
        id: e.id,
        seq: Number(e.seq),
        txId: e.tx_id,
        type: e.type,
        recordType: e.record_type,
        recordId: e.record_id,
        payload: typeof e.payload === 'string' ? JSON.parse(e.payload) : e.payload,
        actorId: e.actor_id,
        causes: typeof e.causes === 'string' ? JSON.parse(e.causes) : e.causes,
        at: new Date(e.at).toISOString(),
      })),
    );
    const last = events[events.length - 1];
    await tx.execute(
      sql`update event_cursors set tx_id = ${last.tx_id}::xid8, seq = ${last.seq}, updated_at = now() where consumer = ${consumer}`,
    );
    return events.length;
  });
}
