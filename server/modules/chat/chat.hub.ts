import { sql } from 'drizzle-orm';
import type { Conn, Database } from '../../db/client.ts';

/** The NOTIFY channel a chat write signals on when it commits. */
export const CHAT_CHANNEL = 'rapport_chat';

/** Called in the writing transaction: every process's open chat streams look again once it commits. */
export const notifyChat = (conn: Conn) => conn.execute(sql`select pg_notify(${CHAT_CHANNEL}, '')`);

/**
 * Wakes the chat streams of this process when any process commits a chat write. NOTIFY carries no
 * payload we rely on: each stream re-reads its own conversation (or workspace) after its cursor, so a
 * wake that was for someone else costs one indexed query. A poll behind it covers a lost notification
 * (a server restarting its listening connection).
 */
export class ChatHub {
  private readonly waiters = new Set<() => void>();
  private unlisten: (() => Promise<void>) | null = null;
  private timer: NodeJS.Timeout | null = null;
  private opening: Promise<void> | null = null;

  constructor(
    private readonly database: Database,
    private readonly pollMs: number,
  ) {}

  /** Calls `wake` after each chat commit (and every poll) until the returned function is called. */
  async subscribe(wake: () => void) {
    this.opening ??= this.open();
    await this.opening;
    this.waiters.add(wake);
    return () => {
      this.waiters.delete(wake);
    };
  }

  private async open() {
    this.unlisten = await this.database.listen(CHAT_CHANNEL, () => this.wakeAll()).catch(() => null);
    this.timer = setInterval(() => this.wakeAll(), this.pollMs);
    this.timer.unref();
  }

  private wakeAll() {
    for (const w of this.waiters) w();
  }

  async close() {
    if (this.timer) clearInterval(this.timer);
    await this.unlisten?.();
    this.waiters.clear();
  }
}
