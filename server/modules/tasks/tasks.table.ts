import { sql } from 'drizzle-orm';
import { boolean, foreignKey, index, integer, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { taskPriorities } from '../../../contract/enums.ts';
import { customColumn, recordColumns, tenantKey, ts } from '../../db/columns.ts';
import { memberRef, tenantConstraints } from '../../db/constraints.ts';

export const tasks = pgTable(
  'tasks',
  {
    ...tenantKey(),
    title: text('title').notNull(),
    notes: text('notes'),
    dueAt: ts('due_at'),
    assigneeId: uuid('assignee_id'),
    done: boolean('done').notNull().default(false),
    doneAt: ts('done_at'),
    priority: text('priority', { enum: taskPriorities }).notNull().default('normal'),
    /** Minutes before dueAt to remind the assignee (0: at the due time); null: no reminder. */
    reminderMinutes: integer('reminder_minutes'),
    /** dueAt less the reminder, kept with every write of either: what the reminder scan reads. */
    remindAt: ts('remind_at'),
    /** The remindAt a reminder was sent for: a moved due date makes them differ, and reminds again. */
    remindedFor: ts('reminded_for'),
    custom: customColumn(),
    ...recordColumns(),
  },
  (t) => [
    ...tenantConstraints(t),
    memberRef(t, t.assigneeId),
    index('tasks_assignee_due_idx').on(t.workspaceId, t.assigneeId, t.done, t.dueAt),
    // Only the reminders still to send: the scan reads this small range in remind_at order.
    index('tasks_remind_at_idx')
      .on(t.remindAt)
      .where(sql`remind_at is not null and not done and deleted_at is null and reminded_for is distinct from remind_at`),
  ],
);

export const taskLinks = pgTable(
  'task_links',
  {
    workspaceId: uuid('workspace_id').notNull(),
    taskId: uuid('task_id').notNull(),
    recordType: text('record_type').notNull(),
    recordId: uuid('record_id').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.taskId, t.recordType, t.recordId] }),
    foreignKey({ columns: [t.workspaceId, t.taskId], foreignColumns: [tasks.workspaceId, tasks.id] }).onDelete('cascade'),
    index('task_links_record_idx').on(t.workspaceId, t.recordType, t.recordId),
  ],
);
