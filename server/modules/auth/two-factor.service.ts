import { randomBytes } from 'node:crypto';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { TwoFactorStatus } from '../../../contract/two-factor.ts';
import type { Conn } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { AppError, conflict, forbidden, notFound } from '../../http/errors.ts';
import { decryptSecret, encryptSecret, keyring } from '../../security/keyring.ts';
import { recordChange } from '../history/history.service.ts';
import { workspaceNames } from '../workspaces/workspaces.service.ts';
import { members, sessions } from './auth.table.ts';
import { sha256 } from './tokens.ts';
import { newTotpSecret, totpStep, totpUri } from './totp.ts';
import { memberTwoFactor, recoveryCodes, workspaceSecurity } from './two-factor.table.ts';

/** Whose authenticator: a member of a workspace. */
export interface Who {
  workspaceId: string;
  memberId: string;
}

export const RECOVERY_CODE_COUNT = 10;

/** What the secret is bound to: a stored secret copied onto another member does not decrypt. */
export const totpAad = (w: Who) => `totp:${w.workspaceId}:${w.memberId}`;

const wrongCode = () =>
  new AppError(422, 'invalid_fields', 'The code is wrong or was used already', [
    { field: 'body.code', code: 'wrong_code', message: 'The code is wrong or was used already' },
  ]);

const whereWho = (w: Who) => and(eq(memberTwoFactor.workspaceId, w.workspaceId), eq(memberTwoFactor.memberId, w.memberId));

async function authenticatorOf(conn: Conn, w: Who) {
  const [row] = await conn.select().from(memberTwoFactor).where(whereWho(w));
  return row ?? null;
}

export async function hasTwoFactor(conn: Conn, w: Who) {
  return Boolean((await authenticatorOf(conn, w))?.enabledAt);
}

export async function requiresTwoFactor(conn: Conn, workspaceId: string) {
  const [row] = await conn
    .select({ on: workspaceSecurity.requireTwoFactor })
    .from(workspaceSecurity)
    .where(eq(workspaceSecurity.workspaceId, workspaceId));
  return row?.on ?? false;
}

export async function twoFactorStatus(conn: Conn, w: Who): Promise<TwoFactorStatus> {
  const row = await authenticatorOf(conn, w);
  const [left] = await conn
    .select({ n: sql<number>`count(*)::int` })
    .from(recoveryCodes)
    .where(and(eq(recoveryCodes.workspaceId, w.workspaceId), eq(recoveryCodes.memberId, w.memberId), isNull(recoveryCodes.usedAt)));
  return {
    enabled: Boolean(row?.enabledAt),
    enabledAt: row?.enabledAt?.toISOString() ?? null,
    recoveryCodesLeft: row?.enabledAt ? Number(left?.n ?? 0) : 0,
    required: await requiresTwoFactor(conn, w.workspaceId),
  };
}

/**
 * Starts (or restarts) enrolment: a new secret, kept encrypted and not yet in force until a first
 * code proves the app has it. A member who has two-factor on turns it off first.
 */
export async function startEnrolment(conn: Conn, w: Who) {
  const row = await authenticatorOf(conn, w);
  if (row?.enabledAt) throw conflict('two_factor_enabled', 'Two-factor sign-in is already on; turn it off first to set up a new app');
  const secret = newTotpSecret();
  const stored = encryptSecret(keyring(), secret, totpAad(w));
  await conn
    .insert(memberTwoFactor)
    .values({ workspaceId: w.workspaceId, memberId: w.memberId, secret: stored })
    .onConflictDoUpdate({ target: [memberTwoFactor.workspaceId, memberTwoFactor.memberId], set: { secret: stored, lastStep: null } });
  const [m] = await conn
    .select({ email: members.email })
    .from(members)
    .where(and(eq(members.workspaceId, w.workspaceId), eq(members.id, w.memberId)));
  const workspace = (await workspaceNames(conn, [w.workspaceId])).get(w.workspaceId) ?? '';
  return { secret, uri: totpUri(secret, m?.email ?? '', workspace ? `Rapport (${workspace})` : 'Rapport') };
}

/**
 * Takes a code's step as the last one used, if it is later than the last: one UPDATE, so that of
 * two requests with the same code only one gets through.
 */
async function claimStep(conn: Conn, w: Who, step: number) {
  const taken = await conn
    .update(memberTwoFactor)
    .set({ lastStep: step })
    .where(and(whereWho(w), sql`(${memberTwoFactor.lastStep} is null or ${memberTwoFactor.lastStep} < ${step})`))
    .returning({ step: memberTwoFactor.lastStep });
  return taken.length > 0;
}

/** Checks a TOTP code against the member's secret (enrolled or pending), once per step. */
async function acceptCode(conn: Conn, w: Who, row: typeof memberTwoFactor.$inferSelect, code: string, nowMs: number) {
  const secret = decryptSecret(keyring(), row.secret, totpAad(w));
  const step = totpStep(secret, code, nowMs);
  return step !== null && (await claimStep(conn, w, step));
}

/** New recovery codes (the old ones stop working), shown once: ten groups of 5+5 base32 letters. */
async function issueRecoveryCodes(conn: Conn, w: Who) {
  await conn.delete(recoveryCodes).where(and(eq(recoveryCodes.workspaceId, w.workspaceId), eq(recoveryCodes.memberId, w.memberId)));
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const chars = Array.from(randomBytes(10), (b) => alphabet[b % alphabet.length]).join('');
    return `${chars.slice(0, 5)}-${chars.slice(5)}`;
  });
  await conn
    .insert(recoveryCodes)
    .values(codes.map((c) => ({ workspaceId: w.workspaceId, id: uuidv7(), memberId: w.memberId, codeHash: sha256(c) })));
  return codes;
}

/** Finishes enrolment with the first code from the app; answers the recovery codes, shown once. */
export async function confirmEnrolment(conn: Conn, ctx: Ctx, w: Who, code: string, nowMs = Date.now()) {
  const row = await authenticatorOf(conn, w);
  if (!row) throw conflict('two_factor_not_started', 'Start setting up two-factor sign-in first');
  if (row.enabledAt) throw conflict('two_factor_enabled', 'Two-factor sign-in is already on');
  if (!(await acceptCode(conn, w, row, code, nowMs))) throw wrongCode();
  await conn.update(memberTwoFactor).set({ enabledAt: sql`now()` }).where(whereWho(w));
  await recordChange(conn, ctx, 'member', w.memberId, 'update', [{ field: 'twoFactor', old: false, new: true }]);
  return { recoveryCodes: await issueRecoveryCodes(conn, w) };
}

/** Turns two-factor off with a current code; refused while the workspace requires it. */
export async function disableTwoFactor(conn: Conn, ctx: Ctx, w: Who, code: string, nowMs = Date.now()) {
  const row = await authenticatorOf(conn, w);
  if (!row?.enabledAt) throw conflict('two_factor_off', 'Two-factor sign-in is not on');
  if (await requiresTwoFactor(conn, w.workspaceId))
    throw conflict('two_factor_required', 'This workspace requires two-factor sign-in; it cannot be turned off');
  if (!(await acceptCode(conn, w, row, code, nowMs))) throw wrongCode();
  await conn.delete(memberTwoFactor).where(whereWho(w));
  await conn.delete(recoveryCodes).where(and(eq(recoveryCodes.workspaceId, w.workspaceId), eq(recoveryCodes.memberId, w.memberId)));
  await recordChange(conn, ctx, 'member', w.memberId, 'update', [{ field: 'twoFactor', old: true, new: false }]);
}

/**
 * New recovery codes for oneself, shown once; the old ones stop working. Asks for a current code
 * from the app, so that someone who holds only the session (a browser left open) cannot take codes
 * that would let them sign in later.
 */
export async function renewRecoveryCodes(conn: Conn, ctx: Ctx, w: Who, code: string, nowMs = Date.now()) {
  const row = await authenticatorOf(conn, w);
  if (!row?.enabledAt) throw conflict('two_factor_off', 'Two-factor sign-in is not on');
  if (!(await acceptCode(conn, w, row, code, nowMs))) throw wrongCode();
  const recoveryCodes = await issueRecoveryCodes(conn, w);
  await recordChange(conn, ctx, 'member', w.memberId, 'update', [{ field: 'recoveryCodes', old: 'replaced', new: 'issued' }]);
  return { recoveryCodes };
}

/**
 * An admin turns off a member's two-factor (they lost their phone): the authenticator and the
 * recovery codes go, and so do the member's sessions, since whoever holds the phone may hold one
 * of them. At their next sign-in they set up a new app if the workspace requires it. Owners' and
 * admins' two-factor is an owner's to reset, as their roles are.
 */
export async function resetMemberTwoFactor(conn: Conn, ctx: Ctx, memberId: string) {
  const [m] = await conn
    .select({ role: members.role })
    .from(members)
    .where(and(eq(members.workspaceId, ctx.workspaceId), eq(members.id, memberId)));
  if (!m) throw notFound('Member');
  if ((m.role === 'owner' || m.role === 'admin') && ctx.role !== 'owner') {
    throw forbidden("Only an owner can reset an owner's or admin's two-factor sign-in");
  }
  const w = { workspaceId: ctx.workspaceId, memberId };
  const row = await authenticatorOf(conn, w);
  if (!row) throw conflict('two_factor_off', 'This member has no two-factor sign-in to reset');
  await conn.delete(memberTwoFactor).where(whereWho(w));
  await conn.delete(recoveryCodes).where(and(eq(recoveryCodes.workspaceId, w.workspaceId), eq(recoveryCodes.memberId, memberId)));
  await conn.delete(sessions).where(and(eq(sessions.workspaceId, ctx.workspaceId), eq(sessions.memberId, memberId)));
  await recordChange(conn, ctx, 'member', memberId, 'update', [{ field: 'twoFactor', old: Boolean(row.enabledAt), new: false }]);
}

/**
 * The second factor at sign-in: a code from the app (each step once), or one of the recovery
 * codes (each once). Answers which it was; throws the same refusal for every wrong code.
 */
export async function checkSecondFactor(conn: Conn, w: Who, code: string, nowMs = Date.now()): Promise<'totp' | 'recovery'> {
  const row = await authenticatorOf(conn, w);
  if (!row?.enabledAt) throw wrongCode();
  const trimmed = code.trim().toLowerCase();
  if (/^\d{6}$/.test(trimmed.replace(/\s/g, ''))) {
    if (await acceptCode(conn, w, row, trimmed, nowMs)) return 'totp';
    throw wrongCode();
  }
  const used = await conn
    .update(recoveryCodes)
    .set({ usedAt: sql`now()` })
    .where(
      and(
        eq(recoveryCodes.workspaceId, w.workspaceId),
        eq(recoveryCodes.memberId, w.memberId),
        eq(recoveryCodes.codeHash, sha256(trimmed)),
        isNull(recoveryCodes.usedAt),
      ),
    )
    .returning({ id: recoveryCodes.id });
  if (!used.length) throw wrongCode();
  return 'recovery';
}

export async function getSecurity(conn: Conn, ctx: Pick<Ctx, 'workspaceId'>) {
  return { requireTwoFactor: await requiresTwoFactor(conn, ctx.workspaceId) };
}

export async function setRequireTwoFactor(conn: Conn, ctx: Ctx, requireTwoFactor: boolean) {
  const before = await requiresTwoFactor(conn, ctx.workspaceId);
  await conn
    .insert(workspaceSecurity)
    .values({ workspaceId: ctx.workspaceId, requireTwoFactor })
    .onConflictDoUpdate({ target: workspaceSecurity.workspaceId, set: { requireTwoFactor, updatedAt: new Date() } });
  if (before !== requireTwoFactor)
    await recordChange(conn, ctx, 'workspace', ctx.workspaceId, 'update', [
      { field: 'requireTwoFactor', old: before, new: requireTwoFactor },
    ]);
  return { requireTwoFactor };
}
