import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { api, signUp, testApp } from '../../test/harness.ts';
import { newDeal } from './test-helpers.ts';

// Rules built from the grammar with random parts (real and unknown triggers, objects, fields,
// operators, actions and inputs): saving one is 201 or a 4xx naming a path, never a 5xx; a saved
// one can be dry-run without a 5xx.

const seed = Number(process.env.FUZZ_SEED ?? 20261122);
const runs = Number(process.env.FUZZ_RUNS ?? 40);

beforeAll(() => testApp());

const json = fc.jsonValue({ maxDepth: 2 });
const object = fc.constantFrom('deal', 'contact', 'task', 'project', 'nope', '__proto__');
const field = fc.constantFrom(
  'amountMinor',
  'name',
  'stageId',
  'expectedCloseDate',
  'custom.tier',
  'previous.amountMinor',
  'toString',
  'ownerId',
);
const op = fc.constantFrom('eq', 'gt', 'in', 'isEmpty', 'contains', 'between', 'hasAny', 'regex');
const condition = fc.oneof(
  fc.record({ field, op, value: json }),
  fc.record({ and: fc.array(fc.record({ field, op, value: json }), { minLength: 1, maxLength: 3 }) }),
  json,
);
const text = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.constantFrom('{{record.name}}', '{{previous.nope}}', '{{trigger.body.x}}', '{{nope}}', '+2d', 'today'),
);
const input = fc.dictionary(
  fc.constantFrom(
    'fields',
    'object',
    'recordId',
    'title',
    'due',
    'to',
    'assignee',
    'strategy',
    'members',
    'memberId',
    'body',
    'link',
    'extra',
  ),
  fc.oneof(
    text,
    json,
    fc.dictionary(field, fc.oneof(text, json), { maxKeys: 3 }),
    fc.record({ kind: fc.constantFrom('owner', 'member', 'field'), field }),
  ),
  { maxKeys: 4 },
);
const action = fc.record({
  type: fc.constant('action'),
  action: fc.constantFrom(
    'update_record',
    'create_record',
    'create_task',
    'assign_owner',
    'notify',
    'call_webhook',
    'send_email',
    'launch',
  ),
  input,
});
const wait = fc.record({
  type: fc.constant('wait'),
  wait: fc.record(
    {
      kind: fc.constantFrom('duration', 'date', 'condition'),
      duration: fc.record({ amount: fc.nat({ max: 10 }), unit: fc.constantFrom('minutes', 'days') }),
      field,
      condition,
      timeout: fc.record({ amount: fc.nat({ max: 3 }), unit: fc.constantFrom('hours', 'weeks') }),
    },
    { requiredKeys: ['kind'] },
  ),
});
const step = fc.letrec((tie) => ({
  step: fc.oneof(
    { depthSize: 'small' },
    action,
    wait,
    fc.record({
      type: fc.constant('if'),
      condition,
      then: fc.array(tie('step'), { maxLength: 2 }),
      else: fc.array(tie('step'), { maxLength: 2 }),
    }),
  ),
})).step;
const trigger = fc.record({
  type: fc.constantFrom(
    'record_created',
    'record_updated',
    'field_changed',
    'stage_changed',
    'date_reached',
    'schedule',
    'manual',
    'webhook',
    'email_received',
  ),
  config: fc.record(
    {
      object,
      field,
      fields: fc.array(field, { maxLength: 2 }),
      to: json,
      cron: fc.constantFrom('0 9 * * 1', 'nope', '* * * * *'),
      offset: fc.record({ amount: fc.integer({ min: -5, max: 5 }), unit: fc.constant('days') }),
    },
    { requiredKeys: [] },
  ),
});
const noisy = fc.record(
  { trigger, conditions: fc.option(condition, { nil: undefined }), steps: fc.array(step, { maxLength: 4 }) },
  { requiredKeys: ['trigger', 'steps'] },
);

/** Definitions that are mostly right, so that saves and dry runs of real rules are tried too. */
const goodTrigger = fc.constantFrom(
  { type: 'record_updated', config: { object: 'deal' } },
  { type: 'record_created', config: { object: 'deal' } },
  { type: 'field_changed', config: { object: 'deal', field: 'amountMinor' } },
  { type: 'manual', config: { object: 'deal' } },
);
const goodCondition = fc.constantFrom<unknown>(
  { field: 'amountMinor', op: 'gt', value: 5 },
  { or: [{ field: 'name', op: 'contains', value: 'z' }, { not: { field: 'probability', op: 'lt', value: 50 } }] },
);
const goodStep = fc.letrec((tie) => ({
  step: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom<unknown>(
      { type: 'action', action: 'update_record', input: { fields: { probability: 20, name: '{{record.name}}!' } } },
      { type: 'action', action: 'create_task', input: { title: 'T {{record.name}}', due: '+1d' } },
      { type: 'action', action: 'notify', input: { to: { kind: 'owner' }, title: 'N' } },
      { type: 'action', action: 'create_record', input: { object: 'activity', fields: { type: 'note', body: 'b' } } },
      { type: 'wait', wait: { kind: 'duration', duration: { amount: 1, unit: 'hours' } } },
      { type: 'wait', wait: { kind: 'date', field: 'expectedCloseDate' } },
    ),
    fc.record({
      type: fc.constant('if'),
      condition: goodCondition,
      then: fc.array(tie('step'), { maxLength: 2 }),
      else: fc.array(tie('step'), { maxLength: 2 }),
    }),
  ),
})).step;
const good = fc.record(
  { trigger: goodTrigger, conditions: fc.option(goodCondition, { nil: undefined }), steps: fc.array(goodStep, { maxLength: 4 }) },
  { requiredKeys: ['trigger', 'steps'] },
);
const definition = fc.oneof(noisy, good);

describe('rule definitions', () => {
  it('are saved or refused with a 4xx naming a path, never a 5xx, and dry-run without one', async () => {
    const s = await signUp();
    const deal = await newDeal(s, { name: 'Fuzzed', amountMinor: 10 });
    let saved = 0;
    await fc.assert(
      fc.asyncProperty(definition, async (def) => {
        const r = await api(s).post('/automation/rules', { name: 'Fuzzed', definition: def, enabled: false });
        expect(r.statusCode, `${r.body.slice(0, 300)} ← ${JSON.stringify(def).slice(0, 300)}`).toBeLessThan(500);
        if (r.statusCode !== 201) {
          expect([400, 422]).toContain(r.statusCode);
          expect(r.json().errors?.[0]?.field).toMatch(/^body/);
          const dry = await api(s).post('/automation/dry-run', { definition: def, recordId: deal.id });
          expect(dry.statusCode, dry.body.slice(0, 300)).toBeLessThan(500);
          return;
        }
        saved++;
        const dry = await api(s).post(`/automation/rules/${r.json().id}/dry-run`, { recordId: deal.id });
        expect(dry.statusCode, dry.body.slice(0, 300)).toBeLessThan(500);
        await api(s).delete(`/automation/rules/${r.json().id}`);
      }),
      { numRuns: runs, seed },
    );
    expect(saved).toBeGreaterThan(0);
  }, 180_000);
});
