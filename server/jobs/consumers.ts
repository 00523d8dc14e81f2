import { type SQL, sql } from 'drizzle-orm';
import { allowFanOut } from '../db/citus.ts';
import { type Database, type Db, selectRows, type Tx } from '../db/client.ts';
import { consumeEvents, EVENTS_CHANNEL, isBefore, type OutboxEvent, outboxLook, settledBefore } from '../modules/history/outbox.ts';
import type { JobLog } from './define.ts';

/**
 * A reader of the outbox, declared as data in the module that reacts (`<module>.consumers.ts`) and
 * listed in server/modules/consumers.ts. `handle` runs in the transaction that moves the consumer's
 * cursor, so what it writes (jobs it enqueues, rows it adds) exists exactly when the events count as
 * read. Keep it quick and certain: enqueue a job for slow or fallible work (a webhook call, a rule
 * run) rather than doing it here — an error rolls the batch back and the same events come again.
 */
export interface ConsumerDef {
  /** The cursor's name: `webhooks`, `automation` … Renaming it starts a new cursor. */
  name: string;
  /** Events handed over at once (default 200). */
  batch?: number;
  /** Where a consumer that has never read starts (default: with what happens from its first run on). */
  from?: 'start' | 'now';
  /**
   * When the consumer has anything to do at all (e.g. `exists (select 1 from webhook_endpoints
   * where enabled)`): while it is false, the cursor moves past every settled event unread, in the
   * one statement that checks it, as of the same moment as the events it passes.
   */
  needed?: SQL;
  handle(tx: Tx, events: OutboxEvent[]): Promise<void>;
}

export const defineConsumer = (def: ConsumerDef) => def;

/**
 * Whether the outbox holds events `consumer` has not read, cheaply: one indexed probe outside a
 * transaction, so that an idle poll takes no lock and writes nothing. A consumer that never ran
 * says yes (its first read creates its cursor). A system read across workspaces, as the cursor is.
 */
async function hasNews(db: Db, consumer: string) {
  // The cursor is read first, on its own: Citus refuses a correlated subquery over a reference table
  // (event_cursors) inside a query on a distributed one (domain_events).
  return db.transaction(async (tx) => {
    const [cursor] = await selectRows<{ tx_id: string; seq: number }>(
      tx,
      sql`select tx_id::text, seq from event_cursors where consumer = ${consumer}`,
    );
    if (!cursor) return true;
    await allowFanOut(tx);
    const xmin = await settledBefore(tx);
    const rows = await selectRows<{ news: boolean }>(
      tx,
      sql`select exists (select 1 from domain_events e
          where (e.tx_id, e.seq) > (${cursor.tx_id}::xid8, ${cursor.seq}::bigint) and e.tx_id < ${xmin}::xid8) as news`,
    );
    return rows[0]?.news === true;
  });
}

/** Moves the cursor of a consumer that has nothing to do past every settled event; true when it did. */
async function skipUnneeded(db: Db, consumer: string, needed: SQL) {
  // In steps, for Citus: the last settled event (a read across workspaces), then whether the consumer
  // is needed, then the cursor (a reference table) moved with the values as parameters.
  return db.transaction(async (tx) => {
    await allowFanOut(tx);
    const xmin = await settledBefore(tx);
    const [last] = await selectRows<{ tx_id: string; seq: number }>(
      tx,
      sql`select e.tx_id::text, e.seq from domain_events e where e.tx_id < ${xmin}::xid8 order by e.tx_id desc, e.seq desc limit 1`,
    );
    if (!last) return false;
    const [{ needed: isNeeded }] = await selectRows<{ needed: boolean }>(tx, sql`select (${needed}) as needed`);
    if (isNeeded) return false;
    const moved = await selectRows<{ consumer: string }>(
      tx,
      sql`update event_cursors c set tx_id = ${last.tx_id}::xid8, seq = ${last.seq}, updated_at = ${new Date().toISOString()}
        where c.consumer = ${consumer} and (${last.tx_id}::xid8, ${last.seq}::bigint) > (c.tx_id, c.seq)
        returning c.consumer`,
    );
    return moved.length > 0;
  });
}

/**
 * Feeds the outbox to every consumer, in order, each through its own cursor. Woken by the NOTIFY
 * an event's transaction sends on commit; polls as well, because an event is handed out only once
 * every transaction older than it has ended (see consumeEvents), which no notification announces.
 * Any number of processes may run one: the cursor row's lock lets one read a consumer at a time.
 * A consumer whose batch fails waits longer after each failure (up to a minute) and the others go on.
 */
export class EventDispatcher {
  private abort = new AbortController();
  private loop: Promise<void> | null = null;
  private unlisten: (() => Promise<void>) | null = null;
  private wake: (() => void) | null = null;
  private woken = false;
  /** Quick looks left after a notification: its event waits until older transactions end, often a moment later. */
  private quickLooks = 0;
  private readonly failures = new Map<string, { count: number; until: number }>();
  /**
   * The outbox head at which every consumer last had nothing to read ('' for an empty outbox). While
   * the head stays there a poll is one transaction, not one per consumer: idle, a worker of ~16
   * consumers polling 4 times a second ran some 130 statements a second, the main cost of an idle
   * embedded database; busy, only the consumers behind the head are asked.
   */
  private caughtUpAt: string | undefined = undefined;

  constructor(
    private readonly database: Database,
    private readonly consumers: ConsumerDef[],
    private readonly opts: { pollMs: number; log: JobLog },
  ) {}

  async start() {
    if (this.loop || !this.consumers.length) return;
    this.abort = new AbortController();
    this.unlisten = await this.database
      .listen(EVENTS_CHANNEL, () => {
        this.woken = true;
        this.quickLooks = 10;
        this.wake?.();
      })
      .catch((err) => {
        this.opts.log.warn({ err }, 'cannot listen for new events; polling only');
        return null;
      });
    this.loop = this.run();
  }

  async stop() {
    this.abort.abort();
    this.wake?.();
    await this.unlisten?.();
    await this.loop;
    this.loop = null;
  }

  /** Reads every consumer's backlog until none has more; how many events were handled. */
  async drain() {
    let total = 0;
    for (;;) {
      const look = await outboxLook(this.database.db).catch((err) => {
        this.opts.log.warn({ err }, 'cannot read the outbox head; asking every consumer');
        return null;
      });
      const head = look ? (look.head ? `${look.head.txId}:${look.head.seq}` : '') : undefined;
      if (head !== undefined && head === this.caughtUpAt) return total;
      let round = 0;
      for (const c of this.consumers) {
        // Without a cursor the consumer has not run yet: its first read makes one.
        const at = look?.cursors.get(c.name);
        const behind = !look || !at || (look.head !== null && isBefore(at, look.head));
        if (behind) round += await this.feed(c, look === null);
      }
      total += round;
      if (this.abort.signal.aborted) return total;
      if (!round) {
        // Caught up to the head read before the round (later events move the head), unless a consumer
        // is waiting out a failure: its events are still to read.
        if (head !== undefined && this.failures.size === 0) this.caughtUpAt = head;
        return total;
      }
    }
  }

  /** One batch for consumer `c`, known to be behind unless `ask` (the head could not be read). */
  private async feed(c: ConsumerDef, ask: boolean) {
    const failed = this.failures.get(c.name);
    if (failed && failed.until > Date.now()) return 0;
    try {
      if (c.needed && (await skipUnneeded(this.database.db, c.name, c.needed))) return 0;
      if (ask && !(await hasNews(this.database.db, c.name))) return 0;
      const n = await consumeEvents(this.database.db, c.name, c.batch ?? 200, (tx, events) => c.handle(tx, events), c.from ?? 'now');
      this.failures.delete(c.name);
      return n;
    } catch (err) {
      const count = (failed?.count ?? 0) + 1;
      this.failures.set(c.name, { count, until: Date.now() + Math.min(60_000, 500 * 2 ** count) });
      this.opts.log.error({ err, consumer: c.name, failures: count }, 'event consumer failed; its events will be handed over again');
      return 0;
    }
  }

  private async run() {
    const { signal } = this.abort;
    while (!signal.aborted) {
      this.woken = false;
      if ((await this.drain()) > 0) this.quickLooks = 0;
      if (signal.aborted || this.woken) continue;
      const quick = this.quickLooks > 0;
      if (quick) this.quickLooks--;
      const wait = quick ? 50 : this.opts.pollMs;
      await new Promise<void>((resolve) => {
        const t = setTimeout(done, wait);
        function done() {
          clearTimeout(t);
          resolve();
        }
        this.wake = done;
      });
      this.wake = null;
    }
  }
}
