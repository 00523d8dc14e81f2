import { and, eq, sql } from 'drizzle-orm';
import type { Ticket, TicketCreate, TicketUpdate } from '../../../contract/support.ts';
import { slaStates, ticketChannels, ticketPriorities, ticketStatuses } from '../../../contract/support.ts';
import type { Conn } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { invalid } from '../../http/errors.ts';
import { findRow, insertRecord, metaToApi, restoreRecord, softDeleteRecord, updateRecord } from '../../records/crud.ts';
import { type ListInput, listRecords } from '../../records/list.ts';
import { isoTimestamp, metaFields, metaProjection, type ObjectDef } from '../../records/object-def.ts';
import { assertRecords } from '../../records/references.ts';
import { createActivity } from '../activities/activities.service.ts';
import { assertMembers } from '../auth/members.service.ts';
import { now } from '../automation/clock.ts';
import { companyDef } from '../companies/companies.service.ts';
import { contactDef, createContact, primaryCompanyOf } from '../contacts/contacts.service.ts';
import { dealDef } from '../deals/deals.service.ts';
import { checkCustom } from '../fields/fields.service.ts';
import { contactsByEmail } from '../imports/imports.queries.ts';
import { listTeams } from '../teams/teams.service.ts';
import type { Customer } from './customer-tier.ts';
import { routeNewTicket } from './routing.ts';
import { dueTimes, getSlaPolicy, pausesAfter, type SlaInput, slaStateAt, tiersFor } from './sla.ts';
import { supportMailboxes } from './ticket-mail.table.ts';
import { tickets } from './tickets.table.ts';

type Row = typeof tickets.$inferSelect;

export const ticketDef: ObjectDef = {
  type: 'ticket',
  label: 'Ticket',
  table: tickets,
  // A ticket belongs to its assignee for access scopes (own, team …), as a task does.
  owner: tickets.assigneeId,
  // Only the assignee: a status or priority moves the SLA clock (pauses, due times, solved time),
  // which updateTicket computes and the engine's set-based update does not. The queue's bulk
  // actions (bulk-actions.ts) set those per ticket.
  bulk: ['assigneeId'],
  hasCustom: true,
  defaultSort: '-createdAt',
  fields: {
    ...metaFields(tickets),
    number: { kind: 'number', sql: tickets.number, sortable: true, notNull: true },
    subject: { kind: 'text', sql: tickets.subject, sortable: true, notNull: true },
    description: { kind: 'text', sql: tickets.description },
    requesterId: { kind: 'uuid', sql: tickets.requesterId },
    companyId: { kind: 'uuid', sql: tickets.companyId },
    status: { kind: 'enum', sql: tickets.status, options: ticketStatuses, notNull: true, sortable: true },
    priority: { kind: 'enum', sql: tickets.priority, options: ticketPriorities, notNull: true, sortable: true },
    type: { kind: 'text', sql: tickets.type },
    channel: { kind: 'enum', sql: tickets.channel, options: ticketChannels, notNull: true },
    assigneeId: { kind: 'uuid', sql: tickets.assigneeId, member: true },
    teamId: { kind: 'uuid', sql: tickets.teamId },
    // The filter engine reads multiselect values as a jsonb array.
    tags: { kind: 'multiselect', sql: sql`to_jsonb(${tickets.tags})` },
    firstResponseDueAt: { kind: 'datetime', sql: tickets.firstResponseDueAt, sortable: true },
    nextResponseDueAt: { kind: 'datetime', sql: tickets.nextResponseDueAt, sortable: true },
    resolutionDueAt: { kind: 'datetime', sql: tickets.resolutionDueAt, sortable: true },
    slaState: { kind: 'enum', sql: tickets.slaState, options: slaStates, notNull: true },
  },
  references: { requesterId: 'contact', companyId: 'company' },
  title: `'#' || r.number || ' ' || r.subject`,
  search: {
    terms: `
      select 'name' as kind, w as term from rapport_words(r.subject) w
      union all select 'number', r.number::text`,
    subtitle: `r.status`,
    reads: { kinds: { name: ['subject'], number: ['number'] }, subtitle: ['status'] },
  },
  apiFields: [
    'number',
    'subject',
    'description',
    'requesterId',
    'companyId',
    'status',
    'priority',
    'type',
    'channel',
    'assigneeId',
    'teamId',
    'tags',
    'dealIds',
    'firstResponseDueAt',
    'firstRespondedAt',
    'nextResponseDueAt',
    'resolutionDueAt',
    'solvedAt',
    'slaState',
    'custom',
    'createdAt',
    'updatedAt',
    'createdBy',
    'deletedAt',
  ],
  projection: {
    ...metaProjection(tickets),
    number: sql`${tickets.number}`,
    subject: sql`${tickets.subject}`,
    description: sql`${tickets.description}`,
    requesterId: sql`${tickets.requesterId}`,
    companyId: sql`${tickets.companyId}`,
    status: sql`${tickets.status}`,
    priority: sql`${tickets.priority}`,
    type: sql`${tickets.type}`,
    channel: sql`${tickets.channel}`,
    assigneeId: sql`${tickets.assigneeId}`,
    teamId: sql`${tickets.teamId}`,
    tags: sql`to_jsonb(${tickets.tags})`,
    dealIds: sql`to_jsonb(${tickets.dealIds})`,
    firstResponseDueAt: isoTimestamp(tickets.firstResponseDueAt),
    firstRespondedAt: isoTimestamp(tickets.firstRespondedAt),
    nextResponseDueAt: isoTimestamp(tickets.nextResponseDueAt),
    resolutionDueAt: isoTimestamp(tickets.resolutionDueAt),
    solvedAt: isoTimestamp(tickets.solvedAt),
    slaState: sql`${tickets.slaState}`,
    custom: sql`${tickets.custom}`,
  },
  // A deal deleted for good leaves the tickets that named it.
  async onPurge(conn, ctx, type, id) {
    if (type !== 'deal') return;
    await conn
      .update(tickets)
      .set({ dealIds: sql`array_remove(${tickets.dealIds}, ${id}::uuid)` })
      .where(and(eq(tickets.workspaceId, ctx.workspaceId), sql`${id}::uuid = any(${tickets.dealIds})`));
  },
};

const iso = (d: Date | null) => d?.toISOString() ?? null;

export const toTicket = (r: Row): Ticket => ({
  ...metaToApi(r),
  number: r.number,
  subject: r.subject,
  description: r.description,
  requesterId: r.requesterId,
  companyId: r.companyId,
  status: r.status,
  priority: r.priority,
  type: r.type,
  channel: r.channel,
  assigneeId: r.assigneeId,
  teamId: r.teamId,
  tags: r.tags,
  dealIds: r.dealIds,
  firstResponseDueAt: iso(r.firstResponseDueAt),
  firstRespondedAt: iso(r.firstRespondedAt),
  nextResponseDueAt: iso(r.nextResponseDueAt),
  resolutionDueAt: iso(r.resolutionDueAt),
  solvedAt: iso(r.solvedAt),
  slaState: r.slaState,
  custom: r.custom,
});

/**
 * The SLA columns of a ticket in the state `t`, at `at`, under the terms its channel and its
 * customer's tier select: a change of either (or of the company or requester) moves its targets.
 */
async function slaColumns(conn: Conn, ctx: Ctx, t: Omit<SlaInput, 'tier'> & Customer, at: Date) {
  const policy = await getSlaPolicy(conn, ctx);
  const [tier] = await tiersFor(conn, ctx.workspaceId, policy, [t]);
  const due = dueTimes(policy, { ...t, tier });
  return { ...due, slaState: slaStateAt(due, at) };
}

export async function assertTeam(conn: Conn, ctx: Ctx, teamId: string | null | undefined) {
  if (!teamId) return;
  if (!(await listTeams(conn, ctx)).some((t) => t.id === teamId.toLowerCase())) {
    throw invalid([{ field: 'body.teamId', code: 'unknown_record', message: 'is not a team of this workspace' }]);
  }
}

/**
 * Leaves a team's tickets (those in the trash too) and support addresses without a team, before the
 * team is deleted (teams.routes.ts): the keys to teams are plain ones, since Citus refuses ON DELETE
 * SET NULL on a key that holds the distribution column. As that did, it changes no version or history.
 */
export async function releaseTeam(conn: Conn, ctx: Ctx, teamId: string) {
  await conn
    .update(tickets)
    .set({ teamId: null })
    .where(and(eq(tickets.workspaceId, ctx.workspaceId), eq(tickets.teamId, teamId)));
  await conn
    .update(supportMailboxes)
    .set({ teamId: null })
    .where(and(eq(supportMailboxes.workspaceId, ctx.workspaceId), eq(supportMailboxes.teamId, teamId)));
}

async function checkRefs(conn: Conn, ctx: Ctx, input: Partial<TicketCreate>) {
  await assertMembers(conn, ctx, [{ field: 'body.assigneeId', id: input.assigneeId }]);
  await assertRecords(conn, ctx, contactDef, [{ field: 'body.requesterId', id: input.requesterId }]);
  await assertRecords(conn, ctx, companyDef, [{ field: 'body.companyId', id: input.companyId }]);
  await assertRecords(
    conn,
    ctx,
    dealDef,
    (input.dealIds ?? []).map((id, i) => ({ field: `body.dealIds.${i}`, id })),
  );
  await assertTeam(conn, ctx, input.teamId);
}

const uniq = <T>(xs: T[] | undefined) =>
  xs ? [...new Set(xs.map((x) => (typeof x === 'string' ? (x.toLowerCase() as T) : x)))] : undefined;

/**
 * The requester a new ticket names: the contact given, else the contact holding the email given,
 * else a new contact with that email (a customer writing in for the first time).
 */
async function requesterOf(conn: Conn, ctx: Ctx, input: TicketCreate): Promise<string | null> {
  if (input.requesterId) return input.requesterId;
  if (!input.requesterEmail) return null;
  const email = input.requesterEmail.normalize('NFC').toLowerCase();
  const found = (await contactsByEmail(conn, ctx, [email])).get(email);
  if (found) return found;
  // The system files the contact: an agent may open a ticket without the right to create contacts.
  const contact = await createContact(conn, { ...ctx, access: undefined }, { emails: [{ label: 'work', value: email }], source: 'ticket' });
  return contact.id;
}

/** Numbers tickets 1, 2, 3 … per workspace; the lock keeps two creates from taking the same number. */
async function nextNumber(conn: Conn, ctx: Ctx) {
  await conn.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`tickets:${ctx.workspaceId}`}, 0))`);
  const [row] = await conn
    .select({ n: sql<number>`coalesce(max(${tickets.number}), 0) + 1` })
    .from(tickets)
    .where(eq(tickets.workspaceId, ctx.workspaceId));
  return Number(row.n);
}

export const listTickets = (conn: Conn, ctx: Ctx, input: ListInput) => listRecords(conn, ctx, ticketDef, input, toTicket);

export const getTicket = async (conn: Conn, ctx: Ctx, id: string) => toTicket(await findRow<Row>(conn, ctx, ticketDef, id));

export async function createTicket(conn: Conn, ctx: Ctx, input: TicketCreate) {
  if (input.requesterId && input.requesterEmail) {
    throw invalid([{ field: 'body.requesterEmail', code: 'not_allowed', message: 'send either requesterId or requesterEmail, not both' }]);
  }
  await checkRefs(conn, ctx, input);
  const custom = await checkCustom(conn, ctx, 'ticket', input.custom, null, true);
  const requesterId = await requesterOf(conn, ctx, input);
  // The requester's company unless one is named: the portal's company view, the customer's history
  // beside the ticket, and the customer tier its SLA targets and routing read all go by it.
  const companyId = input.companyId !== undefined ? input.companyId : requesterId && (await primaryCompanyOf(conn, ctx, requesterId));
  const at = now();
  const status = input.status ?? 'new';
  const priority = input.priority ?? 'normal';
  const channel = input.channel ?? 'web_form';
  const slaPauses = pausesAfter([], status, at);
  const solvedAt = status === 'solved' || status === 'closed' ? at : null;
  const sla = await slaColumns(
    conn,
    ctx,
    {
      priority,
      channel,
      companyId,
      requesterId,
      status,
      createdAt: at,
      firstRespondedAt: null,
      awaitingSince: null,
      solvedAt,
      slaPauses,
    },
    at,
  );
  // Routing (routing.ts) picks the team and agent of a ticket nobody was assigned, in this transaction.
  const routed = input.assigneeId || solvedAt ? null : await routeNewTicket(conn, ctx, { ...input, companyId, requesterId });
  const ticket = await insertRecord(
    conn,
    ctx,
    ticketDef,
    {
      number: await nextNumber(conn, ctx),
      subject: input.subject,
      description: input.description ?? null,
      requesterId,
      companyId,
      status,
      priority,
      type: input.type ?? null,
      channel,
      assigneeId: input.assigneeId ?? routed?.assigneeId ?? null,
      teamId: routed?.teamId ?? input.teamId ?? null,
      tags: uniq(input.tags) ?? [],
      dealIds: uniq(input.dealIds) ?? [],
      solvedAt,
      slaPauses,
      ...sla,
      custom,
      createdAt: at,
      updatedAt: at,
    },
    toTicket,
  );
  if (requesterId) await onTimeline(conn, ctx, ticket, requesterId);
  return ticket;
}

/**
 * Puts a new ticket on its requester's timeline (and their company's), as a note the system writes:
 * the customer's history shows every ticket they opened beside their emails and calls.
 */
async function onTimeline(conn: Conn, ctx: Ctx, t: Ticket, contactId: string) {
  await createActivity(
    conn,
    { ...ctx, access: undefined },
    {
      type: 'note',
      subject: `Ticket #${t.number}: ${t.subject}`,
      body: t.description ?? null,
      links: [{ recordType: 'contact', recordId: contactId }],
    },
  );
}

export async function updateTicket(conn: Conn, ctx: Ctx, id: string, version: number, input: Omit<TicketUpdate, 'version'>) {
  await checkRefs(conn, ctx, input);
  return updateRecord(
    conn,
    ctx,
    ticketDef,
    id,
    version,
    async (before: Row) => {
      const { custom, tags, dealIds, ...rest } = input;
      const at = now();
      const status = input.status ?? before.status;
      const priority = input.priority ?? before.priority;
      const slaPauses = status === before.status ? before.slaPauses : pausesAfter(before.slaPauses, status, at);
      const done = status === 'solved' || status === 'closed';
      const solvedAt = done ? (before.solvedAt ?? at) : null;
      const sla = await slaColumns(
        conn,
        ctx,
        {
          priority,
          channel: input.channel ?? before.channel,
          companyId: input.companyId === undefined ? before.companyId : input.companyId,
          requesterId: input.requesterId === undefined ? before.requesterId : input.requesterId,
          status,
          createdAt: before.createdAt,
          firstRespondedAt: before.firstRespondedAt,
          awaitingSince: before.awaitingSince,
          solvedAt,
          slaPauses,
        },
        at,
      );
      return {
        ...rest,
        ...(tags !== undefined ? { tags: uniq(tags) } : {}),
        ...(dealIds !== undefined ? { dealIds: uniq(dealIds) } : {}),
        solvedAt,
        slaPauses,
        ...sla,
        custom: await checkCustom(conn, ctx, 'ticket', custom, before.custom, false),
      };
    },
    toTicket,
  );
}

/**
 * Records what a message does to the ticket's clocks, without a version bump or history row (the
 * message is its own record): an agent's first public reply meets the first-response target and
 * a requester's reply starts the next-response clock, an agent's stops it.
 */
export async function noteMessage(conn: Conn, ctx: Ctx, ticketId: string, kind: 'reply' | 'note', fromRequester: boolean) {
  if (kind === 'note') return;
  const before = await findRow<Row>(conn, ctx, ticketDef, ticketId, true);
  const at = now();
  const firstRespondedAt = fromRequester ? before.firstRespondedAt : (before.firstRespondedAt ?? at);
  const awaitingSince = fromRequester ? (before.awaitingSince ?? at) : null;
  const status = before.status;
  const sla = await slaColumns(
    conn,
    ctx,
    {
      priority: before.priority,
      channel: before.channel,
      companyId: before.companyId,
      requesterId: before.requesterId,
      status,
      createdAt: before.createdAt,
      firstRespondedAt,
      awaitingSince,
      solvedAt: before.solvedAt,
      slaPauses: before.slaPauses,
    },
    at,
  );
  await conn
    .update(tickets)
    .set({ firstRespondedAt, awaitingSince, ...sla })
    .where(and(eq(tickets.workspaceId, ctx.workspaceId), eq(tickets.id, ticketId)));
}

export const deleteTicket = (conn: Conn, ctx: Ctx, id: string, version?: number) =>
  softDeleteRecord(conn, ctx, ticketDef, id, version, toTicket);

export const restoreTicket = (conn: Conn, ctx: Ctx, id: string) => restoreRecord(conn, ctx, ticketDef, id, toTicket);
