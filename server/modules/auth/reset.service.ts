import { and, desc, eq, gt, isNull, ne, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { uuidv7 } from 'uuidv7';
import type { ChangePassword, ResetEntry, ResetLink, ResetPassword } from '../../../contract/auth.ts';
import type { Config } from '../../config.ts';
import { acrossWorkspaces } from '../../db/citus.ts';
import type { Conn, Db } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { AppError, conflict, forbidden, invalid, notFound } from '../../http/errors.ts';
import { recordChange } from '../history/history.service.ts';
import { lockLogin, mayStillInvite } from './auth.service.ts';
import { identities, members, passwordResets, sessions } from './auth.table.ts';
import { type ClientMeta, logAttempt, matchLogin, tooManyAttempts } from './logins.ts';
import { hashPassword, passwordProblem } from './passwords.ts';
import { newToken, parseToken } from './tokens.ts';

export const RESET_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * "I forgot my password": the admins of each workspace the person belongs to see the request.
 * The answer is the same whether the email has a login or not, so it reveals nothing.
 */
export async function requestReset(db: Db, email: string, meta: ClientMeta) {
  // Every workspace of the login: a cross-workspace query by nature (on Citus, every shard).
  const memberships = await acrossWorkspaces(db, (tx) =>
    tx
      .select({ workspaceId: members.workspaceId, id: members.id, identityId: members.identityId })
      .from(members)
      .innerJoin(identities, eq(identities.id, members.identityId))
      .where(and(sql`lower(${identities.email}) = lower(${email})`, isNull(members.disabledAt))),
  );
  if (!memberships.length) return logAttempt(db, email, null, meta, 'unknown_email', 'password_reset');
  await db.transaction(async (tx) => {
    for (const m of memberships) {
      // One open request per member is enough; asking again does not flood the admins.
      const [open] = await tx
        .select({ id: passwordResets.id })
        .from(passwordResets)
        .where(
          and(
            eq(passwordResets.workspaceId, m.workspaceId),
            eq(passwordResets.memberId, m.id),
            eq(passwordResets.kind, 'request'),
            isNull(passwordResets.resolvedAt),
          ),
        );
      if (!open) await tx.insert(passwordResets).values({ workspaceId: m.workspaceId, id: uuidv7(), memberId: m.id, kind: 'request' });
    }
    await logAttempt(tx, email, memberships[0].identityId, meta, 'requested', 'password_reset');
  });
}

const creators = alias(members, 'creators');

/**
 * Open requests and live links of this workspace, newest first. A link counts as live only while
 * it would still work: unused, unexpired, not revoked, and its maker still allowed to make it.
 */
export async function listResets(conn: Conn, ctx: Ctx): Promise<ResetEntry[]> {
  const rows = await conn
    .select({
      reset: passwordResets,
      memberName: members.name,
      memberEmail: members.email,
      memberRole: members.role,
      creatorRole: creators.role,
      creatorDisabledAt: creators.disabledAt,
    })
    .from(passwordResets)
    .innerJoin(members, and(eq(members.workspaceId, passwordResets.workspaceId), eq(members.id, passwordResets.memberId)))
    .leftJoin(creators, and(eq(creators.workspaceId, passwordResets.workspaceId), eq(creators.id, passwordResets.createdBy)))
    .where(
      and(
        eq(passwordResets.workspaceId, ctx.workspaceId),
        or(
          and(eq(passwordResets.kind, 'request'), isNull(passwordResets.resolvedAt)),
          and(
            eq(passwordResets.kind, 'link'),
            isNull(passwordResets.usedAt),
            isNull(passwordResets.revokedAt),
            gt(passwordResets.expiresAt, sql`now()`),
          ),
        ),
      ),
    )
    .orderBy(desc(passwordResets.createdAt));
  return rows
    .filter((r) => r.reset.kind === 'request' || mayStillInvite(r.creatorRole ?? '', r.creatorDisabledAt, r.memberRole))
    .map((r) => ({
      id: r.reset.id,
      kind: r.reset.kind,
      memberId: r.reset.memberId,
      memberName: r.memberName,
      memberEmail: r.memberEmail,
      requestedAt: r.reset.createdAt.toISOString(),
      createdBy: r.reset.createdBy,
      expiresAt: r.reset.expiresAt?.toISOString() ?? null,
    }));
}

/** How many workspaces besides this one a login belongs to. */
async function otherWorkspaces(conn: Conn, workspaceId: string, identityId: string) {
  // Across workspaces by nature (on Citus, every shard).
  const [row] = await acrossWorkspaces(conn, (tx) =>
    tx
      .select({ n: sql<number>`count(*)::int` })
      .from(members)
      .where(and(eq(members.identityId, identityId), ne(members.workspaceId, workspaceId))),
  );
  return Number(row.n);
}

const sharedLogin = (name: string) =>
  conflict(
    'login_shared',
    `${name} signs in to another workspace with the same login, so only they can change its password (signed in: Settings → Profile). An admin can reset only a login that belongs to this workspace alone.`,
  );

/**
 * An admin makes a single-use link for a member (an owner's or admin's only by an owner). A login
 * is a person's own, shared by every workspace they belong to: an admin of one of them may reset
 * it only when it belongs to no other workspace, or they could take over the person's place there.
 * The newest link is the only live one: making a link revokes the member's earlier ones.
 */
export async function createResetLink(conn: Conn, ctx: Ctx, memberId: string): Promise<ResetLink> {
  const [m] = await conn
    .select()
    .from(members)
    .where(and(eq(members.workspaceId, ctx.workspaceId), eq(members.id, memberId)));
  if (!m) throw notFound('Member');
  if ((m.role === 'owner' || m.role === 'admin') && ctx.role !== 'owner')
    throw forbidden('Only an owner can reset the password of an owner or admin');
  if (ctx.actor.type !== 'member') throw forbidden('An API key cannot make password reset links');
  if (m.disabledAt) throw conflict('member_disabled', `${m.name} is disabled; enable them first`);
  await lockLogin(conn, m.identityId);
  if (await otherWorkspaces(conn, ctx.workspaceId, m.identityId)) throw sharedLogin(m.name);
  await revokeLiveLinks(conn, ctx, { memberId });
  const { token, hash } = newToken(ctx.workspaceId);
  const expiresAt = new Date(Date.now() + RESET_TTL_MS);
  await conn
    .insert(passwordResets)
    .values({ workspaceId: ctx.workspaceId, id: uuidv7(), memberId, kind: 'link', tokenHash: hash, createdBy: ctx.memberId, expiresAt });
  await conn
    .update(passwordResets)
    .set({ resolvedAt: sql`now()` })
    .where(
      and(
        eq(passwordResets.workspaceId, ctx.workspaceId),
        eq(passwordResets.memberId, memberId),
        eq(passwordResets.kind, 'request'),
        isNull(passwordResets.resolvedAt),
      ),
    );
  await recordChange(conn, ctx, 'member', memberId, 'update', [
    { field: 'passwordResetLink', old: null, new: { expiresAt: expiresAt.toISOString() } },
  ]);
  return { token, expiresAt: expiresAt.toISOString(), path: `/reset-password?token=${encodeURIComponent(token)}` };
}

/** Revokes the live reset links of one member (`memberId`), or those one admin made (`createdBy`). */
export async function revokeLiveLinks(conn: Conn, ctx: Ctx, of: { memberId: string } | { createdBy: string }) {
  await conn
    .update(passwordResets)
    .set({ revokedAt: sql`now()` })
    .where(
      and(
        eq(passwordResets.workspaceId, ctx.workspaceId),
        'memberId' in of ? eq(passwordResets.memberId, of.memberId) : eq(passwordResets.createdBy, of.createdBy),
        eq(passwordResets.kind, 'link'),
        isNull(passwordResets.usedAt),
        isNull(passwordResets.revokedAt),
      ),
    );
}

/** Revokes a link (it stops working at once) or dismisses a request. */
export async function revokeReset(conn: Conn, ctx: Ctx, id: string) {
  // The time comes from the app: Citus refuses now() inside CASE or COALESCE on a distributed table.
  const now = sql`${new Date().toISOString()}::timestamptz`;
  const [row] = await conn
    .update(passwordResets)
    .set({
      revokedAt: sql`case when ${passwordResets.kind} = 'link' then coalesce(${passwordResets.revokedAt}, ${now}) end`,
      resolvedAt: sql`case when ${passwordResets.kind} = 'request' then coalesce(${passwordResets.resolvedAt}, ${now}) end`,
    })
    .where(and(eq(passwordResets.workspaceId, ctx.workspaceId), eq(passwordResets.id, id)))
    .returning();
  if (!row) throw notFound('Password reset');
  await recordChange(conn, ctx, 'member', row.memberId, 'update', [
    { field: row.kind === 'link' ? 'passwordResetLink' : 'passwordResetRequest', old: null, new: { revoked: true } },
  ]);
}

/**
 * Sets a new password with a reset link; the link is spent and every session of that login ends.
 * A link works only as long as everything that allowed making it still holds: its maker is an
 * active admin (owner for owners and admins), the member is active, and the login still belongs
 * to that workspace alone.
 */
export async function resetPassword(db: Db, config: Config, input: ResetPassword, meta: ClientMeta) {
  const gone = () => new AppError(404, 'reset_not_found', 'This reset link is not valid, was used already, has expired or was revoked');
  const parsed = parseToken(input.token);
  if (!parsed) throw gone();
  const [link] = await db
    .select({
      reset: passwordResets,
      identityId: members.identityId,
      email: members.email,
      name: members.name,
      role: members.role,
      disabledAt: members.disabledAt,
      creatorRole: creators.role,
      creatorDisabledAt: creators.disabledAt,
    })
    .from(passwordResets)
    .innerJoin(members, and(eq(members.workspaceId, passwordResets.workspaceId), eq(members.id, passwordResets.memberId)))
    .leftJoin(creators, and(eq(creators.workspaceId, passwordResets.workspaceId), eq(creators.id, passwordResets.createdBy)))
    .where(
      and(eq(passwordResets.workspaceId, parsed.workspaceId), eq(passwordResets.tokenHash, parsed.hash), eq(passwordResets.kind, 'link')),
    );
  const live = (l: typeof link | undefined): l is typeof link =>
    Boolean(l && !l.reset.usedAt && !l.reset.revokedAt && l.reset.expiresAt && l.reset.expiresAt.getTime() > Date.now()) &&
    !l?.disabledAt &&
    mayStillInvite(l?.creatorRole ?? '', l?.creatorDisabledAt ?? null, l?.role ?? 'owner');
  if (!live(link)) throw gone();
  const why = passwordProblem(input.password, link.email);
  if (why) throw invalid([{ field: 'body.password', code: 'weak_password', message: `Password ${why}` }]);
  const passwordHash = await hashPassword(input.password, config.scryptLogN);
  await db.transaction(async (tx) => {
    // Claim the link first: of two concurrent uses only one updates the row.
    const claimed = await tx
      .update(passwordResets)
      .set({ usedAt: sql`now()` })
      .where(
        and(
          eq(passwordResets.workspaceId, parsed.workspaceId),
          eq(passwordResets.id, link.reset.id),
          isNull(passwordResets.usedAt),
          isNull(passwordResets.revokedAt),
          gt(passwordResets.expiresAt, sql`now()`),
        ),
      )
      .returning({ id: passwordResets.id });
    if (!claimed.length) throw gone();
    // The login is locked, so it cannot join another workspace between this check and the write.
    await lockLogin(tx, link.identityId);
    if (await otherWorkspaces(tx, parsed.workspaceId, link.identityId)) throw sharedLogin(link.name);
    await tx.update(identities).set({ passwordHash }).where(eq(identities.id, link.identityId));
    await tx.delete(sessions).where(and(eq(sessions.workspaceId, parsed.workspaceId), eq(sessions.memberId, link.reset.memberId)));
    await logAttempt(tx, link.email, link.identityId, meta, 'success', 'password_reset');
  });
}

/**
 * A signed-in person changes their own password, giving the current one (checked under the
 * sign-in lockout). Every other session of the login, in every workspace, ends.
 */
export async function changeMyPassword(db: Db, config: Config, ctx: Ctx, input: ChangePassword, meta: ClientMeta, sessionId: string) {
  const [{ login }] = await db
    .select({ login: identities })
    .from(members)
    .innerJoin(identities, eq(identities.id, members.identityId))
    .where(and(eq(members.workspaceId, ctx.workspaceId), eq(members.id, ctx.memberId)));
  const me = { identityId: login.id, email: login.email };
  const why = passwordProblem(input.newPassword, me.email);
  if (why) throw invalid([{ field: 'body.newPassword', code: 'weak_password', message: `Password ${why}` }]);
  // The password must open this very login, not another login of the same address.
  const match = await matchLogin(db, config, me.email, input.currentPassword, meta, 'password_change', { only: login });
  if (match.retryAfterSeconds) throw tooManyAttempts(match.retryAfterSeconds);
  if (!match.identity) throw invalid([{ field: 'body.currentPassword', code: 'wrong_password', message: 'is not your current password' }]);
  const passwordHash = await hashPassword(input.newPassword, config.scryptLogN);
  await db.transaction(async (tx) => {
    await lockLogin(tx, me.identityId);
    await tx.update(identities).set({ passwordHash }).where(eq(identities.id, me.identityId));
    // Every workspace of the login: across workspaces by nature (on Citus, every shard).
    const all = await acrossWorkspaces(tx, (t) =>
      t.select({ workspaceId: members.workspaceId, id: members.id }).from(members).where(eq(members.identityId, me.identityId)),
    );
    for (const m of all) {
      await tx
        .delete(sessions)
        .where(
          and(
            eq(sessions.workspaceId, m.workspaceId),
            eq(sessions.memberId, m.id),
            m.workspaceId === ctx.workspaceId ? ne(sessions.id, sessionId) : undefined,
          ),
        );
    }
    await logAttempt(tx, me.email, me.identityId, meta, 'success', 'password_change');
  });
}
