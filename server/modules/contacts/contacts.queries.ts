import { sql } from 'drizzle-orm';
import { type Conn, selectRows } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { projectionObject } from '../../records/list.ts';
import type { ObjectDef } from '../../records/object-def.ts';
import { visibleWhere } from '../../records/visibility.ts';
import { contactDef } from './contacts.service.ts';

/**
 * A contact's page in one statement, as JSON text built by PostgreSQL: the contact, its 20 newest
 * open deals (with their stage's name) and the counts of its live companies, deals, open deals,
 * activities and open tasks. Each part is an index range read from the contact's links (deal_contacts,
 * activity_links, task_links by record). Null when the contact is not one of this workspace.
 */
export async function contactOverviewJson(conn: Conn, ctx: Ctx, id: string): Promise<string | null> {
  // Imported when called: the registry imports this module. Every part counts and lists only the
  // records the request may see (records/visibility.ts); an unseen contact is null (404).
  const { objectDefs } = await import('../registry.ts');
  const sees = (def: ObjectDef | undefined, alias?: string) => {
    const where = def && visibleWhere(ctx, def, 'read', alias);
    return where ? sql` and ${where}` : sql``;
  };
  // Every table of every part names the workspace itself: on Citus that keeps the query on one shard.
  const ws = sql`${ctx.workspaceId}`;
  const [row] = await selectRows<{ json: string }>(
    conn,
    sql`
    select json_build_object(
      'contact', ${projectionObject(contactDef.projection ?? {}, ws)},
      'openDeals', coalesce(od.list, '[]'::json),
      'counts', json_build_object('companies', co.n, 'deals', dl.n, 'openDeals', dl.open, 'activities', ac.n, 'openTasks', tk.n)
    )::text as json
    from contacts
    cross join lateral (
      select json_agg(json_build_object('id', d.id, 'name', d.name, 'amountMinor', d.amount_minor, 'currency', d.currency,
        'stageId', d.stage_id, 'stageName', st.name, 'expectedCloseDate', d.expected_close_date, 'ownerId', d.owner_id)
        order by d.created_at desc, d.id desc) as list
      from (
        select d.* from deal_contacts dc join deals d on d.workspace_id = ${ws} and d.id = dc.deal_id
        where dc.workspace_id = ${ws} and dc.contact_id = "contacts"."id" and d.status = 'open' and d.deleted_at is null${sees(objectDefs.deal, 'd')}
        order by d.created_at desc, d.id desc limit 20
      ) d join pipeline_stages st on st.workspace_id = ${ws} and st.id = d.stage_id
    ) od
    cross join lateral (
      select count(*)::int as n from contact_companies cc join companies c on c.workspace_id = ${ws} and c.id = cc.company_id
      where cc.workspace_id = ${ws} and cc.contact_id = "contacts"."id" and c.deleted_at is null${sees(objectDefs.company, 'c')}
    ) co
    cross join lateral (
      select count(*)::int as n, (count(*) filter (where d.status = 'open'))::int as open
      from deal_contacts dc join deals d on d.workspace_id = ${ws} and d.id = dc.deal_id
      where dc.workspace_id = ${ws} and dc.contact_id = "contacts"."id" and d.deleted_at is null${sees(objectDefs.deal, 'd')}
    ) dl
    cross join lateral (
      select count(*)::int as n from activity_links al join activities a on a.workspace_id = ${ws} and a.id = al.activity_id
      where al.workspace_id = ${ws} and al.record_type = 'contact' and al.record_id = "contacts"."id" and a.deleted_at is null${sees(objectDefs.activity, 'a')}
    ) ac
    cross join lateral (
      select count(*)::int as n from task_links tl join tasks t on t.workspace_id = ${ws} and t.id = tl.task_id
      where tl.workspace_id = ${ws} and tl.record_type = 'contact' and tl.record_id = "contacts"."id"
        and not t.done and t.deleted_at is null${sees(objectDefs.task, 't')}
    ) tk
    where "contacts"."workspace_id" = ${ws} and "contacts"."id" = ${id}${sees(objectDefs.contact)}`,
  );
  return row?.json ?? null;
}
