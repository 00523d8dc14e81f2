import { de, en, en_GB, Faker, fr } from '@faker-js/faker';
import { and, eq, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import { systemCtx } from '../http/context.ts';
import { activities, activityLinks } from '../modules/activities/activities.table.ts';
import { signUp } from '../modules/auth/auth.service.ts';
import { identities, members } from '../modules/auth/auth.table.ts';
import { hashPassword } from '../modules/auth/passwords.ts';
import { companies } from '../modules/companies/companies.table.ts';
import { contactCompanies, contacts } from '../modules/contacts/contacts.table.ts';
import { dealContacts, deals } from '../modules/deals/deals.table.ts';
import { createFieldDefinition } from '../modules/fields/fields.service.ts';
import { recordHistory } from '../modules/history/history.table.ts';
import { leads } from '../modules/leads/leads.table.ts';
import { createPipeline } from '../modules/pipelines/pipelines.service.ts';
import { pipelineStages } from '../modules/pipelines/pipelines.table.ts';
import { reindexAll } from '../modules/search/search.service.ts';
import { taskLinks, tasks } from '../modules/tasks/tasks.table.ts';
import { savedViews } from '../modules/views/views.table.ts';

export const DEMO_EMAIL = 'demo@rapport.local';
export const DEMO_PASSWORD = 'rapport-demo-2026';

export interface DemoOptions {
  companies?: number;
  email?: string;
  /** Fixed seed: the same options give the same workspace (ids and times aside). */
  seed?: number;
}

const industries = [
  'Software',
  'Manufacturing',
  'Retail',
  'Healthcare',
  'Financial services',
  'Logistics',
  'Energy',
  'Education',
  'Media',
  'Hospitality',
];
const sizes = ['1-10', '11-50', '51-200', '201-500', '501-1000', '1001-5000', '5001+'];
const lifecycle = [
  'subscriber',
  'lead',
  'marketingQualified',
  'salesQualified',
  'opportunity',
  'customer',
  'customer',
  'customer',
  'evangelist',
];
const sources = ['Website', 'Referral', 'Trade show', 'Cold outreach', 'Partner', 'Webinar', 'LinkedIn'];
const outcomes = ['Connected', 'Left voicemail', 'No answer', 'Wrong number', 'Meeting booked'];
const lostReasons = ['Price', 'Went with a competitor', 'No budget', 'Timing', 'No decision'];
const taskTitles = [
  'Send proposal',
  'Follow up on call',
  'Prepare demo',
  'Check in after trial',
  'Send contract',
  'Book QBR',
  'Introduce to support lead',
  'Review pricing',
];
const notes = [
  'Discussed rollout timeline and who signs off.',
  'Wants a comparison with their current tool.',
  'Budget confirmed for next quarter.',
  'Asked for references in their industry.',
  'Legal review pending; follow up Friday.',
];

// Phone numbers from ranges reserved for fiction, so that none rings anyone; international, so their
// E.164 is the plus and the digits.
const phoneText = (f: Faker) =>
  f.helpers.arrayElement([
    () => `+44 20 7946 0${f.string.numeric(3)}`,
    () => `+1 415 555 01${f.string.numeric(2)}`,
    () => `+49 30 ${f.string.numeric(8)}`,
  ])();
const phoneColumns = (p: { value: string; e164: string }) => ({ phone: p.value, phoneE164: p.e164 });
const phone = (f: Faker) => {
  const value = phoneText(f);
  return { value, e164: `+${value.replace(/\D/g, '')}` };
};

async function insertBatches(db: Db, table: Parameters<Db['insert']>[0], rows: Record<string, unknown>[], size = 500) {
  for (let i = 0; i < rows.length; i += size) await db.insert(table).values(rows.slice(i, i + size) as never);
}

/**
 * A believable demo workspace: a sales team, companies and their people, deals across two
 * pipelines, a year of calls, meetings, emails and notes, and open, overdue and done tasks.
 * Rows go in by batches (per-row round trips are what make seeding slow on PGlite).
 */
export async function seedDemo(db: Db, config: Config, opts: DemoOptions = {}) {
  const f = new Faker({ locale: [en, en_GB, de, fr] });
  f.seed(opts.seed ?? 2026);
  const email = opts.email ?? DEMO_EMAIL;
  const nCompanies = opts.companies ?? 300;
  const [exists] = await db.select({ id: identities.id }).from(identities).where(sql`lower(${identities.email}) = lower(${email})`);
  if (exists) return { created: false as const, email };

  const { workspaceId, memberId } = await signUp(db, config, {
    name: 'Dana Demo',
    email,
    password: DEMO_PASSWORD,
    workspaceName: 'Northwind Traders (demo)',
  });
  const ctx = systemCtx(workspaceId, memberId);
  const now = Date.now();
  const day = 86_400_000;

  // The sales team: they can sign in with the demo password too.
  const hash = await hashPassword(DEMO_PASSWORD, config.scryptLogN);
  const team = [memberId];
  const teamNames = ['Sam Rivera', 'Priya Patel', 'Jonas Becker', 'Amélie Laurent', 'Kenji Watanabe'];
  for (const [i, name] of teamNames.entries()) {
    const identityId = uuidv7();
    const mEmail = `${name.split(' ')[0].toLowerCase().normalize('NFD').replace(/\p{M}/gu, '')}.${workspaceId.slice(-6)}@rapport.local`;
    await db.insert(identities).values({ id: identityId, email: mEmail, passwordHash: hash });
    const id = uuidv7();
    await db.insert(members).values({ workspaceId, id, identityId, name, email: mEmail, role: i === 0 ? 'admin' : 'member' });
    team.push(id);
  }
  // A skewed book: the first sellers own most of the records, as in real teams.
  const owner = () => team[Math.min(team.length - 1, Math.floor(f.number.float({ min: 0, max: 1 }) ** 1.6 * team.length))];

  await db.transaction(async (tx) => {
    await createPipeline(tx, ctx, {
      name: 'Renewals',
      position: 1,
      stages: [
        { name: 'Upcoming', probability: 60 },
        { name: 'In review', probability: 75 },
        { name: 'Renewed', probability: 100, kind: 'won' },
        { name: 'Churned', probability: 0, kind: 'lost' },
      ],
    });
    await createFieldDefinition(tx, ctx, {
      objectType: 'company',
      key: 'tier',
      label: 'Tier',
      type: 'select',
      options: ['Enterprise', 'Mid-market', 'SMB'],
    });
    await createFieldDefinition(tx, ctx, { objectType: 'contact', key: 'linkedin', label: 'LinkedIn', type: 'url' });
    await createFieldDefinition(tx, ctx, { objectType: 'deal', key: 'competitor', label: 'Competitor', type: 'text' });
  });
  const stages = await db.select().from(pipelineStages).where(eq(pipelineStages.workspaceId, workspaceId));

  const companyRows = Array.from({ length: nCompanies }, () => {
    const name = f.company.name();
    const created = new Date(now - f.number.int({ min: 30, max: 3 * 365 }) * day);
    return {
      workspaceId,
      id: uuidv7(),
      name,
      domain: `${name
        .toLowerCase()
        .normalize('NFD')
        .replace(/\p{M}/gu, '')
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, '')
        .slice(0, 40)}.example`,
      industry: f.helpers.arrayElement(industries),
      size: f.helpers.arrayElement(sizes),
      address: {
        street: f.location.streetAddress(),
        city: f.location.city(),
        postalCode: f.location.zipCode(),
        country: f.location.country(),
      },
      ...phoneColumns(phone(f)),
      ownerId: owner(),
      custom: {
        tier: f.helpers.weightedArrayElement([
          { weight: 1, value: 'Enterprise' },
          { weight: 3, value: 'Mid-market' },
          { weight: 6, value: 'SMB' },
        ]),
      },
      createdAt: created,
      updatedAt: new Date(created.getTime() + f.number.int({ min: 0, max: now - created.getTime() })),
      createdBy: memberId,
    };
  });
  const contactRows: (typeof contacts.$inferInsert)[] = [];
  const links: (typeof contactCompanies.$inferInsert)[] = [];
  for (const co of companyRows) {
    for (let i = 0; i < f.number.int({ min: 1, max: 4 }); i++) {
      const firstName = f.person.firstName();
      const lastName = f.person.lastName();
      const local = `${firstName}.${lastName}`
        .toLowerCase()
        .normalize('NFD')
        .replace(/\p{M}/gu, '')
        .replace(/[^a-z.]/g, '');
      const id = uuidv7();
      contactRows.push({
        workspaceId,
        id,
        firstName,
        lastName,
        emails: [{ label: 'work', value: `${local}@${co.domain}` }],
        phones: [{ label: 'work', ...phone(f) }],
        title: f.person.jobTitle(),
        lifecycleStage: f.helpers.arrayElement(lifecycle),
        source: f.helpers.arrayElement(sources),
        ownerId: co.ownerId,
        custom: f.datatype.boolean(0.4) ? { linkedin: `https://www.linkedin.com/in/${local.replace('.', '-')}` } : {},
        createdAt: co.createdAt,
        updatedAt: co.updatedAt,
        createdBy: memberId,
      });
      links.push({
        workspaceId,
        contactId: id,
        companyId: co.id,
        role: i === 0 ? 'Decision maker' : f.helpers.arrayElement(['Champion', 'User', 'Finance', 'IT']),
        isPrimary: true,
      });
    }
  }
  const contactsOf = new Map<string, string[]>();
  for (const l of links) contactsOf.set(l.companyId, [...(contactsOf.get(l.companyId) ?? []), l.contactId]);

  const dealRows: (typeof deals.$inferInsert)[] = [];
  const dealLinks: (typeof dealContacts.$inferInsert)[] = [];
  for (const co of f.helpers.arrayElements(companyRows, Math.round(nCompanies * 0.8))) {
    const stage = f.helpers.arrayElement(stages);
    const closed = stage.kind !== 'open';
    const id = uuidv7();
    dealRows.push({
      workspaceId,
      id,
      name: `${co.name} — ${f.helpers.arrayElement(['Platform', 'Expansion', 'Pilot', 'Renewal', 'Add-on seats', 'Services'])}`,
      amountMinor: f.number.int({ min: 20, max: 900 }) * 10_000,
      currency: f.helpers.weightedArrayElement([
        { weight: 8, value: 'USD' },
        { weight: 2, value: 'EUR' },
      ]),
      pipelineId: stage.pipelineId,
      stageId: stage.id,
      status: stage.kind,
      probability: stage.probability,
      expectedCloseDate: new Date(now + f.number.int({ min: -60, max: 180 }) * day).toISOString().slice(0, 10),
      closedAt: closed ? new Date(now - f.number.int({ min: 1, max: 200 }) * day) : null,
      closeReason: stage.kind === 'lost' ? f.helpers.arrayElement(lostReasons) : null,
      ownerId: co.ownerId,
      companyId: co.id,
      custom: f.datatype.boolean(0.3) ? { competitor: f.helpers.arrayElement(['Salesforce', 'HubSpot', 'Pipedrive', 'Spreadsheet']) } : {},
      createdAt: new Date(now - f.number.int({ min: 10, max: 400 }) * day),
      createdBy: memberId,
    });
    for (const c of (contactsOf.get(co.id) ?? []).slice(0, 2))
      dealLinks.push({ workspaceId, dealId: id, contactId: c, role: 'Stakeholder' });
  }
  const dealsOf = new Map(dealRows.map((d) => [d.companyId as string, d.id as string]));

  const activityRows: (typeof activities.$inferInsert)[] = [];
  const activityLinkRows: (typeof activityLinks.$inferInsert)[] = [];
  for (let i = 0; i < contactRows.length * 5; i++) {
    const c = f.helpers.arrayElement(links);
    const type = f.helpers.weightedArrayElement([
      { weight: 4, value: 'call' as const },
      { weight: 3, value: 'email' as const },
      { weight: 2, value: 'meeting' as const },
      { weight: 2, value: 'note' as const },
      { weight: 1, value: 'chat' as const },
    ]);
    const occurredAt = new Date(now - f.number.int({ min: 0, max: 365 * day }));
    const id = uuidv7();
    activityRows.push({
      workspaceId,
      id,
      type,
      subject:
        { call: 'Call', email: 'Re: next steps', meeting: 'Meeting', note: 'Note', chat: 'Chat' }[type] +
        (type === 'meeting' ? `: ${f.helpers.arrayElement(['Discovery', 'Demo', 'QBR', 'Pricing'])}` : ''),
      body: f.helpers.arrayElement(notes),
      occurredAt,
      durationSeconds:
        type === 'call' ? f.number.int({ min: 60, max: 1800 }) : type === 'meeting' ? f.helpers.arrayElement([1800, 2700, 3600]) : null,
      outcome: type === 'call' ? f.helpers.arrayElement(outcomes) : null,
      ownerId: owner(),
      createdAt: occurredAt,
      updatedAt: occurredAt,
      createdBy: memberId,
    });
    activityLinkRows.push({ workspaceId, activityId: id, recordType: 'contact', recordId: c.contactId, occurredAt });
    activityLinkRows.push({ workspaceId, activityId: id, recordType: 'company', recordId: c.companyId, occurredAt });
    const deal = dealsOf.get(c.companyId);
    if (deal && f.datatype.boolean(0.5))
      activityLinkRows.push({ workspaceId, activityId: id, recordType: 'deal', recordId: deal, occurredAt });
  }

  const taskRows: (typeof tasks.$inferInsert)[] = [];
  const taskLinkRows: (typeof taskLinks.$inferInsert)[] = [];
  for (let i = 0; i < Math.round(nCompanies * 0.7); i++) {
    const c = f.helpers.arrayElement(links);
    const when = f.helpers.weightedArrayElement([
      { weight: 3, value: 'overdue' },
      { weight: 2, value: 'today' },
      { weight: 4, value: 'future' },
      { weight: 4, value: 'done' },
    ]);
    const dueAt =
      when === 'overdue'
        ? new Date(now - f.number.int({ min: 1, max: 20 }) * day)
        : when === 'today'
          ? new Date(now + f.number.int({ min: 1, max: 8 }) * 3_600_000)
          : new Date(now + f.number.int({ min: 1, max: 40 }) * day);
    const id = uuidv7();
    taskRows.push({
      workspaceId,
      id,
      title: f.helpers.arrayElement(taskTitles),
      dueAt,
      assigneeId: i % 3 === 0 ? memberId : owner(),
      done: when === 'done',
      doneAt: when === 'done' ? new Date(dueAt.getTime() - day) : null,
      priority: f.helpers.arrayElement(['low', 'normal', 'normal', 'high'] as const),
      createdBy: memberId,
    });
    taskLinkRows.push({ workspaceId, taskId: id, recordType: 'contact', recordId: c.contactId });
  }

  const leadRows = Array.from({ length: Math.round(nCompanies / 3) }, () => {
    const firstName = f.person.firstName();
    const lastName = f.person.lastName();
    return {
      workspaceId,
      id: uuidv7(),
      firstName,
      lastName,
      email: f.internet.email({ firstName, lastName, provider: 'example.net' }).toLowerCase(),
      ...phoneColumns(phone(f)),
      companyName: f.company.name(),
      title: f.person.jobTitle(),
      source: f.helpers.arrayElement(sources),
      status: f.helpers.arrayElement(['new', 'new', 'contacted', 'qualified', 'unqualified'] as const),
      ownerId: owner(),
      createdBy: memberId,
    };
  });

  await db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    await insertBatches(t, companies, companyRows);
    await insertBatches(t, contacts, contactRows);
    await insertBatches(t, contactCompanies, links);
    await insertBatches(t, deals, dealRows);
    await insertBatches(t, dealContacts, dealLinks);
    await insertBatches(t, leads, leadRows);
    await insertBatches(t, activities, activityRows);
    await insertBatches(t, activityLinks, activityLinkRows);
    await insertBatches(t, tasks, taskRows);
    await insertBatches(t, taskLinks, taskLinkRows);
    // Every record starts its history with a create row, as if made through the API.
    const history = [
      ...companyRows.map((r) => ({ type: 'company', id: r.id, at: r.createdAt })),
      ...contactRows.map((r) => ({ type: 'contact', id: r.id as string, at: r.createdAt as Date })),
      ...dealRows.map((r) => ({ type: 'deal', id: r.id as string, at: r.createdAt as Date })),
    ].map((h) => ({
      workspaceId,
      id: uuidv7(),
      recordType: h.type,
      recordId: h.id,
      action: 'create' as const,
      actorType: 'system' as const,
      at: h.at,
    }));
    await insertBatches(t, recordHistory, history);
    // Bulk-loaded records enter the search index the way every write does, in the same transaction.
    await reindexAll(tx, workspaceId);
    for (const table of ['companies', 'contacts', 'deals']) {
      const type = { companies: 'company', contacts: 'contact', deals: 'deal' }[table];
      await tx.execute(
        sql.raw(`update ${table} r set last_activity_at = l.latest from (
          select record_id, max(occurred_at) as latest from activity_links
          where workspace_id = '${workspaceId}' and record_type = '${type}' group by record_id) l
          where r.workspace_id = '${workspaceId}' and r.id = l.record_id`),
      );
    }
    await tx.insert(savedViews).values([
      {
        workspaceId,
        id: uuidv7(),
        objectType: 'deal',
        name: 'My open deals',
        filter: {
          and: [
            { field: 'ownerId', op: 'eq', value: '$me' },
            { field: 'status', op: 'eq', value: 'open' },
          ],
        },
        sort: '-amountMinor',
        visibility: 'shared',
        ownerId: memberId,
        createdBy: memberId,
      },
      {
        workspaceId,
        id: uuidv7(),
        objectType: 'company',
        name: 'Enterprise accounts',
        filter: { field: 'custom.tier', op: 'eq', value: 'Enterprise' },
        sort: 'name',
        visibility: 'shared',
        ownerId: memberId,
        createdBy: memberId,
      },
    ]);
  });
  const [count] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(contacts)
    .where(and(eq(contacts.workspaceId, workspaceId)));
  return {
    created: true as const,
    email,
    workspaceId,
    counts: {
      companies: companyRows.length,
      contacts: Number(count.n),
      deals: dealRows.length,
      leads: leadRows.length,
      activities: activityRows.length,
      tasks: taskRows.length,
    },
  };
}
