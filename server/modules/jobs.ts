import type { JobDef } from '../jobs/define.ts';
import { analyzeEmbeddedJob, jobsCleanupJob } from '../jobs/maintenance.jobs.ts';
import { inviteJob } from './activities/meetings.jobs.ts';
import { auditPurgeJob } from './audit/audit.jobs.ts';
import { authCleanupJob } from './auth/auth.jobs.ts';
import { runJob, scanJob } from './automation/automation.jobs.ts';
import { scanAllDuplicatesJob, scanDuplicatesJob } from './duplicates/duplicates.jobs.ts';
import { pollMailboxesJob, reconcileMailboxJob, syncMailboxJob } from './email/email.jobs.ts';
import { outboxJob } from './email/outbox.ts';
import { idempotencyCleanupJob } from './history/history.jobs.ts';
import { importCompaniesJob, importContactsJob, importRecordsJob, undoImportJob } from './imports/imports.jobs.ts';
import { noticeEmailJob } from './notifications/notices-by-email.ts';
import { digestJob } from './notifications/notifications.jobs.ts';
import { csatSurveyJob } from './portal/csat.jobs.ts';
import { signInLinkJob } from './portal/portal.jobs.ts';
import { retentionJob } from './privacy/retention.jobs.ts';
import { taskRemindersJob } from './tasks/tasks.jobs.ts';
import { reassignAwayJob } from './tickets/routing.jobs.ts';
import { ticketMailInJob, ticketMailOutJob } from './tickets/ticket-mail.jobs.ts';
import { slaRecomputeJob, ticketSlaJob } from './tickets/tickets.jobs.ts';
import { deliverWebhookJob, webhookCleanupJob } from './webhooks/webhooks.jobs.ts';

/** Every kind of job the workers run. A module with background work adds its `*.jobs.ts` exports here. */
export const jobDefs: JobDef[] = [
  importContactsJob,
  importCompaniesJob,
  importRecordsJob,
  undoImportJob,
  authCleanupJob,
  auditPurgeJob,
  idempotencyCleanupJob,
  analyzeEmbeddedJob,
  jobsCleanupJob,
  deliverWebhookJob,
  webhookCleanupJob,
  runJob,
  scanJob,
  syncMailboxJob,
  outboxJob,
  pollMailboxesJob,
  reconcileMailboxJob,
  taskRemindersJob,
  digestJob,
  noticeEmailJob,
  scanDuplicatesJob,
  scanAllDuplicatesJob,
  inviteJob,
  retentionJob,
  ticketSlaJob,
  slaRecomputeJob,
  ticketMailInJob,
  ticketMailOutJob,
  reassignAwayJob,
  signInLinkJob,
  csatSurveyJob,
];
