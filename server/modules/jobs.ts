import type { JobDef } from '../jobs/define.ts';
import { analyzeEmbeddedJob, jobsCleanupJob } from '../jobs/maintenance.jobs.ts';
import { authCleanupJob } from './auth/auth.jobs.ts';
import { runJob, scanJob } from './automation/automation.jobs.ts';
import { pollMailboxesJob, syncMailboxJob } from './email/email.jobs.ts';
import { idempotencyCleanupJob } from './history/history.jobs.ts';
import { importCompaniesJob, importContactsJob } from './imports/imports.jobs.ts';
import { digestJob } from './notifications/notifications.jobs.ts';
import { taskRemindersJob } from './tasks/tasks.jobs.ts';
import { deliverWebhookJob, webhookCleanupJob } from './webhooks/webhooks.jobs.ts';

/** Every kind of job the workers run. A module with background work adds its `*.jobs.ts` exports here. */
export const jobDefs: JobDef[] = [
  importContactsJob,
  importCompaniesJob,
  authCleanupJob,
  idempotencyCleanupJob,
  analyzeEmbeddedJob,
  jobsCleanupJob,
  deliverWebhookJob,
  webhookCleanupJob,
  runJob,
  scanJob,
  syncMailboxJob,
  pollMailboxesJob,
  taskRemindersJob,
  digestJob,
];
