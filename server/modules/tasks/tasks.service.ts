import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { LinkableType, RecordLink } from '../../../contract/activities.ts';
import { type Task, type TaskCreate, type TaskUpdate, taskPriorities } from '../../../contract/tasks.ts';
import type { Conn } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { notFound } from '../../http/errors.ts';
import { findRow, insertRecord, metaToApi, restoreRecord, softDeleteRecord, updateRecord } from '../../records/crud.ts';
import { loadLinks, nameLinks } from '../../records/links.ts';
import { type ListInput, listRows } from '../../records/list.ts';
import { isoTimestamp, metaFields, metaProjection, type ObjectDef } from '../../records/object-def.ts';
import { applyRule, type DomainRule } from '../../records/rules.ts';
import { visibleWhere } from '../../records/visibility.ts';
import { resolveLinks, toTimestamp } from '../activities/activities.service.ts';
import { assertMembers } from '../auth/members.service.ts';
import { checkCustom, fieldResolver } from '../fields/fields.service.ts';
import { notify } from '../notifications/notifications.service.ts';
import { taskLinks, tasks } from './tasks.table.ts';

type Row = typeof tasks.$inferSelect;

/** doneAt records when a task was completed: stamped on the change to done, kept while it stays done, cleared on reopening. */
export const doneRule: DomainRule<Pick<Row, 'done' | 'doneAt'>, { done: boolean }> = {
  field: 'done',
  follow: (x, before, input) => ({ doneAt: x.when(input.done, x.when(before.done, before.doneAt, x.now), x.lit(null)) }),
};

export const taskDef: ObjectDef = {
  type: 'task',
  label: 'Task',
  table: tasks,
  owner: tasks.assigneeId,
  bulk: ['assigneeId', 'done', 'priority'],
  hasCustom: true,
  defaultSort: 'dueAt',
  title: 'r.title',
  rules: [doneRule],
  linkTables: [{ table: 'task_links', column: 'record_id', type: { column: 'record_type' }, key: ['task_id'] }],
  // A task keeps its other links and stays its assignee's to-do when a record it names is deleted for good.
  onPurge: async (conn, ctx, type, id) => {
    await conn
      .delete(taskLinks)
      .where(and(eq(taskLinks.workspaceId, ctx.workspaceId), eq(taskLinks.recordType, type), eq(taskLinks.recordId, id)));
  },
  fields: {
    ...metaFields(tasks),
    title: { kind: 'text', sql: tasks.title, notNull: true },
    dueAt: { kind: 'datetime', sql: tasks.dueAt },
    done: { kind: 'boolean', sql: tasks.done, notNull: true },
    doneAt: { kind: 'datetime', sql: tasks.doneAt },
    assigneeId: { kind: 'uuid', sql: tasks.assigneeId, member: true },
    priority: { kind: 'enum', sql: tasks.priority, options: taskPriorities, notNull: true },
    reminderMinutes: { kind: 'number', sql: tasks.reminderMinutes },
    remindAt: { kind: 'datetime', sql: tasks.remindAt },
  },
  apiFields: [
    'title',
    'notes',
    'dueAt',
    'assigneeId',
    'done',
    'doneAt',
    'priority',
    'reminderMinutes',
    'remindAt',
    'custom',
    'links',
    'related',
    'createdAt',
    'updatedAt',
    'createdBy',
    'deletedAt',
  ],
  // Lists add the linked records' names (`related`); history and events carry the task alone (toTask).
  eventShape: {
    ...metaProjection(tasks),
    title: sql`${tasks.title}`,
    notes: sql`${tasks.notes}`,
    dueAt: isoTimestamp(tasks.dueAt),
    assigneeId: sql`${tasks.assigneeId}`,
    done: sql`${tasks.done}`,
    doneAt: isoTimestamp(tasks.doneAt),
    priority: sql`${tasks.priority}`,
    reminderMinutes: sql`${tasks.reminderMinutes}`,
    remindAt: isoTimestamp(tasks.remindAt),
    custom: sql`${tasks.custom}`,
    links: (ws) => sql`coalesce((select json_agg(json_build_object('recordType', l.record_type, 'recordId', l.record_id)
      order by l.record_type collate "C", l.record_id)
      from ${taskLinks} l where l.workspace_id = ${ws} and l.task_id = "tasks"."id"), '[]'::json)`,
  },
};

export const toTask = (r: Row, links: RecordLink[]): Task => ({
  ...metaToApi(r),
  title: r.title,
  notes: r.notes,
  dueAt: r.dueAt?.toISOString() ?? null,
  assigneeId: r.assigneeId,
  done: r.done,
  doneAt: r.doneAt?.toISOString() ?? null,
  priority: r.priority,
  reminderMinutes: r.reminderMinutes,
  remindAt: r.remindAt?.toISOString() ?? null,
  custom: r.custom,
  links,
});

/**
 * Tells a member a task was given to them by someone else (not when they take it themselves, nor
 * when automation or an import assigns it: automation's own notify action says so if the rule wants).
 */
async function notifyAssigned(conn: Conn, ctx: Ctx, task: Task, before: string | null) {
  const to = task.assigneeId;
  if (!to || to === before || ctx.actor.type !== 'member' || to === ctx.memberId) return;
  await notify(conn, ctx, {
    memberId: to,
    kind: 'assignment',
    title: task.title,
    record: { type: 'task', id: task.id },
    actorId: ctx.memberId,
  });
}

/** When to remind: the due time less the reminder; none without either. */
export const remindAtOf = (dueAt: Date | null, minutes: number | null) =>
  dueAt && minutes !== null ? new Date(dueAt.getTime() - minutes * 60_000) : null;

const linksOf = (conn: Conn, ctx: Ctx, ids: string[]) => loadLinks(conn, ctx, taskLinks, taskLinks.taskId, ids);

const linksOfOne = async (conn: Conn, ctx: Ctx, id: string) => (await linksOf(conn, ctx, [id])).get(id) ?? [];

async function insertLinks(conn: Conn, ctx: Ctx, taskId: string, links: RecordLink[]) {
  if (!links.length) return;
  await conn
    .insert(taskLinks)
    .values(links.map((l) => ({ workspaceId: ctx.workspaceId, taskId, recordType: l.recordType, recordId: l.recordId })));
}

/**
 * Task links are checked like an activity's, but contacts' companies are not added: a task is
 * someone's to-do about the records it names, and the company's list is for the company's own tasks.
 */
const checkLinks = (conn: Conn, ctx: Ctx, links: RecordLink[]) => resolveLinks(conn, ctx, links, false);

/**
 * Tasks as the API answers them: with `related`, the linked records by name. History and events
 * use toTask alone, so that renaming a company is not a change of its tasks.
 */
async function withRelated(conn: Conn, ctx: Ctx, rows: Row[], links: Map<string, RecordLink[]>) {
  const names = await nameLinks(conn, ctx, [...links.values()].flat());
  return rows.map((r) => {
    const own = links.get(r.id) ?? [];
    const related = own.flatMap((l) => names.get(`${l.recordType}:${l.recordId}`) ?? []);
    return { ...toTask(r, own), related };
  });
}

/** A write's answer with its `related` names, so that it reads like GET. */
async function named(conn: Conn, ctx: Ctx, task: Task): Promise<Task> {
  const names = await nameLinks(conn, ctx, task.links);
  return { ...task, related: task.links.flatMap((l) => names.get(`${l.recordType}:${l.recordId}`) ?? []) };
}

async function page(conn: Conn, ctx: Ctx, input: ListInput) {
  const { field } = await fieldResolver(conn, ctx, taskDef);
  const p = await listRows<Row>(conn, ctx, taskDef, input, field);
  const links = await linksOf(
    conn,
    ctx,
    p.rows.map((r) => r.id),
  );
  return { data: await withRelated(conn, ctx, p.rows, links), nextCursor: p.nextCursor };
}

export const listTasks = (conn: Conn, ctx: Ctx, input: ListInput) => page(conn, ctx, input);

export async function getTask(conn: Conn, ctx: Ctx, id: string) {
  const row = await findRow<Row>(conn, ctx, taskDef, id);
  const [task] = await withRelated(conn, ctx, [row], await linksOf(conn, ctx, [id]));
  return task;
}

export async function createTask(conn: Conn, ctx: Ctx, input: TaskCreate) {
  const assigneeId = input.assigneeId === undefined ? ctx.memberId : input.assigneeId;
  await assertMembers(conn, ctx, [{ field: 'body.assigneeId', id: assigneeId }]);
  const dueAt = input.dueAt ? toTimestamp(input.dueAt, 'body.dueAt') : null;
  const links = await checkLinks(conn, ctx, input.links ?? []);
  const custom = await checkCustom(conn, ctx, 'task', input.custom, null, true);
  const done = input.done ?? false;
  const api = await insertRecord<Row, Task>(
    conn,
    ctx,
    taskDef,
    {
      title: input.title,
      notes: input.notes ?? null,
      dueAt,
      assigneeId,
      done,
      ...applyRule(doneRule, { done: false, doneAt: null }, { done }),
      priority: input.priority ?? 'normal',
      reminderMinutes: input.reminderMinutes ?? null,
      remindAt: remindAtOf(dueAt, input.reminderMinutes ?? null),
      custom,
    },
    (r) => toTask(r, links),
  );
  await insertLinks(conn, ctx, api.id, links);
  await notifyAssigned(conn, ctx, api, null);
  return named(conn, ctx, api);
}

export async function updateTask(conn: Conn, ctx: Ctx, id: string, version: number, input: Omit<TaskUpdate, 'version'>) {
  const { links: linksIn, dueAt: dueIn, ...rest } = input;
  await assertMembers(conn, ctx, [{ field: 'body.assigneeId', id: input.assigneeId }]);
  const dueAt = dueIn === undefined ? undefined : dueIn === null ? null : toTimestamp(dueIn, 'body.dueAt');
  const newLinks = linksIn === undefined ? undefined : await checkLinks(conn, ctx, linksIn);
  let before: Row | undefined;
  let oldLinks: RecordLink[] = [];
  const api = await updateRecord<Row, Task>(
    conn,
    ctx,
    taskDef,
    id,
    version,
    async (locked) => {
      before = locked;
      oldLinks = await linksOfOne(conn, ctx, id);
      // A moved due date or a changed reminder moves the reminder: one not yet sent for it is due anew.
      const remindAt = remindAtOf(
        dueAt === undefined ? locked.dueAt : dueAt,
        input.reminderMinutes === undefined ? locked.reminderMinutes : input.reminderMinutes,
      );
      return {
        ...rest,
        ...(dueAt !== undefined ? { dueAt } : {}),
        ...(remindAt?.getTime() !== locked.remindAt?.getTime() ? { remindAt } : {}),
        ...(input.done !== undefined ? applyRule(doneRule, locked, { done: input.done }) : {}),
        custom: await checkCustom(conn, ctx, 'task', input.custom, locked.custom, false),
      };
    },
    // The links belong to the API shape so that a changed set shows in the history like any field.
    (r) => toTask(r, r === before ? oldLinks : (newLinks ?? oldLinks)),
  );
  if (newLinks) {
    await conn.delete(taskLinks).where(and(eq(taskLinks.workspaceId, ctx.workspaceId), eq(taskLinks.taskId, id)));
    await insertLinks(conn, ctx, id, newLinks);
  }
  if (before) await notifyAssigned(conn, ctx, api, before.assigneeId);
  return named(conn, ctx, api);
}

async function setDeleted(conn: Conn, ctx: Ctx, id: string, version: number | undefined, deleting: boolean) {
  await findRow<Row>(conn, ctx, taskDef, id, true);
  const links = await linksOfOne(conn, ctx, id);
  const toApi = (r: Row) => toTask(r, links);
  const api = deleting
    ? await softDeleteRecord<Row, Task>(conn, ctx, taskDef, id, version, toApi)
    : await restoreRecord<Row, Task>(conn, ctx, taskDef, id, toApi);
  return named(conn, ctx, api);
}

export const deleteTask = (conn: Conn, ctx: Ctx, id: string, version?: number) => setDeleted(conn, ctx, id, version, true);

export const restoreTask = (conn: Conn, ctx: Ctx, id: string) => setDeleted(conn, ctx, id, undefined, false);

/** The tasks on one record: open ones first, then done, each by due date (undated last). */
export async function recordTasks(
  conn: Conn,
  ctx: Ctx,
  recordType: LinkableType,
  recordId: string,
  q: { limit?: number; cursor?: string },
) {
  const { objectDefs } = await import('../registry.ts');
  const def = objectDefs[recordType];
  if (!def) throw notFound('Record');
  await findRow(conn, ctx, def, recordId); // 404 unless the record is in this workspace
  const linked = sql`exists (select 1 from ${taskLinks} where ${taskLinks.workspaceId} = ${tasks.workspaceId}
    and ${taskLinks.taskId} = ${tasks.id} and ${taskLinks.recordType} = ${recordType} and ${taskLinks.recordId} = ${recordId})`;
  return page(conn, ctx, { limit: q.limit, cursor: q.cursor, sort: 'done,dueAt', where: linked });
}

/**
 * A member's open tasks as a morning summary: how many are overdue at `at`, and how many are still
 * due later today in `timeZone`, with the first titles of each.
 */
export async function dueSummary(conn: Conn, ctx: Ctx, memberId: string, at: Date, timeZone: string) {
  const rows = await conn
    .select({
      title: tasks.title,
      overdue: sql<boolean>`${tasks.dueAt} < ${at.toISOString()}::timestamptz`,
    })
    .from(tasks)
    .where(
      and(
        eq(tasks.workspaceId, ctx.workspaceId),
        eq(tasks.assigneeId, memberId),
        eq(tasks.done, false),
        sql`${tasks.deletedAt} is null`,
        sql`(${tasks.dueAt} < ${at.toISOString()}::timestamptz
          or (${tasks.dueAt} at time zone ${timeZone})::date = (${at.toISOString()}::timestamptz at time zone ${timeZone})::date)`,
      ),
    )
    .orderBy(tasks.dueAt)
    .limit(500);
  const overdue = rows.filter((r) => r.overdue);
  const today = rows.filter((r) => !r.overdue);
  return { overdue: overdue.length, dueToday: today.length, titles: rows.slice(0, 5).map((r) => r.title) };
}

/** A task as a calendar reads it: its due time, its assignee, and the records it concerns. */
export interface TaskSlot {
  id: string;
  title: string;
  notes: string | null;
  dueAt: Date;
  done: boolean;
  doneAt: Date | null;
  assigneeId: string | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  links: RecordLink[];
}

/** The live tasks of the given assignees due in [from, to), done or not, by due time (the assignee/due index). */
export async function tasksDueBetween(conn: Conn, ctx: Ctx, q: { from: Date; to: Date; assigneeIds: string[]; limit?: number }) {
  if (!q.assigneeIds.length) return [];
  const rows = await conn
    .select()
    .from(tasks)
    .where(
      and(
        eq(tasks.workspaceId, ctx.workspaceId),
        inArray(tasks.assigneeId, q.assigneeIds),
        visibleWhere(ctx, taskDef, 'read'),
        sql`${tasks.deletedAt} is null`,
        sql`${tasks.dueAt} >= ${q.from.toISOString()}::timestamptz`,
        sql`${tasks.dueAt} < ${q.to.toISOString()}::timestamptz`,
      ),
    )
    .orderBy(asc(tasks.dueAt), asc(tasks.id))
    .limit(q.limit ?? 2000);
  const links = await linksOf(
    conn,
    ctx,
    rows.map((r) => r.id),
  );
  return rows.map(
    (r): TaskSlot => ({
      id: r.id,
      title: r.title,
      notes: r.notes,
      dueAt: r.dueAt as Date,
      done: r.done,
      doneAt: r.doneAt,
      assigneeId: r.assigneeId,
      version: r.version,
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
      links: links.get(r.id) ?? [],
    }),
  );
}
