import type { WorkerServiceDef } from '../jobs/worker.ts';
import { MailboxWatchers } from './email/idle.ts';

/**
 * The long-running services of every worker process, made for each worker. A module that keeps connections open between jobs adds its own here.
 */
export const serviceDefs: WorkerServiceDef[] = [
  // IMAP IDLE on each mailbox's INBOX: new mail syncs at once rather than at the next poll.
  ({ database, config, workerId, log }) => (config.emailIdle ? new MailboxWatchers(database, workerId, log) : null),
];
