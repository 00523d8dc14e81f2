import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { jobStatuses } from '../../contract/jobs.ts';
import { ts } from '../db/columns.ts';

/**
 * The durable job queue: work that runs outside a request and survives restarts. A job is enqueued
 * in the transaction that causes it (so it exists exactly when that change does), claimed by a
 * worker with FOR UPDATE SKIP LOCKED under a lease, and retried with backoff until it completes or
 * runs out of attempts ("dead": kept for an admin to retry or discard).
 *
 * The queue is one table for the whole installation, not a tenant table: workers claim across
 * every workspace, and on Citus it stays on the coordinator. `workspace_id` says whose job it is
 * (null for house-keeping), so that a workspace's admins see and act on their own jobs only.
 */
export const jobs = pgTable(
  'jobs',
  {
    id: uuid('id').primaryKey(),
    name: text('name').notNull(),
    workspaceId: uuid('workspace_id'),
    input: jsonb('input').notNull(),
    status: text('status', { enum: jobStatuses }).notNull().default('queued'),
    priority: integer('priority').notNull().default(0),
    attempts: integer('attempts').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull(),
    runAt: ts('run_at').notNull().defaultNow(),
    /** The worker holding the job, and until when: a worker that dies lets its lease run out and the job is claimed again. */
    lockedBy: text('locked_by'),
    lockedUntil: ts('locked_until'),
    lastError: text('last_error'),
    /** What a long job reports as it goes (rows done of rows, …). */
    progress: jsonb('progress'),
    result: jsonb('result'),
    /** At most one queued or running job per (name, key): a schedule tick or a "sync now" is not queued twice. */
    singletonKey: text('singleton_key'),
    createdAt: ts('created_at').notNull().defaultNow(),
    startedAt: ts('started_at'),
    finishedAt: ts('finished_at'),
  },
  (t) => [
    index('jobs_ready_idx').on(t.priority, t.runAt).where(sql`status = 'queued'`),
    index('jobs_lease_idx').on(t.lockedUntil).where(sql`status = 'running'`),
    index('jobs_workspace_idx').on(t.workspaceId, t.createdAt),
    uniqueIndex('jobs_singleton_key').on(t.name, t.singletonKey).where(sql`status in ('queued', 'running') and singleton_key is not null`),
  ],
);

/** Cron schedules: each tick is claimed by one worker (a conditional update of next_run_at), however many run. */
export const jobSchedules = pgTable('job_schedules', {
  name: text('name').primaryKey(),
  cron: text('cron').notNull(),
  timeZone: text('time_zone').notNull().default('UTC'),
  nextRunAt: ts('next_run_at').notNull(),
  lastRunAt: ts('last_run_at'),
});
