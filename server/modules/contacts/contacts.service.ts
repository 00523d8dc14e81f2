import { and, eq, inArray, isNull, type SQL, sql } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { uuidv7 } from 'uuidv7';
import type { Contact, ContactCompany, ContactCompanyInput, ContactCreate, ContactUpdate } from '../../../contract/contacts.ts';
import { lifecycleStages } from '../../../contract/contacts.ts';
import type { Conn } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { type FieldError, invalid } from '../../http/errors.ts';
import { findRow, insertRecord, metaToApi, restoreRecord, softDeleteRecord, updateRecord } from '../../records/crud.ts';
import { type ListInput, listRecords } from '../../records/list.ts';
import { addressFields, isoTimestamp, metaFields, metaProjection, type ObjectDef } from '../../records/object-def.ts';
import { readPhones } from '../../records/phones.ts';
import { assertRecords } from '../../records/references.ts';
import { assertMembers } from '../auth/members.service.ts';
import { companyDef, getCompany } from '../companies/companies.service.ts';
import { companies } from '../companies/companies.table.ts';
import { checkCustom } from '../fields/fields.service.ts';
import { searchTerms } from '../search/search.service.ts';
import { workspaceCountry } from '../workspaces/workspaces.service.ts';
import { contactCompanies, contacts, type LabeledPhone, type LabeledValue } from './contacts.table.ts';

type Row = typeof contacts.$inferSelect;

/**
 * A contact's live company links as one json array, read in the same query as the contact. The
 * outer columns are written out qualified: in a select list Drizzle renders columns bare, which
 * inside this subquery would bind to contact_companies instead. Both tables name workspace `ws`
 * (ProjectionSql: one shard on Citus).
 */
const companiesJson = (ws: SQL) => sql`coalesce((
  select json_agg(json_build_object('companyId', cc.company_id, 'name', co.name, 'role', cc.role, 'isPrimary', cc.is_primary)
    order by cc.is_primary desc, co.name collate "C", cc.company_id)
  from ${contactCompanies} cc join ${companies} co on co.workspace_id = ${ws} and co.id = cc.company_id
  where cc.workspace_id = ${ws} and cc.contact_id = "contacts"."id" and co.deleted_at is null), '[]'::json)`;

export const contactDef = {
  type: 'contact',
  label: 'Contact',
  table: contacts,
  owner: contacts.ownerId,
  bulk: ['ownerId', 'lifecycleStage', 'source'],
  hasCustom: true,
  defaultSort: 'lastName,firstName',
  lastActivityAt: contacts.lastActivityAt,
  fields: {
    ...metaFields(contacts),
    firstName: { kind: 'text', sql: contacts.firstName },
    lastName: { kind: 'text', sql: contacts.lastName },
    // concat_ws skips NULLs, so a contact with only a last name matches "Smith", not " Smith".
    name: { kind: 'text', sql: sql`concat_ws(' ', ${contacts.firstName}, ${contacts.lastName})`, notNull: true },
    email: { kind: 'labeledValues', sql: contacts.emails },
    phone: { kind: 'labeledValues', sql: contacts.phones },
    title: { kind: 'text', sql: contacts.title },
    lifecycleStage: { kind: 'enum', sql: contacts.lifecycleStage, options: lifecycleStages },
    source: { kind: 'text', sql: contacts.source },
    ownerId: { kind: 'uuid', sql: contacts.ownerId, member: true },
    lastActivityAt: { kind: 'datetime', sql: contacts.lastActivityAt },
    ...addressFields(contacts.address),
  },
  derivedColumns: { name: ['firstName', 'lastName'], email: ['emails'], phone: ['phones'] },
  duplicates: {
    exact: ['email', 'phone'],
    name: `rapport_fold(coalesce(r.first_name, '') || ' ' || coalesce(r.last_name, ''))`,
    company: (ws) =>
      sql`array(select cc.company_id::text from contact_companies cc where cc.workspace_id = ${ws} and cc.contact_id = r.id)`,
  },
  merge: {
    fields: {
      firstName: ['firstName'],
      lastName: ['lastName'],
      emails: ['emails'],
      phones: ['phones'],
      title: ['title'],
      address: ['address'],
      lifecycleStage: ['lifecycleStage'],
      source: ['source'],
      ownerId: ['ownerId'],
    },
    lists: { emails: 'value', phones: 'value' },
  },
  // A merged contact's companies become the survivor's (its primary one stays the survivor's);
  // a merged company's people work at the survivor.
  linkTables: [
    { table: 'contact_companies', column: 'contact_id', type: 'contact', key: ['company_id'], demote: 'is_primary' },
    { table: 'contact_companies', column: 'company_id', type: 'company', key: ['contact_id'] },
  ],
  title: `coalesce(nullif(concat_ws(' ', r.first_name, r.last_name), ''), r.emails->0->>'value', '')`,
  search: {
    terms: `
      select 'name' as kind, w as term from rapport_words(r.first_name) w
      union all select 'name', w from rapport_words(r.last_name) w
      union all select 'email', left(rapport_fold(e->>'value'), 200) from jsonb_array_elements(r.emails) e
      union all select 'domain', split_part(rapport_fold(e->>'value'), '@', 2) from jsonb_array_elements(r.emails) e
      union all select 'phone', ${searchTerms.digits(`p->>'value'`)} from jsonb_array_elements(r.phones) p
      union all select 'phone', ${searchTerms.digits(`p->>'e164'`)} from jsonb_array_elements(r.phones) p`,
    subtitle: `r.emails->0->>'value'`,
    reads: { kinds: { name: ['firstName', 'lastName'], email: ['emails'], domain: ['emails'], phone: ['phones'] }, subtitle: ['emails'] },
  },
  apiFields: [
    'firstName',
    'lastName',
    'emails',
    'phones',
    'title',
    'address',
    'lifecycleStage',
    'source',
    'ownerId',
    'lastActivityAt',
    'custom',
    'companies',
    'createdAt',
    'updatedAt',
    'createdBy',
    'deletedAt',
  ],
  projection: {
    ...metaProjection(contacts),
    firstName: sql`${contacts.firstName}`,
    lastName: sql`${contacts.lastName}`,
    emails: sql`${contacts.emails}`,
    phones: sql`${contacts.phones}`,
    title: sql`${contacts.title}`,
    address: sql`${contacts.address}`,
    lifecycleStage: sql`${contacts.lifecycleStage}`,
    source: sql`${contacts.source}`,
    ownerId: sql`${contacts.ownerId}`,
    lastActivityAt: isoTimestamp(contacts.lastActivityAt),
    custom: sql`${contacts.custom}`,
    companies: companiesJson,
  },
} satisfies ObjectDef;

export const toContact = (r: Row, links: ContactCompany[]): Contact => ({
  ...metaToApi(r),
  firstName: r.firstName,
  lastName: r.lastName,
  emails: r.emails,
  phones: r.phones.map((p) => ({ label: p.label, value: p.value, e164: p.e164 ?? null })),
  title: r.title,
  address: r.address ?? null,
  lifecycleStage: r.lifecycleStage as Contact['lifecycleStage'],
  source: r.source,
  ownerId: r.ownerId,
  lastActivityAt: r.lastActivityAt?.toISOString() ?? null,
  custom: r.custom,
  companies: links,
});

// Emails are compared lower-cased everywhere (dedupe, email sync), so they are stored that way; in
// NFC, so that an internationalised address typed with a combining accent is the same address.
const toEmails = (list: { label?: string; value: string }[]): LabeledValue[] =>
  list.map((e) => ({ label: e.label ?? 'work', value: e.value.normalize('NFC').toLowerCase() }));
/** Phones as typed plus E.164, national numbers read in the workspace's country; every unreadable one is named. */
async function toPhones(conn: Conn, ctx: Ctx, list: { label?: string; value: string }[]): Promise<LabeledPhone[]> {
  if (!list.length) return [];
  const errors: FieldError[] = [];
  const read = readPhones(list, await workspaceCountry(conn, ctx), (i) => `body.phones.${i}.value`, errors);
  if (errors.length) throw invalid(errors);
  return read.map((p) => ({ label: p.label ?? 'work', value: p.value, e164: p.e164 }));
}

function requireIdentity(firstName: string | null | undefined, lastName: string | null | undefined, emails: unknown[]) {
  if (firstName?.trim() || lastName?.trim() || emails.length) return;
  throw invalid([{ field: 'body.firstName', code: 'required', message: 'a contact needs a first name, a last name or an email' }]);
}

/**
 * Links in one order wherever they come from (the database or a request), so that comparing the
 * set before and after an update reports a change only when the set really changed.
 */
const sortLinks = (links: ContactCompany[]) =>
  links.sort(
    (a, b) =>
      Number(b.isPrimary) - Number(a.isPrimary) ||
      (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) ||
      (a.companyId < b.companyId ? -1 : a.companyId > b.companyId ? 1 : 0),
  );

/** The company links of many contacts in one query (a list page loads them all at once). */
async function loadLinks(conn: Conn, ctx: Ctx, contactIds: string[]) {
  const byContact = new Map<string, ContactCompany[]>(contactIds.map((id) => [id, []]));
  if (!contactIds.length) return byContact;
  const rows = await conn
    .select({
      contactId: contactCompanies.contactId,
      companyId: contactCompanies.companyId,
      name: companies.name,
      role: contactCompanies.role,
      isPrimary: contactCompanies.isPrimary,
    })
    .from(contactCompanies)
    .innerJoin(companies, and(eq(companies.workspaceId, contactCompanies.workspaceId), eq(companies.id, contactCompanies.companyId)))
    .where(
      and(eq(contactCompanies.workspaceId, ctx.workspaceId), inArray(contactCompanies.contactId, contactIds), isNull(companies.deletedAt)),
    );
  for (const { contactId, ...link } of rows) byContact.get(contactId)?.push(link);
  for (const links of byContact.values()) sortLinks(links);
  return byContact;
}

const linksOf = async (conn: Conn, ctx: Ctx, id: string) => (await loadLinks(conn, ctx, [id])).get(id) ?? [];

/** A contact's row → API mapper with its company links as they are now (a merge writes rows through it). */
export async function contactMapper(conn: Conn, ctx: Ctx, id: string) {
  const links = await linksOf(conn, ctx, id);
  return (r: Row) => toContact(r, links);
}

/**
 * The condition, for another module's query, that a contact named by id is one of the workspace's
 * and not in the trash: deals hide their links to contacts in the trash, and keep them for a restore.
 */
export const isLiveContact = (workspaceId: SQL | PgColumn, contactId: SQL | PgColumn) =>
  sql`exists (select 1 from ${contacts} c where c.workspace_id = ${workspaceId} and c.id = ${contactId} and c.deleted_at is null)`;

/** The ids of the companies (not in the trash) some contacts work at, each once. */
export async function companiesOfContacts(conn: Conn, ctx: Ctx, contactIds: string[]): Promise<string[]> {
  const rows = await conn
    .selectDistinct({ id: contactCompanies.companyId })
    .from(contactCompanies)
    .innerJoin(companies, and(eq(companies.workspaceId, contactCompanies.workspaceId), eq(companies.id, contactCompanies.companyId)))
    .where(
      and(eq(contactCompanies.workspaceId, ctx.workspaceId), inArray(contactCompanies.contactId, contactIds), isNull(companies.deletedAt)),
    );
  return rows.map((r) => r.id);
}

/**
 * The company a contact stands for: their primary company, else their only one; null when they have
 * none or several without a primary (picking one of those would be a guess).
 */
export async function primaryCompanyOf(conn: Conn, ctx: Ctx, contactId: string): Promise<string | null> {
  const rows = await conn
    .select({ id: contactCompanies.companyId, isPrimary: contactCompanies.isPrimary })
    .from(contactCompanies)
    .innerJoin(companies, and(eq(companies.workspaceId, contactCompanies.workspaceId), eq(companies.id, contactCompanies.companyId)))
    .where(and(eq(contactCompanies.workspaceId, ctx.workspaceId), eq(contactCompanies.contactId, contactId), isNull(companies.deletedAt)));
  return (rows.find((r) => r.isPrimary) ?? (rows.length === 1 ? rows[0] : null))?.id ?? null;
}

/** Checks a requested set of company links and returns it as it will read. */
async function resolveLinks(conn: Conn, ctx: Ctx, input: ContactCompanyInput[]): Promise<ContactCompany[]> {
  const seen = new Set<string>();
  let primary = false;
  input.forEach((l, i) => {
    if (seen.has(l.companyId)) {
      throw invalid([{ field: `body.companies.${i}.companyId`, code: 'duplicate', message: 'lists the same company twice' }]);
    }
    seen.add(l.companyId);
    if (l.isPrimary && primary) {
      throw invalid([{ field: `body.companies.${i}.isPrimary`, code: 'two_primaries', message: 'only one company can be primary' }]);
    }
    primary ||= Boolean(l.isPrimary);
  });
  await assertRecords(
    conn,
    ctx,
    companyDef,
    input.map((l, i) => ({ field: `body.companies.${i}.companyId`, id: l.companyId })),
  );
  if (!input.length) return [];
  const names = await conn
    .select({ id: companies.id, name: companies.name })
    .from(companies)
    .where(and(eq(companies.workspaceId, ctx.workspaceId), inArray(companies.id, [...seen])));
  const nameOf = new Map(names.map((n) => [n.id, n.name]));
  return sortLinks(
    input.map((l) => ({
      companyId: l.companyId,
      name: nameOf.get(l.companyId) ?? '',
      role: l.role ?? null,
      isPrimary: Boolean(l.isPrimary),
    })),
  );
}

/**
 * Replaces a contact's company links (a new contact has none to remove). Links to companies in the
 * trash are hidden, not removed: restoring the company brings them back, so they are kept here too.
 * The trash test probes each link's company by its key: a `not in` over the workspace's trashed
 * companies read all of them on every contact write.
 */
async function replaceLinks(conn: Conn, ctx: Ctx, contactId: string, links: ContactCompany[], isNew = false) {
  if (!isNew) {
    await conn.delete(contactCompanies).where(
      and(
        eq(contactCompanies.workspaceId, ctx.workspaceId),
        eq(contactCompanies.contactId, contactId),
        sql`not exists (select 1 from ${companies} where ${companies.workspaceId} = ${ctx.workspaceId}
            and ${companies.id} = ${contactCompanies.companyId} and ${companies.deletedAt} is not null)`,
      ),
    );
  }
  if (!links.length) return;
  await conn
    .insert(contactCompanies)
    .values(links.map((l) => ({ workspaceId: ctx.workspaceId, contactId, companyId: l.companyId, role: l.role, isPrimary: l.isPrimary })));
}

export function listContacts(conn: Conn, ctx: Ctx, input: ListInput) {
  return listRecords<Row, Contact>(
    conn,
    ctx,
    contactDef,
    { ...input, with: { companies: companiesJson(sql`${ctx.workspaceId}`) } },
    (r, extra) => toContact(r, sortLinks([...(extra.companies as ContactCompany[])])),
  );
}

/** The contacts who work at a company (not in the trash), paged like any list; 404 for a company not of this workspace. */
export async function listCompanyContacts(conn: Conn, ctx: Ctx, companyId: string, input: ListInput) {
  await getCompany(conn, ctx, companyId);
  const linked: SQL = sql`exists (select 1 from ${contactCompanies} where ${contactCompanies.workspaceId} = ${contacts.workspaceId} and ${contactCompanies.contactId} = ${contacts.id} and ${contactCompanies.companyId} = ${companyId})`;
  return listContacts(conn, ctx, { ...input, where: linked });
}

export async function getContact(conn: Conn, ctx: Ctx, id: string) {
  const row = await findRow<Row>(conn, ctx, contactDef, id);
  return toContact(row, await linksOf(conn, ctx, id));
}

export async function createContact(conn: Conn, ctx: Ctx, input: ContactCreate) {
  const emails = toEmails(input.emails ?? []);
  requireIdentity(input.firstName, input.lastName, emails);
  const ownerId = input.ownerId === undefined ? ctx.memberId : input.ownerId;
  await assertMembers(conn, ctx, [{ field: 'body.ownerId', id: ownerId }]);
  const links = await resolveLinks(conn, ctx, input.companies ?? []);
  const custom = await checkCustom(conn, ctx, 'contact', input.custom, null, true);
  const id = uuidv7();
  // The links are known before the row exists, so the create history and event already carry them.
  const api = await insertRecord(
    conn,
    ctx,
    contactDef,
    {
      id,
      firstName: input.firstName ?? null,
      lastName: input.lastName ?? null,
      emails,
      phones: await toPhones(conn, ctx, input.phones ?? []),
      title: input.title ?? null,
      address: input.address ?? null,
      lifecycleStage: input.lifecycleStage ?? null,
      source: input.source ?? null,
      ownerId,
      custom,
    },
    (r: Row) => toContact(r, links),
  );
  await replaceLinks(conn, ctx, id, links, true);
  return api;
}

/** The columns a duplicate check compares of a contact about to be created, read as createContact reads them. */
export async function contactCheckValues(conn: Conn, ctx: Ctx, input: ContactCreate) {
  return {
    values: {
      firstName: input.firstName ?? null,
      lastName: input.lastName ?? null,
      emails: toEmails(input.emails ?? []),
      phones: await toPhones(conn, ctx, input.phones ?? []),
    },
    companies: (input.companies ?? []).map((c) => c.companyId),
  };
}

export async function updateContact(conn: Conn, ctx: Ctx, id: string, version: number, input: Omit<ContactUpdate, 'version'>) {
  await assertMembers(conn, ctx, [{ field: 'body.ownerId', id: input.ownerId }]);
  const next = input.companies ? await resolveLinks(conn, ctx, input.companies) : undefined;
  // updateRecord maps the row before and after the change with one function; the links of each
  // side are told apart by the row version (the update always bumps it), so the change of the set
  // is diffed, written to history and sent in the event like any other field.
  let beforeVersion = -1;
  let linksBefore: ContactCompany[] = [];
  let linksAfter: ContactCompany[] = [];
  const toApi = (r: Row) => toContact(r, r.version === beforeVersion ? linksBefore : linksAfter);
  return updateRecord(
    conn,
    ctx,
    contactDef,
    id,
    version,
    async (before: Row) => {
      beforeVersion = before.version;
      linksBefore = await linksOf(conn, ctx, id);
      linksAfter = next ?? linksBefore;
      const { companies: _links, emails, phones, custom, ...rest } = input;
      const nextEmails = emails ? toEmails(emails) : before.emails;
      requireIdentity(
        input.firstName === undefined ? before.firstName : input.firstName,
        input.lastName === undefined ? before.lastName : input.lastName,
        nextEmails,
      );
      if (next) await replaceLinks(conn, ctx, id, next);
      return {
        ...rest,
        ...(emails ? { emails: nextEmails } : {}),
        ...(phones ? { phones: await toPhones(conn, ctx, phones) } : {}),
        custom: await checkCustom(conn, ctx, 'contact', custom, before.custom, false),
      };
    },
    toApi,
  );
}

export async function deleteContact(conn: Conn, ctx: Ctx, id: string, version?: number) {
  const links = await linksOf(conn, ctx, id);
  return softDeleteRecord(conn, ctx, contactDef, id, version, (r: Row) => toContact(r, links));
}

export async function restoreContact(conn: Conn, ctx: Ctx, id: string) {
  const links = await linksOf(conn, ctx, id);
  return restoreRecord(conn, ctx, contactDef, id, (r: Row) => toContact(r, links));
}

/**
 * Adds one company to a contact's set, keeping the others; the first company becomes primary.
 * Lead conversion uses it to link a contact that already existed.
 */
export async function addContactCompany(conn: Conn, ctx: Ctx, contactId: string, companyId: string, role: string | null = null) {
  const contact = await getContact(conn, ctx, contactId);
  if (contact.companies.some((l) => l.companyId === companyId)) return contact;
  const kept = contact.companies.map(({ companyId, role, isPrimary }) => ({ companyId, role, isPrimary }));
  return updateContact(conn, ctx, contactId, contact.version, {
    companies: [...kept, { companyId, role, isPrimary: !kept.some((l) => l.isPrimary) }],
  });
}

/**
 * One custom field's text value (a customer's `tier`) for many live contacts at once, by id: read as
 * the system for the service desk's routing and SLA targets. A contact in the trash has none.
 */
export async function contactCustomText(conn: Conn, workspaceId: string, ids: string[], key: string): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>();
  if (!ids.length) return out;
  const rows = await conn
    .select({
      id: contacts.id,
      value: sql<string | null>`case when jsonb_typeof(${contacts.custom}->${key}) = 'string' then ${contacts.custom}->>${key} end`,
    })
    .from(contacts)
    .where(and(eq(contacts.workspaceId, workspaceId), inArray(contacts.id, ids), isNull(contacts.deletedAt)));
  for (const r of rows) out.set(r.id, r.value);
  return out;
}
