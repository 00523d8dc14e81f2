import { sql } from 'drizzle-orm';
import { strToU8, zipSync } from 'fflate';
import { uuidv7 } from 'uuidv7';
import { type Conn, selectRows } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { logSecurityEvent } from '../audit/security-log.ts';
import { getContact } from '../contacts/contacts.service.ts';
import { readContactPhoto } from '../contacts/photos.ts';
import { contactConsentsOf } from './consents.ts';
import { privacyRequests } from './privacy.table.ts';

// A person's data handed over (GDPR art. 15 and 20): one ZIP of JSON files, machine-readable, with
// the record, everything on their timeline, their emails (private ones too: the data is theirs)
// with the attachments as files, their tasks, deals, consents, and the history of the record.

const json = (v: unknown) => strToU8(`${JSON.stringify(v, null, 2)}\n`);

/** A file name that is safe inside the ZIP (no folders, no control characters). */
const safeName = (name: string) =>
  [...name]
    .map((ch) => (ch === '/' || ch === '\\' || ch.charCodeAt(0) < 0x20 ? '_' : ch))
    .join('')
    .slice(0, 150) || 'file';

/** The ZIP of a contact's personal data, and the register entry that says it was handed over. */
export async function exportContact(conn: Conn, ctx: Ctx, id: string, reason: string | null) {
  const ws = ctx.workspaceId;
  const contact = await getContact(conn, ctx, id);
  const emails = contact.emails.map((e) => e.value.toLowerCase());
  const rows = (q: ReturnType<typeof sql>) => selectRows<{ j: Record<string, unknown> }>(conn, q).then((r) => r.map((x) => x.j));
  const activities = await rows(sql`select to_jsonb(a) - 'workspace_id' as j from activities a
    where a.workspace_id = ${ws} and a.deleted_at is null and a.id in (
      select l.activity_id from activity_links l where l.workspace_id = ${ws} and l.record_type = 'contact' and l.record_id = ${id})
    order by a.occurred_at`);
  const tasks = await rows(sql`select to_jsonb(t) - 'workspace_id' as j from tasks t
    where t.workspace_id = ${ws} and t.deleted_at is null and t.id in (
      select l.task_id from task_links l where l.workspace_id = ${ws} and l.record_type = 'contact' and l.record_id = ${id})
    order by t.created_at`);
  const deals = await rows(sql`select jsonb_build_object('id', d.id, 'name', d.name, 'role', dc.role, 'status', d.status) as j
    from deal_contacts dc join deals d on d.workspace_id = dc.workspace_id and d.id = dc.deal_id
    where dc.workspace_id = ${ws} and dc.contact_id = ${id} and d.deleted_at is null order by d.name`);
  const history = await rows(sql`select to_jsonb(h) - 'workspace_id' as j from record_history h
    where h.workspace_id = ${ws} and h.record_type = 'contact' and h.record_id = ${id} order by h.at, h.id`);
  const messages = emails.length
    ? await rows(sql`select to_jsonb(e) - 'workspace_id' - 'viewer_ids' as j from email_messages e
        where e.workspace_id = ${ws} and e.participants && array(select jsonb_array_elements_text(${JSON.stringify(emails)}::jsonb))
        order by e.date`)
    : [];
  const files = messages.length
    ? await selectRows<{ email_id: string; id: string; filename: string | null; content: Buffer | Uint8Array }>(
        conn,
        sql`select email_id, id, filename, content from email_attachments
          where workspace_id = ${ws} and email_id = any(${`{${messages.map((m) => m.id).join(',')}}`}::uuid[])`,
      )
    : [];
  // The tickets they opened, with the conversation they saw (public replies, not the team's notes)
  // and the files of those replies and of the ticket itself.
  const tickets = await rows(sql`select jsonb_build_object('id', t.id, 'number', t.number, 'subject', t.subject,
      'description', t.description, 'status', t.status, 'channel', t.channel, 'createdAt', t.created_at, 'solvedAt', t.solved_at,
      'messages', coalesce((select jsonb_agg(jsonb_build_object('id', m.id, 'body', m.body, 'createdAt', m.created_at,
          'by', case when m.author_contact_id is not null then 'you' else 'support' end) order by m.created_at)
        from ticket_messages m where m.workspace_id = ${ws} and m.ticket_id = t.id and m.kind = 'reply'), '[]'::jsonb)) as j
    from tickets t where t.workspace_id = ${ws} and t.requester_id = ${id} and t.deleted_at is null order by t.number`);
  const ticketFiles = tickets.length
    ? await selectRows<{ ticket_id: string; id: string; filename: string | null; content: Buffer | Uint8Array }>(
        conn,
        sql`select f.ticket_id, f.id, f.filename, coalesce(f.content, e.content) as content
          from ticket_attachments f
          left join email_attachments e on e.workspace_id = f.workspace_id and e.id = f.email_attachment_id
          left join ticket_messages m on m.workspace_id = f.workspace_id and m.id = f.message_id
          where f.workspace_id = ${ws} and f.ticket_id = any(${`{${tickets.map((t) => t.id).join(',')}}`}::uuid[])
            and (f.message_id is null or m.kind = 'reply') and coalesce(f.content, e.content) is not null`,
      )
    : [];
  const photo = await readContactPhoto(conn, ctx, id);
  const consents = (await contactConsentsOf(conn, ctx, id)).records;

  const zip: Record<string, Uint8Array> = {
    'README.txt': strToU8(
      `Personal data held about contact ${id}, exported ${new Date().toISOString()}.\n` +
        'contact.json: the record. activities.json: calls, meetings, notes and emails on their timeline. ' +
        'emails.json: the emails they sent or received, with attachments/ by email id. tickets.json: the tickets ' +
        'they opened with their public replies, with ticket-files/ by ticket id. tasks.json, deals.json, ' +
        'history.json: every change to the record. consents.json: every consent given or withdrawn.\n',
    ),
    'contact.json': json(contact),
    'activities.json': json(activities),
    'emails.json': json(messages),
    'tickets.json': json(tickets),
    'tasks.json': json(tasks),
    'deals.json': json(deals),
    'history.json': json(history),
    'consents.json': json(consents),
  };
  for (const f of files) zip[`attachments/${f.email_id}/${f.id}-${safeName(f.filename ?? 'attachment')}`] = new Uint8Array(f.content);
  for (const f of ticketFiles) zip[`ticket-files/${f.ticket_id}/${f.id}-${safeName(f.filename ?? 'file')}`] = new Uint8Array(f.content);
  if (photo) zip[`photo.${photo.contentType.split('/')[1]}`] = new Uint8Array(photo.content);

  await conn.insert(privacyRequests).values({
    workspaceId: ws,
    id: uuidv7(),
    kind: 'export',
    recordType: 'contact',
    recordId: id,
    requestedBy: ctx.memberId,
    reason,
    summary: {
      activities: activities.length,
      emails: messages.length,
      attachments: files.length,
      tickets: tickets.length,
      ticketFiles: ticketFiles.length,
      tasks: tasks.length,
      deals: deals.length,
      history: history.length,
      consents: consents.length,
    },
  });
  await logSecurityEvent(conn, ctx, 'contact.data_exported', { type: 'contact', id }, {});
  return { bytes: zipSync(zip, { level: 6 }), fileName: `contact-${id}.zip` };
}
