import { sql } from 'drizzle-orm';
import Type from 'typebox';
import { acrossWorkspaces } from '../../db/citus.ts';
import { affectedRows } from '../../db/client.ts';
import { defineJob } from '../../jobs/define.ts';
import { SESSION_IDLE_MS } from './auth.service.ts';

/**
 * Forgets what has expired: sessions past their idle or absolute limit, spent or expired reset
 * links and answered requests after a month (the history keeps that they happened), failed-login
 * counts after a day, rate-limit windows after an hour, half-done sign-ins once expired.
 */
export const authCleanupJob = defineJob({
  name: 'auth.cleanup',
  input: Type.Object({}, { additionalProperties: false }),
  retry: { attempts: 3 },
  schedule: { cron: '*/15 * * * *', input: {} },
  // Named cross-workspace deletes (house-keeping over every workspace): sessions, reset links and
  // challenges are tenant tables, swept on every shard.
  run: ({ db }) =>
    acrossWorkspaces(db, async (tx) => {
      const count = async (q: ReturnType<typeof sql>) => affectedRows(await tx.execute(q));
      return {
        sessions: await count(
          sql`delete from sessions where expires_at < now() or last_seen_at < now() - ${SESSION_IDLE_MS} * interval '1 millisecond'`,
        ),
        passwordResets: await count(sql`delete from password_resets where created_at < now() - interval '30 days'
        and (resolved_at is not null or used_at is not null or revoked_at is not null or expires_at < now())`),
        loginThrottles: await count(sql`delete from login_throttles where last_failed_at < now() - interval '1 day'`),
        rateLimits: await count(sql`delete from rate_limits where reset_at < now() - interval '1 hour'`),
        authChallenges: await count(sql`delete from auth_challenges where expires_at < now()`),
      };
    }),
});
