import { and, eq, sql } from 'drizzle-orm';
import type { ImapFlow } from 'imapflow';
import { acrossWorkspaces } from '../../db/citus.ts';
import { type Database, selectRows } from '../../db/client.ts';
import type { JobLog } from '../../jobs/define.ts';
import { enqueue } from '../../jobs/queue.ts';
import { MailError, openImap } from './connect.ts';
import { syncMailboxJob } from './email.jobs.ts';
import { imapSettings, mailboxPassword } from './email.service.ts';
import { mailboxes } from './email.table.ts';

/**
 * IMAP IDLE: a worker holds one connection per mailbox open on INBOX, and the server's word that
 * something arrived or went (EXISTS / EXPUNGE) queues an incremental sync at once instead of at the
 * next poll. Polling (email.poll) stays: it is what covers mailboxes no worker watches, servers
 * without IDLE, the other folders, and anything missed while a connection was down.
 *
 * One worker watches a mailbox: it holds a lease on the mailbox's row (`idle_by`, `idle_until`),
 * renewed every scan; a worker that dies leaves a lease that runs out, and another takes it over.
 */
export interface WatcherOptions {
  /** How long a lease lasts without renewal. */
  leaseMs?: number;
  /** How often leases are renewed and unwatched mailboxes looked for. */
  scanMs?: number;
  /** The first reconnect delay after a dropped connection; doubled per failure up to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Connections one worker holds at most; the rest of the mailboxes are polled. */
  max?: number;
}

const defaults = { leaseMs: 90_000, scanMs: 30_000, backoffMs: 1000, maxBackoffMs: 60_000, max: 200 } satisfies Required<WatcherOptions>;
/** A server without IDLE is asked again this much later (it may have been upgraded). */
const NO_IDLE_RETRY_MS = 30 * 60_000;
/** After a refused login (or certificate, or address) the watcher tries again this much later. */
const REFUSED_RETRY_MS = 15 * 60_000;

/** The IDLE watchers of one worker process (started and stopped with it by startWorker). */
export class MailboxWatchers {
  private readonly watchers = new Map<string, MailboxWatcher>();
  private readonly opts: Required<WatcherOptions>;
  private stopped = true;
  private timer: NodeJS.Timeout | null = null;
  private scanning: Promise<void> | null = null;

  constructor(
    private readonly database: Database,
    /** The worker's id: the lease holder's name. */
    private readonly owner: string,
    private readonly log: JobLog,
    opts: WatcherOptions = {},
  ) {
    this.opts = { ...defaults, ...opts };
  }

  /** The mailboxes this process watches now (for tests and health). */
  get watching(): string[] {
    return [...this.watchers.keys()];
  }

  /** The watcher of a mailbox, when this process holds it. */
  watcher(mailboxId: string) {
    return this.watchers.get(mailboxId);
  }

  async start() {
    if (!this.stopped) return;
    this.stopped = false;
    await this.scanNow();
  }

  /** Looks for mailboxes to watch and renews the leases at once (also what the timer does). */
  scanNow() {
    this.scanning ??= this.scan()
      .catch((err) => this.log.warn({ err }, 'IDLE watchers: scan failed'))
      .finally(() => {
        this.scanning = null;
        if (!this.stopped) {
          if (this.timer) clearTimeout(this.timer);
          this.timer = setTimeout(() => void this.scanNow(), this.opts.scanMs);
          this.timer.unref();
        }
      });
    return this.scanning;
  }

  /** Closes every IDLE connection and gives up the leases, so another worker may take the mailboxes at once. */
  async stop() {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.scanning;
    await Promise.all([...this.watchers.values()].map((w) => w.stop()));
    this.watchers.clear();
    // A named cross-workspace write: this worker's leases, in whichever workspaces they are.
    await acrossWorkspaces(this.database.db, (tx) =>
      tx.execute(sql`update mailboxes set idle_by = null, idle_until = null where idle_by = ${this.owner}`),
    ).catch((err) => this.log.warn({ err }, 'IDLE watchers: leases not released (they run out)'));
  }

  private async scan() {
    const db = this.database.db;
    const now = new Date();
    const until = new Date(now.getTime() + this.opts.leaseMs).toISOString();
    // The leases this worker holds, renewed; a watcher whose lease was lost (taken over after a
    // stall, or the mailbox deleted) stops. A named cross-workspace write: the worker serves every
    // workspace.
    const held = await acrossWorkspaces(db, (tx) =>
      selectRows<{ id: string }>(
        tx,
        sql`update mailboxes set idle_until = ${until}::timestamptz where idle_by = ${this.owner} returning id`,
      ),
    );
    const kept = new Set(held.map((r) => r.id));
    for (const [id, w] of this.watchers) {
      if (kept.has(id)) continue;
      this.watchers.delete(id);
      await w.stop();
    }
    if (this.stopped) return;
    const room = this.opts.max - this.watchers.size;
    if (room <= 0) return;
    // Across workspaces, as the poll job is: the worker serves them all. Unwatched mailboxes, or
    // those whose watcher's lease ran out, read without a lock (a named cross-workspace query: Citus
    // refuses FOR UPDATE over several shards); then each claimed on its own shard, the condition
    // tested again, so that of two workers scanning at once one only takes a mailbox.
    const free = await acrossWorkspaces(db, (tx) =>
      selectRows<{ workspace_id: string; id: string }>(
        tx,
        sql`select workspace_id, id from mailboxes
          where idle_by is null or idle_until < ${now.toISOString()}::timestamptz
          order by id limit ${room}`,
      ),
    );
    const claimed: { workspace_id: string; id: string }[] = [];
    for (const f of free) {
      const rows = await selectRows<{ workspace_id: string; id: string }>(
        db,
        sql`update mailboxes set idle_by = ${this.owner}, idle_until = ${until}::timestamptz
          where workspace_id = ${f.workspace_id} and id = ${f.id}
            and (idle_by is null or idle_until < ${now.toISOString()}::timestamptz)
          returning workspace_id, id`,
      );
      claimed.push(...rows);
    }
    for (const m of claimed) {
      if (this.stopped || this.watchers.has(m.id)) continue;
      const w = new MailboxWatcher(this.database, m.workspace_id, m.id, this.log, this.opts);
      this.watchers.set(m.id, w);
      w.start();
    }
  }
}

/** One mailbox's IDLE connection: opened, kept, reopened with backoff after a drop, closed on stop. */
export class MailboxWatcher {
  private client: ImapFlow | null = null;
  private stopped = false;
  private done: Promise<void> = Promise.resolve();
  private wake: (() => void) | null = null;
  /** Connections opened so far (a reconnect after a drop counts; tests read it). */
  connections = 0;
  /** Whether the IDLE connection is up now. */
  get connected() {
    return this.client?.usable === true && this.client.idling;
  }

  constructor(
    private readonly database: Database,
    readonly workspaceId: string,
    readonly mailboxId: string,
    private readonly log: JobLog,
    private readonly opts: Required<WatcherOptions>,
  ) {}

  start() {
    this.done = this.run();
  }

  async stop() {
    this.stopped = true;
    this.wake?.();
    this.client?.close();
    await this.done;
  }

  private sleep(ms: number) {
    return new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }

  private async run() {
    let failures = 0;
    while (!this.stopped) {
      let wait = 0;
      try {
        const [mb] = await this.database.db
          .select()
          .from(mailboxes)
          .where(and(eq(mailboxes.workspaceId, this.workspaceId), eq(mailboxes.id, this.mailboxId)));
        if (!mb) return;
        const client = await openImap(imapSettings(mb, mailboxPassword(mb)));
        this.client = client;
        if (this.stopped) break;
        if (!client.capabilities.has('IDLE')) {
          // Polling covers this server.
          wait = NO_IDLE_RETRY_MS;
        } else {
          await client.mailboxOpen('INBOX', { readOnly: true });
          const changed = () => void this.queueSync();
          client.on('exists', changed);
          client.on('expunge', changed);
          this.connections++;
          // A reconnect after a drop: what arrived meanwhile is fetched now, not at the next poll.
          if (failures > 0) void this.queueSync();
          failures = 0;
          // idle() returns when IDLE is broken: by the client's own NOOP on a quiet socket (a
          // liveness check), or by the connection closing; then it goes on idling while it can.
          while (!this.stopped && client.usable) await client.idle();
          if (this.stopped) break;
        }
      } catch (err) {
        if (this.stopped) break;
        this.log.warn({ err, mailboxId: this.mailboxId }, 'IDLE watcher: connection failed');
        // A refused password or certificate does not mend itself in seconds, and a login tried every
        // minute can get the account locked: wait long (the sync's health shows the reason meanwhile).
        if (err instanceof MailError && (err.kind === 'auth' || err.kind === 'tls' || err.kind === 'refused')) wait = REFUSED_RETRY_MS;
      } finally {
        this.client?.close();
        this.client = null;
      }
      if (this.stopped) break;
      if (!wait) {
        failures++;
        wait = Math.min(this.opts.maxBackoffMs, this.opts.backoffMs * 2 ** (failures - 1));
      }
      await this.sleep(wait);
    }
  }

  private retrying = false;

  /**
   * Queues an incremental sync. One sync per mailbox is queued or running at a time (singleton
   * key), so the enqueue is dropped while one is: that one may have passed the new message already,
   * so it is tried again each second for a while until a sync after this change is queued (should
   * that one have been queued and not yet started, the extra sync finds nothing and costs little).
   */
  private async queueSync() {
    if (this.retrying) return;
    this.retrying = true;
    try {
      for (let i = 0; i < 60 && !this.stopped; i++) {
        const id = await enqueue(
          this.database.db,
          syncMailboxJob,
          { mailboxId: this.mailboxId },
          { workspaceId: this.workspaceId, singletonKey: `mailbox:${this.mailboxId}` },
        );
        if (id) return;
        await new Promise((r) => setTimeout(r, 1000));
      }
    } catch (err) {
      this.log.warn({ err, mailboxId: this.mailboxId }, 'IDLE watcher: cannot queue a sync (the poll will)');
    } finally {
      this.retrying = false;
    }
  }
}
