import { and, asc, eq, isNull, or, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type {
  EmailTemplate,
  EmailTemplateCreate,
  EmailTemplateUpdate,
  MergeContext,
  RenderedEmail,
} from '../../../contract/email-templates.ts';
import type { Conn } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { type FieldError, forbidden, invalid, notFound } from '../../http/errors.ts';
import { checkVersion } from '../../records/crud.ts';
import { memberContact } from '../auth/members.service.ts';
import { getContact } from '../contacts/contacts.service.ts';
import { getDeal } from '../deals/deals.service.ts';
import { customDefs } from '../fields/fields.service.ts';
import { type KnownCustom, MergeSyntaxError, type MergeValues, type Part, render, textToHtml, tokenize, unknownField } from './merge.ts';
import { emailTemplates } from './templates.table.ts';

type Row = typeof emailTemplates.$inferSelect;

const toTemplate = (r: Row): EmailTemplate => ({
  id: r.id,
  version: r.version,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
  createdBy: r.createdBy,
  deletedAt: r.deletedAt ? r.deletedAt.toISOString() : null,
  name: r.name,
  subject: r.subject,
  body: r.body,
  visibility: r.visibility,
  ownerId: r.ownerId,
});

const visible = (ctx: Ctx) => or(eq(emailTemplates.visibility, 'shared'), eq(emailTemplates.ownerId, ctx.memberId));

export async function listTemplates(conn: Conn, ctx: Ctx) {
  const rows = await conn
    .select()
    .from(emailTemplates)
    .where(and(eq(emailTemplates.workspaceId, ctx.workspaceId), isNull(emailTemplates.deletedAt), visible(ctx)))
    .orderBy(asc(emailTemplates.name));
  return rows.map(toTemplate);
}

/** Another member's private template is as good as absent. */
async function findTemplate(conn: Conn, ctx: Ctx, id: string, lock = false) {
  const q = conn
    .select()
    .from(emailTemplates)
    .where(and(eq(emailTemplates.workspaceId, ctx.workspaceId), eq(emailTemplates.id, id), isNull(emailTemplates.deletedAt), visible(ctx)));
  const [row] = await (lock ? q.for('update') : q);
  if (!row) throw notFound('Email template');
  return row;
}

export const getTemplate = async (conn: Conn, ctx: Ctx, id: string) => toTemplate(await findTemplate(conn, ctx, id));

async function knownCustom(conn: Conn, ctx: Ctx): Promise<KnownCustom> {
  const [contact, deal] = await Promise.all([customDefs(conn, ctx, 'contact'), customDefs(conn, ctx, 'deal')]);
  return { contact: contact.map((d) => d.key), deal: deal.map((d) => d.key) };
}

/**
 * Parses a subject and body and checks every merge field against the workspace's fields: a typo is
 * refused when the template is saved, not discovered by a customer reading "Hello ,".
 */
export async function checkTemplate(
  conn: Conn,
  ctx: Ctx,
  input: { subject?: string; body?: string },
  fields = { subject: 'body.subject', body: 'body.body' },
) {
  const custom = await knownCustom(conn, ctx);
  const out: { subject: Part[]; body: Part[] } = { subject: [], body: [] };
  const errors: FieldError[] = [];
  for (const key of ['subject', 'body'] as const) {
    const value = input[key];
    if (value === undefined) continue;
    try {
      out[key] = tokenize(value);
    } catch (e) {
      if (!(e instanceof MergeSyntaxError)) throw e;
      errors.push({
        field: fields[key],
        code: 'bad_merge_field',
        message: e.message,
        params: { token: e.token, example: '{{contact.firstName | "there"}}' },
      });
      continue;
    }
    for (const p of out[key]) {
      if (typeof p === 'string') continue;
      const why = unknownField(p.path, custom);
      if (why) errors.push({ field: fields[key], code: 'unknown_merge_field', message: `${p.raw}: ${why}`, params: { token: p.raw } });
    }
  }
  if (errors.length) throw invalid(errors, `Unknown or malformed merge field: ${errors.map((e) => e.params?.token).join(', ')}`);
  return out;
}

export async function createTemplate(conn: Conn, ctx: Ctx, input: EmailTemplateCreate) {
  await checkTemplate(conn, ctx, input);
  const [row] = await conn
    .insert(emailTemplates)
    .values({
      workspaceId: ctx.workspaceId,
      id: uuidv7(),
      name: input.name,
      subject: input.subject,
      body: input.body,
      visibility: input.visibility ?? 'private',
      ownerId: ctx.memberId,
      createdBy: ctx.memberId,
    })
    .returning();
  return toTemplate(row);
}

/** Its author edits a template; an admin may also edit or delete shared ones. */
async function editable(conn: Conn, ctx: Ctx, id: string) {
  const row = await findTemplate(conn, ctx, id, true);
  const admin = ctx.role === 'admin' || ctx.role === 'owner';
  if (row.ownerId !== ctx.memberId && !(row.visibility === 'shared' && admin)) {
    throw forbidden('Only the author of this template (or an admin, for shared ones) can change it');
  }
  return row;
}

export async function updateTemplate(conn: Conn, ctx: Ctx, id: string, input: EmailTemplateUpdate) {
  const row = await editable(conn, ctx, id);
  checkVersion('Email template', row, input.version);
  const { version: _v, ...patch } = input;
  await checkTemplate(conn, ctx, patch);
  const [after] = await conn
    .update(emailTemplates)
    .set({ ...patch, version: sql`${emailTemplates.version} + 1`, updatedAt: sql`now()` })
    .where(and(eq(emailTemplates.workspaceId, ctx.workspaceId), eq(emailTemplates.id, id)))
    .returning();
  return toTemplate(after);
}

export async function deleteTemplate(conn: Conn, ctx: Ctx, id: string) {
  const row = await editable(conn, ctx, id);
  await conn.delete(emailTemplates).where(and(eq(emailTemplates.workspaceId, ctx.workspaceId), eq(emailTemplates.id, id)));
  return toTemplate(row);
}

/** The values merge fields are filled from: the contact, its primary company, the deal, and you. */
export async function mergeValues(conn: Conn, ctx: Ctx, merge: MergeContext | undefined): Promise<MergeValues> {
  const values: MergeValues = {};
  const me = await memberContact(conn, ctx, ctx.memberId);
  values['member.name'] = me?.name ?? '';
  values['member.email'] = me?.email ?? '';
  if (merge?.contactId) {
    const c = await getContact(conn, ctx, merge.contactId).catch(() => {
      throw invalid([{ field: 'body.merge.contactId', code: 'unknown_contact', message: 'is not a contact of this workspace' }]);
    });
    if (c.deletedAt) throw invalid([{ field: 'body.merge.contactId', code: 'unknown_contact', message: 'is in the trash' }]);
    values['contact.firstName'] = c.firstName;
    values['contact.lastName'] = c.lastName;
    values['contact.name'] = [c.firstName, c.lastName].filter(Boolean).join(' ');
    values['contact.email'] = c.emails[0]?.value ?? '';
    values['contact.title'] = c.title;
    values['contact.company.name'] = (c.companies.find((x) => x.isPrimary) ?? c.companies[0])?.name ?? '';
    for (const [k, v] of Object.entries(c.custom)) values[`contact.custom.${k}`] = v;
  }
  if (merge?.dealId) {
    const d = await getDeal(conn, ctx, merge.dealId).catch(() => {
      throw invalid([{ field: 'body.merge.dealId', code: 'unknown_deal', message: 'is not a deal of this workspace' }]);
    });
    if (d.deletedAt) throw invalid([{ field: 'body.merge.dealId', code: 'unknown_deal', message: 'is in the trash' }]);
    values['deal.name'] = d.name;
    for (const [k, v] of Object.entries(d.custom)) values[`deal.custom.${k}`] = v;
  }
  return values;
}

/** Fills a subject and body for the records named: what a preview shows and what a send sends. */
export async function renderEmail(
  conn: Conn,
  ctx: Ctx,
  input: { subject: string; body: string; merge?: MergeContext },
  fields = { subject: 'body.subject', body: 'body.body' },
): Promise<RenderedEmail> {
  const parts = await checkTemplate(conn, ctx, input, fields);
  const values = await mergeValues(conn, ctx, input.merge);
  // A subject is one line: a value with a line break must not add headers or a second line.
  return {
    subject: render(parts.subject, values).replace(/[\r\n]+/g, ' '),
    text: render(parts.body, values),
    html: textToHtml(parts.body, values),
  };
}
