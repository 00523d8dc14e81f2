import { appendFileSync } from 'node:fs';
import {
  type Faker,
  fakerDE,
  fakerEN_GB,
  fakerEN_IN,
  fakerEN_US,
  fakerES,
  fakerFR,
  fakerIT,
  fakerNL,
  fakerPL,
  fakerPT_BR,
  fakerRU,
  fakerSV,
  fakerTR,
} from '@faker-js/faker';
import { lifecycleStages } from '../contract/contacts.ts';
import type { Config } from '../server/config.ts';
import type { Database } from '../server/db/client.ts';
import { systemCtx } from '../server/http/context.ts';
import { signUp } from '../server/modules/auth/auth.service.ts';
import { createFieldDefinition } from '../server/modules/fields/fields.service.ts';
import { createObjectType } from '../server/modules/objects/objects.service.ts';
import { createPipeline, listPipelines } from '../server/modules/pipelines/pipelines.service.ts';
import { wireRecordEngine } from '../server/modules/registry.ts';
import { reindexAll } from '../server/modules/search/search.service.ts';

export type Size = 'small' | 'medium' | 'large';

export interface Counts {
  contacts: number;
  companies: number;
  deals: number;
  activities: number;
  tasks: number;
  leads: number;
  owners: number;
  /** Records of a custom object ("Projects"), as many as there are contacts: its list is measured beside theirs. */
  projects: number;
}

/** The issue's large size, and a tenth and a hundredth of it. */
export const sizes: Record<Size, Counts> = {
  small: {
    contacts: 10_000,
    companies: 2_000,
    deals: 3_000,
    activities: 100_000,
    tasks: 5_000,
    leads: 1_000,
    owners: 20,
    projects: 10_000,
  },
  medium: {
    contacts: 100_000,
    companies: 20_000,
    deals: 30_000,
    activities: 1_000_000,
    tasks: 50_000,
    leads: 10_000,
    owners: 60,
    projects: 100_000,
  },
  large: {
    contacts: 1_000_000,
    companies: 200_000,
    deals: 300_000,
    activities: 10_000_000,
    tasks: 500_000,
    leads: 100_000,
    owners: 200,
    projects: 1_000_000,
  },
};

/** The custom object every dataset has, and the values of its select field. */
export const projectObject = { key: 'project', statuses: ['Planned', 'Active', 'On hold', 'Done'] } as const;

export interface Dataset {
  size: Size | 'custom';
  seed: number;
  counts: Counts;
  workspaceId: string;
  ownerId: string;
  email: string;
  password: string;
  /** The owner with the most contacts (the skew puts the biggest book on the first owners). */
  busiestOwnerId: string;
  busiestOwnerContacts: number;
  pipelineIds: string[];
  /** Contacts spread over the whole table, for reads and timelines (md5 order: not clustered). */
  sampleContactIds: string[];
  /** Members who own contacts: a mass update moves contacts from one to another. */
  ownerIds: string[];
  /** The key of the custom object whose records the dataset holds (`projectObject.key`). */
  objectKey: string;
  generatedAt: string;
  seconds: Record<string, number>;
}

/** Latin-script and Cyrillic names, weighted roughly like a European-American customer base. */
const locales: { faker: Faker; weight: number; phone: string; tld: string }[] = [
  { faker: fakerEN_US, weight: 30, phone: '+1 415 555 ', tld: 'com' },
  { faker: fakerEN_GB, weight: 12, phone: '+44 20 7946 ', tld: 'co.uk' },
  { faker: fakerDE, weight: 14, phone: '+49 30 901820', tld: 'de' },
  { faker: fakerFR, weight: 9, phone: '+33 1 70 36 ', tld: 'fr' },
  { faker: fakerES, weight: 7, phone: '+34 91 123 ', tld: 'es' },
  { faker: fakerIT, weight: 5, phone: '+39 06 6982 ', tld: 'it' },
  { faker: fakerNL, weight: 4, phone: '+31 20 794 ', tld: 'nl' },
  { faker: fakerPL, weight: 4, phone: '+48 22 123 ', tld: 'pl' },
  { faker: fakerPT_BR, weight: 5, phone: '+55 11 3003 ', tld: 'com.br' },
  { faker: fakerSV, weight: 3, phone: '+46 8 123 ', tld: 'se' },
  { faker: fakerTR, weight: 3, phone: '+90 212 555 ', tld: 'com.tr' },
  { faker: fakerEN_IN, weight: 3, phone: '+91 22 6123 ', tld: 'in' },
  { faker: fakerRU, weight: 1, phone: '+7 495 123 ', tld: 'ru' },
];
const perLocale = 120;

/** Name lists drawn once from faker with a fixed seed: the same names every run. */
function vocabulary(seed: number) {
  const first: string[] = [];
  const last: string[] = [];
  const companies: string[] = [];
  const localeOf: number[] = [];
  for (const [i, l] of locales.entries()) {
    l.faker.seed(seed + i);
    const take = (make: () => string) => Array.from({ length: perLocale }, make);
    first.push(...take(() => l.faker.person.firstName()));
    last.push(...take(() => l.faker.person.lastName()));
    companies.push(...take(() => l.faker.company.name()));
    for (let k = 0; k < l.weight; k++) localeOf.push(i);
  }
  return {
    first,
    last,
    companies,
    localeOf,
    phones: locales.map((l) => l.phone),
    tlds: locales.map((l) => l.tld),
  };
}

const anchor = '2026-11-01T00:00:00Z';

/**
 * Generates a workspace inside the database with INSERT … SELECT over generate_series: no row
 * crosses the wire, and every value is a hash of (seed, row number), so the same seed gives the same
 * workspace (ids, names, owners, dates). Timestamps count back from a fixed anchor over three years.
 */
export async function generateDataset(
  db: Database,
  config: Config,
  counts: Counts,
  opts: { seed?: number; size?: Size | 'custom'; log?: (line: string) => void } = {},
): Promise<Dataset> {
  // The services used below write records through the record engine, which must be wired first.
  wireRecordEngine();
  const seed = opts.seed ?? 42;
  const log = opts.log ?? (() => {});
  const seconds: Record<string, number> = {};
  const step = async (name: string, fn: () => Promise<unknown>) => {
    const t0 = performance.now();
    await fn();
    seconds[name] = (performance.now() - t0) / 1000;
    log(`  ${name}: ${seconds[name].toFixed(1)} s`);
  };
  const v = vocabulary(seed);
  const email = `bench.${seed}.${Date.now()}@rapport.local`;
  const password = 'benchmark password 2026';
  const { workspaceId: ws, memberId } = await signUp(db.db, config, { name: 'Bench Owner', email, password, workspaceName: 'Bench' });
  const ctx = systemCtx(ws, memberId);
  const q = (text: string, params: unknown[] = []) => {
    if (process.env.BENCH_SQL_DUMP)
      appendFileSync(process.env.BENCH_SQL_DUMP, `${JSON.stringify([ws, ...params]).slice(0, 300)}\n${text};\n\n`);
    return db.query(text, [ws, ...params]);
  };

  // Deterministic pseudo-random numbers: a hash of the row number under a per-column key.
  const h = (key: number, i = 'i') => `abs(hashint8extended((${i})::bigint, ${seed * 1000 + key}))`;
  // float8, not numeric: numeric division and power() cost microseconds a row at these volumes.
  const u = (key: number, i = 'i') => `((${h(key, i)} % 1000003)::float8 / 1000003)`;
  const pick = (arr: string, key: number, i = 'i') => `(${arr})[1 + ${h(key, i)} % array_length(${arr}, 1)]`;
  // A UUIDv7-shaped id from a timestamp and the row: time-ordered like the app's own ids.
  const idOf = (tsExpr: string, tag: string, i = 'i') =>
    `(lpad(to_hex((extract(epoch from ${tsExpr}) * 1000)::bigint), 12, '0') || '7' || substr(md5('${seed}${tag}' || (${i})), 1, 3) || '8' || substr(md5('${seed}${tag}' || (${i})), 4, 15))::uuid`;
  const back = (key: number, days: number, i = 'i') => `(timestamptz '${anchor}' - ${u(key, i)} * interval '${days} days')`;
  const lit = (xs: readonly string[]) => `array[${xs.map((x) => `'${x.replace(/'/g, "''")}'`).join(',')}]::text[]`;

  // Members: the skew puts a power-law share of the book on the first owners.
  await step('members', async () => {
    await q(
      `insert into identities (id, email, password_hash)
       select ${idOf(`timestamptz '${anchor}'`, 'idn')}, 'owner' || i || '.' || $1::text || '@bench.local', 'x' from generate_series(2, $2::int) i`,
      [counts.owners],
    );
    await q(
      `insert into members (workspace_id, id, identity_id, name, email, role)
       select $1::uuid, ${idOf(`timestamptz '${anchor}'`, 'mem')}, ${idOf(`timestamptz '${anchor}'`, 'idn')},
              ${pick('$3::text[]', 1)} || ' ' || ${pick('$4::text[]', 2)}, 'owner' || i || '.' || $1::text || '@bench.local', 'member'
       from generate_series(2, $2::int) i`,
      [counts.owners, v.first, v.last],
    );
  });
  const ownerRows = await q(`select id from members where workspace_id = $1::uuid order by (id = $2) desc, email`, [memberId]);
  const ownerIds = ownerRows.map((r) => String(r.id));
  const owners = `'{${ownerIds.join(',')}}'::uuid[]`;
  const owner = (key: number, i = 'i') => `(${owners})[1 + floor(${ownerIds.length} * power(${u(key, i)}, 2.5))::int]`;

  // Three pipelines, the first being the Sales pipeline every workspace starts with; custom fields filled on records.
  const pipelines = await listPipelines(db.db, ctx);
  await db.db.transaction(async (tx) => {
    await createPipeline(tx, ctx, {
      name: 'Renewals',
      position: 1,
      stages: [
        { name: 'Upcoming', probability: 60 },
        { name: 'In talks', probability: 75 },
        { name: 'Renewed', probability: 100, kind: 'won' },
        { name: 'Churned', probability: 0, kind: 'lost' },
      ],
    });
    await createPipeline(tx, ctx, {
      name: 'Partnerships',
      position: 2,
      stages: [
        { name: 'Intro', probability: 10 },
        { name: 'Pilot', probability: 40 },
        { name: 'Contract', probability: 80 },
        { name: 'Signed', probability: 100, kind: 'won' },
        { name: 'Dropped', probability: 0, kind: 'lost' },
      ],
    });
    await createFieldDefinition(tx, ctx, {
      objectType: 'contact',
      key: 'tier',
      label: 'Tier',
      type: 'select',
      options: ['Gold', 'Silver', 'Bronze'],
    });
    await createFieldDefinition(tx, ctx, { objectType: 'contact', key: 'nps', label: 'NPS', type: 'number' });
    await createFieldDefinition(tx, ctx, { objectType: 'contact', key: 'renewal_date', label: 'Renewal date', type: 'date' });
    await createFieldDefinition(tx, ctx, {
      objectType: 'deal',
      key: 'competitor',
      label: 'Competitor',
      type: 'select',
      options: ['None', 'Acme CRM', 'Globex Sales', 'Initech Desk'],
    });
  });
  // A custom object defined as an admin would, through the service: its type and field definitions.
  const project = await db.db.transaction(async (tx) => {
    const t = await createObjectType(tx, ctx, { key: projectObject.key, label: 'Project', labelPlural: 'Projects', icon: 'folder' });
    const objectType = projectObject.key;
    await createFieldDefinition(tx, ctx, {
      objectType,
      key: 'status',
      label: 'Status',
      type: 'select',
      options: [...projectObject.statuses],
    });
    await createFieldDefinition(tx, ctx, { objectType, key: 'budget', label: 'Budget', type: 'number' });
    await createFieldDefinition(tx, ctx, { objectType, key: 'due_date', label: 'Due date', type: 'date' });
    await createFieldDefinition(tx, ctx, { objectType, key: 'client', label: 'Client', type: 'relation', target: 'company' });
    return t;
  });
  const all = (await listPipelines(db.db, ctx)).sort((a, b) => a.position - b.position);
  if (all.length !== pipelines.length + 2) throw new Error('pipelines were not created');

  const companyId = (n: string) => idOf(back(10, 1095, n), 'co', n);
  const contactId = (c: string) => idOf(back(20, 1095, c), 'ct', c);
  const companyOf = (c: string) => `(1 + ${h(21, c)} % ${counts.companies})`;

  await step('companies', () =>
    q(
      `insert into companies (workspace_id, id, name, domain, industry, size, phone, address, owner_id, custom, created_at, updated_at, created_by)
       select $1::uuid, ${companyId('i')}, name, slug || i || '.' || ($3::text[])[loc + 1], ${pick(lit(['Software', 'Retail', 'Energy', 'Health', 'Finance', 'Manufacturing', 'Logistics', 'Education', 'Media', 'Hospitality']), 11)},
              ${pick(lit(['1-10', '11-50', '51-200', '201-500', '501-1000', '1001-5000', '5001+']), 12)},
              ($4::text[])[loc + 1] || lpad((i % 10000)::text, 4, '0'),
              jsonb_build_object('city', ${pick(lit(['London', 'Berlin', 'Paris', 'Madrid', 'Milan', 'Amsterdam', 'Warsaw', 'São Paulo', 'Stockholm', 'Istanbul', 'Mumbai', 'New York', 'Austin', 'Toronto']), 13)}),
              ${owner(14)}, '{}', ${back(10, 1095)}, ${back(10, 1095)} + ${u(15)} * interval '30 days', $2
       from (select i, name, loc, coalesce(nullif(regexp_replace(rapport_fold(name), '[^a-z0-9]+', '', 'g'), ''), 'company') as slug
             from (select i, ($5::text[])[1 + ${h(16)} % array_length($5::text[], 1)] as name,
                          ($6::int[])[1 + ${h(17)} % array_length($6::int[], 1)] as loc
                   from generate_series(1, $7::int) i) a) b`,
      [memberId, v.tlds, v.phones, v.companies, v.localeOf, counts.companies],
    ),
  );

  const stageOf = lifecycleStages;
  await step('contacts', async () => {
    await q(
      `insert into contacts (workspace_id, id, first_name, last_name, emails, phones, title, lifecycle_stage, source, owner_id, custom, created_at, updated_at, created_by)
       select $1::uuid, ${contactId('i')}, first, last,
              jsonb_build_array(jsonb_build_object('label', 'work', 'value',
                coalesce(nullif(regexp_replace(rapport_fold(first) || '.' || rapport_fold(last), '[^a-z0-9.]+', '', 'g'), '.'), 'contact') || i || '@' || co.domain)),
              jsonb_build_array(jsonb_build_object('label', 'work', 'value', ($3::text[])[loc + 1] || lpad((${h(30)} % 10000)::text, 4, '0'))),
              ${pick(lit(['CEO', 'CTO', 'CFO', 'Head of Sales', 'Sales Manager', 'Account Executive', 'Buyer', 'Procurement Lead', 'Engineer', 'Office Manager', 'Marketing Lead', 'Operations Director']), 31)},
              ${pick(lit(stageOf), 32)}, ${pick(lit(['website', 'referral', 'event', 'import', 'outbound', 'partner']), 33)},
              ${owner(34)},
              jsonb_build_object('tier', ${pick(lit(['Gold', 'Silver', 'Bronze', 'Bronze']), 35)}, 'nps', ${h(36)} % 11,
                                 'renewal_date', to_char(date '${anchor.slice(0, 10)}' + (${h(37)} % 365)::int, 'YYYY-MM-DD')),
              ${back(20, 1095)}, ${back(20, 1095)} + ${u(38)} * interval '60 days', $2
       from (select i, ($4::text[])[loc * ${perLocale} + 1 + ${h(39)} % ${perLocale}] as first,
                       ($5::text[])[loc * ${perLocale} + 1 + ${h(40)} % ${perLocale}] as last, loc
             from (select i, ($6::int[])[1 + ${h(41)} % array_length($6::int[], 1)] as loc from generate_series(1, $7::int) i) a) p
       join companies co on co.workspace_id = $1::uuid and co.id = ${companyId(companyOf('i'))}`,
      [memberId, v.phones, v.first, v.last, v.localeOf, counts.contacts],
    );
    // Most people work at the company their email says; some are freelancers with no company link.
    await q(
      `insert into contact_companies (workspace_id, contact_id, company_id, role, is_primary)
       select $1::uuid, ${contactId('i')}, ${companyId(companyOf('i'))}, ${pick(lit(['Employee', 'Decision maker', 'Champion', 'Billing']), 42)}, true
       from generate_series(1, $2::int) i where ${h(43)} % 100 < 85`,
      [counts.contacts],
    );
  });

  await step('leads', () =>
    q(
      `insert into leads (workspace_id, id, first_name, last_name, email, phone, company_name, title, source, status, owner_id, created_at, updated_at, created_by)
       select $1::uuid, ${idOf(back(50, 365), 'ld')}, first, last,
              lower(regexp_replace(rapport_fold(first || '.' || last), '[^a-z0-9.]+', '', 'g')) || i || '@lead' || (i % 500) || '.example',
              ($6::text[])[loc + 1] || lpad((i % 10000)::text, 4, '0'), ${pick('$5::text[]', 51)}, 'Manager',
              ${pick(lit(['website', 'web form', 'event', 'referral']), 52)}, ${pick(lit(['new', 'new', 'contacted', 'qualified', 'unqualified']), 53)},
              ${owner(54)}, ${back(50, 365)}, ${back(50, 365)}, $2
       from (select i, ($3::text[])[loc * ${perLocale} + 1 + ${h(55)} % ${perLocale}] as first,
                       ($4::text[])[loc * ${perLocale} + 1 + ${h(56)} % ${perLocale}] as last, loc
             from (select i, ($7::int[])[1 + ${h(57)} % array_length($7::int[], 1)] as loc from generate_series(1, $8::int) i) a) p`,
      [memberId, v.first, v.last, v.companies, v.phones, v.localeOf, counts.leads],
    ),
  );

  // Deals: 60% in Sales, 25% Renewals, 15% Partnerships; about half open, the rest won or lost over three years.
  const ps = all.slice(0, 3);
  const stageArrays = ps.map((p) => ({
    open: p.stages.filter((s) => s.kind === 'open'),
    won: p.stages.find((s) => s.kind === 'won'),
    lost: p.stages.find((s) => s.kind === 'lost'),
  }));
  const uuidArr = (xs: string[]) => `'{${xs.join(',')}}'::uuid[]`;
  const intArr = (xs: number[]) => `'{${xs.join(',')}}'::int[]`;
  const pipeIdx = `(case when ${h(60)} % 100 < 60 then 0 when ${h(60)} % 100 < 85 then 1 else 2 end)`;
  const stageCase = (col: 'id' | 'probability') =>
    `(case ${stageArrays
      .map((s, p) => {
        const openArr = col === 'id' ? uuidArr(s.open.map((x) => x.id)) : intArr(s.open.map((x) => x.probability));
        const won = col === 'id' ? `'${s.won?.id}'::uuid` : String(s.won?.probability ?? 100);
        const lost = col === 'id' ? `'${s.lost?.id}'::uuid` : String(s.lost?.probability ?? 0);
        return `when pipe = ${p} then (case status when 'won' then ${won} when 'lost' then ${lost} else (${openArr})[1 + ${h(61)} % ${s.open.length}] end)`;
      })
      .join(' ')} end)`;
  await step('deals', async () => {
    await q(
      `insert into deals (workspace_id, id, name, amount_minor, currency, pipeline_id, stage_id, status, probability, expected_close_date,
                          closed_at, close_reason, owner_id, company_id, custom, created_at, updated_at, created_by)
       select $1::uuid, ${idOf('created', 'dl')}, co.name || ' – ' || ${pick(lit(['New business', 'Expansion', 'Renewal', 'Pilot', 'Upgrade', 'Services']), 62)},
              (round(exp(ln(500) + ${u(63)} * ln(400))) * 100)::bigint, ${pick(lit(['EUR', 'EUR', 'EUR', 'EUR', 'EUR', 'EUR', 'USD', 'USD', 'USD', 'GBP']), 64)},
              (${uuidArr(ps.map((p) => p.id))})[pipe + 1], ${stageCase('id')}, status, ${stageCase('probability')},
              case when status = 'open' then (date '${anchor.slice(0, 10)}' + (${h(65)} % 180)::int) else closed::date end,
              closed, case when status = 'lost' then ${pick(lit(['Price', 'Timing', 'Competitor', 'No budget', 'No decision']), 66)} end,
              ${owner(67)}, co.id, jsonb_build_object('competitor', ${pick(lit(['None', 'Acme CRM', 'Globex Sales', 'Initech Desk']), 68)}),
              created, greatest(created, coalesce(closed, created)), $2
       from (select i, ${pipeIdx} as pipe,
                    case when ${h(69)} % 100 < 50 then 'open' when ${h(69)} % 100 < 78 then 'won' else 'lost' end as status,
                    ${back(70, 1095)} as created,
                    ${back(70, 1095)} + ${u(71)} * interval '120 days' as closed0
             from generate_series(1, $3::int) i) d
       cross join lateral (select case when d.status = 'open' then null else least(d.closed0, timestamptz '${anchor}') end as closed) c
       join companies co on co.workspace_id = $1::uuid and co.id = ${companyId(companyOf(`i * 7`))}`,
      [memberId, counts.deals],
    );
    await q(
      `insert into deal_contacts (workspace_id, deal_id, contact_id, role)
       select $1::uuid, d.id, ct.contact_id, 'Decision maker'
       from deals d cross join lateral (
         select cc.contact_id from contact_companies cc where cc.workspace_id = d.workspace_id and cc.company_id = d.company_id limit 1) ct
       where d.workspace_id = $1::uuid`,
    );
  });

  // Records of the custom object, written as createCustomRecord writes them: name, owner, custom values
  // valid for the field definitions above (the client a company of the workspace).
  await step('projects', () =>
    q(
      `insert into custom_records (workspace_id, id, object_type_id, name, owner_id, custom, created_at, updated_at, created_by)
       select $1::uuid, ${idOf(back(110, 1095), 'pj')}, $3::uuid,
              co.name || ' – ' || ${pick(lit(['Website relaunch', 'ERP rollout', 'Office move', 'Security audit', 'Data migration', 'Onboarding', 'Pilot', 'Support renewal']), 111)},
              ${owner(112)},
              jsonb_build_object('status', ${pick(lit(projectObject.statuses), 113)}, 'budget', (${h(114)} % 500 + 1) * 1000,
                                 'due_date', to_char(date '${anchor.slice(0, 10)}' + (${h(115)} % 540)::int - 180, 'YYYY-MM-DD'), 'client', co.id),
              ${back(110, 1095)}, ${back(110, 1095)} + ${u(116)} * interval '90 days', $2
       from generate_series(1, $4::int) i
       join companies co on co.workspace_id = $1::uuid and co.id = ${companyId(companyOf('i * 3'))}`,
      [memberId, project.id, counts.projects],
    ),
  );

  // Activities: a skewed number per contact over three years, linked to the contact and, for half, its company.
  // A scratch table maps contact numbers to ids, so each activity computes its own id once and looks the rest up.
  const activityAt = back(80, 1095);
  const actContact = `(1 + floor(${counts.contacts} * power(${u(81)}, 1.3))::int)`;
  await step('activities', async () => {
    await db.query('drop table if exists bench_contact_ix');
    await db.query(
      `create unlogged table bench_contact_ix as
       select i as n, ${contactId('i')} as id, ${companyId(companyOf('i'))} as company_id from generate_series(1, $1::int) i`,
      [counts.contacts],
    );
    await db.query('alter table bench_contact_ix add primary key (n)');
    const chunk = 1_000_000;
    for (let from = 1; from <= counts.activities; from += chunk) {
      const to = Math.min(counts.activities, from + chunk - 1);
      await q(
        `with src as materialized (
           select i, ${idOf('at', 'ac')} as id, at, type, c
           from (select i, ${activityAt} as at, ${actContact} as c,
                        ${pick(lit(['email', 'email', 'email', 'email', 'email', 'call', 'call', 'meeting', 'meeting', 'note', 'chat']), 90)} as type
                 from generate_series($3::int, $4::int) i) g
         ), ins as (
           insert into activities (workspace_id, id, type, subject, body, occurred_at, duration_seconds, outcome, owner_id, created_at, updated_at, created_by)
           select $1::uuid, id, type,
                  case type when 'email' then ${pick(lit(['Re: proposal', 'Follow-up on our call', 'Pricing question', 'Intro', 'Contract draft', 'Meeting notes']), 82)}
                            when 'call' then ${pick(lit(['Discovery call', 'Check-in', 'Pricing call', 'Support call']), 83)}
                            when 'meeting' then ${pick(lit(['Demo', 'Quarterly review', 'Kick-off', 'Workshop']), 84)}
                            else ${pick(lit(['Note', 'Prefers email', 'Budget confirmed', 'Asked for references']), 85)} end,
                  case when ${h(86)} % 3 = 0 then 'Thanks for your time today. As discussed, we will send the revised numbers by Friday.' end,
                  at, case when type in ('call', 'meeting') then (${h(87)} % 3600)::int end,
                  case when type = 'call' then ${pick(lit(['connected', 'voicemail', 'no answer']), 88)} end,
                  ${owner(89)}, at, at, $2
           from src
         )
         insert into activity_links (workspace_id, activity_id, record_type, record_id, occurred_at)
         select $1::uuid, src.id, 'contact', cx.id, src.at from src join bench_contact_ix cx on cx.n = src.c
         union all
         select $1::uuid, src.id, 'company', cx.company_id, src.at from src join bench_contact_ix cx on cx.n = src.c where ${h(91)} % 2 = 0`,
        [memberId, from, to],
      );
      log(`    activities ${to.toLocaleString('en')} / ${counts.activities.toLocaleString('en')}`);
    }
    await db.query('drop table bench_contact_ix');
    // Last activity, as the app keeps it when an activity is logged.
    await q(
      `update contacts c set last_activity_at = l.at from (
         select record_id, max(occurred_at) at from activity_links where workspace_id = $1::uuid and record_type = 'contact' group by record_id) l
       where c.workspace_id = $1::uuid and c.id = l.record_id`,
    );
    await q(
      `update companies c set last_activity_at = l.at from (
         select record_id, max(occurred_at) at from activity_links where workspace_id = $1::uuid and record_type = 'company' group by record_id) l
       where c.workspace_id = $1::uuid and c.id = l.record_id`,
    );
  });

  await step('tasks', async () => {
    const due = `(timestamptz '${anchor}' + (${u(100)} * 455 - 365) * interval '1 day')`;
    await q(
      `insert into tasks (workspace_id, id, title, notes, due_at, assignee_id, done, done_at, priority, created_at, updated_at, created_by)
       select $1::uuid, ${idOf(`${due} - interval '7 days'`, 'tk')}, ${pick(lit(['Call back', 'Send proposal', 'Prepare demo', 'Chase invoice', 'Book meeting', 'Send contract']), 101)},
              null, ${due}, ${owner(102)}, done, case when done then ${due} end, ${pick(lit(['low', 'normal', 'normal', 'high']), 103)},
              ${due} - interval '7 days', ${due} - interval '7 days', $2
       from (select i, (${due} < timestamptz '${anchor}' and ${h(104)} % 10 < 8) as done from generate_series(1, $3::int) i) t`,
      [memberId, counts.tasks],
    );
    await q(
      `insert into task_links (workspace_id, task_id, record_type, record_id)
       select $1::uuid, ${idOf(`${due} - interval '7 days'`, 'tk')}, 'contact', ${contactId(`1 + ${h(105)} % ${counts.contacts}`)}
       from generate_series(1, $2::int) i`,
      [counts.tasks],
    );
  });

  await step('history', () =>
    q(
      `insert into record_history (workspace_id, id, record_type, record_id, action, actor_type, at)
       select workspace_id, gen_random_uuid(), 'company', id, 'create', 'system', created_at from companies where workspace_id = $1::uuid
       union all select workspace_id, gen_random_uuid(), 'contact', id, 'create', 'system', created_at from contacts where workspace_id = $1::uuid
       union all select workspace_id, gen_random_uuid(), 'deal', id, 'create', 'system', created_at from deals where workspace_id = $1::uuid
       union all select workspace_id, gen_random_uuid(), 'custom_record', id, 'create', 'system', created_at from custom_records where workspace_id = $1::uuid`,
    ),
  );

  await step('search index', async () => {
    await reindexAll(db.db, ws);
  });
  await step('analyze', async () => {
    for (const t of [
      'companies',
      'contacts',
      'contact_companies',
      'leads',
      'deals',
      'deal_contacts',
      'activities',
      'activity_links',
      'tasks',
      'task_links',
      'search_terms',
      'record_history',
      'members',
      'custom_records',
      'object_types',
      'field_definitions',
    ])
      await db.query(`analyze ${t}`);
  });

  const [busiest] = await q(
    'select owner_id, count(*)::int as n from contacts where workspace_id = $1::uuid group by owner_id order by count(*) desc, owner_id limit 1',
  );
  const sample = await q(`select id from contacts where workspace_id = $1::uuid order by md5(id::text) limit 500`);
  return {
    size: opts.size ?? 'custom',
    seed,
    counts,
    workspaceId: ws,
    ownerId: memberId,
    email,
    password,
    busiestOwnerId: String(busiest.owner_id),
    busiestOwnerContacts: Number(busiest.n),
    pipelineIds: ps.map((p) => p.id),
    sampleContactIds: sample.map((r) => String(r.id)),
    ownerIds,
    objectKey: project.key,
    generatedAt: new Date().toISOString(),
    seconds,
  };
}
