import { and, asc, eq, inArray, type SQL, sql } from 'drizzle-orm';
import {
  type Activity,
  type ActivityCreate,
  type ActivityUpdate,
  activityTypes,
  type LinkableType,
  type RecordLink,
  type TimelineQuery,
} from '../../../contract/activities.ts';
import { type Conn, pgArray, selectRows } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { AppError, badRequest, type FieldError, invalid, notFound } from '../../http/errors.ts';
import { findRow, insertRecord, metaToApi, restoreRecord, softDeleteRecord, updateRecord } from '../../records/crud.ts';
import { loadLinks } from '../../records/links.ts';
import type { ListInput } from '../../records/list.ts';
import { listRows } from '../../records/list.ts';
import { metaFields, type ObjectDef } from '../../records/object-def.ts';
import { assertRecords } from '../../records/references.ts';
import { visibleWhere } from '../../records/visibility.ts';
import { assertMembers, memberIdsAmong } from '../auth/members.service.ts';
import { companiesOfContacts } from '../contacts/contacts.service.ts';
import { checkCustom, fieldResolver } from '../fields/fields.service.ts';
import { emitEvent, writeHistory } from '../history/history.service.ts';
import { notify } from '../notifications/notifications.service.ts';
import { activities, activityLinks } from './activities.table.ts';
import { type MeetingPart, meetingOf, meetingsOf, noMeeting, resolveAttendees, saveMeeting } from './meetings.service.ts';
import { meetings } from './meetings.table.ts';

type Row = typeof activities.$inferSelect;

export const activityDef: ObjectDef = {
  type: 'activity',
  label: 'Activity',
  table: activities,
  owner: activities.ownerId,
  hasCustom: true,
  defaultSort: '-occurredAt',
  // Its subject, else the start of its text, else its kind.
  title: `coalesce(nullif(r.subject, ''), nullif(left(r.body, 80), ''), r.type)`,
  onPurge: (conn, ctx, type, id) => dropLinksTo(conn, ctx, type, id),
  // A merged record's timeline (notes, calls, emails) becomes the survivor's.
  linkTables: [{ table: 'activity_links', column: 'record_id', type: { column: 'record_type' }, key: ['activity_id'] }],
  fields: {
    ...metaFields(activities),
    type: { kind: 'enum', sql: activities.type, options: activityTypes, notNull: true },
    occurredAt: { kind: 'datetime', sql: activities.occurredAt, notNull: true },
    ownerId: { kind: 'uuid', sql: activities.ownerId, member: true },
    durationSeconds: { kind: 'number', sql: activities.durationSeconds },
    outcome: { kind: 'text', sql: activities.outcome },
    subject: { kind: 'text', sql: activities.subject },
  },
  apiFields: [
    'type',
    'subject',
    'body',
    'occurredAt',
    'durationSeconds',
    'outcome',
    'ownerId',
    'mentions',
    'private',
    'custom',
    'links',
    'attendees',
    'location',
    'cancelled',
    'createdAt',
    'updatedAt',
    'createdBy',
    'deletedAt',
  ],
};

export const toActivity = (r: Row, links: RecordLink[], meeting: MeetingPart = noMeeting): Activity => ({
  ...metaToApi(r),
  type: r.type,
  subject: r.subject,
  body: r.body,
  occurredAt: r.occurredAt.toISOString(),
  durationSeconds: r.durationSeconds,
  outcome: r.outcome,
  ownerId: r.ownerId,
  mentions: r.mentions,
  private: r.private,
  custom: r.custom,
  links,
  attendees: meeting.attendees,
  location: meeting.location,
  cancelled: meeting.cancelled,
});

/** Attendees, a place and invites belong to meetings: on another activity they are a 422 naming the field. */
function assertMeetingFields(type: string, input: Pick<ActivityCreate, 'attendees' | 'location' | 'sendInvites'>) {
  if (type === 'meeting') return;
  const errors: FieldError[] = [];
  if (input.attendees?.length) errors.push({ field: 'body.attendees', code: 'meeting_only', message: 'only a meeting has attendees' });
  if (input.location) errors.push({ field: 'body.location', code: 'meeting_only', message: 'only a meeting has a location' });
  if (input.sendInvites) errors.push({ field: 'body.sendInvites', code: 'meeting_only', message: 'only a meeting sends invites' });
  if (errors.length) throw invalid(errors);
}

/**
 * The mailbox invites go out from: the acting member's own connected mailbox (a calendar invite
 * names its organizer, and replies come back to that address). 422 when they have none.
 */
async function inviteMailbox(conn: Conn, ctx: Ctx) {
  // Imported when called: the email module imports this one (an email becomes an activity).
  const { ownMailbox } = await import('../email/email.service.ts');
  const mb = await ownMailbox(conn, ctx);
  if (!mb)
    throw invalid([{ field: 'body.sendInvites', code: 'no_mailbox', message: 'connect a mailbox of your own to send invites from' }]);
  return mb.id;
}

/** Queues the sending of an invite (REQUEST) or a cancellation to the attendees (or to `only` these addresses). */
async function queueInvite(conn: Conn, ctx: Ctx, activityId: string, method: 'REQUEST' | 'CANCEL', only?: string[]) {
  const { inviteJob } = await import('./meetings.jobs.ts');
  const { enqueue } = await import('../../jobs/queue.ts');
  await enqueue(conn, inviteJob, { activityId, method, ...(only ? { only } : {}) }, { workspaceId: ctx.workspaceId });
}

const addresses = (m: MeetingPart) => m.attendees.map((a) => a.email).filter((e): e is string => Boolean(e));

/** Mentioned members, checked (422 naming the entry) and without repeats, in the order given. */
async function checkMentions(conn: Conn, ctx: Ctx, ids: string[] | undefined) {
  if (!ids) return undefined;
  await assertMembers(
    conn,
    ctx,
    ids.map((id, i) => ({ field: `body.mentions.${i}`, id })),
  );
  return [...new Set(ids)];
}

/**
 * Tells each newly mentioned member, linking to the record the note was written on (its first
 * link) and to the note. The writer is not told of their own mention.
 */
async function notifyMentioned(conn: Conn, ctx: Ctx, activity: Activity, mentioned: string[], before: string[] = []) {
  const fresh = mentioned.filter((id) => !before.includes(id) && id !== ctx.memberId);
  if (!fresh.length) return;
  const on = activity.links[0];
  const text = (activity.subject || activity.body || '').replace(/\s+/g, ' ').trim();
  for (const memberId of await memberIdsAmong(conn, ctx, fresh, { active: true })) {
    await notify(conn, ctx, {
      memberId,
      kind: 'mention',
      title: text.length > 200 ? `${text.slice(0, 199)}…` : text,
      body: null,
      record: on ? { type: on.recordType, id: on.recordId } : null,
      activityId: activity.id,
      actorId: ctx.actor.type === 'member' ? ctx.memberId : null,
    });
  }
}

const uuidRe = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * A timestamp from a request as a Date. The contract checks the format, but a format-valid text can
 * still be a leap second JavaScript cannot represent or a year PostgreSQL cannot store (0000, or 10000
 * after the offset is applied): those are the client's mistake, so 422, never a database error.
 */
export function toTimestamp(text: string, field: string): Date {
  const d = new Date(text);
  const year = d.getUTCFullYear();
  if (Number.isNaN(d.getTime()) || year < 1 || year > 9999) {
    throw invalid([{ field, code: 'out_of_range', message: 'must be a date-time between the years 1 and 9999' }]);
  }
  return d;
}

// The order the database returns links in (by type, then id), so that a set read back compares equal.
const linkKey = (l: RecordLink) => `${l.recordType}:${l.recordId}`;
const linkOrder = (a: RecordLink, b: RecordLink) => (linkKey(a) < linkKey(b) ? -1 : linkKey(a) > linkKey(b) ? 1 : 0);

/**
 * Checks that every linked record exists in this workspace and is not in the trash (422 naming
 * `<field>.N.recordId`), and returns the links de-duplicated, in a stable order. With `autoLink`, the
 * companies of linked contacts are added, so that a call with a person also shows on their company.
 */
export async function resolveLinks(conn: Conn, ctx: Ctx, input: RecordLink[], autoLink: boolean, field = 'body.links') {
  // PostgreSQL returns uuids lower-case; comparing in that form keeps `ABC…` and `abc…` one record.
  const links = input.map((l) => ({ recordType: l.recordType, recordId: l.recordId.toLowerCase() }));
  // Imported when called: the registry imports this module for `activityDef`, and a static import
  // back would make the result depend on which of the two modules a process happens to load first.
  const { objectDefs } = await import('../registry.ts');
  const byType = new Map<LinkableType, { field: string; id: string }[]>();
  links.forEach((l, i) => {
    const refs = byType.get(l.recordType) ?? [];
    refs.push({ field: `${field}.${i}.recordId`, id: l.recordId });
    byType.set(l.recordType, refs);
  });
  const errors: FieldError[] = [];
  for (const [type, refs] of byType) {
    const def = objectDefs[type];
    if (!def) {
      errors.push(...refs.map((r) => ({ field: r.field, code: 'unknown_record', message: `is not a ${type} of this workspace` })));
      continue;
    }
    try {
      await assertRecords(conn, ctx, def, refs);
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      errors.push(...e.errors);
    }
  }
  if (errors.length) throw invalid(errors);

  const out = new Map<string, RecordLink>();
  const add = (recordType: LinkableType, recordId: string) => out.set(linkKey({ recordType, recordId }), { recordType, recordId });
  for (const l of links) add(l.recordType, l.recordId);
  const contactIds = links.filter((l) => l.recordType === 'contact').map((l) => l.recordId);
  if (autoLink && contactIds.length) {
    for (const id of await companiesOfContacts(conn, ctx, contactIds)) add('company', id);
  }
  return [...out.values()].sort(linkOrder);
}

const linksOf = (conn: Conn, ctx: Ctx, ids: string[]) => loadLinks(conn, ctx, activityLinks, activityLinks.activityId, ids);

const linksOfOne = async (conn: Conn, ctx: Ctx, id: string) => (await linksOf(conn, ctx, [id])).get(id) ?? [];

/** Writes an activity's links, copying its occurred_at from the row itself so that the two never differ. */
async function insertLinks(conn: Conn, ctx: Ctx, activityId: string, links: RecordLink[]) {
  if (!links.length) return;
  const types = sql.join(
    links.map((l) => sql`${l.recordType}`),
    sql`, `,
  );
  const ids = sql.join(
    links.map((l) => sql`${l.recordId}::uuid`),
    sql`, `,
  );
  await conn.execute(sql`
    insert into activity_links (workspace_id, activity_id, record_type, record_id, occurred_at)
    select a.workspace_id, a.id, x.record_type, x.record_id, a.occurred_at
    from activities a, unnest(array[${types}]::text[], array[${ids}]::uuid[]) as x(record_type, record_id)
    where a.workspace_id = ${ctx.workspaceId} and a.id = ${activityId}`);
}

/**
 * The linked records whose object keeps a last-activity column (leads do not), by object: the
 * object, its column and the records' ids, each once.
 */
async function lastActivityTargets(links: RecordLink[]) {
  if (!links.length) return [];
  const { objectDefs } = await import('../registry.ts');
  return Object.values(objectDefs).flatMap((def) => {
    const column = def.lastActivityAt;
    const ids = [...new Set(links.filter((l) => l.recordType === def.type).map((l) => l.recordId))];
    return column && ids.length ? [{ def, column, ids }] : [];
  });
}

/**
 * After a new live activity, its records were last active at the later of their date and its
 * occurredAt: one UPDATE per object and no read, where a recompute (refreshLastActivity) takes two.
 * The comparison is made on the row the UPDATE locks (PostgreSQL re-checks the WHERE against the
 * newest version when it had to wait), so two activities logged at once on one company leave the
 * later date whichever commits first. Like refreshLastActivity: no version bump, no history.
 */
async function bumpLastActivity(conn: Conn, ctx: Ctx, links: RecordLink[], at: Date) {
  for (const { def, column, ids } of await lastActivityTargets(links)) {
    const col = sql.identifier(column.name);
    const when = sql`${at.toISOString()}::timestamptz`;
    await conn.execute(sql`
      update ${def.table} set ${col} = ${when}
      where workspace_id = ${ctx.workspaceId} and id = any(${pgArray(ids, 'uuid')}) and (${col} is null or ${col} < ${when})`);
  }
}

/**
 * Sets `last_activity_at` of the given records to the latest occurredAt of their activities that are
 * not in the trash. It is derived, written by the system rather than by a person editing the record,
 * so it neither bumps the record's version (which would make the owner's open edit form stale and
 * their save a 409 for a change they never saw) nor writes history (nobody changed the record).
 */
async function refreshLastActivity(conn: Conn, ctx: Ctx, links: RecordLink[]) {
  for (const { def, column, ids } of await lastActivityTargets(links)) {
    const { table, type } = def;
    // Lock first, then recompute in a new statement: under READ COMMITTED the UPDATE then sees the
    // activities of any transaction that held these rows before us, so two activities logged at once
    // on one company cannot leave it with the older date. Ordered by id so that lockers never deadlock.
    await conn
      .select({ id: table.id })
      .from(table)
      .where(and(eq(table.workspaceId, ctx.workspaceId), inArray(table.id, ids)))
      .orderBy(asc(table.id))
      .for('no key update');
    const idList = sql.join(
      ids.map((id) => sql`${id}::uuid`),
      sql`, `,
    );
    await conn.execute(sql`
      update ${table} as t set ${sql.identifier(column.name)} = m.latest
      from (
        select r.id, (
          -- The newest live activity, read down the timeline index and stopping at the first: max()
          -- over the join would read every activity of a busy company on each new one.
          select l.occurred_at
          from activity_links l
          join activities a on a.workspace_id = l.workspace_id and a.id = l.activity_id
          where l.workspace_id = ${ctx.workspaceId} and l.record_type = ${type} and l.record_id = r.id and a.deleted_at is null
          order by l.occurred_at desc nulls last, l.activity_id desc nulls last
          limit 1
        ) as latest
        from unnest(array[${idList}]) as r(id)
      ) as m
      where t.workspace_id = ${ctx.workspaceId} and t.id = m.id and t.${sql.identifier(column.name)} is distinct from m.latest`);
  }
}

/**
 * Removes the links of activities to a record deleted for good. An activity shows only on the
 * records it links to: one left with none would be on no timeline, readable by nobody in the app,
 * so it is purged with the record it was about.
 */
async function dropLinksTo(conn: Conn, ctx: Ctx, type: string, id: string) {
  const linked = await conn
    .delete(activityLinks)
    .where(and(eq(activityLinks.workspaceId, ctx.workspaceId), eq(activityLinks.recordType, type), eq(activityLinks.recordId, id)))
    .returning({ activityId: activityLinks.activityId });
  const ids = linked.map((l) => l.activityId);
  if (!ids.length) return;
  const orphans = await conn
    .select({ id: activities.id })
    .from(activities)
    .where(
      and(
        eq(activities.workspaceId, ctx.workspaceId),
        inArray(activities.id, ids),
        sql`not exists (select 1 from activity_links l where l.workspace_id = ${ctx.workspaceId} and l.activity_id = ${activities.id})`,
      ),
    );
  for (const o of orphans) {
    await conn.delete(activities).where(and(eq(activities.workspaceId, ctx.workspaceId), eq(activities.id, o.id)));
    await writeHistory(conn, ctx, 'activity', o.id, 'purge', [{ field: null, old: null, new: null }]);
    await emitEvent(conn, ctx, 'activity.purged', 'activity', o.id, { id: o.id });
  }
}

/**
 * An activity is what someone wrote down: its author may change or delete it, and so may an admin
 * or the owner (who tidy up after people who left); other members read it but cannot rewrite it.
 */
function assertMayChange(ctx: Ctx, row: Row) {
  if (ctx.role === 'admin' || ctx.role === 'owner' || row.createdBy === ctx.memberId) return;
  throw new AppError(403, 'not_author', 'Only the person who logged this activity, or an admin, may change or delete it');
}

export async function listActivities(conn: Conn, ctx: Ctx, input: ListInput) {
  const { field } = await fieldResolver(conn, ctx, activityDef);
  const page = await listRows<Row>(conn, ctx, activityDef, input, field);
  const links = await linksOf(
    conn,
    ctx,
    page.rows.map((r) => r.id),
  );
  const parts = await meetingsOf(
    conn,
    ctx,
    page.rows.map((r) => r.id),
  );
  return { data: page.rows.map((r) => toActivity(r, links.get(r.id) ?? [], parts.get(r.id))), nextCursor: page.nextCursor };
}

export async function getActivity(conn: Conn, ctx: Ctx, id: string) {
  const row = await findRow<Row>(conn, ctx, activityDef, id);
  return toActivity(row, await linksOfOne(conn, ctx, id), (await meetingOf(conn, ctx, id)) ?? noMeeting);
}

/** `private`: the activity of a private email (its subject and body are not given: they stay with the email). */
export async function createActivity(conn: Conn, ctx: Ctx, input: ActivityCreate, opts: { private?: boolean } = {}) {
  const ownerId = input.ownerId === undefined ? ctx.memberId : input.ownerId;
  await assertMembers(conn, ctx, [{ field: 'body.ownerId', id: ownerId }]);
  const occurredAt = input.occurredAt === undefined ? new Date() : toTimestamp(input.occurredAt, 'body.occurredAt');
  const links = await resolveLinks(conn, ctx, input.links, input.autoLink !== false);
  const custom = await checkCustom(conn, ctx, 'activity', input.custom, null, true);
  const mentions = (await checkMentions(conn, ctx, input.mentions)) ?? [];
  assertMeetingFields(input.type, input);
  const meeting: MeetingPart =
    input.type === 'meeting'
      ? {
          attendees: await resolveAttendees(conn, ctx, input.attendees ?? [], []),
          location: input.location?.trim() || null,
          cancelled: false,
        }
      : noMeeting;
  const mailboxId = input.sendInvites ? await inviteMailbox(conn, ctx) : null;
  const api = await insertRecord<Row, Activity>(
    conn,
    ctx,
    activityDef,
    {
      type: input.type,
      subject: input.subject ?? null,
      body: input.body ?? null,
      occurredAt,
      durationSeconds: input.durationSeconds ?? null,
      outcome: input.outcome ?? null,
      ownerId,
      mentions,
      private: opts.private ?? false,
      custom,
    },
    (r) => toActivity(r, links, meeting),
  );
  await insertLinks(conn, ctx, api.id, links);
  if (input.type === 'meeting') {
    await saveMeeting(conn, ctx, api.id, { location: meeting.location, mailboxId }, meeting.attendees);
    if (mailboxId && addresses(meeting).length) await queueInvite(conn, ctx, api.id, 'REQUEST');
  }
  await bumpLastActivity(conn, ctx, links, occurredAt);
  await notifyMentioned(conn, ctx, api, mentions);
  return api;
}

/**
 * Writes a meeting's place and attendees after an edit. Once invites went out, a change of time,
 * place or attendees raises the SEQUENCE and sends the new REQUEST (calendars replace an event by
 * UID only for a higher SEQUENCE); attendees taken off the list get a CANCEL.
 */
async function updateMeeting(
  conn: Conn,
  ctx: Ctx,
  id: string,
  before: Row,
  after: Activity,
  old: MeetingPart & { row?: { mailboxId: string | null; sequence: number; external: boolean } },
  next: MeetingPart,
  mailboxId: string | null,
  sendInvites: boolean | undefined,
) {
  const was = addresses(old);
  const now = addresses(next);
  const changed =
    before.occurredAt.toISOString() !== after.occurredAt ||
    before.durationSeconds !== after.durationSeconds ||
    old.location !== next.location ||
    was.length !== now.length ||
    was.some((e) => !now.includes(e));
  const firstInvite = Boolean(sendInvites && mailboxId && !old.row?.mailboxId);
  const sequence = (old.row?.sequence ?? 0) + (changed && old.row?.mailboxId ? 1 : 0);
  await saveMeeting(conn, ctx, id, { location: next.location, mailboxId, sequence }, next.attendees);
  if (!mailboxId || old.row?.external) return;
  const removed = was.filter((e) => !now.includes(e));
  if (removed.length && old.row?.mailboxId) await queueInvite(conn, ctx, id, 'CANCEL', removed);
  if (now.length && (firstInvite || (changed && old.row?.mailboxId))) await queueInvite(conn, ctx, id, 'REQUEST');
}

export async function updateActivity(conn: Conn, ctx: Ctx, id: string, version: number, input: Omit<ActivityUpdate, 'version'>) {
  const {
    links: linksIn,
    autoLink,
    occurredAt: occurredIn,
    mentions: mentionsIn,
    attendees: attendeesIn,
    location,
    sendInvites,
    ...rest
  } = input;
  await assertMembers(conn, ctx, [{ field: 'body.ownerId', id: input.ownerId }]);
  const mentions = await checkMentions(conn, ctx, mentionsIn);
  const occurredAt = occurredIn === undefined ? undefined : toTimestamp(occurredIn, 'body.occurredAt');
  const newLinks = linksIn === undefined ? undefined : await resolveLinks(conn, ctx, linksIn, autoLink !== false);
  let before: Row | undefined;
  let oldLinks: RecordLink[] = [];
  let oldMeeting: (MeetingPart & { row?: { mailboxId: string | null; sequence: number; external: boolean } }) | null = null;
  let newMeeting: MeetingPart | null = null;
  let mailboxId: string | null = null;
  const api = await updateRecord<Row, Activity>(
    conn,
    ctx,
    activityDef,
    id,
    version,
    async (locked) => {
      assertMayChange(ctx, locked);
      before = locked;
      oldLinks = await linksOfOne(conn, ctx, id);
      const type = rest.type ?? locked.type;
      assertMeetingFields(type, { attendees: attendeesIn, location, sendInvites });
      oldMeeting = (await meetingOf(conn, ctx, id)) ?? noMeeting;
      if (type === 'meeting') {
        newMeeting = {
          attendees: attendeesIn ? await resolveAttendees(conn, ctx, attendeesIn, oldMeeting.attendees) : oldMeeting.attendees,
          location: location === undefined ? oldMeeting.location : location?.trim() || null,
          cancelled: oldMeeting.cancelled,
        };
        mailboxId = oldMeeting.row?.mailboxId ?? (sendInvites && !oldMeeting.row?.external ? await inviteMailbox(conn, ctx) : null);
      }
      return {
        ...rest,
        ...(occurredAt ? { occurredAt } : {}),
        ...(mentions ? { mentions } : {}),
        custom: await checkCustom(conn, ctx, 'activity', input.custom, locked.custom, false),
      };
    },
    // The links belong to the API shape so that a changed set shows in the history like any field.
    (r) =>
      r === before
        ? toActivity(r, oldLinks, oldMeeting ?? noMeeting)
        : toActivity(r, newLinks ?? oldLinks, newMeeting ?? oldMeeting ?? noMeeting),
  );
  if (newMeeting && before) await updateMeeting(conn, ctx, id, before, api, oldMeeting ?? noMeeting, newMeeting, mailboxId, sendInvites);
  if (newLinks) {
    await conn.delete(activityLinks).where(and(eq(activityLinks.workspaceId, ctx.workspaceId), eq(activityLinks.activityId, id)));
    await insertLinks(conn, ctx, id, newLinks);
  } else if (occurredAt) {
    await conn.execute(sql`
      update activity_links l set occurred_at = a.occurred_at
      from activities a
      where a.workspace_id = ${ctx.workspaceId} and a.id = ${id} and l.workspace_id = a.workspace_id and l.activity_id = a.id`);
  }
  if (newLinks || occurredAt) await refreshLastActivity(conn, ctx, [...oldLinks, ...(newLinks ?? [])]);
  // Only members the edit adds are told: someone mentioned before heard of it then.
  if (mentions && before) await notifyMentioned(conn, ctx, api, mentions, before.mentions);
  return api;
}

/**
 * Puts the content of an email on its activity, or takes it off (and marks it private), when its
 * thread is shared or made private. Derived from the email like last_activity_at from the
 * timeline: written by the system, without a version bump or a history row (a history row would
 * keep the content that was just made private).
 */
export async function setActivityContent(
  conn: Conn,
  ctx: Ctx,
  ids: string[],
  content: (id: string) => { subject: string | null; body: string | null } | null,
) {
  for (const id of ids) {
    const c = content(id);
    await conn
      .update(activities)
      .set(c ? { subject: c.subject, body: c.body, private: false } : { subject: null, body: null, private: true })
      .where(and(eq(activities.workspaceId, ctx.workspaceId), eq(activities.id, id)));
  }
}

async function setDeleted(conn: Conn, ctx: Ctx, id: string, version: number | undefined, deleting: boolean) {
  // Locked before the links are read, so that a concurrent update cannot swap them in between.
  assertMayChange(ctx, await findRow<Row>(conn, ctx, activityDef, id, true));
  const links = await linksOfOne(conn, ctx, id);
  const part = (await meetingOf(conn, ctx, id)) ?? noMeeting;
  const toApi = (r: Row) => toActivity(r, links, part);
  const api = deleting
    ? await softDeleteRecord<Row, Activity>(conn, ctx, activityDef, id, version, toApi)
    : await restoreRecord<Row, Activity>(conn, ctx, activityDef, id, toApi);
  await refreshLastActivity(conn, ctx, links);
  // The attendees of a meeting invited from here hear that it is off (or on again, once restored).
  const meeting = await meetingOf(conn, ctx, id);
  if (meeting?.row.mailboxId && !meeting.row.external && addresses(meeting).length) {
    await saveMeeting(conn, ctx, id, { sequence: meeting.row.sequence + 1 });
    await queueInvite(conn, ctx, id, deleting ? 'CANCEL' : 'REQUEST');
  }
  return api;
}

export const deleteActivity = (conn: Conn, ctx: Ctx, id: string, version?: number) => setDeleted(conn, ctx, id, version, true);

export const restoreActivity = (conn: Conn, ctx: Ctx, id: string) => setDeleted(conn, ctx, id, undefined, false);

// Timeline cursors carry the link's occurred_at in UTC to the microsecond, and the activity id.
const cursorTimeRe = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

function decodeTimelineCursor(text: string): [string, string] {
  try {
    const v = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string') {
      const [at, id] = v;
      // The round trip through Date rejects impossible dates (02-30) that would fail in SQL.
      const d = new Date(`${at.slice(0, 23)}Z`);
      if (cursorTimeRe.test(at) && uuidRe.test(id) && !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 19) === at.slice(0, 19)) {
        if (d.getUTCFullYear() >= 1) return [at, id];
      }
    }
  } catch {}
  throw badRequest('query.cursor', 'bad_cursor', 'cursor is not one this timeline gave out');
}

/**
 * An activity as JSON, built by PostgreSQL: the SQL twin of toActivity (activities.test.ts compares
 * them). Its subqueries name workspace `ws` themselves, so that Citus keeps the query on one shard.
 */
export const activityJson = (a: string, ws: SQL) =>
  sql.join(
    `json_build_object(
  'id', ${a}.id, 'version', ${a}.version,
  'createdAt', to_char(${a}.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
  'updatedAt', to_char(${a}.updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
  'createdBy', ${a}.created_by,
  'deletedAt', to_char(${a}.deleted_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
  'type', ${a}.type, 'subject', ${a}.subject, 'body', ${a}.body,
  'occurredAt', to_char(${a}.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
  'durationSeconds', ${a}.duration_seconds, 'outcome', ${a}.outcome, 'ownerId', ${a}.owner_id, 'mentions', to_json(${a}.mentions), 'private', ${a}.private, 'custom', ${a}.custom,
  'links', coalesce((select json_agg(json_build_object('recordType', k.record_type, 'recordId', k.record_id) order by k.record_type, k.record_id)
                     from activity_links k where k.workspace_id = {ws} and k.activity_id = ${a}.id), '[]'),
  'attendees', coalesce((select json_agg(json_build_object('contactId', t.contact_id, 'memberId', t.member_id, 'email', t.email, 'name', t.name, 'status', t.status) order by t.position)
                     from meeting_attendees t where t.workspace_id = {ws} and t.activity_id = ${a}.id), '[]'),
  'location', (select m.location from meetings m where m.workspace_id = {ws} and m.activity_id = ${a}.id),
  'cancelled', coalesce((select m.cancelled from meetings m where m.workspace_id = {ws} and m.activity_id = ${a}.id), false))`
      .split('{ws}')
      .map((part) => sql.raw(part)),
    ws,
  );

/**
 * The activities on one record, newest first, as JSON text ready to send. One statement: the
 * record's existence (404 otherwise), then a walk of the (workspace, record, occurred_at desc,
 * activity_id desc) index of the links, each activity and its links built as JSON by the database.
 * Record pages open with this, so it avoids what profiles showed costs most here: round trips and
 * a JavaScript object per row (bench/README.md).
 */
export async function recordTimeline(conn: Conn, ctx: Ctx, recordType: LinkableType, recordId: string, q: TimelineQuery) {
  const { objectDefs } = await import('../registry.ts');
  const def = objectDefs[recordType];
  if (!def) throw notFound('Record');
  const limit = q.limit ?? 50;
  const conds: SQL[] = [];
  // The record must be one the request may see (else 404), and so must each activity it lists.
  const seesRecord = visibleWhere(ctx, def, 'read', 'r');
  const seesActivity = visibleWhere(ctx, activityDef, 'read', 'a');
  if (seesActivity) conds.push(sql` and ${seesActivity}`);
  if (q.types) conds.push(sql` and a.type = any(${pgArray([...new Set(q.types.split(','))], 'text')})`);
  if (q.cursor) {
    const [at, id] = decodeTimelineCursor(q.cursor);
    conds.push(sql` and (l.occurred_at, l.activity_id) < (${at}::timestamptz, ${id}::uuid)`);
  }
  // Every table names the workspace itself (one shard on Citus), not only through the record's row.
  const ws = sql`${ctx.workspaceId}`;
  const rows = await selectRows<{ j: string | null; at: string | null; aid: string | null }>(
    conn,
    sql`select p.j, p.at, p.aid
        from ${def.table} r
        left join lateral (
          select ${activityJson('a', ws)}::text as j, to_char(l.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at,
                 l.activity_id as aid, l.occurred_at, l.activity_id
          from activity_links l join activities a on a.workspace_id = ${ws} and a.id = l.activity_id
          where l.workspace_id = ${ws} and l.record_type = ${recordType} and l.record_id = r.id and a.deleted_at is null${sql.join(conds, sql``)}
          order by l.occurred_at desc nulls last, l.activity_id desc nulls last
          limit ${limit + 1}) p on true
        where r.workspace_id = ${ws} and r.id = ${recordId}${seesRecord ? sql` and ${seesRecord}` : sql``}
        order by p.occurred_at desc nulls last, p.activity_id desc nulls last`,
  );
  if (!rows.length) throw notFound(def.label);
  const found = rows.filter((r) => r.j !== null);
  const page = found.slice(0, limit);
  const last = page.at(-1);
  const nextCursor = found.length > limit && last ? Buffer.from(JSON.stringify([last.at, last.aid])).toString('base64url') : null;
  return `{"data":[${page.map((r) => r.j).join(',')}],"nextCursor":${JSON.stringify(nextCursor)}}`;
}

/** A meeting as a calendar reads it: when, how long, whose, and what it concerns. */
export interface MeetingSlot {
  id: string;
  title: string;
  start: Date;
  end: Date;
  ownerId: string | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  links: RecordLink[];
  /** Its iCalendar identity when it has one (invited, or an invite that came in): a feed must use the same UID and SEQUENCE, or a calendar shows it twice. */
  ical: { uid: string; sequence: number } | null;
  location: string | null;
  cancelled: boolean;
}

/**
 * The live meetings of the given owners that overlap [from, to): the calendar page and the .ics
 * feed read them here. A meeting without a duration is a moment at its start. Read through the
 * (workspace, occurred_at) index; meetings are taken to last under a week, which bounds the range.
 */
export async function meetingsBetween(conn: Conn, ctx: Ctx, q: { from: Date; to: Date; ownerIds: string[]; limit?: number }) {
  if (!q.ownerIds.length) return [];
  const found = await conn
    .select({
      a: activities,
      m: { uid: meetings.icalUid, sequence: meetings.sequence, location: meetings.location, cancelled: meetings.cancelled },
    })
    .from(activities)
    .leftJoin(meetings, and(eq(meetings.workspaceId, activities.workspaceId), eq(meetings.activityId, activities.id)))
    .where(
      and(
        eq(activities.workspaceId, ctx.workspaceId),
        eq(activities.type, 'meeting'),
        sql`${activities.deletedAt} is null`,
        inArray(activities.ownerId, q.ownerIds),
        // A calendar shows a colleague's meetings only as far as the member's role reaches them.
        visibleWhere(ctx, activityDef, 'read'),
        sql`${activities.occurredAt} < ${q.to.toISOString()}::timestamptz`,
        sql`${activities.occurredAt} > ${q.from.toISOString()}::timestamptz - interval '7 days'`,
        sql`${activities.occurredAt} + make_interval(secs => coalesce(${activities.durationSeconds}, 0)) >= ${q.from.toISOString()}::timestamptz`,
      ),
    )
    .orderBy(asc(activities.occurredAt), asc(activities.id))
    .limit(q.limit ?? 2000);
  const rows = found.map((f) => ({ ...f.a, meeting: f.m }));
  const links = await linksOf(
    conn,
    ctx,
    rows.map((r) => r.id),
  );
  return rows.map(
    (r): MeetingSlot => ({
      id: r.id,
      // A private (email) activity has no subject here; meetings are not private, but say something.
      title: r.subject?.trim() || r.body?.trim().slice(0, 80) || '',
      start: r.occurredAt,
      end: new Date(r.occurredAt.getTime() + (r.durationSeconds ?? 0) * 1000),
      ownerId: r.ownerId,
      version: r.version,
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
      links: links.get(r.id) ?? [],
      ical: r.meeting ? { uid: r.meeting.uid, sequence: r.meeting.sequence } : null,
      location: r.meeting?.location ?? null,
      cancelled: r.meeting?.cancelled ?? false,
    }),
  );
}
