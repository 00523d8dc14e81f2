import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Company, CompanyCreate, CompanyUpdate } from '../../../contract/companies.ts';
import { companySizes } from '../../../contract/companies.ts';
import type { Conn } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { findRow, insertRecord, metaToApi, restoreRecord, softDeleteRecord, updateRecord } from '../../records/crud.ts';
import { type ListInput, listRecords } from '../../records/list.ts';
import { addressFields, isoTimestamp, metaFields, metaProjection, type ObjectDef } from '../../records/object-def.ts';
import { phoneColumns } from '../../records/phones.ts';
import { assertMembers } from '../auth/members.service.ts';
import { checkCustom } from '../fields/fields.service.ts';
import { searchTerms } from '../search/search.service.ts';
import { workspaceCountry } from '../workspaces/workspaces.service.ts';
import { companies } from './companies.table.ts';

type Row = typeof companies.$inferSelect;

export const companyDef = {
  type: 'company',
  label: 'Company',
  table: companies,
  owner: companies.ownerId,
  bulk: ['ownerId', 'industry', 'size'],
  hasCustom: true,
  defaultSort: 'name',
  lastActivityAt: companies.lastActivityAt,
  fields: {
    ...metaFields(companies),
    name: { kind: 'text', sql: companies.name, notNull: true },
    domain: { kind: 'text', sql: companies.domain },
    industry: { kind: 'text', sql: companies.industry },
    size: { kind: 'enum', sql: companies.size, options: companySizes },
    phone: { kind: 'text', sql: companies.phone },
    ownerId: { kind: 'uuid', sql: companies.ownerId, member: true },
    lastActivityAt: { kind: 'datetime', sql: companies.lastActivityAt },
    ...addressFields(companies.address),
  },
  title: 'r.name',
  duplicates: { exact: ['domain', 'phone'], name: 'rapport_fold(r.name)' },
  merge: {
    fields: {
      name: ['name'],
      domain: ['domain'],
      industry: ['industry'],
      size: ['size'],
      address: ['address'],
      phone: ['phone', 'phoneE164'],
      ownerId: ['ownerId'],
    },
  },
  search: {
    terms: `
      select 'name' as kind, w as term from rapport_words(r.name) w
      union all select 'domain', rapport_fold(r.domain)
      union all select 'phone', ${searchTerms.digits('r.phone')}
      union all select 'phone', ${searchTerms.digits('r.phone_e164')}`,
    subtitle: 'r.domain',
    reads: { kinds: { name: ['name'], domain: ['domain'], phone: ['phone'] }, subtitle: ['domain'] },
  },
  apiFields: [
    'name',
    'domain',
    'industry',
    'size',
    'address',
    'phone',
    'phoneE164',
    'ownerId',
    'lastActivityAt',
    'custom',
    'createdAt',
    'updatedAt',
    'createdBy',
    'deletedAt',
  ],
  projection: {
    ...metaProjection(companies),
    name: sql`${companies.name}`,
    domain: sql`${companies.domain}`,
    industry: sql`${companies.industry}`,
    size: sql`${companies.size}`,
    address: sql`${companies.address}`,
    phone: sql`${companies.phone}`,
    phoneE164: sql`${companies.phoneE164}`,
    ownerId: sql`${companies.ownerId}`,
    lastActivityAt: isoTimestamp(companies.lastActivityAt),
    custom: sql`${companies.custom}`,
  },
} satisfies ObjectDef;

export const toCompany = (r: Row): Company => ({
  ...metaToApi(r),
  name: r.name,
  domain: r.domain,
  industry: r.industry,
  size: r.size as Company['size'],
  address: r.address ?? null,
  phone: r.phone,
  phoneE164: r.phoneE164,
  ownerId: r.ownerId,
  lastActivityAt: r.lastActivityAt?.toISOString() ?? null,
  custom: r.custom,
});

export const listCompanies = (conn: Conn, ctx: Ctx, input: ListInput) => listRecords(conn, ctx, companyDef, input, toCompany);

export const getCompany = async (conn: Conn, ctx: Ctx, id: string) => toCompany(await findRow<Row>(conn, ctx, companyDef, id));

export async function createCompany(conn: Conn, ctx: Ctx, input: CompanyCreate) {
  const ownerId = input.ownerId === undefined ? ctx.memberId : input.ownerId;
  await assertMembers(conn, ctx, [{ field: 'body.ownerId', id: ownerId }]);
  const custom = await checkCustom(conn, ctx, 'company', input.custom, null, true);
  return insertRecord(
    conn,
    ctx,
    companyDef,
    {
      name: input.name,
      domain: input.domain?.toLowerCase() ?? null,
      industry: input.industry ?? null,
      size: input.size ?? null,
      address: input.address ?? null,
      ...phoneColumns(input.phone ?? null, await workspaceCountry(conn, ctx)),
      ownerId,
      custom,
    },
    toCompany,
  );
}

/** The columns a duplicate check compares of a company about to be created, read as createCompany reads them. */
export async function companyCheckValues(conn: Conn, ctx: Ctx, input: CompanyCreate) {
  return {
    name: input.name,
    domain: input.domain?.toLowerCase() ?? null,
    ...phoneColumns(input.phone ?? null, input.phone ? await workspaceCountry(conn, ctx) : null),
  };
}

export async function updateCompany(conn: Conn, ctx: Ctx, id: string, version: number, input: Omit<CompanyUpdate, 'version'>) {
  await assertMembers(conn, ctx, [{ field: 'body.ownerId', id: input.ownerId }]);
  return updateRecord(
    conn,
    ctx,
    companyDef,
    id,
    version,
    async (before: Row) => ({
      ...input,
      ...(input.domain ? { domain: input.domain.toLowerCase() } : {}),
      ...phoneColumns(input.phone, input.phone ? await workspaceCountry(conn, ctx) : null),
      custom: await checkCustom(conn, ctx, 'company', input.custom, before.custom, false),
    }),
    toCompany,
  );
}

export const deleteCompany = (conn: Conn, ctx: Ctx, id: string, version?: number) =>
  softDeleteRecord(conn, ctx, companyDef, id, version, toCompany);

export const restoreCompany = (conn: Conn, ctx: Ctx, id: string) => restoreRecord(conn, ctx, companyDef, id, toCompany);

/** Companies (not in the trash) whose domain is one of these (lower case): an email's participants' domains. */
export async function companiesByDomain(conn: Conn, ctx: Ctx, domains: string[]): Promise<string[]> {
  if (!domains.length) return [];
  const rows = await conn
    .select({ id: companies.id })
    .from(companies)
    .where(and(eq(companies.workspaceId, ctx.workspaceId), inArray(companies.domain, domains), isNull(companies.deletedAt)))
    .orderBy(companies.id)
    .limit(20);
  return rows.map((r) => r.id);
}

/**
 * One custom field's text value (a customer's `tier`) for many live companies at once, by id: read as
 * the system for the service desk's routing and SLA targets. A company in the trash has none.
 */
export async function companyCustomText(conn: Conn, workspaceId: string, ids: string[], key: string): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>();
  if (!ids.length) return out;
  const rows = await conn
    .select({
      id: companies.id,
      value: sql<string | null>`case when jsonb_typeof(${companies.custom}->${key}) = 'string' then ${companies.custom}->>${key} end`,
    })
    .from(companies)
    .where(and(eq(companies.workspaceId, workspaceId), inArray(companies.id, ids), isNull(companies.deletedAt)));
  for (const r of rows) out.set(r.id, r.value);
  return out;
}
