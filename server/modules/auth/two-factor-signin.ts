import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { AppError } from '../../http/errors.ts';
import { createSession } from './auth.service.ts';
import { members } from './auth.table.ts';
import { endChallenge, takeChallenge } from './challenges.ts';
import { type ClientMeta, logAttempt } from './logins.ts';
import { checkSecondFactor, confirmEnrolment, startEnrolment } from './two-factor.service.ts';

/** The member a challenge was made for, while still active. */
async function activeMember(db: Db, workspaceId: string, memberId: string | null) {
  const [m] = memberId
    ? await db
        .select()
        .from(members)
        .where(and(eq(members.workspaceId, workspaceId), eq(members.id, memberId), isNull(members.disabledAt)))
    : [];
  if (!m) throw new AppError(401, 'challenge_expired', 'This sign-in has expired or was used up; sign in again');
  return m;
}

const memberCtx = (m: { workspaceId: string; id: string; role: Ctx['role'] }): Ctx => ({
  workspaceId: m.workspaceId,
  memberId: m.id,
  actor: { type: 'member', id: m.id },
  role: m.role,
  requestId: null,
});

/**
 * The second step of a password sign-in: the code (or a recovery code) for the challenge. Each try
 * counts against the challenge (five) whether or not the code is right, before the code is checked.
 */
export async function completeTwoFactor(db: Db, challenge: string, code: string, meta: ClientMeta, nowMs = Date.now()) {
  const row = await takeChallenge(db, challenge, 'two_factor');
  const m = await activeMember(db, row.workspaceId, row.memberId);
  const who = { workspaceId: m.workspaceId, memberId: m.id };
  let method: 'totp' | 'recovery';
  try {
    method = await checkSecondFactor(db, who, code, nowMs);
  } catch (e) {
    await logAttempt(db, m.email, m.identityId, meta, 'wrong_code', 'two_factor');
    throw e;
  }
  return db.transaction(async (tx) => {
    await endChallenge(tx, row);
    await logAttempt(tx, m.email, m.identityId, meta, 'success', method === 'totp' ? 'two_factor' : 'recovery_code');
    return createSession(tx, m.workspaceId, m.id, meta);
  });
}

/** A member the workspace requires two-factor of, setting it up in the middle of signing in. */
export async function enrolmentSetup(db: Db, challenge: string) {
  const row = await takeChallenge(db, challenge, 'enrol');
  const m = await activeMember(db, row.workspaceId, row.memberId);
  return startEnrolment(db, { workspaceId: m.workspaceId, memberId: m.id });
}

/** Finishes that enrolment with a first code: the session, and the recovery codes shown once. */
export async function enrolmentConfirm(db: Db, challenge: string, code: string, meta: ClientMeta, nowMs = Date.now()) {
  const row = await takeChallenge(db, challenge, 'enrol');
  const m = await activeMember(db, row.workspaceId, row.memberId);
  return db.transaction(async (tx) => {
    const { recoveryCodes } = await confirmEnrolment(tx, memberCtx(m), { workspaceId: m.workspaceId, memberId: m.id }, code, nowMs);
    await endChallenge(tx, row);
    await logAttempt(tx, m.email, m.identityId, meta, 'success', 'two_factor_enrolment');
    return { session: await createSession(tx, m.workspaceId, m.id, meta), recoveryCodes };
  });
}
