import { sql } from 'drizzle-orm';
import { boolean, foreignKey, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { RuleDefinition } from '../../../contract/automation.ts';
import { tenantKey, ts } from '../../db/columns.ts';
import { tenantConstraints } from '../../db/constraints.ts';
import { workspaces } from '../workspaces/workspaces.table.ts';

/**
 * Workflow rules. The definition in force is kept here as well as in its version row, so that the
 * event consumer reads the rules of a batch's workspaces with one query; `trigger_type` and
 * `object_type` are taken from it for the same reason.
 */
export const automationRules = pgTable(
  'automation_rules',
  {
    ...tenantKey(),
    name: text('name').notNull(),
    description: text('description'),
    enabled: boolean('enabled').notNull().default(true),
    /** The saved version in force (automation_rule_versions.version). */
    version: integer('version').notNull().default(1),
    definition: jsonb('definition').$type<RuleDefinition>().notNull(),
    triggerType: text('trigger_type').notNull(),
    objectType: text('object_type'),
    /** A webhook trigger's signing secret; never sent again after it is made. */
    webhookSecret: text('webhook_secret'),
    /** Time triggers fire for times from here on: set when the rule is enabled or its trigger changes. */
    armedAt: ts('armed_at').notNull().defaultNow(),
    /** A schedule trigger's next tick. */
    nextFireAt: ts('next_fire_at'),
    createdBy: uuid('created_by'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    deletedAt: ts('deleted_at'),
  },
  (t) => [
    ...tenantConstraints(t),
    index('automation_rules_trigger_idx').on(t.workspaceId, t.triggerType).where(sql`enabled and deleted_at is null`),
    index('automation_rules_due_idx').on(t.nextFireAt).where(sql`enabled and deleted_at is null and next_fire_at is not null`),
  ],
);

/** Every save of a rule, never changed: runs name the version they ran. */
export const automationRuleVersions = pgTable(
  'automation_rule_versions',
  {
    workspaceId: uuid('workspace_id').notNull(),
    ruleId: uuid('rule_id').notNull(),
    version: integer('version').notNull(),
    name: text('name').notNull(),
    description: text('description'),
    definition: jsonb('definition').$type<RuleDefinition>().notNull(),
    createdBy: uuid('created_by'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.ruleId, t.version] }),
    foreignKey({ columns: [t.workspaceId, t.ruleId], foreignColumns: [automationRules.workspaceId, automationRules.id] }).onDelete(
      'cascade',
    ),
  ],
);

/**
 * One run of a rule. `position` is the path of the step to run next (`[2, "then", 0]`), null when
 * none is left; it moves in the same transaction as the step's effects and its log row, so a
 * worker that dies resumes where the last committed step left off.
 */
export const automationRuns = pgTable(
  'automation_runs',
  {
    ...tenantKey(),
    ruleId: uuid('rule_id').notNull(),
    ruleVersion: integer('rule_version').notNull(),
    status: text('status').notNull(),
    objectType: text('object_type'),
    recordId: uuid('record_id'),
    trigger: jsonb('trigger').$type<Record<string, unknown>>().notNull(),
    causes: jsonb('causes').$type<string[]>().notNull().default([]),
    position: jsonb('position').$type<(string | number)[] | null>(),
    /** What a parked step needs when it resumes (a condition wait's deadline). */
    state: jsonb('state').$type<Record<string, unknown> | null>(),
    resumeAt: ts('resume_at'),
    reason: text('reason'),
    error: text('error'),
    attempts: integer('attempts').notNull().default(0),
    createdAt: ts('created_at').notNull().defaultNow(),
    startedAt: ts('started_at'),
    finishedAt: ts('finished_at'),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    ...tenantConstraints(t),
    foreignKey({
      columns: [t.workspaceId, t.ruleId, t.ruleVersion],
      foreignColumns: [automationRuleVersions.workspaceId, automationRuleVersions.ruleId, automationRuleVersions.version],
    }).onDelete('cascade'),
    index('automation_runs_rule_idx').on(t.workspaceId, t.ruleId, t.id),
    index('automation_runs_record_idx').on(t.workspaceId, t.recordId, t.id),
    index('automation_runs_created_idx').on(t.workspaceId, t.createdAt),
    index('automation_runs_due_idx').on(t.resumeAt).where(sql`status = 'waiting'`),
  ],
);

/** The log of a run: one row per step taken, written in the step's own transaction. */
export const automationRunSteps = pgTable(
  'automation_run_steps',
  {
    workspaceId: uuid('workspace_id').notNull(),
    runId: uuid('run_id').notNull(),
    seq: integer('seq').notNull(),
    path: text('path').notNull(),
    stepType: text('step_type').notNull(),
    action: text('action'),
    label: text('label'),
    input: jsonb('input'),
    outcome: text('outcome').notNull(),
    detail: text('detail'),
    output: jsonb('output'),
    error: text('error'),
    startedAt: ts('started_at').notNull(),
    durationMs: integer('duration_ms').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.runId, t.seq] }),
    foreignKey({ columns: [t.workspaceId, t.runId], foreignColumns: [automationRuns.workspaceId, automationRuns.id] }).onDelete('cascade'),
  ],
);

/**
 * What time triggers, schedules and webhooks have fired, so that each fires once however many
 * scanners run: `date:<record>:<date value>` (a moved date is a new key), `cron:<tick>`, `hook:<signature>`.
 */
export const automationFires = pgTable(
  'automation_fires',
  {
    workspaceId: uuid('workspace_id').notNull(),
    ruleId: uuid('rule_id').notNull(),
    key: text('key').notNull(),
    firedAt: ts('fired_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.ruleId, t.key] }),
    foreignKey({ columns: [t.workspaceId, t.ruleId], foreignColumns: [automationRules.workspaceId, automationRules.id] }).onDelete(
      'cascade',
    ),
  ],
);

/** A workspace's automation settings; no row: the defaults. */
export const automationSettings = pgTable(
  'automation_settings',
  {
    workspaceId: uuid('workspace_id').primaryKey(),
    runsPerMinute: integer('runs_per_minute'),
    /** When admins were last told that the rate guard skipped runs (they are told at most once an hour). */
    rateNotifiedAt: ts('rate_notified_at'),
  },
  (t) => [foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade')],
);

/** Small state of actions between runs: where a round-robin assignment got to. */
export const automationCounters = pgTable(
  'automation_counters',
  {
    workspaceId: uuid('workspace_id').notNull(),
    key: text('key').notNull(),
    value: jsonb('value').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.key] }),
    foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
  ],
);

/**
 * Named secrets a rule's "call a webhook" headers use as `{{secret.NAME}}` (an API token): the value
 * is sealed with the keyring, bound to its row, and never sent back; rules and their logs hold only
 * the name, so members who read rules do not read the token.
 */
export const automationSecrets = pgTable(
  'automation_secrets',
  {
    ...tenantKey(),
    name: text('name').notNull(),
    sealed: text('sealed').notNull(),
    createdBy: uuid('created_by'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [...tenantConstraints(t), uniqueIndex('automation_secrets_name_idx').on(t.workspaceId, t.name)],
);
