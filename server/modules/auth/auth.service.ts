import { and, asc, eq, gt, isNull, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { AcceptInvitation, Member, SessionInfo, SignIn, SignUp, Workspace } from '../../../contract/auth.ts';
import type { Config } from '../../config.ts';
import type { Conn, Db } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { AppError, conflict, invalid } from '../../http/errors.ts';
import { recordChange } from '../history/history.service.ts';
import { createDefaultPipeline } from '../pipelines/pipelines.service.ts';
import { workspaces } from '../workspaces/workspaces.table.ts';
import { identities, invitations, loginEvents, members, sessions } from './auth.table.ts';
import { dummyHash, hashPassword, needsRehash, passwordProblem, verifyPassword } from './passwords.ts';
import { newToken, parseToken } from './tokens.ts';

export const SESSION_IDLE_MS = 30 * 60 * 1000;
export const SESSION_ABSOLUTE_MS = 8 * 60 * 60 * 1000;

export interface ClientMeta {
  ip: string;
  userAgent: string | null;
}

export const toMember = (m: typeof members.$inferSelect): Member => ({
  id: m.id,
  name: m.name,
  email: m.email,
  role: m.role,
  locale: m.locale,
  timeZone: m.timeZone,
  createdAt: m.createdAt.toISOString(),
  disabledAt: m.disabledAt?.toISOString() ?? null,
});

export const toWorkspace = (w: typeof workspaces.$inferSelect): Workspace => ({
  id: w.id,
  name: w.name,
  currency: w.currency,
  version: w.version,
  createdAt: w.createdAt.toISOString(),
});

function checkPassword(password: string, email: string) {
  const why = passwordProblem(password, email);
  if (why) throw invalid([{ field: 'body.password', code: 'weak_password', message: `Password ${why}` }]);
}

const findIdentity = async (conn: Conn, email: string) =>
  (await conn.select().from(identities).where(sql`lower(${identities.email}) = lower(${email})`))[0];

/**
 * Sign-up creates a workspace with its owner and a default sales pipeline. Someone who already
 * has a login may create another workspace by giving the same password.
 */
export async function signUp(db: Db, config: Config, input: SignUp, meta?: ClientMeta) {
  checkPassword(input.password, input.email);
  // An existing login is never checked here: answering "wrong password" would make sign-up a way
  // to guess passwords without the lockout. Joining another workspace goes through an invitation.
  if (await findIdentity(db, input.email)) {
    throw conflict('email_taken', 'This email already has a Rapport login; sign in, or ask for an invitation to another workspace');
  }
  const passwordHash = await hashPassword(input.password, config.scryptLogN);
  return db.transaction(async (tx) => {
    const identityId = uuidv7();
    await tx.insert(identities).values({ id: identityId, email: input.email.toLowerCase(), passwordHash });
    const workspaceId = uuidv7();
    await tx.insert(workspaces).values({ id: workspaceId, name: input.workspaceName });
    const memberId = uuidv7();
    const member = { workspaceId, id: memberId, identityId, name: input.name, email: input.email.toLowerCase(), role: 'owner' as const };
    await tx.insert(members).values(member);
    const ctx: Ctx = { workspaceId, memberId, actor: { type: 'member', id: memberId }, role: 'owner', requestId: null };
    await recordChange(tx, ctx, 'member', memberId, 'create', [
      { field: null, old: null, new: { name: member.name, email: member.email, role: 'owner' } },
    ]);
    await createDefaultPipeline(tx, ctx);
    // The new owner is signed in by the same transaction: no workspace without its session, or the reverse.
    const session = meta ? await createSession(tx, workspaceId, memberId, meta) : null;
    if (meta) await logAttempt(tx, input.email, identityId, meta, 'success', 'signup');
    return { workspaceId, memberId, session };
  });
}

async function logAttempt(conn: Conn, email: string, identityId: string | null, meta: ClientMeta, result: string, method = 'password') {
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

/** After 5 failures each further one doubles the wait, up to 15 minutes; the account is never locked for good. */
export const lockoutDelayMs = (failures: number) => (failures < 5 ? 0 : Math.min(2 ** (failures - 5) * 1000, 15 * 60 * 1000));

const wrongCredentials = () => new AppError(401, 'wrong_credentials', 'Email or password is wrong');

/**
 * Checks a password against a login with the lockout rules, counting failures and writing the
 * login history. Every path that checks an existing login's password goes through here.
 */
async function verifyLogin(db: Db, config: Config, email: string, password: string, meta: ClientMeta, method: string) {
  const identity = await findIdentity(db, email);
  if (!identity) {
    // Same work and same answer as a wrong password, so that sign-in does not reveal who has a login.
    await verifyPassword(password, await dummyHash(config.scryptLogN));
    await logAttempt(db, email, null, meta, 'unknown_email', method);
    throw wrongCredentials();
  }
  // Each attempt is counted as a failure before the password is hashed, atomically: of a burst of
  // parallel guesses only those the lockout allows get through, not all that read the count at once.
  const [claimed] = await db
    .update(identities)
    .set({ failedLogins: sql`${identities.failedLogins} + 1`, lastFailedAt: sql`now()` })
    .where(
      and(
        eq(identities.id, identity.id),
        sql`not (${identities.failedLogins} >= 5 and ${identities.lastFailedAt} > now() - least(power(2, ${identities.failedLogins} - 5) * interval '1 second', interval '15 minutes'))`,
      ),
    )
    .returning({ failedLogins: identities.failedLogins });
  if (!claimed) {
    const wait = lockoutDelayMs(identity.failedLogins);
    const since = identity.lastFailedAt ? Date.now() - identity.lastFailedAt.getTime() : 0;
    await logAttempt(db, email, identity.id, meta, 'throttled', method);
    throw new AppError(429, 'too_many_attempts', 'Too many wrong passwords; wait a little and try again', [], {
      retryAfterSeconds: Math.max(1, Math.ceil((wait - since) / 1000)),
    });
  }
  if (!(await verifyPassword(password, identity.passwordHash))) {
    await logAttempt(db, email, identity.id, meta, 'wrong_password', method);
    throw wrongCredentials();
  }
  await db.update(identities).set({ failedLogins: 0, lastFailedAt: null }).where(eq(identities.id, identity.id));
  return identity;
}

export async function signIn(db: Db, config: Config, input: SignIn, meta: ClientMeta) {
  const identity = await verifyLogin(db, config, input.email, input.password, meta, 'password');
  const memberships = await db
    .select()
    .from(members)
    .where(and(eq(members.identityId, identity.id), isNull(members.disabledAt)))
    .orderBy(asc(members.createdAt));
  const member = input.workspaceId ? memberships.find((m) => m.workspaceId === input.workspaceId) : memberships[0];
  if (!member) {
    await logAttempt(db, input.email, identity.id, meta, 'no_workspace');
    throw new AppError(403, 'no_workspace', 'This login has no active membership in that workspace');
  }
  const rehash = needsRehash(identity.passwordHash, config.scryptLogN) ? await hashPassword(input.password, config.scryptLogN) : null;
  return db.transaction(async (tx) => {
    await tx
      .update(identities)
      .set({ failedLogins: 0, lastFailedAt: null, ...(rehash ? { passwordHash: rehash } : {}) })
      .where(eq(identities.id, identity.id));
    await logAttempt(tx, input.email, identity.id, meta, 'success');
    return createSession(tx, member.workspaceId, member.id, meta);
  });
}

/** A fresh session id at every sign-in (ASVS 7.2.4); only its hash is stored. */
export async function createSession(conn: Conn, workspaceId: string, memberId: string, meta: ClientMeta) {
  const { token, hash } = newToken(workspaceId);
  const csrfToken = newToken(workspaceId).token.split('.')[1];
  await conn.insert(sessions).values({
    workspaceId,
    id: uuidv7(),
    tokenHash: hash,
    memberId,
    csrfToken,
    ip: meta.ip,
    userAgent: meta.userAgent?.slice(0, 500) ?? null,
    expiresAt: new Date(Date.now() + SESSION_ABSOLUTE_MS),
  });
  return { token, csrfToken, workspaceId, memberId };
}

/** Finds the live session of a cookie token, sliding its idle window; null when absent, expired or disabled. */
/**
 * The session lookup runs on every request, so it is prepared once per database (no query
 * building, a server-side prepared statement on PostgreSQL) and reads only what it needs; the
 * idle time comes from the database clock, the one every app process shares.
 */
const sessionLookups = new WeakMap<Db, ReturnType<typeof prepareSessionLookup>>();
function prepareSessionLookup(db: Db) {
  return db
    .select({
      id: sessions.id,
      csrfToken: sessions.csrfToken,
      memberId: members.id,
      workspaceId: members.workspaceId,
      role: members.role,
      disabled: sql<boolean>`${members.disabledAt} is not null`,
      idleMs: sql<number>`(extract(epoch from now() - ${sessions.lastSeenAt}) * 1000)::float8`,
    })
    .from(sessions)
    .innerJoin(members, and(eq(members.workspaceId, sessions.workspaceId), eq(members.id, sessions.memberId)))
    .where(
      and(
        eq(sessions.workspaceId, sql.placeholder('workspaceId')),
        eq(sessions.tokenHash, sql.placeholder('hash')),
        gt(sessions.expiresAt, sql`now()`),
      ),
    )
    .prepare('rapport_resolve_session');
}

/** Finds the live session of a cookie token, sliding its idle window; null when absent, expired or disabled. */
export async function resolveSession(db: Db, token: string | undefined) {
  const parsed = parseToken(token);
  if (!parsed) return null;
  let lookup = sessionLookups.get(db);
  if (!lookup) {
    lookup = prepareSessionLookup(db);
    sessionLookups.set(db, lookup);
  }
  const [row] = await lookup.execute({ workspaceId: parsed.workspaceId, hash: parsed.hash });
  if (!row || row.disabled) return null;
  const where = and(eq(sessions.workspaceId, parsed.workspaceId), eq(sessions.id, row.id));
  if (Number(row.idleMs) > SESSION_IDLE_MS) {
    await db.delete(sessions).where(where);
    return null;
  }
  // Touch at most once a minute: a write per request would cost more than it tells.
  if (Number(row.idleMs) > 60_000) await db.update(sessions).set({ lastSeenAt: sql`now()` }).where(where);
  return {
    session: { id: row.id, csrfToken: row.csrfToken },
    member: { id: row.memberId, workspaceId: row.workspaceId, role: row.role },
  };
}

export async function signOut(conn: Conn, token: string | undefined) {
  const parsed = parseToken(token);
  if (!parsed) return;
  await conn.delete(sessions).where(and(eq(sessions.workspaceId, parsed.workspaceId), eq(sessions.tokenHash, parsed.hash)));
}

export async function sessionInfo(conn: Conn, ctx: Ctx, csrfToken: string): Promise<SessionInfo> {
  const [row] = await conn
    .select({ member: members, workspace: workspaces })
    .from(members)
    .innerJoin(workspaces, eq(workspaces.id, members.workspaceId))
    .where(and(eq(members.workspaceId, ctx.workspaceId), eq(members.id, ctx.memberId)));
  const all = await conn
    .select({ id: workspaces.id, name: workspaces.name, role: members.role })
    .from(members)
    .innerJoin(workspaces, eq(workspaces.id, members.workspaceId))
    .where(and(eq(members.identityId, row.member.identityId), isNull(members.disabledAt)))
    .orderBy(asc(members.createdAt));
  // An API key belongs to one workspace: it does not learn which others its creator belongs to.
  const visible = ctx.actor.type === 'member' ? all : all.filter((w) => w.id === ctx.workspaceId);
  return { member: toMember(row.member), workspace: toWorkspace(row.workspace), csrfToken, workspaces: visible };
}

export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/** Accepting an invitation joins the workspace; an existing login must give its own password. */
export async function acceptInvitation(db: Db, config: Config, input: AcceptInvitation, meta: ClientMeta) {
  const parsed = parseToken(input.token);
  const badToken = () => new AppError(404, 'invitation_not_found', 'This invitation link is not valid, was used already, or has expired');
  if (!parsed) throw badToken();
  const [inv] = await db
    .select()
    .from(invitations)
    .where(and(eq(invitations.workspaceId, parsed.workspaceId), eq(invitations.tokenHash, parsed.hash)));
  if (!inv || inv.acceptedAt || inv.revokedAt || inv.expiresAt.getTime() < Date.now()) throw badToken();
  const known = await findIdentity(db, inv.email);
  const existing = known ? await verifyLogin(db, config, inv.email, input.password, meta, 'invitation') : undefined;
  if (!existing) checkPassword(input.password, inv.email);
  const passwordHash = existing ? null : await hashPassword(input.password, config.scryptLogN);
  return db.transaction(async (tx) => {
    // Claim the invitation first: of two concurrent accepts only one updates the row.
    const claimed = await tx
      .update(invitations)
      .set({ acceptedAt: sql`now()` })
      .where(and(eq(invitations.workspaceId, inv.workspaceId), eq(invitations.id, inv.id), isNull(invitations.acceptedAt)))
      .returning({ id: invitations.id });
    if (!claimed.length) throw badToken();
    const identityId = existing?.id ?? uuidv7();
    if (!existing) await tx.insert(identities).values({ id: identityId, email: inv.email, passwordHash: passwordHash as string });
    const [already] = await tx
      .select()
      .from(members)
      .where(and(eq(members.workspaceId, inv.workspaceId), eq(members.identityId, identityId)));
    if (already) throw conflict('already_member', 'You are already a member of this workspace');
    const memberId = uuidv7();
    await tx
      .insert(members)
      .values({ workspaceId: inv.workspaceId, id: memberId, identityId, name: input.name, email: inv.email, role: inv.role });
    await tx
      .update(invitations)
      .set({ acceptedBy: memberId })
      .where(and(eq(invitations.workspaceId, inv.workspaceId), eq(invitations.id, inv.id)));
    return createSession(tx, inv.workspaceId, memberId, meta);
  });
}
