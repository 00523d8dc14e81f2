import { and, eq, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { ErasureInput } from '../../../contract/privacy.ts';
import { type Conn, pgArray, selectRows } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { AppError, invalid } from '../../http/errors.ts';
import { logSecurityEvent } from '../audit/security-log.ts';
import { getContact } from '../contacts/contacts.service.ts';
import { emitEvent } from '../history/history.service.ts';
import { legalHolds, privacyRequests } from './privacy.table.ts';
import { allowHistoryRedaction, ERASED, type Person, sweep, Tally } from './redact.ts';

// Erasure of a contact (GDPR art. 17): the person goes, and their personal data is redacted from
// everything that kept a copy — history, events, search terms, emails, notes, webhook logs, jobs,
// imports — while the figures stay: activities, emails and deals are counted as before, only
// without the person in them. One transaction: erased entirely or not at all.

/** The name a person is shown by, which the erasing admin types again to confirm. */
export const displayName = (c: { firstName: string | null; lastName: string | null; emails: { value: string }[] }) =>
  [c.firstName, c.lastName].filter(Boolean).join(' ') || c.emails[0]?.value || '';

/** What identifies the contact: strong values anywhere, weak ones only in rows about them. */
function personOf(c: Awaited<ReturnType<typeof getContact>>): Person {
  const full = [c.firstName, c.lastName].filter(Boolean).join(' ');
  const reversed = c.firstName && c.lastName ? [`${c.lastName}, ${c.firstName}`, `${c.lastName} ${c.firstName}`] : [];
  const address = c.address ?? {};
  const custom = Object.values(c.custom ?? {}).filter((v): v is string => typeof v === 'string' && v.trim().length >= 3);
  return {
    ids: [c.id],
    strong: [
      ...c.emails.map((e) => e.value),
      ...c.phones.flatMap((p) => [p.value, p.e164 ?? '']),
      ...(c.firstName && c.lastName ? [full, ...reversed] : []),
      ...(address.street && address.street.length >= 6 ? [address.street] : []),
    ].filter((v) => v.trim().length >= 3),
    weak: [c.firstName, c.lastName, c.title, address.city, address.postalCode, ...custom].filter(
      (v): v is string => !!v && v.trim().length >= 2,
    ),
  };
}

/** The legal hold on a record, if any. */
export async function holdOf(conn: Conn, ctx: Ctx, recordType: string, recordId: string) {
  const [h] = await conn
    .select()
    .from(legalHolds)
    .where(and(eq(legalHolds.workspaceId, ctx.workspaceId), eq(legalHolds.recordType, recordType), eq(legalHolds.recordId, recordId)));
  return h ?? null;
}

const keys = (conn: Conn, q: ReturnType<typeof sql>) => selectRows<{ k: string | null }>(conn, q);

/**
 * Erases a contact for good (admins; in the caller's transaction). Refused while the contact is
 * under legal hold, and unless `confirm` is the name the contact is shown by. Returns the register entry.
 */
export async function eraseContact(conn: Conn, ctx: Ctx, id: string, input: ErasureInput) {
  const c = await getContact(conn, ctx, id);
  const hold = await holdOf(conn, ctx, 'contact', id);
  if (hold) throw new AppError(409, 'legal_hold', `This contact is under legal hold (${hold.reason}): lift the hold before erasing`);
  // The name as shown, or (for a contact with neither name nor email) its id.
  const typed = input.confirm.trim().toLowerCase();
  if (typed !== (displayName(c) || c.id).toLowerCase() && typed !== c.id) {
    throw invalid([{ field: 'body.confirm', code: 'mismatch', message: 'must be the contact’s name as shown (or its id), typed again' }]);
  }
  const ws = ctx.workspaceId;
  const emails = c.emails.map((e) => e.value.toLowerCase());
  const tally = new Tally();
  // The guarded path through the history's append-only trigger (migration 0001): this transaction only.
  await allowHistoryRedaction(conn);

  // What was about them alone loses its words but stays counted: notes and calls only on their
  // timeline, tasks only for them, the emails they wrote or received.
  tally.add(
    'redacted',
    'activities',
    await keys(
      conn,
      sql`update activities a set subject = ${ERASED}, body = null, custom = '{}'::jsonb
        where a.workspace_id = ${ws}
          and exists (select 1 from activity_links l where l.workspace_id = ${ws} and l.activity_id = a.id and l.record_type = 'contact' and l.record_id = ${id})
          and not exists (select 1 from activity_links o where o.workspace_id = ${ws} and o.activity_id = a.id
                          and not (o.record_type = 'contact' and o.record_id = ${id}))
        returning a.id::text as k`,
    ),
  );
  tally.add(
    'redacted',
    'tasks',
    await keys(
      conn,
      sql`update tasks t set title = ${ERASED}, notes = null, custom = '{}'::jsonb
        where t.workspace_id = ${ws}
          and exists (select 1 from task_links l where l.workspace_id = ${ws} and l.task_id = t.id and l.record_type = 'contact' and l.record_id = ${id})
          and not exists (select 1 from task_links o where o.workspace_id = ${ws} and o.task_id = t.id
                          and not (o.record_type = 'contact' and o.record_id = ${id}))
        returning t.id::text as k`,
    ),
  );
  if (emails.length) {
    const theirs = sql`(select e.id from email_messages e where e.workspace_id = ${ws}
      and e.participants && array(select jsonb_array_elements_text(${JSON.stringify(emails)}::jsonb)))`;
    tally.add(
      'removed',
      'email_attachments',
      await keys(conn, sql`delete from email_attachments where workspace_id = ${ws} and email_id in ${theirs} returning id::text as k`),
    );
    tally.add(
      'redacted',
      'email_messages',
      await keys(
        conn,
        sql`update email_messages set subject = ${ERASED}, text_body = '', html_body = null, attachments = '[]'::jsonb
          where workspace_id = ${ws} and id in ${theirs} returning id::text as k`,
      ),
    );
  }
  // The tickets they opened stay counted (channel, status, times for the service reports) without
  // them: no requester, no words, no files. Their replies elsewhere (a company ticket) lose theirs.
  const ticketIds = (
    await selectRows<{ id: string }>(conn, sql`select t.id from tickets t where t.workspace_id = ${ws} and t.requester_id = ${id}`)
  ).map((t) => t.id);
  const tickets = sql`(select unnest(${pgArray(ticketIds, 'uuid')}))`;
  const written = sql`(select m.id from ticket_messages m where m.workspace_id = ${ws} and m.author_contact_id = ${id})`;
  tally.add(
    'removed',
    'ticket_attachments',
    await keys(
      conn,
      sql`delete from ticket_attachments where workspace_id = ${ws} and (ticket_id in ${tickets} or message_id in ${written})
        returning id::text as k`,
    ),
  );
  tally.add(
    'redacted',
    'ticket_messages',
    await keys(
      conn,
      sql`update ticket_messages set body = ${ERASED}, author_contact_id = null
        where workspace_id = ${ws} and (ticket_id in ${tickets} or author_contact_id = ${id}) returning id::text as k`,
    ),
  );
  tally.add(
    'redacted',
    'tickets',
    await keys(
      conn,
      sql`update tickets set subject = ${ERASED}, description = null, requester_id = null, custom = '{}'::jsonb
        where workspace_id = ${ws} and id in ${tickets} returning id::text as k`,
    ),
  );
  // What the tickets' events carried, and the words they were found by, go with their words.
  await conn.execute(
    sql`update domain_events set payload = '{"erased": true}'::jsonb where workspace_id = ${ws} and record_type = 'ticket' and record_id in ${tickets}`,
  );
  await conn.execute(sql`delete from search_terms where workspace_id = ${ws} and record_type = 'ticket' and record_id in ${tickets}`);
  // Their own history and events keep what happened and when, not the values.
  tally.add(
    'redacted',
    'record_history',
    await keys(
      conn,
      sql`update record_history set old_value = null, new_value = null
        where workspace_id = ${ws} and record_type = 'contact' and record_id = ${id} returning id::text as k`,
    ),
  );
  tally.add(
    'redacted',
    'domain_events',
    await keys(
      conn,
      sql`update domain_events set payload = '{"erased": true}'::jsonb
        where workspace_id = ${ws} and record_type = 'contact' and record_id = ${id} returning id::text as k`,
    ),
  );
  // Every other copy, in every table.
  await sweep(conn, ws, personOf(c), tally);

  // The person goes: their links, search terms, suspected duplicates, list places, and the record.
  for (const [table, where] of [
    ['activity_links', sql`record_type = 'contact' and record_id = ${id}`],
    ['task_links', sql`record_type = 'contact' and record_id = ${id}`],
    ['search_terms', sql`record_type = 'contact' and record_id = ${id}`],
    ['duplicate_pairs', sql`record_type = 'contact' and (a_id = ${id} or b_id = ${id})`],
    ['record_list_members', sql`record_id = ${id}`],
    ['custom_value_archive', sql`record_id = ${id}`],
  ] as const) {
    tally.add(
      'removed',
      table,
      await keys(conn, sql`delete from ${sql.identifier(table)} where workspace_id = ${ws} and ${where} returning null::text as k`),
    );
  }
  await conn.execute(sql`update meeting_attendees set contact_id = null where workspace_id = ${ws} and contact_id = ${id}`);
  await conn.execute(sql`update leads set converted_contact_id = null where workspace_id = ${ws} and converted_contact_id = ${id}`);
  tally.add(
    'removed',
    'contacts',
    await keys(conn, sql`delete from contacts where workspace_id = ${ws} and id = ${id} returning id::text as k`),
  );

  const [entry] = await conn
    .insert(privacyRequests)
    .values({
      workspaceId: ws,
      id: uuidv7(),
      kind: 'erasure',
      recordType: 'contact',
      recordId: id,
      requestedBy: ctx.memberId,
      reason: input.reason?.trim() || null,
      summary: tally.summary(),
    })
    .returning();
  // Pages showing the contact learn it is gone; the event says no more than its id.
  await emitEvent(conn, ctx, 'contact.purged', 'contact', id, { id });
  // The id only: the log is kept after the erasure, so it holds nothing of the person.
  await logSecurityEvent(conn, ctx, 'contact.erased', { type: 'contact', id }, { privacyRequestId: entry.id });
  return entry;
}
