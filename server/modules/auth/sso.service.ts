import { and, eq, ne, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { SsoConfig, SsoConfigInput } from '../../../contract/sso.ts';
import type { Config } from '../../config.ts';
import { acrossWorkspaces } from '../../db/citus.ts';
import type { Conn, Db } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { AppError, conflict, invalid } from '../../http/errors.ts';
import { decryptSecret, encryptSecret, keyring } from '../../security/keyring.ts';
import { recordChange } from '../history/history.service.ts';
import { createSession } from './auth.service.ts';
import { identities, members } from './auth.table.ts';
import { createChallenge, endChallenge, takeChallenge } from './challenges.ts';
import { type ClientMeta, logAttempt } from './logins.ts';
import { authorizationUrl, discover, exchange, isClientError, newNonce, newVerifier, OutboundError } from './oidc.ts';
import { ssoConfigs, ssoLinks } from './sso.table.ts';

export const ssoSecretAad = (workspaceId: string) => `sso:${workspaceId}`;
export const callbackPath = '/api/v1/auth/sso/callback';
export const redirectUri = (config: Config) => `${config.baseUrl.replace(/\/$/, '')}${callbackPath}`;
/** A login made by single sign-on has no password: this never verifies (verifyPassword wants a scrypt hash). */
export const NO_PASSWORD = '!sso';

type ConfigRow = typeof ssoConfigs.$inferSelect;

const toView = (r: ConfigRow, config: Config): SsoConfig => ({
  issuer: r.issuer,
  clientId: r.clientId,
  hasClientSecret: Boolean(r.clientSecret),
  emailDomain: r.emailDomain,
  defaultRole: r.defaultRole,
  groupsClaim: r.groupsClaim,
  groupRoles: r.groupRoles,
  ssoOnly: r.ssoOnly,
  redirectUri: redirectUri(config),
  updatedAt: r.updatedAt.toISOString(),
});

async function configRow(conn: Conn, workspaceId: string) {
  const [row] = await conn.select().from(ssoConfigs).where(eq(ssoConfigs.workspaceId, workspaceId));
  return row ?? null;
}

export async function getSsoConfig(conn: Conn, ctx: Pick<Ctx, 'workspaceId'>, config: Config) {
  const row = await configRow(conn, ctx.workspaceId);
  return { config: row ? toView(row, config) : null, redirectUri: redirectUri(config) };
}

/** `code` says which way (issuer_unreachable, issuer_mismatch, issuer_unusable) so the page can word it in the reader's language. */
const issuerProblem = (message: string, code = 'issuer_unusable') => invalid([{ field: 'body.issuer', code, message }], message);

/** Why a provider cannot be used, in words for the admin who typed its URL. */
function issuerReason(e: unknown): [string, string] {
  // openid-client wraps what its fetch threw: the outbound module's reason is the cause.
  const cause = (e as { cause?: unknown }).cause;
  const outbound = e instanceof OutboundError ? e : cause instanceof OutboundError ? cause : null;
  if (outbound) return [`The issuer cannot be reached: ${outbound.message}`, 'issuer_unreachable'];
  if (isClientError(e)) {
    if (e.code === 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED' || /issuer/i.test(e.message))
      return ['The address answers, but names another issuer in its discovery document: use the exact issuer URL', 'issuer_mismatch'];
    return [`The issuer's discovery document cannot be used: ${e.message}`, 'issuer_unusable'];
  }
  return [`The issuer cannot be used: ${e instanceof Error ? e.message : String(e)}`, 'issuer_unusable'];
}

/**
 * Saves the workspace's provider after reading its discovery document: an issuer that cannot be
 * reached, or whose document names another issuer, is refused with the reason (field `issuer`).
 */
export async function saveSsoConfig(db: Db, ctx: Ctx, config: Config, input: SsoConfigInput) {
  let issuerUrl: URL;
  try {
    issuerUrl = new URL(input.issuer);
  } catch {
    throw issuerProblem('The issuer must be a URL such as https://login.example.com');
  }
  if (issuerUrl.protocol !== 'https:' && issuerUrl.protocol !== 'http:') throw issuerProblem('The issuer must be an https URL');
  const domain = input.emailDomain.trim().toLowerCase().replace(/^@/, '');
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(domain))
    throw invalid([{ field: 'body.emailDomain', code: 'domain', message: 'Enter a domain such as example.com' }]);
  const existing = await configRow(db, ctx.workspaceId);
  const secret = input.clientSecret ?? (existing ? decryptSecret(keyring(), existing.clientSecret, ssoSecretAad(ctx.workspaceId)) : null);
  if (!secret) throw invalid([{ field: 'body.clientSecret', code: 'required', message: 'The client secret is required' }]);
  try {
    await discover({ issuer: input.issuer, clientId: input.clientId, clientSecret: secret });
  } catch (e) {
    throw issuerProblem(...issuerReason(e));
  }
  return db.transaction(async (tx) => {
    // One domain, one workspace: the sign-in page must know where to send an address.
    // A named cross-workspace query: the domain is looked for in every workspace.
    const [taken] = await acrossWorkspaces(tx, (t) =>
      t
        .select({ id: ssoConfigs.workspaceId })
        .from(ssoConfigs)
        .where(and(eq(ssoConfigs.emailDomain, domain), ne(ssoConfigs.workspaceId, ctx.workspaceId))),
    );
    if (taken) throw conflict('domain_taken', 'Another workspace signs in people of this domain with its own provider');
    const values = {
      issuer: input.issuer,
      clientId: input.clientId,
      clientSecret: encryptSecret(keyring(), secret, ssoSecretAad(ctx.workspaceId)),
      emailDomain: domain,
      defaultRole: input.defaultRole,
      groupsClaim: input.groupsClaim ?? 'groups',
      groupRoles: input.groupRoles ?? {},
      ssoOnly: input.ssoOnly,
    };
    const [row] = await tx
      .insert(ssoConfigs)
      .values({ workspaceId: ctx.workspaceId, ...values })
      .onConflictDoUpdate({ target: ssoConfigs.workspaceId, set: { ...values, updatedAt: new Date() } })
      .returning();
    const { clientSecret: _s, ...shown } = values;
    await recordChange(tx, ctx, 'workspace', ctx.workspaceId, 'update', [
      { field: 'sso', old: existing ? { issuer: existing.issuer, ssoOnly: existing.ssoOnly } : null, new: shown },
    ]);
    return toView(row, config);
  });
}

export async function deleteSsoConfig(conn: Conn, ctx: Ctx) {
  const gone = await conn.delete(ssoConfigs).where(eq(ssoConfigs.workspaceId, ctx.workspaceId)).returning({ issuer: ssoConfigs.issuer });
  if (gone.length)
    await recordChange(conn, ctx, 'workspace', ctx.workspaceId, 'update', [{ field: 'sso', old: { issuer: gone[0].issuer }, new: null }]);
}

/** Whether the workspace refuses password sign-in to this member: SSO-only, unless they are the owner (the way back in). */
export async function ssoOnlyFor(conn: Conn, member: { workspaceId: string; role: string }) {
  if (member.role === 'owner') return false;
  const row = await configRow(conn, member.workspaceId);
  return Boolean(row?.ssoOnly);
}

const noSso = () => new AppError(404, 'sso_not_configured', 'No workspace signs in people of this email domain with single sign-on');

/**
 * Starts single sign-on for an email address: the workspace whose provider serves its domain, a
 * challenge holding the PKCE verifier and nonce (its token is the `state`), and the provider's URL.
 */
export async function startSso(db: Db, config: Config, email: string, meta: ClientMeta) {
  const domain = email.trim().toLowerCase().split('@').pop() ?? '';
  // Before anyone is signed in the domain is all there is: the one cross-workspace read of this table.
  const [row] = await acrossWorkspaces(db, (tx) => tx.select().from(ssoConfigs).where(eq(ssoConfigs.emailDomain, domain)).limit(1));
  if (!row) throw noSso();
  const client = await discoverFor(row);
  const verifier = newVerifier();
  const nonce = newNonce();
  const state = await createChallenge(db, { workspaceId: row.workspaceId, kind: 'sso', data: { verifier, nonce }, ip: meta.ip });
  return { state, redirectUrl: await authorizationUrl(client, redirectUri(config), state, verifier, nonce) };
}

async function discoverFor(row: ConfigRow) {
  try {
    return await discover({
      issuer: row.issuer,
      clientId: row.clientId,
      clientSecret: decryptSecret(keyring(), row.clientSecret, ssoSecretAad(row.workspaceId)),
    });
  } catch {
    throw new SsoError('sso_provider_unreachable', 'The sign-in provider cannot be reached');
  }
}

/** A refused SSO sign-in: `code` goes to the sign-in page, which words it. */
export class SsoError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * What went wrong in the exchange, as one of a few codes a person is told about. openid-client
 * says which check failed in the message of the error's cause (`"iss" (issuer) claim`, `"nonce"`).
 */
function exchangeFailure(e: unknown): SsoError {
  const err = e as { code?: string; error?: string; message?: string; cause?: { message?: string } };
  const why = `${err.message ?? ''} ${err.cause?.message ?? ''}`;
  if (/"iss"/.test(why)) return new SsoError('sso_wrong_issuer', 'The ID token comes from another issuer');
  if (/"nonce"/.test(why)) return new SsoError('sso_wrong_nonce', 'The ID token is not for this sign-in (nonce)');
  if (/signature/i.test(why)) return new SsoError('sso_bad_signature', 'The ID token is not signed by the provider');
  if (err.error === 'invalid_grant')
    return new SsoError('sso_code_rejected', 'The provider refused the sign-in code: used already or expired');
  return new SsoError('sso_failed', `Single sign-on failed: ${why.trim() || 'unknown error'}`);
}

const ranks = { 'read-only': 0, member: 1, admin: 2 } as const;

/** The role a new member gets: the highest their groups map to, or the default. */
function roleFor(row: ConfigRow, claims: Record<string, unknown>) {
  const raw = claims[row.groupsClaim];
  const groups = Array.isArray(raw) ? raw.map(String) : typeof raw === 'string' ? [raw] : [];
  const mapped = groups.map((g) => row.groupRoles[g]).filter((r): r is keyof typeof ranks => Boolean(r));
  return mapped.length ? mapped.reduce((a, b) => (ranks[b] > ranks[a] ? b : a)) : row.defaultRole;
}

/**
 * The provider sent the browser back: the state must be the challenge this browser started
 * (`browserState`, its cookie), the code is exchanged with PKCE, and the ID token checked (issuer,
 * audience, signature, nonce). Then the member: linked by the provider's subject, or an existing
 * member with that verified email, or a new one (just-in-time) with the mapped or default role.
 */
export async function finishSso(db: Db, callbackUrl: URL, browserState: string | undefined, meta: ClientMeta) {
  const state = callbackUrl.searchParams.get('state') ?? '';
  if (!state || state !== browserState)
    throw new SsoError('sso_state_invalid', 'This sign-in was not started in this browser, or has expired');
  let challenge: Awaited<ReturnType<typeof takeChallenge>>;
  try {
    challenge = await takeChallenge(db, state, 'sso');
  } catch {
    throw new SsoError('sso_state_invalid', 'This sign-in was not started in this browser, or has expired');
  }
  // One try per state, whatever happens next: a state is never good twice.
  await endChallenge(db, challenge);
  const providerError = callbackUrl.searchParams.get('error');
  if (providerError) throw new SsoError('sso_provider_error', `The provider refused: ${providerError}`);
  const row = await configRow(db, challenge.workspaceId);
  if (!row) throw new SsoError('sso_not_configured', 'Single sign-on is no longer set up for this workspace');
  const client = await discoverFor(row);
  let claims: Awaited<ReturnType<typeof exchange>>;
  try {
    claims = await exchange(client, callbackUrl, { state, verifier: challenge.data.verifier, nonce: challenge.data.nonce });
  } catch (e) {
    const failure = exchangeFailure(e);
    await logAttempt(db, '', null, meta, failure.code, 'sso');
    throw failure;
  }
  const email = typeof claims.email === 'string' ? claims.email.toLowerCase() : null;
  const verified = claims.email_verified === true;
  return db.transaction(async (tx) => {
    const member = await memberFor(tx, row, claims, email, verified);
    await logAttempt(tx, member.email, member.identityId, meta, 'success', 'sso');
    return createSession(tx, member.workspaceId, member.id, meta);
  });
}

async function memberFor(
  tx: Conn,
  row: ConfigRow,
  claims: { sub: string; iss: string } & Record<string, unknown>,
  email: string | null,
  verified: boolean,
) {
  const ws = row.workspaceId;
  const [linked] = await tx
    .select({ m: members })
    .from(ssoLinks)
    .innerJoin(members, and(eq(members.workspaceId, ssoLinks.workspaceId), eq(members.id, ssoLinks.memberId)))
    .where(and(eq(ssoLinks.workspaceId, ws), eq(ssoLinks.issuer, claims.iss), eq(ssoLinks.subject, claims.sub)));
  const link = (memberId: string) => tx.insert(ssoLinks).values({ workspaceId: ws, memberId, issuer: claims.iss, subject: claims.sub });
  if (linked) {
    if (linked.m.disabledAt) throw new SsoError('sso_member_disabled', 'Your membership of this workspace is disabled');
    return linked.m;
  }
  if (!email) throw new SsoError('sso_no_email', 'The provider did not say your email address');
  const [same] = await tx
    .select()
    .from(members)
    .where(and(eq(members.workspaceId, ws), sql`lower(${members.email}) = ${email}`));
  if (same) {
    // Only an address the provider vouches for may take over an existing member.
    if (!verified) throw new SsoError('sso_email_unverified', 'The provider has not verified your email address');
    if (same.disabledAt) throw new SsoError('sso_member_disabled', 'Your membership of this workspace is disabled');
    await link(same.id);
    return same;
  }
  const identityId = uuidv7();
  await tx.insert(identities).values({ id: identityId, email, passwordHash: NO_PASSWORD });
  const memberId = uuidv7();
  const name = typeof claims.name === 'string' && claims.name.trim() ? claims.name.trim().slice(0, 200) : email.split('@')[0];
  const role = roleFor(row, claims);
  const [m] = await tx.insert(members).values({ workspaceId: ws, id: memberId, identityId, name, email, role }).returning();
  await link(memberId);
  const ctx: Ctx = { workspaceId: ws, memberId, actor: { type: 'member', id: memberId }, role, requestId: null };
  await recordChange(tx, ctx, 'member', memberId, 'create', [{ field: null, old: null, new: { name, email, role, via: 'sso' } }]);
  return m;
}
