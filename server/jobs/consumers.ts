import { type SQL, sql } from 'drizzle-orm';
import { type Db, selectRows, type Tx } from '../db/client.ts';
import { consumeEvents, type OutboxEvent } from '../modules/history/outbox.ts';
import type { JobLog } from './define.ts';

/**
 * A reader of the outbox that turns events into work (webhook deliveries now; automation runs
 * later), declared as data in its module (`<module>.consumers.ts`) and listed in
 * server/modules/consumers.ts. `handle` runs in the transaction that moves the consumer's cursor:
 * what it writes (delivery rows, enqueued jobs) is kept exactly when the events count as read, so
 * an event is neither lost nor turned into work twice, however many workers run.
 */
export interface ConsumerDef {
  /** Names the consumer's cursor: renaming one starts it afresh. */
  name: string;
  /** Events handed over at once. */
  batch?: number;
  /**
   * A SQL condition that is false when no event could matter to the consumer now (no webhook
   * endpoint is on): the cursor then moves past the events without reading them. It is judged in
   * the statement that moves the cursor, as of the same moment as the events it passes, so it
   * skips exactly what `handle` would have read and found nothing to do for.
   */
  needed?: SQL;
  handle(tx: Tx, events: OutboxEvent[]): Promise<void>;
}

export const defineConsumer = (def: ConsumerDef) => def;

/**
 * Whether the outbox holds events `consumer` has not read, cheaply: one indexed probe without a
 * transaction, so that workers can ask at every poll. A consumer that never ran says yes (its
 * first read creates its cursor).
 */
async function hasNews(db: Db, consumer: string) {
  const rows = await selectRows<{ news: boolean }>(
    db,
    sql`select coalesce((
        select exists (select 1 from domain_events e
          where (e.tx_id, e.seq) > (c.tx_id, c.seq) and e.tx_id < pg_snapshot_xmin(pg_current_snapshot()))
        from event_cursors c where c.consumer = ${consumer}
      ), true) as news`,
  );
  return rows[0]?.news === true;
}

/** Moves the cursor of a consumer that has nothing to do past every settled event; true when it did. */
async function skipUnneeded(db: Db, consumer: string, needed: SQL) {
  const moved = await selectRows<{ consumer: string }>(
    db,
    sql`update event_cursors c set tx_id = last.tx_id, seq = last.seq, updated_at = now()
      from (select e.tx_id, e.seq from domain_events e where e.tx_id < pg_snapshot_xmin(pg_current_snapshot())
        order by e.tx_id desc, e.seq desc limit 1) last
      where c.consumer = ${consumer} and (last.tx_id, last.seq) > (c.tx_id, c.seq) and not (${needed})
      returning c.consumer`,
  );
  return moved.length > 0;
}

/**
 * Hands each consumer what the outbox holds for it, batch by batch, up to `maxBatches` each (the
 * rest at the next call, so that one busy consumer does not starve the jobs of its worker).
 * Returns how many events were handled; a consumer that fails is logged and tried again next time
 * (its cursor did not move).
 */
export async function runConsumers(db: Db, defs: ConsumerDef[], log: JobLog, maxBatches = 10) {
  let handled = 0;
  for (const def of defs) {
    try {
      if (def.needed && (await skipUnneeded(db, def.name, def.needed))) continue;
      if (!(await hasNews(db, def.name))) continue;
      for (let i = 0; i < maxBatches; i++) {
        const batch = def.batch ?? 200;
        const n = await consumeEvents(db, def.name, batch, (tx, events) => def.handle(tx, events));
        handled += n;
        if (n < batch) break;
      }
    } catch (err) {
      log.error({ err, consumer: def.name }, 'event consumer failed; it will be tried again');
    }
  }
  return handled;
}
