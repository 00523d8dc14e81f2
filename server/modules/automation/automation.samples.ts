import { uuidv7 } from 'uuidv7';
import { api, type Session, testDatabase } from '../../test/harness.ts';
import { createOk, type Samples } from '../../test/samples.ts';
import { signHook } from './start.service.ts';

/** A rule on deals that sets their probability when they change. */
export const sampleDefinition = {
  trigger: { type: 'record_updated', config: { object: 'deal' } },
  conditions: { field: 'amountMinor', op: 'gt', value: 100 },
  steps: [{ type: 'action', action: 'update_record', input: { fields: { probability: 60 } } }],
};

async function rule(s: Session, definition: unknown = sampleDefinition) {
  const r = await api(s).post('/automation/rules', { name: 'Sample rule', definition });
  if (r.statusCode !== 201) throw new Error(`rule: ${r.statusCode} ${r.body}`);
  return r.json() as { id: string; webhookSecret?: string };
}

async function deal(s: Session) {
  const stageId = (await api(s).get('/pipelines')).json().data[0].stages[0].id;
  return createOk(s, '/deals', { name: 'Sample deal', amountMinor: 500, stageId });
}

/** A named secret for webhook headers. */
async function namedSecret(s: Session) {
  const made = await createOk(s, '/automation/secrets', { name: `Sample_${uuidv7().slice(-12)}`, value: 'sk_live_sample' });
  return { id: made.id };
}

const manualDefinition = { trigger: { type: 'manual', config: { object: 'deal' } }, steps: sampleDefinition.steps };

/** A run in the given state, written straight to the table (a failed run takes a while to make otherwise). */
async function runIn(s: Session, status: 'failed' | 'waiting') {
  const r = await rule(s, manualDefinition);
  const d = await deal(s);
  const id = uuidv7();
  await (await testDatabase()).query(
    `insert into automation_runs (workspace_id, id, rule_id, rule_version, status, object_type, record_id, trigger, position, error, resume_at)
     values ($1, $2, $3, 1, $4, 'deal', $5, '{"type":"manual"}', '[0]', $6, $7)`,
    [s.workspaceId, id, r.id, status, d.id, status === 'failed' ? 'It broke' : null, status === 'waiting' ? '2999-01-01T00:00:00Z' : null],
  );
  return { id };
}

/** Webhook secrets of sample rules, by rule id, to sign the sample call. */
const secrets = new Map<string, string>();

export const samples: Samples = {
  'GET /api/v1/automation/catalog': {},
  'GET /api/v1/automation/templates': {},
  'POST /api/v1/automation/templates/:key': {
    setup: async () => ({ key: 'follow_up_no_activity' }),
    body: () => ({ object: 'contact', days: 7 }),
    publicParams: ['key'],
    ok: 201,
  },
  'GET /api/v1/automation/fields': { query: 'object=deal' },
  'GET /api/v1/automation/rules': { setup: async (s) => ({ ruleId: (await rule(s)).id }) },
  'POST /api/v1/automation/rules': { body: () => ({ name: 'Big deals', definition: sampleDefinition }), ok: 201 },
  'GET /api/v1/automation/rules/:id': { setup: async (s) => ({ id: (await rule(s)).id }) },
  'PATCH /api/v1/automation/rules/:id': {
    setup: async (s) => ({ id: (await rule(s)).id }),
    body: () => ({ name: 'Renamed', description: 'Bigger deals', version: 1 }),
  },
  'DELETE /api/v1/automation/rules/:id': { setup: async (s) => ({ id: (await rule(s)).id }) },
  'POST /api/v1/automation/rules/:id/enable': { setup: async (s) => ({ id: (await rule(s)).id }), body: () => ({}) },
  'POST /api/v1/automation/rules/:id/disable': { setup: async (s) => ({ id: (await rule(s)).id }), body: () => ({}) },
  'GET /api/v1/automation/rules/:id/versions': { setup: async (s) => ({ id: (await rule(s)).id }) },
  'POST /api/v1/automation/rules/:id/webhook-secret': {
    setup: async (s) => ({ id: (await rule(s, { trigger: { type: 'webhook' }, steps: [] })).id }),
    body: () => ({}),
  },
  'POST /api/v1/automation/rules/:id/run': {
    setup: async (s) => ({ id: (await rule(s, manualDefinition)).id, dealId: (await deal(s)).id }),
    body: (_s, p) => ({ recordIds: [p.dealId] }),
    ok: 201,
  },
  'POST /api/v1/automation/rules/:id/dry-run': {
    setup: async (s) => ({ id: (await rule(s)).id, dealId: (await deal(s)).id }),
    body: (_s, p) => ({ recordId: p.dealId, previous: { amountMinor: 1 } }),
  },
  'POST /api/v1/automation/dry-run': {
    setup: async (s) => ({ dealId: (await deal(s)).id }),
    body: (_s, p) => ({ definition: sampleDefinition, recordId: p.dealId }),
  },
  'GET /api/v1/automation/runs': { setup: async (s) => ({ runId: (await runIn(s, 'failed')).id }) },
  'GET /api/v1/automation/runs/:id': { setup: (s) => runIn(s, 'failed') },
  'POST /api/v1/automation/runs/:id/retry': { setup: (s) => runIn(s, 'failed'), body: () => ({}) },
  'POST /api/v1/automation/runs/:id/cancel': { setup: (s) => runIn(s, 'waiting'), body: () => ({}) },
  'GET /api/v1/automation/settings': {},
  'PATCH /api/v1/automation/settings': { body: () => ({ runsPerMinute: 500 }) },
  'GET /api/v1/automation/secrets': { setup: async (s) => ({ secretId: (await namedSecret(s)).id }) },
  'POST /api/v1/automation/secrets': { body: () => ({ name: `Token_${Date.now().toString(36)}`, value: 'sk_live_sample' }) },
  'PATCH /api/v1/automation/secrets/:id': { setup: (s) => namedSecret(s), body: () => ({ value: 'sk_live_rotated' }) },
  'DELETE /api/v1/automation/secrets/:id': { setup: (s) => namedSecret(s) },
  'POST /api/v1/automation/hooks/:workspaceId/:ruleId': {
    setup: async (s) => {
      const r = await rule(s, { trigger: { type: 'webhook' }, steps: [] });
      secrets.set(r.id, r.webhookSecret as string);
      return { workspaceId: s.workspaceId, ruleId: r.id };
    },
    body: () => ({ orderId: 'A-1001', total: 250 }),
    headers: (_s, p, body) => {
      const ts = String(Math.floor(Date.now() / 1000));
      return { 'x-rapport-timestamp': ts, 'x-rapport-signature': signHook(secrets.get(p.ruleId) ?? '', ts, JSON.stringify(body)) };
    },
    ok: 202,
  },
};
