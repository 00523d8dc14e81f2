import Type, { type Static } from 'typebox';
import { linkableTypes, RecordLink } from './activities.ts';
import { CustomValues, Nullable, RecordMeta, Timestamp, Uuid } from './common.ts';

// The same list as the `priority` column of server/modules/tasks/tasks.table.ts (the contract cannot import server code).
import { taskPriorities } from './enums.ts';

export { taskPriorities };

export const MAX_TASK_LINKS = 20;
/** A reminder at most four weeks ahead of the due date. */
export const MAX_REMINDER_MINUTES = 40_320;
/** The reminders the web app offers: at the due time, 15 minutes, an hour, a day before. */
export const reminderChoices = [0, 15, 60, 1_440] as const;

/** A record a task concerns, named: what the task list's "Related to" shows and links to. */
export const RelatedRecord = Type.Object({
  recordType: Type.Enum(linkableTypes),
  recordId: Uuid,
  name: Type.String(),
  /** A custom object's key for a record of one (its address is /o/{key}/{id}); null otherwise. */
  objectKey: Nullable(Type.String()),
});
export type RelatedRecord = Static<typeof RelatedRecord>;

export const Task = Type.Object({
  ...RecordMeta,
  title: Type.String(),
  notes: Nullable(Type.String()),
  dueAt: Nullable(Timestamp),
  assigneeId: Nullable(Uuid),
  done: Type.Boolean(),
  doneAt: Nullable(Timestamp),
  priority: Type.Enum(taskPriorities),
  reminderMinutes: Nullable(Type.Integer()),
  /** When the assignee is reminded: dueAt less reminderMinutes; null without a due date or a reminder. */
  remindAt: Nullable(Timestamp),
  custom: Type.Record(Type.String(), Type.Unknown()),
  links: Type.Array(RecordLink),
  /** The linked records with their names; in reads and lists (not in write answers or history). */
  related: Type.Optional(Type.Array(RelatedRecord)),
});
export type Task = Static<typeof Task>;

const fields = {
  title: Type.String({ minLength: 1, maxLength: 300 }),
  notes: Type.Optional(Nullable(Type.String({ maxLength: 20_000 }))),
  dueAt: Type.Optional(Nullable(Timestamp)),
  assigneeId: Type.Optional(Nullable(Uuid)),
  done: Type.Optional(Type.Boolean({ description: 'Marking a task done sets doneAt; reopening it clears doneAt' })),
  priority: Type.Optional(Type.Enum(taskPriorities)),
  reminderMinutes: Type.Optional(
    Nullable(
      Type.Integer({
        minimum: 0,
        maximum: MAX_REMINDER_MINUTES,
        description:
          'Remind the assignee (else its creator) this many minutes before dueAt, in the app and by email if they asked: 0 at the due time, null never',
      }),
    ),
  ),
  custom: Type.Optional(CustomValues),
  links: Type.Optional(
    Type.Array(RecordLink, {
      maxItems: MAX_TASK_LINKS,
      description: 'The records this task concerns; on update the list replaces the current one',
    }),
  ),
};

export const TaskCreate = Type.Object(fields, { additionalProperties: false });
export type TaskCreate = Static<typeof TaskCreate>;

export const TaskUpdate = Type.Object(
  { ...fields, title: Type.Optional(fields.title), version: Type.Optional(Type.Integer({ minimum: 1 })) },
  { additionalProperties: false },
);
export type TaskUpdate = Static<typeof TaskUpdate>;

export const RecordTasksQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);
export type RecordTasksQuery = Static<typeof RecordTasksQuery>;
