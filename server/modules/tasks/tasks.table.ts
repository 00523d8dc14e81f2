import { boolean, foreignKey, index, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
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
    custom: customColumn(),
    ...recordColumns(),
  },
  (t) => [
    ...tenantConstraints(t),
    memberRef(t, t.assigneeId),
    index('tasks_assignee_due_idx').on(t.workspaceId, t.assigneeId, t.done, t.dueAt),
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
