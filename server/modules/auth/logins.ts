import { asc, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { Config } from '../../config.ts';
import { type Conn, type Db, selectRows } from '../../db/client.ts';
import { AppError } from '../../http/errors.ts';
import { identities, loginEvents } from './auth.table.ts';
import { dummyHash, verifyPassword } from './passwords.ts';

export interface ClientMeta {
  ip: string;
  userAgent: string | null;
}

/** Where a change made from the command line comes from, in the login history. */
export const cliMeta: ClientMeta = { ip: 'cli', userAgent: null };

/**
 * The logins of one email address that a password is tried against, oldest first. Several exist
 * when someone signed up with an address that already had a login (see identities); the cap keeps
 * the cost of a sign-in bounded whatever an attacker registered.
 */
export const MAX_LOGINS_PER_EMAIL = 20;

export async function logAttempt(conn: Conn, email: string, identityId: string | null, meta: ClientMeta, result: string, method: string) {
  await conn.insert(loginEvents).values({
    id: uuidv7(),
    identityId,
    email: email.slice(0, 254),
    ip: meta.ip,
    userAgent: meta.userAgent?.slice(0, 500) ?? null,
    method,
    result,
  });
}

/** After 5 failures each further one doubles the wait, up to 15 minutes; an address is never locked for good. */
export const lockoutDelayMs = (failures: number) => (failures < 5 ? 0 : Math.min(2 ** (failures - 5) * 1000, 15 * 60 * 1000));

/**
 * Counts an attempt against the address's lockout before any password is hashed, atomically: of a
 * burst of parallel guesses only those the lockout allows get through, not all that read the count
 * at once. Addresses without a login are counted the same way, so a 429 tells nothing.
 */
async function claimAttempt(db: Db, email: string): Promise<number | null> {
  // The time comes from the app, as a bare parameter (its type read from the column it meets): Citus
  // refuses now(), and any cast or other non-immutable function, in an upsert's ON CONFLICT on a
  // reference table (login_throttles is one). now - last_failed_at is an interval: immutable.
  const now = sql`${new Date().toISOString()}`;
  const claimed = await selectRows<{ failures: number }>(
    db,
    sql`insert into login_throttles (email, failures, last_failed_at) values (lower(${email}), 1, ${now})
      on conflict (email) do update set failures = login_throttles.failures + 1, last_failed_at = ${now}
      where not (login_throttles.failures >= 5
        and ${now} - login_throttles.last_failed_at < least(power(2, login_throttles.failures - 5) * interval '1 second', interval '15 minutes'))
      returning failures`,
  );
  if (claimed.length) return null;
  const [held] = await selectRows<{ failures: number; since: number }>(
    db,
    sql`select failures, (extract(epoch from ${now} - last_failed_at) * 1000)::int as since from login_throttles where email = lower(${email})`,
  );
  const wait = lockoutDelayMs(held?.failures ?? 5) - Number(held?.since ?? 0);
  return Math.max(1, Math.ceil(wait / 1000));
}

const clearAttempts = (db: Db, email: string) => db.execute(sql`delete from login_throttles where email = lower(${email})`);

export interface LoginMatch {
  identity: typeof identities.$inferSelect | null;
  retryAfterSeconds?: number;
}

/**
 * Finds the login of `email` that `password` opens, under the lockout, writing the login history.
 * Every path that checks a password against a login goes through here. `retryAfterSeconds` is set
 * when the lockout held the attempt back (no password was checked).
 */
export async function matchLogin(
  db: Db,
  config: Config,
  email: string,
  password: string,
  meta: ClientMeta,
  method: string,
  opts: {
    /** Check this login only (a password change), rather than every login of the address. */
    only?: typeof identities.$inferSelect;
    /** Whether a miss goes to the login history; sign-up logs what it did instead (a miss makes a login). */
    logMiss?: boolean;
  } = {},
): Promise<LoginMatch> {
  const { only, logMiss = true } = opts;
  const miss = (identityId: string | null, result: string) =>
    logMiss ? logAttempt(db, email, identityId, meta, result, method) : undefined;
  const retryAfterSeconds = await claimAttempt(db, email);
  if (retryAfterSeconds !== null) {
    // The same work as a checked attempt, so that the answer's timing does not tell either.
    await verifyPassword(password, await dummyHash(config.scryptLogN));
    await miss(null, 'throttled');
    return { identity: null, retryAfterSeconds };
  }
  const logins = only
    ? [only]
    : await db
        .select()
        .from(identities)
        .where(sql`lower(${identities.email}) = lower(${email})`)
        .orderBy(asc(identities.createdAt), asc(identities.id))
        .limit(MAX_LOGINS_PER_EMAIL);
  if (!logins.length) {
    // Same work and same answer as a wrong password, so that sign-in does not reveal who has a login.
    await verifyPassword(password, await dummyHash(config.scryptLogN));
    await miss(null, 'unknown_email');
    return { identity: null };
  }
  for (const login of logins) {
    if (await verifyPassword(password, login.passwordHash)) {
      await clearAttempts(db, email);
      return { identity: login };
    }
  }
  await miss(logins[0].id, 'wrong_password');
  return { identity: null };
}

export const tooManyAttempts = (retryAfterSeconds: number) =>
  new AppError(429, 'too_many_attempts', 'Too many wrong passwords; wait a little and try again', [], { retryAfterSeconds });
