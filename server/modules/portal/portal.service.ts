import { randomBytes } from 'node:crypto';
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { PortalSettings, PortalSettingsUpdate } from '../../../contract/portal.ts';
import type { Conn } from '../../db/client.ts';
import { type Ctx, systemCtx } from '../../http/context.ts';
import { invalid } from '../../http/errors.ts';
import { actingMember } from '../auth/members.service.ts';
import { newToken, parseToken } from '../auth/tokens.ts';
import { noticeSender } from '../email/notice.ts';
import { contactsByEmail } from '../imports/imports.queries.ts';
import type { HelpSite } from '../knowledge/help-centre.service.ts';
import { getNotificationSettings } from '../notifications/notices-by-email.ts';
import { portalLinks, portalSessions, portalSettings } from './portal.table.ts';

// The customer portal's accounts: there are none. A customer is a contact of the workspace, known
// by an email address; a sign-in link mailed to that address proves they hold it, and buys a
// session of their own, apart from members' sessions (another table, another cookie, another path).

export const LINK_TTL_MS = 15 * 60_000;
export const SESSION_TTL_MS = 7 * 24 * 3_600_000;

export async function getPortalSettings(conn: Conn, ctx: Pick<Ctx, 'workspaceId'>): Promise<PortalSettings> {
  const [row] = await conn.select().from(portalSettings).where(eq(portalSettings.workspaceId, ctx.workspaceId));
  return { senderMailboxId: row?.senderMailboxId ?? null, companyTickets: row?.companyTickets ?? false };
}

export async function updatePortalSettings(conn: Conn, ctx: Ctx, input: PortalSettingsUpdate): Promise<PortalSettings> {
  if (input.senderMailboxId) {
    const sender = await noticeSender(conn, ctx, input.senderMailboxId);
    if (!sender.ok) throw invalid([{ field: 'body.senderMailboxId', code: 'not_a_sender', message: sender.reason }]);
  }
  const next = { ...(await getPortalSettings(conn, ctx)), ...input };
  await conn
    .insert(portalSettings)
    .values({ workspaceId: ctx.workspaceId, ...next })
    .onConflictDoUpdate({ target: portalSettings.workspaceId, set: { ...next, updatedAt: new Date() } });
  return getPortalSettings(conn, ctx);
}

/** The mailbox portal mail goes out from: the portal's own choice, else the one notices use. */
export async function portalSender(conn: Conn, ctx: Ctx) {
  return (await getPortalSettings(conn, ctx)).senderMailboxId ?? (await getNotificationSettings(conn, ctx)).senderMailboxId;
}

/**
 * Whom the portal acts as when it writes (a ticket, a reply): the system, on behalf of the
 * workspace's owner, so that records have an author and no member's access profile narrows them.
 */
export async function portalCtx(conn: Conn, site: HelpSite): Promise<Ctx | null> {
  const owner = await actingMember(conn, site.workspaceId);
  return owner && systemCtx(site.workspaceId, owner.id);
}

/**
 * A context for the read helpers of other modules that look only at the workspace (who holds an
 * email, which companies a contact works at): the portal has no member acting.
 */
export const workspaceOnly = (workspaceId: string) => ({ workspaceId }) as Ctx;

/** The contact holding this address in the site's workspace, if any. */
export async function contactByEmail(conn: Conn, site: HelpSite, email: string) {
  const key = email.normalize('NFC').toLowerCase();
  return (await contactsByEmail(conn, workspaceOnly(site.workspaceId), [key])).get(key) ?? null;
}

/** Makes a sign-in link's token for a contact; only its hash is kept. */
export async function newSignInToken(conn: Conn, workspaceId: string, contactId: string, at = new Date()) {
  const { token, hash } = newToken(workspaceId);
  await conn.insert(portalLinks).values({
    workspaceId,
    id: uuidv7(),
    contactId,
    tokenHash: hash,
    createdAt: at,
    expiresAt: new Date(at.getTime() + LINK_TTL_MS),
  });
  return token;
}

/**
 * Spends a sign-in link: the contact it was for, once, before it expires; null for any other
 * token (used, expired, altered, or of another workspace's portal).
 */
export async function useSignInToken(conn: Conn, site: HelpSite, token: string | undefined) {
  const parsed = parseToken(token);
  if (!parsed || parsed.workspaceId !== site.workspaceId) return null;
  const [row] = await conn
    .update(portalLinks)
    .set({ usedAt: sql`now()` })
    .where(
      and(
        eq(portalLinks.workspaceId, site.workspaceId),
        eq(portalLinks.tokenHash, parsed.hash),
        isNull(portalLinks.usedAt),
        gt(portalLinks.expiresAt, sql`now()`),
      ),
    )
    .returning({ contactId: portalLinks.contactId });
  return row?.contactId ?? null;
}

export interface PortalViewer {
  workspaceId: string;
  contactId: string;
  sessionId: string;
  csrfToken: string;
}

export async function startPortalSession(conn: Conn, site: HelpSite, contactId: string) {
  const { token, hash } = newToken(site.workspaceId);
  await conn.insert(portalSessions).values({
    workspaceId: site.workspaceId,
    id: uuidv7(),
    contactId,
    tokenHash: hash,
    csrfToken: randomBytes(24).toString('base64url'),
    expiresAt: new Date(Date.now() + SESSION_TTL_MS),
  });
  return token;
}

/** The signed-in customer a portal cookie names, on this site only. */
export async function portalViewer(conn: Conn, site: HelpSite, cookie: string | undefined): Promise<PortalViewer | null> {
  const parsed = parseToken(cookie);
  if (!parsed || parsed.workspaceId !== site.workspaceId) return null;
  const [row] = await conn
    .select()
    .from(portalSessions)
    .where(
      and(
        eq(portalSessions.workspaceId, site.workspaceId),
        eq(portalSessions.tokenHash, parsed.hash),
        gt(portalSessions.expiresAt, sql`now()`),
      ),
    );
  return row ? { workspaceId: row.workspaceId, contactId: row.contactId, sessionId: row.id, csrfToken: row.csrfToken } : null;
}

export async function endPortalSession(conn: Conn, viewer: PortalViewer) {
  await conn.delete(portalSessions).where(and(eq(portalSessions.workspaceId, viewer.workspaceId), eq(portalSessions.id, viewer.sessionId)));
}
