import { and, eq, gt, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { Conn } from '../../db/client.ts';
import { AppError } from '../../http/errors.ts';
import { newToken, parseToken } from './tokens.ts';
import { authChallenges } from './two-factor.table.ts';

export type ChallengeKind = (typeof authChallenges.$inferSelect)['kind'];

/** Five minutes to type a code (or come back from the provider), five tries at most. */
export const CHALLENGE_TTL_MS = 5 * 60 * 1000;
export const CHALLENGE_MAX_ATTEMPTS = 5;

export async function createChallenge(
  conn: Conn,
  input: { workspaceId: string; kind: ChallengeKind; memberId?: string | null; data?: Record<string, string>; ip?: string | null },
) {
  const { token, hash } = newToken(input.workspaceId);
  await conn.insert(authChallenges).values({
    workspaceId: input.workspaceId,
    id: uuidv7(),
    tokenHash: hash,
    kind: input.kind,
    memberId: input.memberId ?? null,
    data: input.data ?? {},
    ip: input.ip ?? null,
    expiresAt: new Date(Date.now() + CHALLENGE_TTL_MS),
  });
  return token;
}

const expired = () => new AppError(401, 'challenge_expired', 'This sign-in has expired or was used up; sign in again');

/**
 * The live challenge of a token, counting one try against it (atomically, so parallel guesses
 * share the five). Unknown, expired, used-up and wrong-kind tokens get the same answer.
 */
export async function takeChallenge(conn: Conn, token: string, kind: ChallengeKind) {
  const parsed = parseToken(token);
  if (!parsed) throw expired();
  const [row] = await conn
    .update(authChallenges)
    .set({ attempts: sql`${authChallenges.attempts} + 1` })
    .where(
      and(
        eq(authChallenges.workspaceId, parsed.workspaceId),
        eq(authChallenges.tokenHash, parsed.hash),
        eq(authChallenges.kind, kind),
        gt(authChallenges.expiresAt, sql`now()`),
        sql`${authChallenges.attempts} < ${CHALLENGE_MAX_ATTEMPTS}`,
      ),
    )
    .returning();
  if (!row) throw expired();
  return row;
}

/** A challenge is over once it opened a session (or once its code was refused for good). */
export async function endChallenge(conn: Conn, row: { workspaceId: string; id: string }) {
  await conn.delete(authChallenges).where(and(eq(authChallenges.workspaceId, row.workspaceId), eq(authChallenges.id, row.id)));
}
