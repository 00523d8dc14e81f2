import Type from 'typebox';
import { defineJob } from '../../jobs/define.ts';
import { now } from '../automation/clock.ts';
import { sendDueReminders } from './reminders.ts';

/** Reminds assignees of their tasks as their reminder times pass (reminders.ts), once per task and due time. */
export const taskRemindersJob = defineJob({
  name: 'tasks.reminders',
  input: Type.Object({}, { additionalProperties: false }),
  retry: { attempts: 2 },
  schedule: { cron: '*/30 * * * * *', input: {} },
  run: async ({ db }) => sendDueReminders(db, now()),
});
