import { and, asc, eq, gt, isNull, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { AcceptInvitation, InvitationDetails, Member, SessionInfo, SignIn, SignUp } from '../../../contract/auth.ts';
import type { Config } from '../../config.ts';
import { acrossWorkspaces } from '../../db/citus.ts';
import { type Conn, type Db, statementName } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { AppError, conflict, invalid } from '../../http/errors.ts';
import { isCountry } from '../../records/phones.ts';
import { recordChange } from '../history/history.service.ts';
import { createDefaultPipeline } from '../pipelines/pipelines.service.ts';
import { createWorkspace, getWorkspace, workspaceNames } from '../workspaces/workspaces.service.ts';
import { identities, invitations, members, sessions } from './auth.table.ts';
import { createChallenge } from './challenges.ts';
import { type ClientMeta, cliMeta, logAttempt, matchLogin, tooManyAttempts } from './logins.ts';
import { hashPassword, needsRehash, passwordProblem } from './passwords.ts';
import { refuseIfSsoOnly } from './sso-policy.ts';
import { newToken, parseToken } from './tokens.ts';
import { hasTwoFactor, requiresTwoFactor } from './two-factor.service.ts';

export const SESSION_IDLE_MS = 30 * 60 * 1000;
export const SESSION_ABSOLUTE_MS = 8 * 60 * 60 * 1000;

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

function checkPassword(password: string, email: string) {
  const why = passwordProblem(password, email);
  if (why) throw invalid([{ field: 'body.password', code: 'weak_password', message: `Password ${why}` }]);
}

export function isTimeZone(zone: string) {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** A new member's language and zone, as their browser reported them; what is not known is left to the defaults. */
const browserSettings = (input: { locale?: string; timeZone?: string }) => ({
  ...(input.locale ? { locale: input.locale } : {}),
  ...(input.timeZone && isTimeZone(input.timeZone) ? { timeZone: input.timeZone } : {}),
});

/** The country of a browser's locale ("de-AT" → AT), which a new workspace reads national phone numbers in. */
function countryOf(locale: string | undefined) {
  try {
    const region = locale ? new Intl.Locale(locale).region : undefined;
    return region && isCountry(region) ? region : null;
  } catch {
    return null;
  }
}

/**
 * Sign-up creates a workspace with its owner and a default sales pipeline. A password that opens a
 * login of this email adds the new workspace to that login (one person, one password); any other
 * password makes a login of its own. The answer is the same either way: sign-up never tells
 * whether an email has a login, and tries a password only under the sign-in lockout.
 */
export async function signUp(db: Db, config: Config, input: SignUp, meta?: ClientMeta) {
  checkPassword(input.password, input.email);
  const found = await matchLogin(db, config, input.email, input.password, meta ?? cliMeta, 'signup', { logMiss: false });
  const existing = found.identity;
  const passwordHash = existing ? null : await hashPassword(input.password, config.scryptLogN);
  return db.transaction(async (tx) => {
    const identityId = existing?.id ?? uuidv7();
    if (!existing)
      await tx.insert(identities).values({ id: identityId, email: input.email.toLowerCase(), passwordHash: passwordHash as string });
    const workspaceId = uuidv7();
    await createWorkspace(tx, { id: workspaceId, name: input.workspaceName, country: countryOf(input.locale) });
    const memberId = uuidv7();
    const member = { workspaceId, id: memberId, identityId, name: input.name, email: input.email.toLowerCase(), role: 'owner' as const };
    await tx.insert(members).values({ ...member, ...browserSettings(input) });
    const ctx: Ctx = { workspaceId, memberId, actor: { type: 'member', id: memberId }, role: 'owner', requestId: null };
    await recordChange(tx, ctx, 'member', memberId, 'create', [
      { field: null, old: null, new: { name: member.name, email: member.email, role: 'owner' } },
    ]);
    await createDefaultPipeline(tx, ctx, input.locale);
    // The new owner is signed in by the same transaction: no workspace without its session, or the reverse.
    const session = meta ? await createSession(tx, workspaceId, memberId, meta) : null;
    await logAttempt(tx, input.email, identityId, meta ?? cliMeta, 'success', 'signup');
    return { workspaceId, memberId, session };
  });
}

const wrongCredentials = () => new AppError(401, 'wrong_credentials', 'Email or password is wrong');

export async function signIn(db: Db, config: Config, input: SignIn, meta: ClientMeta) {
  const found = await matchLogin(db, config, input.email, input.password, meta, 'password');
  if (found.retryAfterSeconds) throw tooManyAttempts(found.retryAfterSeconds);
  const identity = found.identity;
  if (!identity) throw wrongCredentials();
  // Which workspaces the login belongs to: a cross-workspace query by nature (on Citus, every shard).
  const memberships = await acrossWorkspaces(db, (tx) =>
    tx
      .select()
      .from(members)
      .where(and(eq(members.identityId, identity.id), isNull(members.disabledAt)))
      .orderBy(asc(members.createdAt)),
  );
  const member = input.workspaceId ? memberships.find((m) => m.workspaceId === input.workspaceId) : memberships[0];
  if (!member) {
    await logAttempt(db, input.email, identity.id, meta, 'no_workspace', 'password');
    throw new AppError(403, 'no_workspace', 'This login has no active membership in that workspace');
  }
  await refuseIfSsoOnly(db, member);
  const rehash = needsRehash(identity.passwordHash, config.scryptLogN) ? await hashPassword(input.password, config.scryptLogN) : null;
  if (rehash) await db.update(identities).set({ passwordHash: rehash }).where(eq(identities.id, identity.id));
  await secondFactorGate(db, input.email, identity.id, member, meta);
  return db.transaction(async (tx) => {
    await logAttempt(tx, input.email, identity.id, meta, 'success', 'password');
    return createSession(tx, member.workspaceId, member.id, meta);
  });
}

/**
 * A right password is not yet a session when the member has two-factor on (a code is due) or the
 * workspace requires it and they have none (they enrol first). The answer is a 401 problem with a
 * short-lived `challenge` that the next step (POST /auth/two-factor, /auth/two-factor/enrol) takes.
 */
async function secondFactorGate(db: Db, email: string, identityId: string, member: { workspaceId: string; id: string }, meta: ClientMeta) {
  const who = { workspaceId: member.workspaceId, memberId: member.id };
  const enrolled = await hasTwoFactor(db, who);
  if (!enrolled && !(await requiresTwoFactor(db, member.workspaceId))) return;
  const kind = enrolled ? 'two_factor' : 'enrol';
  const challenge = await createChallenge(db, { workspaceId: member.workspaceId, kind, memberId: member.id, ip: meta.ip });
  await logAttempt(db, email, identityId, meta, enrolled ? 'second_factor_due' : 'enrolment_due', 'password');
  throw enrolled
    ? new AppError(401, 'two_factor_required', 'Enter the code from your authenticator app', [], { challenge })
    : new AppError(401, 'two_factor_enrolment_required', 'This workspace requires two-factor sign-in: set it up to continue', [], {
        challenge,
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
    .prepare(statementName(db, 'rapport_resolve_session'));
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
  const [member] = await conn
    .select()
    .from(members)
    .where(and(eq(members.workspaceId, ctx.workspaceId), eq(members.id, ctx.memberId)));
  // The workspaces one can switch to: a cross-workspace query by nature (on Citus, every shard).
  const memberships = await acrossWorkspaces(conn, (tx) =>
    tx
      .select({ id: members.workspaceId, role: members.role })
      .from(members)
      .where(and(eq(members.identityId, member.identityId), isNull(members.disabledAt)))
      .orderBy(asc(members.createdAt)),
  );
  // An API key belongs to one workspace: it does not learn which others its creator belongs to.
  const visible = ctx.actor.type === 'member' ? memberships : memberships.filter((w) => w.id === ctx.workspaceId);
  const names = await workspaceNames(
    conn,
    visible.map((w) => w.id),
  );
  return {
    member: toMember(member),
    workspace: await getWorkspace(conn, ctx),
    csrfToken,
    workspaces: visible.map((w) => ({ id: w.id, name: names.get(w.id) ?? '', role: w.role })),
    // So that the web app leaves out what the server would refuse or never send.
    fieldRules: Object.fromEntries(
      Object.entries(ctx.access?.rights ?? {})
        .filter(([, r]) => r.fields && Object.keys(r.fields).length)
        .map(([type, r]) => [type, r.fields ?? {}]),
    ),
  };
}

export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/** One answer for every invitation that cannot be used, so that a link's holder learns nothing of why. */
const badToken = () => new AppError(404, 'invitation_not_found', 'This invitation link is not valid, was used already, or has expired');

/**
 * The invitation a token opens, with its workspace's and inviter's names, while it can still be
 * accepted: not used, revoked or expired, and its inviter still may invite to its role. Looked up
 * by (workspace, SHA-256 of the token): the token itself is never stored.
 */
async function liveInvitation(db: Db, token: string) {
  const parsed = parseToken(token);
  if (!parsed) throw badToken();
  const [found] = await db
    .select({
      inv: invitations,
      inviterName: members.name,
      inviterRole: members.role,
      inviterDisabledAt: members.disabledAt,
    })
    .from(invitations)
    .innerJoin(members, and(eq(members.workspaceId, invitations.workspaceId), eq(members.id, invitations.invitedBy)))
    .where(and(eq(invitations.workspaceId, parsed.workspaceId), eq(invitations.tokenHash, parsed.hash)));
  const inv = found?.inv;
  if (!inv || inv.acceptedAt || inv.revokedAt || inv.expiresAt.getTime() < Date.now()) throw badToken();
  if (!mayStillInvite(found.inviterRole, found.inviterDisabledAt, inv.role)) throw badToken();
  const workspaceName = (await workspaceNames(db, [inv.workspaceId])).get(inv.workspaceId) ?? '';
  return { ...found, workspaceName, inv };
}

/**
 * What the invitation page shows before its holder signs in: the workspace, who invited them and
 * as what. Not the invited email, ids or dates: the link may have been forwarded.
 */
export async function describeInvitation(db: Db, token: string): Promise<InvitationDetails> {
  const found = await liveInvitation(db, token);
  return { workspaceName: found.workspaceName, inviterName: found.inviterName, role: found.inv.role };
}

/**
 * Accepting an invitation joins the workspace. A password that opens a login of the invited email
 * joins with that login; any other makes a new login for this workspace, so that a login someone
 * else created for the address (before its owner was invited) cannot block the invitation.
 * An invitation works only while the member who made it may still invite to its role.
 */
export async function acceptInvitation(db: Db, config: Config, input: AcceptInvitation, meta: ClientMeta) {
  const { inv } = await liveInvitation(db, input.token);
  // An SSO-only workspace is joined through its provider: an invitation may not open a password way in.
  await refuseIfSsoOnly(db, { workspaceId: inv.workspaceId, id: '', role: inv.role });
  const match = await matchLogin(db, config, inv.email, input.password, meta, 'invitation');
  if (match.retryAfterSeconds) throw tooManyAttempts(match.retryAfterSeconds);
  const existing = match.identity;
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
    if (existing) {
      // Serialises with a password reset of this login: a reset link is only good for a login that
      // belongs to one workspace alone, and this may be about to make it belong to two.
      await lockLogin(tx, identityId);
      const [already] = await tx
        .select({ id: members.id })
        .from(members)
        .where(and(eq(members.workspaceId, inv.workspaceId), eq(members.identityId, identityId)));
      if (already) throw conflict('already_member', 'You are already a member of this workspace');
    } else {
      await tx.insert(identities).values({ id: identityId, email: inv.email, passwordHash: passwordHash as string });
    }
    const memberId = uuidv7();
    await tx.insert(members).values({
      workspaceId: inv.workspaceId,
      id: memberId,
      identityId,
      name: input.name,
      email: inv.email,
      role: inv.role,
      ...browserSettings(input),
    });
    await tx
      .update(invitations)
      .set({ acceptedBy: memberId })
      .where(and(eq(invitations.workspaceId, inv.workspaceId), eq(invitations.id, inv.id)));
    await logAttempt(tx, inv.email, identityId, meta, 'success', 'invitation');
    return createSession(tx, inv.workspaceId, memberId, meta);
  });
}

/** Whether a member may (still) invite to, or reset the password of, someone of `role`: active, admin or owner, and owner for admins and owners. */
export function mayStillInvite(role: string, disabledAt: Date | null, targetRole: string) {
  if (disabledAt || (role !== 'owner' && role !== 'admin')) return false;
  return role === 'owner' || (targetRole !== 'owner' && targetRole !== 'admin');
}

/** Locks a login's row until the transaction ends: changes of its password and of its workspaces take turns. */
export async function lockLogin(conn: Conn, identityId: string) {
  await conn.select({ id: identities.id }).from(identities).where(eq(identities.id, identityId)).for('update');
}
