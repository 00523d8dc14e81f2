import { and, desc, eq } from 'drizzle-orm';
import type { LegalHold, PrivacyRequest } from '../../../contract/privacy.ts';
import type { Conn } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { notFound } from '../../http/errors.ts';
import { getContact } from '../contacts/contacts.service.ts';
import { holdOf } from './erase.ts';
import { legalHolds, privacyRequests } from './privacy.table.ts';

const toHold = (h: typeof legalHolds.$inferSelect): LegalHold => ({
  recordType: h.recordType,
  recordId: h.recordId,
  reason: h.reason,
  setBy: h.setBy,
  at: h.at.toISOString(),
});

/** The register, newest first. */
export async function listPrivacyRequests(conn: Conn, ctx: Ctx): Promise<PrivacyRequest[]> {
  const rows = await conn
    .select()
    .from(privacyRequests)
    .where(eq(privacyRequests.workspaceId, ctx.workspaceId))
    .orderBy(desc(privacyRequests.at), desc(privacyRequests.id))
    .limit(1000);
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    recordType: r.recordType,
    recordId: r.recordId,
    requestedBy: r.requestedBy,
    reason: r.reason,
    summary: r.summary,
    at: r.at.toISOString(),
  }));
}

export async function contactHold(conn: Conn, ctx: Ctx, id: string) {
  await getContact(conn, ctx, id);
  const h = await holdOf(conn, ctx, 'contact', id);
  return { hold: h ? toHold(h) : null };
}

/** Puts a contact under legal hold (or changes the reason): no erasure until it is lifted. */
export async function holdContact(conn: Conn, ctx: Ctx, id: string, reason: string) {
  await getContact(conn, ctx, id);
  const [h] = await conn
    .insert(legalHolds)
    .values({ workspaceId: ctx.workspaceId, recordType: 'contact', recordId: id, reason: reason.trim(), setBy: ctx.memberId })
    .onConflictDoUpdate({
      target: [legalHolds.workspaceId, legalHolds.recordType, legalHolds.recordId],
      set: { reason: reason.trim(), setBy: ctx.memberId },
    })
    .returning();
  return toHold(h);
}

export async function releaseContact(conn: Conn, ctx: Ctx, id: string) {
  const gone = await conn
    .delete(legalHolds)
    .where(and(eq(legalHolds.workspaceId, ctx.workspaceId), eq(legalHolds.recordType, 'contact'), eq(legalHolds.recordId, id)))
    .returning();
  if (!gone.length) throw notFound('Legal hold');
}
