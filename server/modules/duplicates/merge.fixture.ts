import { api, type Session, testDatabase } from '../../test/harness.ts';
import { createOk } from '../../test/samples.ts';

// A small world of records that name each other, built through the API, and full snapshots of
// every row that names the records of one type: what a merge must move and its undo put back.

export const firstStage = async (s: Session) => (await api(s).get('/pipelines')).json().data[0].stages[0].id as string;

/** Every row that holds or names one of `ids`, as JSON, in a stable order; `version`/`updated_at` left out of records (an undo moves them on). */
export async function snapshot(workspaceId: string, ids: string[]) {
  const d = await testDatabase();
  const q = async (label: string, text: string) => {
    const rows = await d.query<{ row: Record<string, unknown> }>(text, [workspaceId, ids]);
    return [label, rows.map((r) => JSON.stringify(r.row)).sort()] as const;
  };
  const record = (table: string, where: string) =>
    q(table, `select to_jsonb(t) - 'version' - 'updated_at' as row from ${table} t where t.workspace_id = $1 and (${where})`);
  return Object.fromEntries(
    await Promise.all([
      record('contacts', `t.id = any($2) or exists (select 1 from jsonb_each_text(t.custom) c where c.value = any($2::text[]))`),
      record('companies', 't.id = any($2)'),
      record('leads', 't.id = any($2) or t.converted_contact_id = any($2) or t.converted_company_id = any($2)'),
      record('deals', `t.company_id = any($2) or exists (select 1 from jsonb_each_text(t.custom) c where c.value = any($2::text[]))`),
      q('activity_links', 'select to_jsonb(t) as row from activity_links t where t.workspace_id = $1 and t.record_id = any($2)'),
      q('task_links', 'select to_jsonb(t) as row from task_links t where t.workspace_id = $1 and t.record_id = any($2)'),
      q('deal_contacts', 'select to_jsonb(t) as row from deal_contacts t where t.workspace_id = $1 and t.contact_id = any($2)'),
      q(
        'contact_companies',
        'select to_jsonb(t) as row from contact_companies t where t.workspace_id = $1 and (t.contact_id = any($2) or t.company_id = any($2))',
      ),
    ]),
  );
}

/** How many rows of each kind name each of `ids`. */
export async function references(workspaceId: string, ids: string[]) {
  const d = await testDatabase();
  const rows = await d.query<{ id: string; n: number }>(
    `select x.id::text, count(*)::int as n from (
       select record_id as id from activity_links where workspace_id = $1
       union all select record_id from task_links where workspace_id = $1
       union all select contact_id from deal_contacts where workspace_id = $1
       union all select contact_id from contact_companies where workspace_id = $1
       union all select company_id from contact_companies where workspace_id = $1
       union all select company_id from deals where workspace_id = $1 and company_id is not null
       union all select converted_contact_id from leads where workspace_id = $1 and converted_contact_id is not null
       union all select converted_company_id from leads where workspace_id = $1 and converted_company_id is not null
       union all select (c.value)::uuid from deals, jsonb_each_text(custom) c where workspace_id = $1 and c.key = 'champion'
     ) x where x.id = any($2) group by x.id`,
    [workspaceId, ids],
  );
  return new Map(rows.map((r) => [r.id, r.n]));
}

/** The distinct things (activities, tasks, deals, contacts/companies, leads) linked to any of `ids`. */
export async function linkedTo(workspaceId: string, ids: string[]) {
  const d = await testDatabase();
  const rows = await d.query<{ what: string }>(
    `select distinct what from (
       select 'activity:' || activity_id as what from activity_links where workspace_id = $1 and record_id = any($2)
       union all select 'task:' || task_id from task_links where workspace_id = $1 and record_id = any($2)
       union all select 'deal:' || deal_id from deal_contacts where workspace_id = $1 and contact_id = any($2)
       union all select 'company:' || company_id from contact_companies where workspace_id = $1 and contact_id = any($2)
       union all select 'contact:' || contact_id from contact_companies where workspace_id = $1 and company_id = any($2)
       union all select 'deal:' || id from deals where workspace_id = $1 and company_id = any($2)
       union all select 'champion:' || id from deals, jsonb_each_text(custom) c where workspace_id = $1 and c.key = 'champion' and c.value = any($2::text[])
       union all select 'lead:' || id from leads where workspace_id = $1 and (converted_contact_id = any($2) or converted_company_id = any($2))
     ) x order by what`,
    [workspaceId, ids],
  );
  return rows.map((r) => r.what);
}

export interface World {
  contacts: string[];
  companies: string[];
}

/** Choices that shape a world, so that a property test can draw them. */
export interface WorldPlan {
  contacts: number;
  companies: number;
  /** Each activity, task and deal: the indexes of the contacts it names. */
  activities: number[][];
  tasks: number[][];
  deals: { contacts: number[]; company: number | null; champion: number | null }[];
  /** Each contact's companies, by index. */
  employers: number[][];
  /** Leads converted into an existing contact and company, by index. */
  conversions: { contact: number; company: number }[];
}

export async function buildWorld(s: Session, plan: WorldPlan): Promise<World> {
  const companies: string[] = [];
  for (let i = 0; i < plan.companies; i++) companies.push((await createOk(s, '/companies', { name: `Company ${i}` })).id);
  const contacts: string[] = [];
  for (let i = 0; i < plan.contacts; i++) {
    const employers = [...new Set((plan.employers[i] ?? []).map((c) => c % companies.length))];
    const body = {
      firstName: `Person`,
      lastName: `Number ${i}`,
      emails: [{ value: `p${i}@example.test` }],
      companies: employers.map((c, j) => ({ companyId: companies[c], isPrimary: j === 0 })),
    };
    contacts.push((await createOk(s, '/contacts', body)).id);
  }
  const some = (idx: number[]) => [...new Set(idx.map((i) => contacts[i % contacts.length]))];
  const links = (idx: number[]) => some(idx).map((recordId) => ({ recordType: 'contact', recordId }));
  for (const [i, a] of plan.activities.entries()) {
    const companyLink = companies.length ? [{ recordType: 'company', recordId: companies[i % companies.length] }] : [];
    await createOk(s, '/activities', { type: 'note', body: `Note ${i}`, links: [...links(a), ...companyLink] });
  }
  for (const [i, t] of plan.tasks.entries()) await createOk(s, '/tasks', { title: `Task ${i}`, links: links(t) });
  const stageId = await firstStage(s);
  for (const [i, d] of plan.deals.entries()) {
    await createOk(s, '/deals', {
      name: `Deal ${i}`,
      stageId,
      contacts: some(d.contacts).map((contactId) => ({ contactId })),
      companyId: d.company === null || !companies.length ? null : companies[d.company % companies.length],
      custom: d.champion === null ? {} : { champion: contacts[d.champion % contacts.length] },
    });
  }
  for (const c of plan.conversions) {
    if (!companies.length) break;
    const lead = await createOk(s, '/leads', { lastName: 'Converted', companyName: 'X' });
    const r = await api(s).post(`/leads/${lead.id}/convert`, {
      version: lead.version,
      contact: { existingId: contacts[c.contact % contacts.length] },
      company: { existingId: companies[c.company % companies.length] },
    });
    if (r.statusCode !== 200) throw new Error(`convert → ${r.statusCode} ${r.body}`);
  }
  return { contacts, companies };
}

/** A relation custom field on deals that names a contact: merges must re-point its values too. */
export async function addChampionField(s: Session) {
  const r = await api(s).post('/fields', { objectType: 'deal', key: 'champion', label: 'Champion', type: 'relation', target: 'contact' });
  if (r.statusCode !== 201) throw new Error(`field → ${r.statusCode} ${r.body}`);
}
