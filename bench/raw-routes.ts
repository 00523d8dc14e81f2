import { parse } from 'csv-parse/sync';
import type { FastifyInstance } from 'fastify';
import { uuidv7 } from 'uuidv7';
import { contactDef } from '../server/modules/contacts/contacts.service.ts';

// The benchmark's yardsticks, served by the same server, driver and database as the API: an empty
// route (the framework's ceiling) and, per workload, the best hand-written SQL that returns the same
// data — no auth, no validation, no history. Registered only when RAPPORT_BENCH_ROUTES=1; never in
// production. The workspace comes as a query parameter because there is no session.

const contactJson = `
  c.id, c.first_name as "firstName", c.last_name as "lastName", c.emails, c.phones, c.title, c.address,
  c.lifecycle_stage as "lifecycleStage", c.source, c.owner_id as "ownerId", c.last_activity_at as "lastActivityAt",
  c.custom, c.version, c.created_at as "createdAt", c.updated_at as "updatedAt", c.created_by as "createdBy", c.deleted_at as "deletedAt",
  coalesce((select json_agg(json_build_object('companyId', cc.company_id, 'name', co.name, 'role', cc.role, 'isPrimary', cc.is_primary))
            from contact_companies cc join companies co on co.workspace_id = cc.workspace_id and co.id = cc.company_id
            where cc.workspace_id = c.workspace_id and cc.contact_id = c.id), '[]') as companies`;

type Q = Record<string, string>;

export async function benchRoutes(app: FastifyInstance) {
  const db = app.database;
  app.get('/api/bench/empty', async () => ({ ok: true }));

  // 1. My contacts, most recently active first; `at` + `id` continue after a row (keyset).
  app.get('/api/bench/raw/contacts', async (req) => {
    const q = req.query as Q;
    const after = q.id ? `and (c.last_activity_at, c.id) < ($4::timestamptz, $5::uuid)` : '';
    const afterNull = q.id && !q.at ? `and c.last_activity_at is null and c.id < $5::uuid` : '';
    const rows = await db.query(
      `select ${contactJson} from contacts c
       where c.workspace_id = $1 and c.owner_id = $2 and c.deleted_at is null ${q.at ? after : afterNull}
       order by c.last_activity_at desc nulls last, c.id desc limit $3`,
      [q.workspaceId, q.ownerId, Number(q.limit ?? 50), ...(q.id ? [q.at ?? null, q.id] : [])],
    );
    return { data: rows };
  });

  // 2. One contact with its companies, open deals and counts (of live records, as the API counts them).
  app.get('/api/bench/raw/contacts/:id/overview', async (req) => {
    const q = req.query as Q;
    const [row] = await db.query(
      `select row_to_json(c1) as contact,
         coalesce((select json_agg(d) from (
            select d.id, d.name, d.amount_minor as "amountMinor", d.currency, d.stage_id as "stageId", s.name as "stageName",
                   d.expected_close_date as "expectedCloseDate", d.owner_id as "ownerId"
            from deal_contacts dc join deals d on d.workspace_id = dc.workspace_id and d.id = dc.deal_id
            join pipeline_stages s on s.workspace_id = d.workspace_id and s.id = d.stage_id
            where dc.workspace_id = $1 and dc.contact_id = $2 and d.status = 'open' and d.deleted_at is null
            order by d.created_at desc limit 20) d), '[]') as "openDeals",
         json_build_object(
           'companies', (select count(*) from contact_companies cc join companies co on co.workspace_id = cc.workspace_id and co.id = cc.company_id
                         where cc.workspace_id = $1 and cc.contact_id = $2 and co.deleted_at is null),
           'deals', (select count(*) from deal_contacts dc join deals d on d.workspace_id = dc.workspace_id and d.id = dc.deal_id
                     where dc.workspace_id = $1 and dc.contact_id = $2 and d.deleted_at is null),
           'openDeals', (select count(*) from deal_contacts dc join deals d on d.workspace_id = dc.workspace_id and d.id = dc.deal_id
                     where dc.workspace_id = $1 and dc.contact_id = $2 and d.deleted_at is null and d.status = 'open'),
           'activities', (select count(*) from activity_links al join activities a on a.workspace_id = al.workspace_id and a.id = al.activity_id
                          where al.workspace_id = $1 and al.record_type = 'contact' and al.record_id = $2 and a.deleted_at is null),
           'openTasks', (select count(*) from task_links tl join tasks t on t.workspace_id = tl.workspace_id and t.id = tl.task_id
                     where tl.workspace_id = $1 and tl.record_type = 'contact' and tl.record_id = $2 and not t.done and t.deleted_at is null)
         ) as counts
       from (select ${contactJson} from contacts c where c.workspace_id = $1 and c.id = $2) c1`,
      [q.workspaceId, (req.params as Q).id],
    );
    return row;
  });

  // 3. Search as you type: one prefix over the folded terms, the first hits in term order, with names.
  app.get('/api/bench/raw/search', async (req) => {
    const q = req.query as Q;
    const rows = await db.query(
      `with c as (
         select distinct on (record_type, record_id) record_type, record_id, term
         from (select record_type, record_id, term from search_terms
               where workspace_id = $1 and term like $2 order by term limit 200) s
         order by record_type, record_id, term)
       select c.record_type as type, c.record_id as id, coalesce(x.title, '') as title, x.subtitle, c.term as matched
       from c cross join lateral (
         select concat_ws(' ', first_name, last_name) as title, emails->0->>'value' as subtitle from contacts
          where c.record_type = 'contact' and workspace_id = $1 and id = c.record_id and deleted_at is null
         union all select name, domain from companies where c.record_type = 'company' and workspace_id = $1 and id = c.record_id and deleted_at is null
         union all select concat_ws(' ', first_name, last_name), company_name from leads where c.record_type = 'lead' and workspace_id = $1 and id = c.record_id and deleted_at is null
         union all select name, status from deals where c.record_type = 'deal' and workspace_id = $1 and id = c.record_id and deleted_at is null) x
       order by c.term, x.title limit $3`,
      [q.workspaceId, `${q.q.toLowerCase()}%`, Number(q.limit ?? 10)],
    );
    return { data: rows };
  });

  // 4. Timeline: the last 50 activities on a contact, each with its links.
  app.get('/api/bench/raw/contacts/:id/timeline', async (req) => {
    const q = req.query as Q;
    const rows = await db.query(
      `select a.id, a.type, a.subject, a.body, a.occurred_at as "occurredAt", a.duration_seconds as "durationSeconds", a.outcome,
              a.owner_id as "ownerId", a.custom, a.version, a.created_at as "createdAt", a.updated_at as "updatedAt",
              (select json_agg(json_build_object('recordType', l2.record_type, 'recordId', l2.record_id))
                 from activity_links l2 where l2.workspace_id = a.workspace_id and l2.activity_id = a.id) as links
       from activity_links l join activities a on a.workspace_id = l.workspace_id and a.id = l.activity_id
       where l.workspace_id = $1 and l.record_type = 'contact' and l.record_id = $2 and a.deleted_at is null
       order by l.occurred_at desc nulls last, l.activity_id desc nulls last limit 50`,
      [q.workspaceId, (req.params as Q).id],
    );
    return { data: rows };
  });

  // 5. Dashboard: open pipeline by stage and by owner, and won/lost by month.
  app.get('/api/bench/raw/reports/pipeline', async (req) => {
    const q = req.query as Q;
    const [byStage, byOwner] = await Promise.all([
      db.query(
        `select s.id as "stageId", s.name, s.position, s.kind, count(d.id)::int as count, d.currency,
                coalesce(sum(d.amount_minor), 0)::bigint as "amountMinor", coalesce(round(sum(d.amount_minor * d.probability / 100.0)), 0)::bigint as "weightedMinor"
         from pipeline_stages s left join deals d on d.workspace_id = s.workspace_id and d.stage_id = s.id and d.status = 'open' and d.deleted_at is null
         where s.workspace_id = $1 and s.pipeline_id = $2
         group by s.id, s.name, s.position, s.kind, d.currency order by s.position`,
        [q.workspaceId, q.pipelineId],
      ),
      db.query(
        `select d.owner_id as "ownerId", m.name, count(*)::int as count, d.currency, sum(d.amount_minor)::bigint as "amountMinor",
                round(sum(d.amount_minor * d.probability / 100.0))::bigint as "weightedMinor"
         from deals d left join members m on m.workspace_id = d.workspace_id and m.id = d.owner_id
         where d.workspace_id = $1 and d.pipeline_id = $2 and d.status = 'open' and d.deleted_at is null
         group by d.owner_id, m.name, d.currency order by count(*) desc`,
        [q.workspaceId, q.pipelineId],
      ),
    ]);
    return { byStage, byOwner };
  });

  app.get('/api/bench/raw/reports/win-rate', async (req) => {
    const q = req.query as Q;
    const rows = await db.query(
      `select to_char(m, 'YYYY-MM') as month, count(*) filter (where d.status = 'won')::int as won, count(*) filter (where d.status = 'lost')::int as lost,
              d.currency, coalesce(sum(d.amount_minor) filter (where d.status = 'won'), 0)::bigint as "wonMinor"
       from generate_series(date_trunc('month', now() at time zone 'UTC') - make_interval(months => $3::int - 1), date_trunc('month', now() at time zone 'UTC'), interval '1 month') m
       left join deals d on d.workspace_id = $1 and d.pipeline_id = $2 and d.status in ('won', 'lost') and d.deleted_at is null
         and d.closed_at >= m at time zone 'UTC' and d.closed_at < (m + interval '1 month') at time zone 'UTC'
       group by m, d.currency order by m`,
      [q.workspaceId, q.pipelineId, Number(q.months ?? 12)],
    );
    return { data: rows };
  });

  // 6. Import: parse the CSV and insert the new people in one statement, skipping emails already there.
  app.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: 256 * 1024 * 1024 }, (_req, body, done) => done(null, body));
  app.post('/api/bench/raw/import', { bodyLimit: 256 * 1024 * 1024 }, async (req) => {
    const q = req.query as Q;
    const rows = parse(req.body as string, { columns: true, bom: true, skip_empty_lines: true }) as Record<string, string>[];
    const seen = new Set<string>();
    const cols = {
      id: [] as string[],
      first: [] as string[],
      last: [] as string[],
      email: [] as string[],
      phone: [] as string[],
      title: [] as string[],
    };
    for (const r of rows) {
      const email = (r.email ?? '').trim().toLowerCase();
      if (!email || seen.has(email)) continue;
      seen.add(email);
      cols.id.push(uuidv7());
      cols.first.push(r.first_name);
      cols.last.push(r.last_name);
      cols.email.push(email);
      cols.phone.push(r.phone);
      cols.title.push(r.title);
    }
    const [res] = await db.query<{ n: number }>(
      `with ins as (
         insert into contacts (workspace_id, id, first_name, last_name, emails, phones, title, owner_id, created_by)
         select $1, x.id, x.f, x.l, jsonb_build_array(jsonb_build_object('label', 'work', 'value', x.e)),
                case when x.p <> '' then jsonb_build_array(jsonb_build_object('label', 'work', 'value', x.p)) else '[]' end, x.t, $8, $8
         from unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) as x(id, f, l, e, p, t)
         where not exists (select 1 from search_terms s where s.workspace_id = $1 and s.kind = 'email' and s.record_type = 'contact' and s.term = x.e)
         returning 1)
       select count(*)::int as n from ins`,
      [q.workspaceId, cols.id, cols.first, cols.last, cols.email, cols.phone, cols.title, q.ownerId],
    );
    return { created: res.n, rows: rows.length };
  });

  // 9. A custom object's records, 50 most recently changed first, optionally those of one status; the
  // object named by its key, as in the API's URL. The type's id comes from a subquery run once, so that
  // the (type, updated_at) index gives the order (a join would sort every record of the type).
  app.get('/api/bench/raw/objects/:key/records', async (req) => {
    const q = req.query as Q;
    const rows = await db.query(
      `select r.id, r.version, r.created_at as "createdAt", r.updated_at as "updatedAt", r.created_by as "createdBy", r.deleted_at as "deletedAt",
              $2::text as "objectKey", r.name, r.owner_id as "ownerId", r.last_activity_at as "lastActivityAt", r.custom
       from custom_records r
       where r.workspace_id = $1 and r.deleted_at is null ${q.status ? `and r.custom->>'status' = $4` : ''}
         and r.object_type_id = (select t.id from object_types t where t.workspace_id = $1 and t.key = $2 and t.deleted_at is null)
       order by r.updated_at desc, r.id desc limit $3`,
      [q.workspaceId, (req.params as Q).key, Number(q.limit ?? 50), ...(q.status ? [q.status] : [])],
    );
    return { data: rows };
  });

  // … and a built-in object's list beside it: contacts in the same order, optionally of one tier.
  app.get('/api/bench/raw/contacts/recent', async (req) => {
    const q = req.query as Q;
    const rows = await db.query(
      `select ${contactJson} from contacts c
       where c.workspace_id = $1 and c.deleted_at is null ${q.tier ? `and c.custom->>'tier' = $3` : ''}
       order by c.updated_at desc, c.id desc limit $2`,
      [q.workspaceId, Number(q.limit ?? 50), ...(q.tier ? [q.tier] : [])],
    );
    return { data: rows };
  });

  // 10. Create a contact in one statement: the row alone, or with what the API writes beside it
  // (`parts`: terms = its search terms, history = its create history row, event = its outbox event,
  // both carrying the contact as JSON like the API's). Returns the contact and how many rows of each went in.
  app.post('/api/bench/raw/contacts/create', async (req) => {
    const q = req.query as Q;
    const parts = new Set((q.parts ?? '').split(',').filter(Boolean));
    const b = req.body as { workspaceId: string; memberId: string; firstName: string; lastName: string; email: string };
    const params: unknown[] = [b.workspaceId, uuidv7(), b.firstName, b.lastName, b.email, b.memberId];
    const p = (v: unknown) => `$${params.push(v)}`;
    const ctes = [
      `c as (insert into contacts (workspace_id, id, first_name, last_name, emails, owner_id, created_by)
             values ($1::uuid, $2::uuid, $3::text, $4::text, jsonb_build_array(jsonb_build_object('label', 'work', 'value', $5::text)), $6::uuid, $6::uuid)
             returning *)`,
      `j as (select c.id, jsonb_build_object('id', c.id, 'version', c.version, 'createdAt', c.created_at, 'updatedAt', c.updated_at,
               'createdBy', c.created_by, 'deletedAt', c.deleted_at, 'firstName', c.first_name, 'lastName', c.last_name, 'emails', c.emails,
               'phones', c.phones, 'title', c.title, 'address', c.address, 'lifecycleStage', c.lifecycle_stage, 'source', c.source,
               'ownerId', c.owner_id, 'lastActivityAt', c.last_activity_at, 'custom', c.custom, 'companies', '[]'::jsonb) as doc from c)`,
    ];
    const counts: string[] = [];
    if (parts.has('terms')) {
      ctes.push(`s as (insert into search_terms (workspace_id, record_type, record_id, kind, term)
        select r.workspace_id, 'contact', r.id, t.kind, t.term from c r cross join lateral (${contactDef.search?.terms}) t
        where t.term is not null and t.term <> '' on conflict do nothing returning 1)`);
      counts.push('(select count(*)::int from s) as terms');
    }
    if (parts.has('history')) {
      ctes.push(`h as (insert into record_history (workspace_id, id, record_type, record_id, action, new_value, actor_type, actor_id, request_id, version)
        select $1::uuid, ${p(uuidv7())}::uuid, 'contact', j.id, 'create', j.doc, 'member', $6::uuid, ${p(req.id)}::text, 1 from j returning 1)`);
      counts.push('(select count(*)::int from h) as history');
    }
    if (parts.has('event')) {
      ctes.push(`e as (insert into domain_events (workspace_id, id, type, record_type, record_id, payload, actor_id)
        select $1::uuid, ${p(uuidv7())}::uuid, 'contact.created', 'contact', j.id, jsonb_build_object('after', j.doc), $6::uuid from j returning 1)`);
      counts.push('(select count(*)::int from e) as events');
    }
    const [row] = await db.query<Record<string, unknown>>(
      `with ${ctes.join(',\n')} select ${['j.doc', ...counts].join(', ')} from j`,
      params,
    );
    return row;
  });

  // 7. Mass update: move contacts to another owner.
  app.post('/api/bench/raw/contacts/reassign', { bodyLimit: 16 * 1024 * 1024 }, async (req) => {
    const b = req.body as { workspaceId: string; ids: string[]; ownerId: string };
    const [res] = await db.query<{ n: number }>(
      `with u as (update contacts set owner_id = $3, version = version + 1, updated_at = now()
                  where workspace_id = $1 and id = any($2::uuid[]) and deleted_at is null returning 1)
       select count(*)::int as n from u`,
      [b.workspaceId, b.ids, b.ownerId],
    );
    return { updated: res.n };
  });

  // 9. The service desk: an agent's queue (open tickets, unassigned or theirs), newest first, and the queue counts.
  const ticketJson = `t.id, t.version, t.created_at as "createdAt", t.updated_at as "updatedAt", t.created_by as "createdBy",
    t.deleted_at as "deletedAt", t.number, t.subject, t.description, t.requester_id as "requesterId", t.company_id as "companyId",
    t.status, t.priority, t.type, t.channel, t.assignee_id as "assigneeId", t.team_id as "teamId", t.tags, t.deal_ids as "dealIds",
    t.first_response_due_at as "firstResponseDueAt", t.first_responded_at as "firstRespondedAt",
    t.next_response_due_at as "nextResponseDueAt", t.resolution_due_at as "resolutionDueAt", t.solved_at as "solvedAt",
    t.sla_state as "slaState", t.custom`;
  const open = `t.status in ('new', 'open', 'pending', 'on_hold')`;
  app.get('/api/bench/raw/tickets', async (req) => {
    const q = req.query as Q;
    const whose = q.assigneeId ? 't.assignee_id = $3' : 't.assignee_id is null';
    const rows = await db.query(
      `select ${ticketJson} from tickets t
       where t.workspace_id = $1 and t.deleted_at is null and ${open} and ${whose}
       order by t.number desc limit $2`,
      [q.workspaceId, Number(q.limit ?? 50), ...(q.assigneeId ? [q.assigneeId] : [])],
    );
    return { data: rows };
  });
  app.get('/api/bench/raw/tickets/queues', async (req) => {
    const q = req.query as Q;
    const [row] = await db.query(
      `select count(*) filter (where t.assignee_id is null)::int as unassigned,
              count(*) filter (where t.assignee_id = $2)::int as mine,
              0 as my_team,
              count(*) filter (where t.sla_state in ('breaching_soon', 'breached'))::int as breaching_soon,
              count(*)::int as all
       from tickets t where t.workspace_id = $1 and t.deleted_at is null and ${open}`,
      [q.workspaceId, q.memberId],
    );
    return row;
  });
}
