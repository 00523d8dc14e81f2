import type { Database } from '../db/client.ts';

type Callback = (err: Error | null, result?: { current: number; ttl: number }) => void;

/**
 * A store for @fastify/rate-limit kept in PostgreSQL, so that every app process shares one
 * count per key (the default store counts per process). One upsert per hit.
 */
export function databaseRateLimitStore(database: Database) {
  return class DatabaseStore {
    /** Each route with a limit of its own counts apart (like the in-memory store): sign-up does not use up sign-in. */
    constructor(private prefix = '') {}
    incr(ip: string, cb: Callback, timeWindow: number) {
      const key = `${this.prefix}${ip}`;
      // The time is passed from the app: Citus refuses now() in ON CONFLICT DO UPDATE and in RETURNING
      // on a reference table (rate_limits is one), and one value keeps the three uses consistent.
      database
        .query<{ count: number; ttl: number }>(
          `INSERT INTO rate_limits (key, count, reset_at) VALUES ($1, 1, $3::timestamptz + $2 * interval '1 millisecond')
           ON CONFLICT (key) DO UPDATE SET
             count = CASE WHEN rate_limits.reset_at <= $3::timestamptz THEN 1 ELSE rate_limits.count + 1 END,
             reset_at = CASE WHEN rate_limits.reset_at <= $3::timestamptz THEN excluded.reset_at ELSE rate_limits.reset_at END
           RETURNING count, greatest(0, extract(epoch from (reset_at - $3::timestamptz)) * 1000)::int AS ttl`,
          [key, timeWindow, new Date().toISOString()],
        )
        .then(
          ([row]) => cb(null, { current: Number(row.count), ttl: Number(row.ttl) }),
          (err) => cb(err),
        );
      // Now and then, forget windows that ended long ago, so that the table stays small.
      if (Math.random() < 0.01)
        database
          .query(`DELETE FROM rate_limits WHERE reset_at < $1::timestamptz`, [new Date(Date.now() - 3_600_000).toISOString()])
          .catch(() => {});
    }
    child(routeOptions: { routeInfo?: { method?: string | string[]; url?: string } }) {
      const { method, url } = routeOptions.routeInfo ?? {};
      return new DatabaseStore(`${this.prefix}${[method].flat().join(',')} ${url ?? ''}|`);
    }
  };
}
