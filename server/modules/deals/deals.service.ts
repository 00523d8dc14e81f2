import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { Deal, DealContact, DealCreate, DealUpdate } from '../../../contract/deals.ts';
import { dealStatuses } from '../../../contract/deals.ts';
import type { Conn } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { invalid } from '../../http/errors.ts';
import { findRow, insertRecord, metaToApi, restoreRecord, softDeleteRecord, updateRecord } from '../../records/crud.ts';
import { type ListInput, listRecords } from '../../records/list.ts';
import { isoTimestamp, metaFields, metaProjection, type ObjectDef } from '../../records/object-def.ts';
import { assertRecords } from '../../records/references.ts';
import { applyRule, type DomainRule } from '../../records/rules.ts';
import { visibleWhere } from '../../records/visibility.ts';
import { assertMembers } from '../auth/members.service.ts';
import { companyDef } from '../companies/companies.service.ts';
import { contactDef, isLiveContact } from '../contacts/contacts.service.ts';
import { checkCustom } from '../fields/fields.service.ts';
import { findLiveStage, isLivePipeline } from '../pipelines/pipelines.service.ts';
import { getWorkspace } from '../workspaces/workspaces.service.ts';
import { dealContacts, deals } from './deals.table.ts';

type Row = typeof deals.$inferSelect;
type Stage = NonNullable<Awaited<ReturnType<typeof findLiveStage>>>;
type ContactInput = NonNullable<DealCreate['contacts']>;

/** What the stage rule reads of a deal. */
type Placed = Pick<Row, 'pipelineId' | 'stageId' | 'status' | 'closedAt' | 'closeReason' | 'probability'>;

/** The stage a deal is placed on, as the stage rule reads it, and a probability sent with the move. */
interface Placement {
  stageId: string;
  stageKind: Stage['kind'];
  stagePipelineId: string;
  stageProbability: number;
  probability: number | null;
}

const placementOn = (stage: Stage, probability: number | null): Placement => ({
  stageId: stage.id,
  stageKind: stage.kind,
  stagePipelineId: stage.pipelineId,
  stageProbability: stage.probability,
  probability,
});

/**
 * A deal follows its stage: it is in the stage's pipeline, its status is the stage's kind, closedAt
 * is stamped when it becomes won or lost, kept while it stays so, and cleared when it reopens. A
 * reopened deal also drops the reason it was won or lost for: an open deal showing "lost: too
 * expensive" would tell the next reader something no longer true (the history keeps the old one).
 * Its probability is the one sent with the move, else the new stage's (the old one on the same stage).
 * Creates, PATCH and bulk updates (moving many deals to a stage) all place deals by this rule.
 */
export const stageRule: DomainRule<Placed, Placement> = {
  field: 'stageId',
  async input(conn, ctx, value, field) {
    const stage = await findLiveStage(conn, ctx, String(value));
    if (!stage) throw invalid([{ field, code: 'unknown_stage', message: 'is not a stage of a pipeline of this workspace' }]);
    return placementOn(stage, null);
  },
  follow: (x, before, input) => {
    const open = x.same(input.stageKind, x.lit('open'));
    return {
      pipelineId: input.stagePipelineId,
      status: input.stageKind,
      closedAt: x.when(open, x.lit(null), x.when(x.same(before.status, input.stageKind), before.closedAt, x.now)),
      closeReason: x.when(x.and(open, x.not(x.same(before.status, x.lit('open')))), x.lit(null), before.closeReason),
      probability: x.orElse(input.probability, x.when(x.same(before.stageId, input.stageId), before.probability, input.stageProbability)),
    };
  },
};

/** A deal not yet placed, as the stage rule reads a new one: open, on no stage, with the reason it is created with. */
const unplaced = (closeReason: string | null): Placed => ({
  pipelineId: '',
  stageId: '',
  status: 'open',
  closedAt: null,
  closeReason,
  probability: 0,
});

export const dealDef: ObjectDef = {
  type: 'deal',
  label: 'Deal',
  table: deals,
  owner: deals.ownerId,
  bulk: ['ownerId', 'stageId'],
  hasCustom: true,
  defaultSort: '-updatedAt',
  lastActivityAt: deals.lastActivityAt,
  references: { companyId: 'company' },
  linkTables: [
    { table: 'deal_contacts', column: 'contact_id', type: 'contact', key: ['deal_id'] },
    // A merged deal's contacts become the survivor's.
    { table: 'deal_contacts', column: 'deal_id', type: 'deal', key: ['contact_id'] },
  ],
  rules: [stageRule],
  // Automations and forecasts react to moves on the board, not to every edit of a deal.
  changeEvents: { stageId: 'deal.stage_changed' },
  title: 'r.name',
  search: {
    terms: `select 'name' as kind, w as term from rapport_words(r.name) w`,
    subtitle: 'r.status',
    reads: { kinds: { name: ['name'] }, subtitle: ['status'] },
  },
  // A deal has no email or domain of its own: two deals are alike by name, more so for one company
  // (the same opportunity entered twice, by two reps or by an import and a person).
  duplicates: {
    exact: [],
    name: 'rapport_fold(r.name)',
    company: () => sql`case when r.company_id is null then null::text[] else array[r.company_id::text] end`,
  },
  // The stage carries its pipeline (the stage rule sets pipelineId from it), the amount its currency.
  merge: {
    fields: {
      name: ['name'],
      amount: ['amountMinor', 'currency'],
      stageId: ['stageId'],
      expectedCloseDate: ['expectedCloseDate'],
      ownerId: ['ownerId'],
      companyId: ['companyId'],
    },
  },
  fields: {
    ...metaFields(deals),
    name: { kind: 'text', sql: deals.name, notNull: true },
    amountMinor: { kind: 'number', sql: deals.amountMinor },
    currency: { kind: 'text', sql: deals.currency, notNull: true },
    pipelineId: { kind: 'uuid', sql: deals.pipelineId, notNull: true },
    stageId: { kind: 'uuid', sql: deals.stageId, notNull: true },
    status: { kind: 'enum', sql: deals.status, options: dealStatuses, notNull: true },
    probability: { kind: 'number', sql: deals.probability, notNull: true },
    expectedCloseDate: { kind: 'date', sql: deals.expectedCloseDate },
    closedAt: { kind: 'datetime', sql: deals.closedAt },
    ownerId: { kind: 'uuid', sql: deals.ownerId, member: true },
    companyId: { kind: 'uuid', sql: deals.companyId },
    lastActivityAt: { kind: 'datetime', sql: deals.lastActivityAt },
  },
  apiFields: [
    'name',
    'amountMinor',
    'currency',
    'pipelineId',
    'stageId',
    'status',
    'probability',
    'expectedCloseDate',
    'closedAt',
    'closeReason',
    'ownerId',
    'companyId',
    'contacts',
    'lastActivityAt',
    'custom',
    'createdAt',
    'updatedAt',
    'createdBy',
    'deletedAt',
  ],
  projection: {
    ...metaProjection(deals),
    name: sql`${deals.name}`,
    amountMinor: sql`${deals.amountMinor}`,
    currency: sql`${deals.currency}`,
    pipelineId: sql`${deals.pipelineId}`,
    stageId: sql`${deals.stageId}`,
    status: sql`${deals.status}`,
    probability: sql`${deals.probability}`,
    expectedCloseDate: sql`${deals.expectedCloseDate}`,
    closedAt: isoTimestamp(deals.closedAt),
    closeReason: sql`${deals.closeReason}`,
    ownerId: sql`${deals.ownerId}`,
    companyId: sql`${deals.companyId}`,
    // Contacts in the trash are hidden, as loadContacts hides them; ordered by id like it.
    contacts: (ws) => sql`coalesce((select json_agg(json_build_object('contactId', dc.contact_id, 'role', dc.role) order by dc.contact_id)
      from ${dealContacts} dc
      where dc.workspace_id = ${ws} and dc.deal_id = "deals"."id"
        and ${isLiveContact(ws, sql`dc.contact_id`)}), '[]'::json)`,
    lastActivityAt: isoTimestamp(deals.lastActivityAt),
    custom: sql`${deals.custom}`,
  },
};

export const toDeal = (r: Row, linked: DealContact[]): Deal => ({
  ...metaToApi(r),
  name: r.name,
  amountMinor: r.amountMinor,
  currency: r.currency,
  pipelineId: r.pipelineId,
  stageId: r.stageId,
  status: r.status,
  probability: r.probability,
  expectedCloseDate: r.expectedCloseDate,
  closedAt: r.closedAt?.toISOString() ?? null,
  closeReason: r.closeReason,
  ownerId: r.ownerId,
  companyId: r.companyId,
  contacts: linked,
  lastActivityAt: r.lastActivityAt?.toISOString() ?? null,
  custom: r.custom,
});

const byContactId = (a: DealContact, b: DealContact) => (a.contactId < b.contactId ? -1 : a.contactId > b.contactId ? 1 : 0);

/** The contacts of many deals in one query (a list page loads them all at once); contacts in the trash are hidden. */
async function loadContacts(conn: Conn, ctx: Ctx, dealIds: string[]) {
  const byDeal = new Map<string, DealContact[]>(dealIds.map((id) => [id, []]));
  if (!dealIds.length) return byDeal;
  const rows = await conn
    .select({ dealId: dealContacts.dealId, contactId: dealContacts.contactId, role: dealContacts.role })
    .from(dealContacts)
    .where(
      and(
        eq(dealContacts.workspaceId, ctx.workspaceId),
        inArray(dealContacts.dealId, dealIds),
        isLiveContact(dealContacts.workspaceId, dealContacts.contactId),
      ),
    );
  for (const { dealId, ...link } of rows) byDeal.get(dealId)?.push(link);
  for (const links of byDeal.values()) links.sort(byContactId);
  return byDeal;
}

const contactsOf = async (conn: Conn, ctx: Ctx, id: string) => (await loadContacts(conn, ctx, [id])).get(id) ?? [];

/** A deal's row as the API shows it, its contacts read now (a merge maps the survivor after moving them). */
export async function dealMapper(conn: Conn, ctx: Ctx, id: string) {
  const linked = await contactsOf(conn, ctx, id);
  return (r: Row) => toDeal(r, linked);
}

/** Checks a requested set of contacts (each of this workspace, listed once) and returns it as it will read. */
async function resolveContacts(conn: Conn, ctx: Ctx, input: ContactInput): Promise<DealContact[]> {
  const seen = new Set<string>();
  input.forEach((c, i) => {
    if (seen.has(c.contactId)) {
      throw invalid([{ field: `body.contacts.${i}.contactId`, code: 'duplicate', message: 'lists the same contact twice' }]);
    }
    seen.add(c.contactId);
  });
  await assertRecords(
    conn,
    ctx,
    contactDef,
    input.map((c, i) => ({ field: `body.contacts.${i}.contactId`, id: c.contactId })),
  );
  return input.map((c) => ({ contactId: c.contactId, role: c.role ?? null })).sort(byContactId);
}

/**
 * Replaces a deal's contacts. Links to contacts in the trash are hidden, not removed: restoring
 * the contact brings them back, so they are kept here too.
 */
async function replaceContacts(conn: Conn, ctx: Ctx, dealId: string, linked: DealContact[]) {
  await conn
    .delete(dealContacts)
    .where(
      and(
        eq(dealContacts.workspaceId, ctx.workspaceId),
        eq(dealContacts.dealId, dealId),
        isLiveContact(dealContacts.workspaceId, dealContacts.contactId),
      ),
    );
  if (!linked.length) return;
  await conn
    .insert(dealContacts)
    .values(linked.map((c) => ({ workspaceId: ctx.workspaceId, dealId, contactId: c.contactId, role: c.role })));
}

const stageError = (code: string, message: string) => invalid([{ field: 'body.stageId', code, message }]);

/**
 * The stage a deal is placed on, checked against the pipeline it is in or is sent to: a stage of
 * another pipeline, of a pipeline in the trash, or of another workspace is a 422, never a card on
 * a board nobody sees.
 */
async function resolveStage(conn: Conn, ctx: Ctx, stageId: string, pipelineId: string | undefined, pipelineSent: boolean): Promise<Stage> {
  if (pipelineSent && pipelineId && !(await isLivePipeline(conn, ctx, pipelineId))) {
    throw invalid([{ field: 'body.pipelineId', code: 'unknown_record', message: 'is not a pipeline of this workspace' }]);
  }
  const stage = await findLiveStage(conn, ctx, stageId);
  if (!stage) throw stageError('unknown_stage', 'is not a stage of a pipeline of this workspace');
  if (pipelineId && stage.pipelineId !== pipelineId) {
    throw stageError(
      'stage_not_in_pipeline',
      pipelineSent
        ? 'is not a stage of the pipeline in body.pipelineId'
        : "is not a stage of the deal's pipeline; send pipelineId to move it to another pipeline",
    );
  }
  return stage;
}

/**
 * JSON Schema's date format allows the year 0000, which PostgreSQL does not have; refused here
 * as a 422 naming the field rather than by the database as a 500.
 */
function checkCloseDate(date: string | null | undefined) {
  if (date?.startsWith('0000')) {
    throw invalid([{ field: 'body.expectedCloseDate', code: 'out_of_range', message: 'must be a date in the years 0001 to 9999' }]);
  }
}

export async function listDeals(conn: Conn, ctx: Ctx, input: ListInput) {
  const page = await listRecords<Row, Row>(conn, ctx, dealDef, input, (r) => r);
  const linked = await loadContacts(
    conn,
    ctx,
    page.data.map((r) => r.id),
  );
  return { data: page.data.map((r) => toDeal(r, linked.get(r.id) ?? [])), nextCursor: page.nextCursor };
}

export async function getDeal(conn: Conn, ctx: Ctx, id: string) {
  const row = await findRow<Row>(conn, ctx, dealDef, id);
  return toDeal(row, await contactsOf(conn, ctx, id));
}

export async function createDeal(conn: Conn, ctx: Ctx, input: DealCreate) {
  checkCloseDate(input.expectedCloseDate);
  const stage = await resolveStage(conn, ctx, input.stageId, input.pipelineId, input.pipelineId !== undefined);
  const ownerId = input.ownerId === undefined ? ctx.memberId : input.ownerId;
  await assertMembers(conn, ctx, [{ field: 'body.ownerId', id: ownerId }]);
  await assertRecords(conn, ctx, companyDef, [{ field: 'body.companyId', id: input.companyId }]);
  const linked = await resolveContacts(conn, ctx, input.contacts ?? []);
  const custom = await checkCustom(conn, ctx, 'deal', input.custom, null, true);
  const currency = input.currency ?? (await getWorkspace(conn, ctx)).currency;
  const id = uuidv7();
  // The contacts are known before the row exists, so the create history and event already carry them.
  const api = await insertRecord(
    conn,
    ctx,
    dealDef,
    {
      id,
      name: input.name,
      amountMinor: input.amountMinor ?? null,
      currency,
      stageId: stage.id,
      ...applyRule(stageRule, unplaced(input.closeReason ?? null), placementOn(stage, input.probability ?? null)),
      expectedCloseDate: input.expectedCloseDate ?? null,
      ownerId,
      companyId: input.companyId ?? null,
      custom,
    },
    (r: Row) => toDeal(r, linked),
  );
  await replaceContacts(conn, ctx, id, linked);
  return api;
}

export async function updateDeal(conn: Conn, ctx: Ctx, id: string, version: number, input: Omit<DealUpdate, 'version'>) {
  checkCloseDate(input.expectedCloseDate);
  await assertMembers(conn, ctx, [{ field: 'body.ownerId', id: input.ownerId }]);
  await assertRecords(conn, ctx, companyDef, [{ field: 'body.companyId', id: input.companyId }]);
  const next = input.contacts ? await resolveContacts(conn, ctx, input.contacts) : undefined;
  // updateRecord maps the row before and after the change with one function; the contacts of each
  // side are told apart by the row version (the update always bumps it), so a change of the set is
  // diffed, written to history as `contacts` and sent in the event like any other field.
  let beforeVersion = -1;
  let contactsBefore: DealContact[] = [];
  let contactsAfter: DealContact[] = [];
  const toApi = (r: Row) => toDeal(r, r.version === beforeVersion ? contactsBefore : contactsAfter);
  return updateRecord(
    conn,
    ctx,
    dealDef,
    id,
    version,
    async (before: Row) => {
      beforeVersion = before.version;
      contactsBefore = await contactsOf(conn, ctx, id);
      contactsAfter = next ?? contactsBefore;
      const pipelineId = input.pipelineId ?? before.pipelineId;
      let placement = {};
      if (input.stageId !== undefined && (input.stageId !== before.stageId || pipelineId !== before.pipelineId)) {
        const stage = await resolveStage(conn, ctx, input.stageId, pipelineId, input.pipelineId !== undefined);
        placement = { stageId: stage.id, ...applyRule(stageRule, before, placementOn(stage, input.probability ?? null)) };
      } else if (pipelineId !== before.pipelineId) {
        throw stageError('required', 'name a stage of the new pipeline when moving a deal to another pipeline');
      }
      if (next) await replaceContacts(conn, ctx, id, next);
      return {
        name: input.name,
        amountMinor: input.amountMinor,
        currency: input.currency,
        probability: input.probability,
        expectedCloseDate: input.expectedCloseDate,
        ownerId: input.ownerId,
        companyId: input.companyId,
        ...placement,
        // A reason sent with the move wins over the one the move clears.
        ...(input.closeReason !== undefined ? { closeReason: input.closeReason } : {}),
        custom: await checkCustom(conn, ctx, 'deal', input.custom, before.custom, false),
      };
    },
    toApi,
  );
}

/** How many deals, the trash included (they keep their stage and can be restored onto it), each of some stages holds. */
export async function dealsOnStages(conn: Conn, ctx: Ctx, stageIds: string[]) {
  return conn
    .select({ stageId: deals.stageId, n: sql<number>`count(*)::int` })
    .from(deals)
    .where(and(eq(deals.workspaceId, ctx.workspaceId), inArray(deals.stageId, stageIds)))
    .groupBy(deals.stageId);
}

/** The open deals (not in the trash) these contacts take part in: an email with them concerns those deals. */
export async function openDealsOfContacts(conn: Conn, ctx: Ctx, contactIds: string[]): Promise<string[]> {
  if (!contactIds.length) return [];
  const rows = await conn
    .selectDistinct({ id: deals.id })
    .from(deals)
    .innerJoin(dealContacts, and(eq(dealContacts.workspaceId, deals.workspaceId), eq(dealContacts.dealId, deals.id)))
    .where(
      and(
        eq(deals.workspaceId, ctx.workspaceId),
        inArray(dealContacts.contactId, contactIds),
        eq(deals.status, 'open'),
        isNull(deals.deletedAt),
      ),
    )
    .orderBy(deals.id)
    .limit(20);
  return rows.map((r) => r.id);
}

/** How many open deals (not in the trash) a pipeline holds. */
export async function openDealsIn(conn: Conn, ctx: Ctx, pipelineId: string) {
  const [open] = await conn
    .select({ n: sql<number>`count(*)::int` })
    .from(deals)
    .where(
      and(eq(deals.workspaceId, ctx.workspaceId), eq(deals.pipelineId, pipelineId), eq(deals.status, 'open'), isNull(deals.deletedAt)),
    );
  return open.n;
}

/**
 * Per stage and currency of a pipeline (of one owner's deals, if given): how many deals and what
 * they are worth, weighted by each deal's own probability, which may differ from its stage's.
 */
export async function stageTotals(conn: Conn, ctx: Ctx, pipelineId: string, ownerId?: string) {
  return conn
    .select({
      stageId: deals.stageId,
      currency: deals.currency,
      count: sql<number>`count(*)::int`,
      // As text: a sum may pass the int8 range, and numeric text never overflows on the way out.
      amount: sql<string>`coalesce(sum(${deals.amountMinor}), 0)::text`,
      weighted: sql<string>`coalesce(round(sum(${deals.amountMinor}::numeric * ${deals.probability} / 100)), 0)::text`,
    })
    .from(deals)
    .where(
      and(
        eq(deals.workspaceId, ctx.workspaceId),
        eq(deals.pipelineId, pipelineId),
        isNull(deals.deletedAt),
        ownerId ? eq(deals.ownerId, ownerId) : undefined,
        // A board counts only the deals the request may see (records/visibility.ts).
        visibleWhere(ctx, dealDef, 'read'),
      ),
    )
    .groupBy(deals.stageId, deals.currency)
    .orderBy(asc(deals.currency));
}

export async function deleteDeal(conn: Conn, ctx: Ctx, id: string, version?: number) {
  const linked = await contactsOf(conn, ctx, id);
  return softDeleteRecord(conn, ctx, dealDef, id, version, (r: Row) => toDeal(r, linked));
}

export async function restoreDeal(conn: Conn, ctx: Ctx, id: string) {
  const linked = await contactsOf(conn, ctx, id);
  return restoreRecord(conn, ctx, dealDef, id, (r: Row) => toDeal(r, linked));
}
