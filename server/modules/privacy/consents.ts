import { and, desc, eq } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { Consent, ConsentInput } from '../../../contract/privacy.ts';
import type { Conn } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { invalid } from '../../http/errors.ts';
import { getContact } from '../contacts/contacts.service.ts';
import { contactConsents } from './privacy.table.ts';

const toConsent = (r: typeof contactConsents.$inferSelect): Consent => ({
  id: r.id,
  contactId: r.contactId,
  purpose: r.purpose,
  status: r.status,
  source: r.source,
  wordingVersion: r.wordingVersion,
  at: r.at.toISOString(),
  recordedBy: r.recordedBy,
  recordedAt: r.recordedAt.toISOString(),
});

/** A contact's consent: what holds now per purpose (the latest record), and every record. */
export async function contactConsentsOf(conn: Conn, ctx: Ctx, contactId: string) {
  await getContact(conn, ctx, contactId);
  const rows = await conn
    .select()
    .from(contactConsents)
    .where(and(eq(contactConsents.workspaceId, ctx.workspaceId), eq(contactConsents.contactId, contactId)))
    .orderBy(desc(contactConsents.at), desc(contactConsents.recordedAt), desc(contactConsents.id));
  const records = rows.map(toConsent);
  const current = new Map<string, Consent>();
  for (const r of records) if (!current.has(r.purpose.toLowerCase())) current.set(r.purpose.toLowerCase(), r);
  return { current: [...current.values()].sort((a, b) => a.purpose.localeCompare(b.purpose)), records };
}

/** Records a consent given or withdrawn (any member who may edit the contact). */
export async function recordConsent(conn: Conn, ctx: Ctx, contactId: string, input: ConsentInput) {
  await getContact(conn, ctx, contactId);
  const at = input.at ? new Date(input.at) : new Date();
  if (at.getTime() > Date.now() + 5 * 60_000) throw invalid([{ field: 'body.at', code: 'in_the_future', message: 'is in the future' }]);
  const [row] = await conn
    .insert(contactConsents)
    .values({
      workspaceId: ctx.workspaceId,
      id: uuidv7(),
      contactId,
      purpose: input.purpose.trim(),
      status: input.status,
      source: input.source.trim(),
      wordingVersion: input.wordingVersion?.trim() || null,
      at,
      recordedBy: ctx.memberId,
    })
    .returning();
  return toConsent(row);
}
