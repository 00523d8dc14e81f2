import { and, desc, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { ResetLink, ResetPassword } from '../../../contract/auth.ts';
import type { Config } from '../../config.ts';
import type { Conn, Db } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { AppError, forbidden, invalid, notFound } from '../../http/errors.ts';
import { recordChange } from '../history/history.service.ts';
import type { ClientMeta } from './auth.service.ts';
import { identities, loginEvents, members, passwordResets, sessions } from './auth.table.ts';
import { hashPassword, passwordProblem } from './passwords.ts';
import { newToken, parseToken } from './tokens.ts';

export const RESET_TTL_MS = 24 * 60 * 60 * 1000;

const log = (conn: Conn, email: string, identityId: string | null, meta: ClientMeta, result: string) =>
  conn.insert(loginEvents).values({
    id: uuidv7(),
    identityId,
    email: email.slice(0, 254),
    ip: meta.ip,
    userAgent: meta.userAgent?.slice(0, 500) ?? null,
    method: 'password_reset',
    result,
  });

/**
 * "I forgot my password": the admins of each workspace the person belongs to see the request.
 * The answer is the same whether the email has a login or not, so it reveals nothing.
 */
export async function requestReset(db: Db, email: string, meta: ClientMeta) {
  const [identity] = await db.select().from(identities).where(sql`lower(${identities.email}) = lower(${email})`);
  if (!identity) return log(db, email, null, meta, 'unknown_email');
  const memberships = await db
    .select()
    .from(members)
    .where(and(eq(members.identityId, identity.id), isNull(members.disabledAt)));
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
    await log(tx, email, identity.id, meta, 'requested');
  });
}

export async function listResetRequests(conn: Conn, ctx: Ctx) {
  const rows = await conn
    .select({
      id: passwordResets.id,
      memberId: members.id,
      memberName: members.name,
      memberEmail: members.email,
      requestedAt: passwordResets.createdAt,
    })
    .from(passwordResets)
    .innerJoin(members, and(eq(members.workspaceId, passwordResets.workspaceId), eq(members.id, passwordResets.memberId)))
    .where(and(eq(passwordResets.workspaceId, ctx.workspaceId), eq(passwordResets.kind, 'request'), isNull(passwordResets.resolvedAt)))
    .orderBy(desc(passwordResets.createdAt));
  return rows.map((r) => ({ ...r, requestedAt: r.requestedAt.toISOString() }));
}

/** An admin makes a single-use link for a member (an owner's or admin's only by an owner). */
export async function createResetLink(conn: Conn, ctx: Ctx, memberId: string): Promise<ResetLink> {
  const [m] = await conn
    .select()
    .from(members)
    .where(and(eq(members.workspaceId, ctx.workspaceId), eq(members.id, memberId)));
  if (!m) throw notFound('Member');
  if ((m.role === 'owner' || m.role === 'admin') && ctx.role !== 'owner')
    throw forbidden('Only an owner can reset the password of an owner or admin');
  if (ctx.actor.type !== 'member') throw forbidden('An API key cannot make password reset links');
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

/** Sets a new password with a reset link; the link is spent and every session of that login ends. */
export async function resetPassword(db: Db, config: Config, input: ResetPassword, meta: ClientMeta) {
  const gone = () => new AppError(404, 'reset_not_found', 'This reset link is not valid, was used already, or has expired');
  const parsed = parseToken(input.token);
  if (!parsed) throw gone();
  const [link] = await db
    .select({ reset: passwordResets, identityId: members.identityId, email: members.email })
    .from(passwordResets)
    .innerJoin(members, and(eq(members.workspaceId, passwordResets.workspaceId), eq(members.id, passwordResets.memberId)))
    .where(
      and(eq(passwordResets.workspaceId, parsed.workspaceId), eq(passwordResets.tokenHash, parsed.hash), eq(passwordResets.kind, 'link')),
    );
  if (!link || link.reset.usedAt || !link.reset.expiresAt || link.reset.expiresAt.getTime() < Date.now()) throw gone();
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
          gt(passwordResets.expiresAt, sql`now()`),
        ),
      )
      .returning({ id: passwordResets.id });
    if (!claimed.length) throw gone();
    await tx.update(identities).set({ passwordHash, failedLogins: 0, lastFailedAt: null }).where(eq(identities.id, link.identityId));
    const all = await tx
      .select({ workspaceId: members.workspaceId, id: members.id })
      .from(members)
      .where(eq(members.identityId, link.identityId));
    for (const m of all) await tx.delete(sessions).where(and(eq(sessions.workspaceId, m.workspaceId), inArray(sessions.memberId, [m.id])));
    await log(tx, link.email, link.identityId, meta, 'success');
  });
}
