import { beforeAll, describe, expect, it } from 'vitest';
import { addMember, api, type Session, signUp, testApp, testDatabase } from '../../test/harness.ts';
import { openRuleSecret } from './secrets.ts';
import { makeRule, stages } from './test-helpers.ts';

// Rules as data: saved in versions, read by every member, written by admins, and refused at save
// time with every problem named by its path.

const dealUpdated = (steps: unknown[], extra: Record<string, unknown> = {}) => ({
  trigger: { type: 'record_updated', config: { object: 'deal' } },
  steps,
  ...extra,
});
const setProbability = { type: 'action', action: 'update_record', input: { fields: { probability: 50 } } };

async function refused(s: Session, definition: unknown, status = 422) {
  const r = await api(s).post('/automation/rules', { name: 'Bad', definition });
  expect(r.statusCode, r.body).toBe(status);
  expect(r.headers['content-type']).toContain('application/problem+json');
  return (r.json().errors ?? []) as { field: string; code: string; message: string }[];
}

// The app (and its worker) start once, before the first test's clock runs.
beforeAll(() => testApp());

describe('workflow rules', () => {
  it('keeps every save as a version, readable by members, written by admins only', async () => {
    const s = await signUp();
    const rule = await makeRule(s, dealUpdated([setProbability]), { name: 'Probability' });
    expect(rule.version).toBe(1);
    const member = await addMember(s, 'member');
    expect((await api(member).get(`/automation/rules/${rule.id}`)).statusCode).toBe(200);
    expect((await api(member).patch(`/automation/rules/${rule.id}`, { name: 'Mine', version: 1 })).statusCode).toBe(403);

    const saved = await api(s).patch(`/automation/rules/${rule.id}`, {
      version: 1,
      definition: dealUpdated([{ ...setProbability, input: { fields: { probability: 70 } } }]),
    });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json().version).toBe(2);
    const stale = await api(s).patch(`/automation/rules/${rule.id}`, { version: 1, name: 'Late' });
    expect(stale.statusCode).toBe(409);
    const versions = (await api(s).get(`/automation/rules/${rule.id}/versions`)).json().data;
    expect(versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    expect(versions[1].definition.steps[0].input.fields.probability).toBe(50);
    expect(versions[0].definition.steps[0].input.fields.probability).toBe(70);
    // The saving admin's time zone is written into the definition, so that it never shifts under the rule.
    expect(versions[0].definition.timeZone).toBe('UTC');

    expect((await api(s).post(`/automation/rules/${rule.id}/disable`)).json().enabled).toBe(false);
    expect((await api(s).post(`/automation/rules/${rule.id}/enable`)).json().enabled).toBe(true);
    const list = (await api(member).get('/automation/rules')).json().data;
    expect(list.map((r: { id: string }) => r.id)).toEqual([rule.id]);
    expect((await api(s).delete(`/automation/rules/${rule.id}`)).statusCode).toBe(200);
    expect((await api(s).get(`/automation/rules/${rule.id}`)).statusCode).toBe(404);

    const db = await testDatabase();
    const events = await db.query<{ type: string }>(
      `select type from domain_events where workspace_id = $1 and record_type = 'automation_rule' order by seq`,
      [s.workspaceId],
    );
    expect(events.map((e) => e.type)).toEqual([
      'automation_rule.created',
      'automation_rule.updated',
      'automation_rule.updated',
      'automation_rule.updated',
      'automation_rule.deleted',
    ]);
  });

  it('refuses an unknown field, a value of the wrong type, and an unknown action, naming each step', async () => {
    const s = await signUp();
    const errors = await refused(s, {
      trigger: { type: 'record_updated', config: { object: 'deal' } },
      conditions: { field: 'amountt', op: 'gt', value: 1 },
      steps: [
        { type: 'action', action: 'update_record', input: { fields: { amountMinor: 'a lot' } } },
        { type: 'action', action: 'update_record', input: { fields: { nosuch: 1, 'custom.nope': 2 } } },
        { type: 'action', action: 'launch_rocket', input: {} },
      ],
    });
    expect(errors.map((e) => [e.field, e.code])).toEqual([
      ['body.definition.conditions.field', 'unknown_field'],
      ['body.definition.steps.0.input.fields.amountMinor', 'wrong_type'],
      ['body.definition.steps.1.input.fields.nosuch', 'unknown_field'],
      ['body.definition.steps.1.input.fields.custom.nope', 'unknown_field'],
      ['body.definition.steps.2.action', 'unknown_action'],
    ]);
  });

  it('refuses a wait on a condition without a time-out, and previous values where the trigger has none', async () => {
    const s = await signUp();
    const errors = await refused(s, {
      trigger: { type: 'record_created', config: { object: 'deal' } },
      conditions: { field: 'previous.amountMinor', op: 'isEmpty' },
      steps: [
        {
          type: 'if',
          condition: { field: 'status', op: 'eq', value: 'open' },
          then: [{ type: 'wait', wait: { kind: 'condition', condition: { field: 'status', op: 'eq', value: 'won' } } }],
        },
      ],
    });
    expect(errors.map((e) => [e.field, e.code])).toEqual([
      ['body.definition.conditions.field', 'unknown_field'],
      ['body.definition.steps.0.then.0.wait.timeout', 'required'],
    ]);
    expect(errors[0].message).toContain('previous');
  });

  it('refuses too many steps, too deep nesting, an unknown trigger and settings a trigger does not take', async () => {
    const s = await signUp();
    const many = Array.from({ length: 26 }, () => ({
      type: 'if',
      condition: { field: 'status', op: 'eq', value: 'open' },
      then: [setProbability],
    }));
    const tooMany = await refused(s, dealUpdated(many));
    expect(tooMany).toEqual([expect.objectContaining({ field: 'body.definition.steps.25', code: 'too_many_steps' })]);
    let deep: unknown[] = [setProbability];
    for (let i = 0; i < 5; i++) deep = [{ type: 'if', condition: { field: 'status', op: 'eq', value: 'open' }, then: deep }];
    const tooDeep = await refused(s, dealUpdated(deep), 400);
    expect(tooDeep[0].field).toMatch(/^body\.definition\.steps\.0\.then\.0\.then\.0\.then\.0\.then\.0\.then/);
    expect((await refused(s, { trigger: { type: 'email_received' }, steps: [] }))[0]).toMatchObject({
      field: 'body.definition.trigger.type',
      code: 'unknown_trigger',
    });
    expect(
      (await refused(s, { trigger: { type: 'record_created', config: { object: 'deal', colour: 'red' } }, steps: [] }))[0],
    ).toMatchObject({
      field: 'body.definition.trigger.config.colour',
    });
    expect((await refused(s, { trigger: { type: 'record_created', config: { object: 'spaceship' } }, steps: [] }))[0]).toMatchObject({
      field: 'body.definition.trigger.config.object',
      code: 'unknown_object',
    });
    expect((await refused(s, { trigger: { type: 'schedule', config: { cron: '* * * * * *' } }, steps: [] }))[0]).toMatchObject({
      field: 'body.definition.trigger.config.cron',
    });
  });

  it('refuses a cycle between rules, naming the step that closes it, and lets a rule touch its own trigger', async () => {
    const s = await signUp();
    // A rule that writes the field it watches is stopped at run time by its own mark in the causes.
    await makeRule(s, {
      trigger: { type: 'field_changed', config: { object: 'deal', field: 'amountMinor' } },
      steps: [{ type: 'action', action: 'update_record', input: { fields: { amountMinor: 5 } } }],
    });
    await makeRule(
      s,
      {
        trigger: { type: 'field_changed', config: { object: 'deal', field: 'probability' } },
        steps: [{ type: 'action', action: 'update_record', input: { fields: { name: 'x' } } }],
      },
      { name: 'A' },
    );
    await makeRule(
      s,
      {
        trigger: { type: 'record_updated', config: { object: 'deal', fields: ['name'] } },
        steps: [{ type: 'action', action: 'create_task', input: { title: 'Look' } }],
      },
      { name: 'B' },
    );
    await makeRule(
      s,
      {
        trigger: { type: 'record_created', config: { object: 'task' } },
        steps: [{ type: 'action', action: 'notify', input: { to: { kind: 'member', memberId: s.memberId }, title: 'New task' } }],
      },
      { name: 'C' },
    );
    const d = {
      trigger: { type: 'record_created', config: { object: 'task' } },
      steps: [
        { type: 'wait', wait: { kind: 'duration', duration: { amount: 1, unit: 'hours' } } },
        { type: 'action', action: 'update_record', input: { object: 'deal', recordId: '{{record.id}}', fields: { probability: 10 } } },
      ],
    };
    const r = await api(s).post('/automation/rules', { name: 'D', definition: d });
    expect(r.statusCode, r.body).toBe(422);
    const [e] = r.json().errors;
    expect(e).toMatchObject({ field: 'body.definition.steps.1', code: 'rule_cycle' });
    expect(e.message).toContain('"A", then "B"');
    // Paused, it may be saved; enabling it is refused for the same reason.
    const paused = await makeRule(s, d, { name: 'D', enabled: false });
    const enable = await api(s).post(`/automation/rules/${paused.id}/enable`);
    expect(enable.statusCode, enable.body).toBe(422);
    expect(enable.json().errors[0]).toMatchObject({ field: 'definition.steps.1', code: 'rule_cycle' });
  });

  it('gives a webhook rule a secret once, and a new one on request', async () => {
    const s = await signUp();
    const other = await signUp();
    const rule = await makeRule(s, { trigger: { type: 'webhook' }, steps: [] });
    expect(rule.webhookSecret).toMatch(/^whsec_/);
    expect(rule.webhookPath).toBe(`/automation/hooks/${s.workspaceId}/${rule.id}`);
    const read = (await api(s).get(`/automation/rules/${rule.id}`)).json();
    expect(read.webhookSecret).toBeUndefined();
    const rotated = (await api(s).post(`/automation/rules/${rule.id}/webhook-secret`)).json();
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(rule.webhookSecret);
    // Sealed at rest, bound to this rule: the row holds no secret, and opens to the one answered.
    const [row] = await (await testDatabase()).query<{ webhook_secret: string }>(
      'select webhook_secret from automation_rules where workspace_id = $1 and id = $2',
      [s.workspaceId, rule.id],
    );
    expect(row.webhook_secret).not.toContain('whsec_');
    expect(openRuleSecret(s.workspaceId, rule.id, row.webhook_secret)).toBe(rotated.secret);
    expect(() => openRuleSecret(other.workspaceId, rule.id, row.webhook_secret)).toThrow(/does not decrypt/);
  });

  it('checks a stage trigger against the pipelines of the workspace', async () => {
    const s = await signUp();
    const other = await signUp();
    const st = await stages(s);
    const foreign = await stages(other);
    const errors = await refused(s, {
      trigger: { type: 'stage_changed', config: { pipelineId: st.pipelineId, toStageId: foreign.Negotiation } },
      steps: [],
    });
    expect(errors).toEqual([expect.objectContaining({ field: 'body.definition.trigger.config.toStageId', code: 'unknown_stage' })]);
  });
});
