import { and, eq, inArray, isNull, ne, sql } from 'drizzle-orm';
import type { Company } from '../../../contract/companies.ts';
import type { Contact } from '../../../contract/contacts.ts';
import type { Deal } from '../../../contract/deals.ts';
import type { Lead, LeadConversion, LeadConvert, LeadCreate, LeadUpdate } from '../../../contract/leads.ts';
import { leadStatuses } from '../../../contract/leads.ts';
import type { Conn } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { AppError, conflict, invalid } from '../../http/errors.ts';
import { checkVersion, findRow, insertRecord, metaToApi, restoreRecord, softDeleteRecord, updateRecord } from '../../records/crud.ts';
import { type ListInput, listRecords } from '../../records/list.ts';
import { isoTimestamp, metaFields, metaProjection, type ObjectDef } from '../../records/object-def.ts';
import { phoneColumns, readPhone } from '../../records/phones.ts';
import { assertRecords } from '../../records/references.ts';
import { applyRule, type DomainRule } from '../../records/rules.ts';
import { assertMembers } from '../auth/members.service.ts';
import { companyDef, createCompany, getCompany } from '../companies/companies.service.ts';
import { addContactCompany, contactDef, createContact, getContact } from '../contacts/contacts.service.ts';
import { createDeal } from '../deals/deals.service.ts';
import { checkCustom } from '../fields/fields.service.ts';
import { getPipeline, isLivePipeline, listPipelines } from '../pipelines/pipelines.service.ts';
import { searchTerms } from '../search/search.service.ts';
import { workspaceCountry } from '../workspaces/workspaces.service.ts';
import { leads } from './leads.table.ts';

type Row = typeof leads.$inferSelect;

/** A converted lead lives on as its contact, company and deal: its status stays "converted". */
export const convertedRule: DomainRule<Pick<Row, 'status'>, { status: string }> = {
  field: 'status',
  refuse: {
    when: (x, before) => x.same(before.status, x.lit('converted')),
    code: 'lead_converted',
    one: 'This lead was converted; its status stays "converted"',
    many: (n) =>
      `${n} of these leads ${n === 1 ? 'was' : 'were'} converted; their status stays "converted". Leave them out (e.g. filter status neq converted).`,
  },
};

export const leadDef: ObjectDef = {
  type: 'lead',
  label: 'Lead',
  table: leads,
  owner: leads.ownerId,
  bulk: ['ownerId', 'status'],
  hasCustom: true,
  defaultSort: '-createdAt',
  fields: {
    ...metaFields(leads),
    firstName: { kind: 'text', sql: leads.firstName },
    lastName: { kind: 'text', sql: leads.lastName },
    name: { kind: 'text', sql: sql`concat_ws(' ', ${leads.firstName}, ${leads.lastName})`, notNull: true },
    email: { kind: 'text', sql: leads.email },
    phone: { kind: 'text', sql: leads.phone },
    companyName: { kind: 'text', sql: leads.companyName },
    title: { kind: 'text', sql: leads.title },
    source: { kind: 'text', sql: leads.source },
    status: { kind: 'enum', sql: leads.status, options: leadStatuses, notNull: true },
    ownerId: { kind: 'uuid', sql: leads.ownerId, member: true },
    convertedAt: { kind: 'datetime', sql: leads.convertedAt },
    convertedContactId: { kind: 'uuid', sql: leads.convertedContactId },
    convertedCompanyId: { kind: 'uuid', sql: leads.convertedCompanyId },
    convertedDealId: { kind: 'uuid', sql: leads.convertedDealId },
  },
  derivedColumns: { name: ['firstName', 'lastName'] },
  references: { convertedContactId: 'contact', convertedCompanyId: 'company', convertedDealId: 'deal' },
  rules: [convertedRule],
  duplicates: {
    exact: ['email', 'phone'],
    name: `rapport_fold(coalesce(r.first_name, '') || ' ' || coalesce(r.last_name, ''))`,
    company: () => sql`array_remove(array[rapport_fold(r.company_name)], null)`,
  },
  merge: {
    fields: {
      firstName: ['firstName'],
      lastName: ['lastName'],
      email: ['email'],
      phone: ['phone', 'phoneE164'],
      companyName: ['companyName'],
      title: ['title'],
      source: ['source'],
      ownerId: ['ownerId'],
    },
  },
  title: `coalesce(nullif(concat_ws(' ', r.first_name, r.last_name), ''), r.email, '')`,
  search: {
    terms: `
      select 'name' as kind, w as term from rapport_words(r.first_name) w
      union all select 'name', w from rapport_words(r.last_name) w
      union all select 'company', w from rapport_words(r.company_name) w
      ${searchTerms.email('r.email')}
      union all select 'phone', ${searchTerms.digits('r.phone')}
      union all select 'phone', ${searchTerms.digits('r.phone_e164')}`,
    subtitle: 'r.company_name',
    reads: {
      kinds: { name: ['firstName', 'lastName'], company: ['companyName'], email: ['email'], domain: ['email'], phone: ['phone'] },
      subtitle: ['companyName'],
    },
  },
  apiFields: [
    'firstName',
    'lastName',
    'email',
    'phone',
    'phoneE164',
    'companyName',
    'title',
    'source',
    'status',
    'ownerId',
    'custom',
    'convertedAt',
    'convertedContactId',
    'convertedCompanyId',
    'convertedDealId',
    'createdAt',
    'updatedAt',
    'createdBy',
    'deletedAt',
  ],
  projection: {
    ...metaProjection(leads),
    firstName: sql`${leads.firstName}`,
    lastName: sql`${leads.lastName}`,
    email: sql`${leads.email}`,
    phone: sql`${leads.phone}`,
    phoneE164: sql`${leads.phoneE164}`,
    companyName: sql`${leads.companyName}`,
    title: sql`${leads.title}`,
    source: sql`${leads.source}`,
    status: sql`${leads.status}`,
    ownerId: sql`${leads.ownerId}`,
    custom: sql`${leads.custom}`,
    convertedAt: isoTimestamp(leads.convertedAt),
    convertedContactId: sql`${leads.convertedContactId}`,
    convertedCompanyId: sql`${leads.convertedCompanyId}`,
    convertedDealId: sql`${leads.convertedDealId}`,
  },
};

export const toLead = (r: Row): Lead => ({
  ...metaToApi(r),
  firstName: r.firstName,
  lastName: r.lastName,
  email: r.email,
  phone: r.phone,
  phoneE164: r.phoneE164,
  companyName: r.companyName,
  title: r.title,
  source: r.source,
  status: r.status,
  ownerId: r.ownerId,
  custom: r.custom,
  convertedAt: r.convertedAt?.toISOString() ?? null,
  convertedContactId: r.convertedContactId,
  convertedCompanyId: r.convertedCompanyId,
  convertedDealId: r.convertedDealId,
});

// A lead becomes a contact, so it needs what a contact needs.
function requireIdentity(firstName: string | null | undefined, lastName: string | null | undefined, email: string | null | undefined) {
  if (firstName?.trim() || lastName?.trim() || email) return;
  throw invalid([{ field: 'body.firstName', code: 'required', message: 'a lead needs a first name, a last name or an email' }]);
}

/** Leads (not in the trash, not converted) by email (lower case): email → the oldest such lead. */
export async function leadsByEmail(conn: Conn, ctx: Ctx, emails: string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  if (!emails.length) return found;
  const rows = await conn
    .select({ id: leads.id, email: leads.email })
    .from(leads)
    .where(
      and(eq(leads.workspaceId, ctx.workspaceId), inArray(leads.email, emails), isNull(leads.deletedAt), ne(leads.status, 'converted')),
    )
    .orderBy(leads.id);
  for (const r of rows) if (r.email && !found.has(r.email)) found.set(r.email, r.id);
  return found;
}

export const listLeads = (conn: Conn, ctx: Ctx, input: ListInput) => listRecords(conn, ctx, leadDef, input, toLead);

export const getLead = async (conn: Conn, ctx: Ctx, id: string) => toLead(await findRow<Row>(conn, ctx, leadDef, id));

export async function createLead(conn: Conn, ctx: Ctx, input: LeadCreate) {
  requireIdentity(input.firstName, input.lastName, input.email);
  const ownerId = input.ownerId === undefined ? ctx.memberId : input.ownerId;
  await assertMembers(conn, ctx, [{ field: 'body.ownerId', id: ownerId }]);
  const custom = await checkCustom(conn, ctx, 'lead', input.custom, null, true);
  return insertRecord(
    conn,
    ctx,
    leadDef,
    {
      firstName: input.firstName ?? null,
      lastName: input.lastName ?? null,
      email: input.email?.normalize('NFC').toLowerCase() ?? null,
      ...phoneColumns(input.phone ?? null, await workspaceCountry(conn, ctx)),
      companyName: input.companyName ?? null,
      title: input.title ?? null,
      source: input.source ?? null,
      status: input.status ?? 'new',
      ownerId,
      custom,
    },
    toLead,
  );
}

/** The columns a duplicate check compares of a lead about to be created, read as createLead reads them. */
export async function leadCheckValues(conn: Conn, ctx: Ctx, input: LeadCreate) {
  return {
    firstName: input.firstName ?? null,
    lastName: input.lastName ?? null,
    email: input.email?.normalize('NFC').toLowerCase() ?? null,
    ...phoneColumns(input.phone ?? null, input.phone ? await workspaceCountry(conn, ctx) : null),
    companyName: input.companyName ?? null,
  };
}

export async function updateLead(conn: Conn, ctx: Ctx, id: string, version: number, input: Omit<LeadUpdate, 'version'>) {
  await assertMembers(conn, ctx, [{ field: 'body.ownerId', id: input.ownerId }]);
  return updateRecord(
    conn,
    ctx,
    leadDef,
    id,
    version,
    async (before: Row) => {
      if (input.status !== undefined) applyRule(convertedRule, before, { status: input.status });
      const { custom, email, phone, ...rest } = input;
      requireIdentity(
        input.firstName === undefined ? before.firstName : input.firstName,
        input.lastName === undefined ? before.lastName : input.lastName,
        email === undefined ? before.email : email,
      );
      return {
        ...rest,
        ...(email !== undefined ? { email: email?.normalize('NFC').toLowerCase() ?? null } : {}),
        ...phoneColumns(phone, phone ? await workspaceCountry(conn, ctx) : null),
        custom: await checkCustom(conn, ctx, 'lead', custom, before.custom, false),
      };
    },
    toLead,
  );
}

/** A stored phone in a form that still reads as the same number in the workspace's country. */
async function phoneAsTyped(conn: Conn, ctx: Ctx, phone: string, e164: string | null) {
  const read = readPhone(phone, await workspaceCountry(conn, ctx));
  return typeof read !== 'string' && (e164 === null || read.e164 === e164) ? phone : (e164 ?? phone);
}

export const deleteLead = (conn: Conn, ctx: Ctx, id: string, version?: number) => softDeleteRecord(conn, ctx, leadDef, id, version, toLead);

export const restoreLead = (conn: Conn, ctx: Ctx, id: string) => restoreRecord(conn, ctx, leadDef, id, toLead);

/**
 * Runs one step of a conversion and reports its field errors under the part of the request they
 * came from: the deal's `body.stageId` is the caller's `body.deal.stageId`.
 */
async function step<T>(part: 'contact' | 'company' | 'deal', run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (!(e instanceof AppError) || !e.errors.length) throw e;
    const errors = e.errors.map((f) => ({ ...f, field: f.field.replace(/^body\./, `body.${part}.`) }));
    throw new AppError(e.status, e.code, e.message, errors, e.extra);
  }
}

/** Where a new deal starts when no stage is named: the first open stage of its pipeline, or of the first pipeline. */
async function startStage(conn: Conn, ctx: Ctx, pipelineId: string | undefined) {
  if (pipelineId && !(await isLivePipeline(conn, ctx, pipelineId))) {
    throw invalid([{ field: 'body.pipelineId', code: 'unknown_record', message: 'is not a pipeline of this workspace' }]);
  }
  const pipeline = pipelineId ? await getPipeline(conn, ctx, pipelineId) : (await listPipelines(conn, ctx))[0];
  const stage = pipeline?.stages.find((s) => s.kind === 'open');
  if (!stage) {
    throw invalid([{ field: 'body.pipelineId', code: 'no_open_stage', message: 'there is no pipeline with an open stage; create one' }]);
  }
  return stage.id;
}

/**
 * Converts a lead into a contact (new or existing), optionally a company and a deal, all linked,
 * and marks the lead converted. It runs in the caller's transaction: any failure (an unknown
 * stage, a required custom field) leaves no contact, company or deal behind and the lead as it was.
 */
export async function convertLead(
  conn: Conn,
  ctx: Ctx,
  id: string,
  version: number,
  input: Omit<LeadConvert, 'version'>,
): Promise<LeadConversion> {
  const lead = await findRow<Row>(conn, ctx, leadDef, id, true);
  if (lead.deletedAt) throw conflict('record_deleted', 'This lead is in the trash; restore it first');
  checkVersion(leadDef.label, lead, version);
  if (lead.status === 'converted') throw conflict('lead_converted', 'This lead was already converted');

  const existingContactId = input.contact?.existingId;
  const existingCompanyId = input.company?.existingId;
  if (existingCompanyId && input.company?.name !== undefined) {
    throw invalid([{ field: 'body.company.name', code: 'not_allowed', message: 'send either existingId or name, not both' }]);
  }
  await assertRecords(conn, ctx, contactDef, [{ field: 'body.contact.existingId', id: existingContactId }]);
  await assertRecords(conn, ctx, companyDef, [{ field: 'body.company.existingId', id: existingCompanyId }]);
  // The new records belong to the lead's owner; a lead without one gives them to whoever converts it.
  const ownerId = lead.ownerId ?? undefined;

  let company: Company | null = null;
  if (existingCompanyId) {
    company = await getCompany(conn, ctx, existingCompanyId);
  } else if (input.company !== null) {
    const name = input.company?.name ?? lead.companyName?.trim();
    if (name) company = await step('company', () => createCompany(conn, ctx, { name, ownerId }));
  }

  let contact: Contact;
  if (existingContactId) {
    contact = company ? await addContactCompany(conn, ctx, existingContactId, company.id) : await getContact(conn, ctx, existingContactId);
  } else {
    // As typed, unless the workspace's country changed since and the typed form now reads as
    // another number (or none): then its E.164, which still means the number the lead gave.
    const phone = lead.phone ? await phoneAsTyped(conn, ctx, lead.phone, lead.phoneE164) : null;
    contact = await step('contact', () =>
      createContact(conn, ctx, {
        firstName: lead.firstName,
        lastName: lead.lastName,
        emails: lead.email ? [{ label: 'work', value: lead.email }] : [],
        phones: phone ? [{ label: 'work', value: phone }] : [],
        title: lead.title,
        source: lead.source,
        lifecycleStage: input.deal ? 'opportunity' : 'salesQualified',
        ownerId,
        companies: company ? [{ companyId: company.id, isPrimary: true }] : [],
      }),
    );
  }

  let deal: Deal | null = null;
  const d = input.deal;
  if (d) {
    deal = await step('deal', async () =>
      createDeal(conn, ctx, {
        name: d.name,
        amountMinor: d.amountMinor,
        currency: d.currency,
        pipelineId: d.pipelineId,
        stageId: d.stageId ?? (await startStage(conn, ctx, d.pipelineId)),
        ownerId,
        companyId: company?.id ?? null,
        contacts: [{ contactId: contact.id }],
      }),
    );
  }

  const converted = await updateRecord(
    conn,
    ctx,
    leadDef,
    id,
    version,
    {
      status: 'converted',
      convertedAt: sql`now()`,
      convertedContactId: contact.id,
      convertedCompanyId: company?.id ?? null,
      convertedDealId: deal?.id ?? null,
    },
    toLead,
    'convert',
  );
  return { lead: converted, contact, company, deal };
}
