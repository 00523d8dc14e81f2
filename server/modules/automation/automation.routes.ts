import Type from 'typebox';
import {
  AutomationSecret,
  AutomationSecretCreate,
  AutomationSecretUpdate,
  AutomationSettings,
  AutomationSettingsUpdate,
  Catalog,
  DryRun,
  DryRunDefinition,
  DryRunResult,
  FollowUpParams,
  HookAccepted,
  HookParams,
  ManualRun,
  ManualRunResult,
  ObjectFields,
  ObjectFieldsQuery,
  Rule,
  RuleCreate,
  RuleSummary,
  RuleTemplate,
  RuleTemplateParams,
  RuleUpdate,
  RuleVersion,
  RunDetail,
  RunListQuery,
  Run as RunShape,
  VersionListQuery,
  WebhookSecret,
} from '../../../contract/automation.ts';
import { IdParams, Page, Problem } from '../../../contract/common.ts';
import type { App } from '../../http/typed-app.ts';
import { wakeWorkers } from '../../jobs/queue.ts';
import { idempotent } from '../../records/idempotency.ts';
import { errorResponses, expectedVersion } from '../../records/routes.ts';
import { catalog, fieldCatalog } from './catalog.ts';
import { dryRun } from './dry-run.ts';
import * as secrets from './named-secrets.ts';
import { createFromTemplate, listRuleTemplates } from './rule-templates.ts';
import * as rules from './rules.service.ts';
import * as runs from './runs.service.ts';
import { receiveHook, runManually } from './start.service.ts';

/** Workflow rules, their runs, dry runs, and the signed webhook that starts a rule. */
export async function automationRoutes(app: App) {
  const tags = ['Automation'];
  const tx = <T>(fn: Parameters<typeof app.db.transaction<T>>[0]) => app.db.transaction(fn);

  app.get('/automation/catalog', {
    config: { permission: 'read' },
    schema: {
      tags,
      summary: 'Triggers, actions and operators a rule can use, with the schema of each one’s settings',
      response: { 200: Catalog, ...errorResponses },
    },
    handler: async () => catalog(),
  });

  app.get('/automation/fields', {
    config: { permission: 'read' },
    schema: {
      tags,
      summary: 'The fields of an object as rules use them: kinds for conditions, and which actions may set them',
      querystring: ObjectFieldsQuery,
      response: { 200: ObjectFields, ...errorResponses },
    },
    handler: async (req) => fieldCatalog(app.db, req.ctx, req.query.object),
  });

  app.get('/automation/templates', {
    config: { permission: 'read' },
    schema: {
      tags,
      summary: 'Ready-made rules an admin can add in one step',
      response: { 200: Type.Object({ data: Type.Array(RuleTemplate) }), ...errorResponses },
    },
    handler: async () => listRuleTemplates(),
  });
  app.post('/automation/templates/:key', {
    config: { permission: 'admin' },
    schema: {
      tags,
      summary: 'Add a ready-made rule: a normal rule built from the template and these settings',
      params: RuleTemplateParams,
      body: FollowUpParams,
      response: { 201: Rule, ...errorResponses },
    },
    handler: async (req, reply) => reply.status(201).send(await tx((t) => createFromTemplate(t, req.ctx, req.params.key, req.body))),
  });

  app.get('/automation/rules', {
    config: { permission: 'read' },
    schema: {
      tags,
      summary: 'The rules of this workspace, by name, each with counts of its runs and its last run',
      response: { 200: Type.Object({ data: Type.Array(RuleSummary) }), ...errorResponses },
    },
    handler: async (req) => rules.listRules(app.db, req.ctx),
  });
  app.post('/automation/rules', {
    config: { permission: 'admin' },
    schema: {
      tags,
      summary: 'Create a rule (422 names every problem by its path, e.g. body.definition.steps.2.input.fields.amountMinor)',
      description: 'Send an `Idempotency-Key` header to make retries safe.',
      body: RuleCreate,
      response: { 201: Rule, ...errorResponses },
    },
    handler: async (req, reply) => {
      const out = await idempotent(app.db, req, async (t) => ({ status: 201, body: await rules.createRule(t, req.ctx, req.body) }));
      if (out.replayed) reply.header('idempotent-replayed', 'true');
      return reply.status(out.status).send(out.body);
    },
  });
  app.get('/automation/rules/:id', {
    config: { permission: 'read' },
    schema: { tags, summary: 'One rule, with the definition in force', params: IdParams, response: { 200: Rule, ...errorResponses } },
    handler: async (req) => rules.getRule(app.db, req.ctx, req.params.id),
  });
  app.patch('/automation/rules/:id', {
    config: { permission: 'admin' },
    schema: {
      tags,
      summary: 'Save a new version of a rule (send the version you read; runs keep the version they ran)',
      params: IdParams,
      body: RuleUpdate,
      response: { 200: Rule, 428: Problem, ...errorResponses },
    },
    handler: async (req) => {
      const { version, ...patch } = req.body;
      const v = expectedVersion(req, version, true) as number;
      return tx((t) => rules.updateRule(t, req.ctx, req.params.id, v, patch as never));
    },
  });
  app.delete('/automation/rules/:id', {
    config: { permission: 'admin' },
    schema: {
      tags,
      summary: 'Delete a rule; its unfinished runs are cancelled',
      params: IdParams,
      response: { 200: Rule, ...errorResponses },
    },
    handler: async (req) => tx((t) => rules.deleteRule(t, req.ctx, req.params.id)),
  });
  for (const [verb, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    app.post(`/automation/rules/:id/${verb}`, {
      config: { permission: 'admin' },
      schema: {
        tags,
        summary: enabled
          ? 'Resume a paused rule (its waiting runs go on; time triggers count from now)'
          : 'Pause a rule: no new runs; waiting runs stay parked until it is enabled again',
        params: IdParams,
        response: { 200: Rule, ...errorResponses },
      },
      handler: async (req) => tx((t) => rules.setEnabled(t, req.ctx, req.params.id, enabled)),
    });
  }
  app.get('/automation/rules/:id/versions', {
    config: { permission: 'read' },
    schema: {
      tags,
      summary: 'Saved versions of a rule, newest first, with their run counts',
      params: IdParams,
      querystring: VersionListQuery,
      response: { 200: Page(RuleVersion), ...errorResponses },
    },
    handler: async (req) => rules.listVersions(app.db, req.ctx, req.params.id, req.query),
  });
  app.post('/automation/rules/:id/webhook-secret', {
    config: { permission: 'admin' },
    schema: {
      tags,
      summary: 'A new signing secret for a webhook rule (shown once; the old one stops working)',
      params: IdParams,
      response: { 200: WebhookSecret, ...errorResponses },
    },
    handler: async (req) => tx((t) => rules.rotateSecret(t, req.ctx, req.params.id)),
  });
  app.post('/automation/rules/:id/run', {
    config: { permission: 'write' },
    schema: {
      tags,
      summary: 'Run a manual rule now, on the records given (one run each)',
      description: 'Send an `Idempotency-Key` header so that a retried request does not start the runs again.',
      params: IdParams,
      body: ManualRun,
      response: { 201: ManualRunResult, ...errorResponses },
    },
    handler: async (req, reply) => {
      const out = await idempotent(app.db, req, async (t) => ({
        status: 201,
        body: { runs: await runManually(t, req.ctx, req.params.id, req.body.recordIds) },
      }));
      if (out.replayed) reply.header('idempotent-replayed', 'true');
      else wakeWorkers();
      return reply.status(out.status).send(out.body);
    },
  });
  app.post('/automation/rules/:id/dry-run', {
    config: { permission: 'admin' },
    schema: {
      tags,
      summary: 'What the rule would do for a record, without doing it',
      params: IdParams,
      body: DryRun,
      response: { 200: DryRunResult, ...errorResponses },
    },
    handler: async (req) => {
      const rule = await rules.findRule(app.db, req.ctx, req.params.id);
      return dryRun(app.db, req.ctx, { ...rule, unsaved: false }, req.body);
    },
  });
  app.post('/automation/dry-run', {
    config: { permission: 'admin' },
    schema: {
      tags,
      summary: 'What an unsaved rule would do for a record, without doing it',
      body: DryRunDefinition,
      response: { 200: DryRunResult, ...errorResponses },
    },
    handler: async (req) => {
      const { definition, ...rest } = req.body;
      const rule = { id: '00000000-0000-0000-0000-000000000000', name: 'Unsaved rule', version: 0, definition, unsaved: true };
      return dryRun(app.db, req.ctx, rule, rest);
    },
  });

  app.get('/automation/runs', {
    config: { permission: 'read' },
    schema: {
      tags,
      summary: 'Runs, newest first: of a rule, about a record, in a status',
      querystring: RunListQuery,
      response: { 200: Page(RunShape), ...errorResponses },
    },
    handler: async (req) => runs.listRuns(app.db, req.ctx, req.query),
  });
  app.get('/automation/runs/:id', {
    config: { permission: 'read' },
    schema: {
      tags,
      summary: 'A run with its log: each step, its input, outcome, duration and error',
      params: IdParams,
      response: { 200: RunDetail, ...errorResponses },
    },
    handler: async (req) => runs.getRun(app.db, req.ctx, req.params.id),
  });
  app.post('/automation/runs/:id/retry', {
    config: { permission: 'admin' },
    schema: {
      tags,
      summary: 'Run a failed run again from the step that failed',
      params: IdParams,
      response: { 200: RunDetail, ...errorResponses },
    },
    handler: async (req) => {
      const run = await tx((t) => runs.retryRun(t, req.ctx, req.params.id));
      wakeWorkers();
      return run;
    },
  });
  app.post('/automation/runs/:id/cancel', {
    config: { permission: 'admin' },
    schema: { tags, summary: 'Stop a run that has not finished', params: IdParams, response: { 200: RunDetail, ...errorResponses } },
    handler: async (req) => tx((t) => runs.cancelRun(t, req.ctx, req.params.id)),
  });

  app.get('/automation/settings', {
    config: { permission: 'admin' },
    schema: { tags, summary: 'Automation settings: the rate guard', response: { 200: AutomationSettings, ...errorResponses } },
    handler: async (req) => runs.getSettings(app.db, req.ctx),
  });
  app.patch('/automation/settings', {
    config: { permission: 'admin' },
    schema: {
      tags,
      summary: 'Change the automation settings',
      body: AutomationSettingsUpdate,
      response: { 200: AutomationSettings, ...errorResponses },
    },
    handler: async (req) => tx((t) => runs.updateSettings(t, req.ctx, req.body)),
  });

  app.get('/automation/secrets', {
    config: { permission: 'admin' },
    schema: {
      tags,
      summary: 'Named secrets for webhook headers ({{secret.NAME}}); values are never returned',
      response: { 200: Type.Object({ data: Type.Array(AutomationSecret) }), ...errorResponses },
    },
    handler: async (req) => ({ data: await secrets.listSecrets(app.db, req.ctx) }),
  });
  app.post('/automation/secrets', {
    config: { permission: 'admin' },
    schema: {
      tags,
      summary: 'Add a named secret (sealed at rest)',
      body: AutomationSecretCreate,
      response: { 201: AutomationSecret, ...errorResponses },
    },
    handler: async (req, reply) => reply.status(201).send(await tx((t) => secrets.createSecret(t, req.ctx, req.body))),
  });
  app.patch('/automation/secrets/:id', {
    config: { permission: 'admin' },
    schema: {
      tags,
      summary: 'Give a secret a new value (a rotated token)',
      params: IdParams,
      body: AutomationSecretUpdate,
      response: { 200: AutomationSecret, ...errorResponses },
    },
    handler: async (req) => tx((t) => secrets.updateSecret(t, req.ctx, req.params.id, req.body.value)),
  });
  app.delete('/automation/secrets/:id', {
    config: { permission: 'admin' },
    schema: {
      tags,
      summary: 'Delete a secret no rule uses (409 naming the rules that do)',
      params: IdParams,
      response: { 200: AutomationSecret, ...errorResponses },
    },
    handler: async (req) => tx((t) => secrets.deleteSecret(t, req.ctx, req.params.id)),
  });

  await app.register(hookRoutes);
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The body as it came, for routes that check a signature over it. */
    rawBody?: string;
  }
}

/**
 * The public webhook of rules with a webhook trigger. It keeps the body as sent (the signature is
 * over those bytes) beside the parsed JSON; in its own plugin, so no other route pays for that.
 */
async function hookRoutes(app: App) {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    req.rawBody = body as string;
    parse(req, body as string, done);
  });
  app.post('/automation/hooks/:workspaceId/:ruleId', {
    // A stranger may call it: each address gets a budget, beside the workspace's rate guard on runs.
    config: { permission: 'public', rateLimit: { max: 600, timeWindow: '1 minute' } },
    schema: {
      tags: ['Automation'],
      summary: 'Start a webhook rule: signed with X-Rapport-Timestamp and X-Rapport-Signature (v1=HMAC-SHA256 of "<timestamp>.<body>")',
      params: HookParams,
      body: Type.Record(Type.String({ maxLength: 200 }), Type.Unknown(), { maxProperties: 500, description: 'Any JSON object' }),
      response: { 202: HookAccepted, 413: Problem, ...errorResponses },
    },
    handler: async (req, reply) => {
      const { workspaceId, ruleId } = req.params;
      const headers = {
        timestamp: req.headers['x-rapport-timestamp'] as string | undefined,
        signature: req.headers['x-rapport-signature'] as string | undefined,
      };
      const run = await app.db.transaction((t) => receiveHook(t, workspaceId, ruleId, headers, req.rawBody ?? '', req.body));
      wakeWorkers();
      return reply.status(202).send({ runId: run?.id ?? null, status: (run?.status ?? 'skipped') as never });
    },
  });
}
