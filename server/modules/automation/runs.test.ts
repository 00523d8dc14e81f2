import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addMember, api, countRows, type Session, signUp, testApp, testDatabase } from '../../test/harness.ts';
import { createOk } from '../../test/samples.ts';
import { automationClock } from './clock.ts';
import { MAX_CAUSE_CHAIN } from './runs.service.ts';
import { scan } from './scanner.ts';
import { makeRule, newDeal, runDetail, runsOf, settledRuns, stages, tasksOf, until, updateDeal } from './test-helpers.ts';

// Runs: the steps they take, where they wait, how they end, and what stops them.

const realNow = automationClock.now;
afterEach(() => {
  automationClock.now = realNow;
});
const DAY = 86_400_000;

/** Moves the automation clock to `ms` after the real now. */
const moveClock = (ms: number) => {
  const at = Date.now() + ms;
  automationClock.now = () => new Date(at);
};

const notices = async (s: Session) =>
  (await api(s).get('/notifications?limit=200')).json().data as { title: string; body: string | null; recordId: string | null }[];

// The app (and its worker) start once, before the first test's clock runs.
beforeAll(() => testApp());

describe('runs', () => {
  it('when a deal moves to Negotiation above 10,000, create a task for the owner due in 2 days and notify the manager', async () => {
    const s = await signUp();
    const manager = await addMember(s, 'member', 'Maria Manager');
    const rep = await addMember(s, 'member', 'Rick Rep');
    const st = await stages(s);
    const rule = await makeRule(
      s,
      {
        trigger: { type: 'stage_changed', config: { toStageId: st.Negotiation } },
        conditions: { field: 'amountMinor', op: 'gt', value: 1_000_000 },
        steps: [
          {
            type: 'action',
            action: 'create_task',
            input: { title: 'Follow up on {{record.name}}', due: '+2d', assignee: { kind: 'owner' } },
          },
          {
            type: 'action',
            action: 'notify',
            input: {
              to: { kind: 'member', memberId: manager.memberId },
              title: '{{record.name}} is in negotiation',
              body: 'Worth {{record.amountMinor}}',
            },
          },
        ],
      },
      { name: 'Big deal in negotiation' },
    );
    const big = await newDeal(s, { name: 'Umbrella', amountMinor: 2_500_000, ownerId: rep.memberId });
    const small = await newDeal(s, { name: 'Tiny', amountMinor: 900_000, ownerId: rep.memberId });
    const before = Date.now();
    await updateDeal(rep, big.id, { stageId: st.Negotiation });
    await updateDeal(rep, small.id, { stageId: st.Negotiation });
    const [run] = await settledRuns(s, rule.id, 1);
    expect(run).toMatchObject({ status: 'completed', recordId: big.id });
    // The rules list says how its runs went, for the Automation page.
    const listed = (await api(s).get('/automation/rules')).json().data.find((r: { id: string }) => r.id === rule.id);
    expect(listed.runs).toMatchObject({ total: 1, failed: 0, waiting: 0, lastStatus: 'completed' });
    expect(Date.parse(listed.runs.lastAt)).toBeGreaterThanOrEqual(before - 1000);
    const tasks = await tasksOf(s, 'deals', big.id);
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ title: 'Follow up on Umbrella', assigneeId: rep.memberId });
    const due = Date.parse(tasks[0].dueAt as string) - before;
    expect(due).toBeGreaterThan(2 * DAY - 60_000);
    expect(due).toBeLessThan(2 * DAY + 60_000);
    expect(await tasksOf(s, 'deals', small.id)).toEqual([]);
    const got = await notices(manager);
    expect(got).toEqual([expect.objectContaining({ title: 'Umbrella is in negotiation', body: 'Worth 2500000', recordId: big.id })]);
    expect((await api(manager).get('/notifications/unread-count')).json().count).toBe(1);
    // The task's event names the run's causes: the deal's event and the rule.
    const db = await testDatabase();
    const [taskEvent] = await db.query<{ causes: string[] }>(
      `select causes from domain_events where workspace_id = $1 and type = 'task.created'`,
      [s.workspaceId],
    );
    expect(taskEvent.causes).toContain(`rule:${rule.id}`);
    expect((await runDetail(s, run.id)).steps.map((x: { outcome: string }) => x.outcome)).toEqual(['done', 'done']);
  });

  it('takes the then or the else branch by the condition, on the record as it is now', async () => {
    const s = await signUp();
    const rule = await makeRule(s, {
      trigger: { type: 'record_created', config: { object: 'deal' } },
      steps: [
        {
          type: 'if',
          condition: { field: 'amountMinor', op: 'gte', value: 1000 },
          then: [{ type: 'action', action: 'update_record', input: { fields: { probability: 80, name: '{{record.name}} (big)' } } }],
          else: [
            { type: 'action', action: 'update_record', input: { fields: { probability: 5 } } },
            {
              type: 'if',
              condition: { field: 'probability', op: 'eq', value: 5 },
              then: [{ type: 'action', action: 'create_task', input: { title: 'Small: {{record.name}}' } }],
            },
          ],
        },
      ],
    });
    const big = await newDeal(s, { name: 'Big', amountMinor: 5000 });
    const small = await newDeal(s, { name: 'Small', amountMinor: 10 });
    const runs = await settledRuns(s, rule.id, 2);
    expect(runs.every((r) => r.status === 'completed')).toBe(true);
    expect((await api(s).get(`/deals/${big.id}`)).json()).toMatchObject({ probability: 80, name: 'Big (big)' });
    expect((await api(s).get(`/deals/${small.id}`)).json()).toMatchObject({ probability: 5, name: 'Small' });
    expect((await tasksOf(s, 'deals', small.id)).map((t) => t.title)).toEqual(['Small: Small']);
    const steps = (await runDetail(s, runs.find((r) => r.recordId === small.id)?.id as string)).steps;
    expect(steps.map((x: { path: string; outcome: string }) => [x.path, x.outcome])).toEqual([
      ['0', 'branch'],
      ['0.else.0', 'done'],
      ['0.else.1', 'branch'],
      ['0.else.1.then.0', 'done'],
    ]);
  });

  it('parks on a wait and goes on when the clock has moved past it', async () => {
    const s = await signUp();
    const rule = await makeRule(s, {
      trigger: { type: 'record_created', config: { object: 'deal' } },
      steps: [
        { type: 'wait', wait: { kind: 'duration', duration: { amount: 2, unit: 'days' } } },
        { type: 'action', action: 'create_task', input: { title: 'Two days on: {{record.name}}' } },
        { type: 'wait', wait: { kind: 'date', field: 'expectedCloseDate', offset: { amount: -1, unit: 'days' } } },
        { type: 'action', action: 'create_task', input: { title: 'Closes tomorrow' } },
      ],
    });
    const closes = new Date(Date.now() + 10 * DAY).toISOString().slice(0, 10);
    const deal = await newDeal(s, { name: 'Patient', expectedCloseDate: closes });
    const [parked] = await settledRuns(s, rule.id, 1);
    expect(parked).toMatchObject({ status: 'waiting', position: '0' });
    const { db } = await testDatabase();
    moveClock(DAY);
    await scan(db);
    await new Promise((r) => setTimeout(r, 300));
    expect((await runsOf(s, rule.id))[0].status).toBe('waiting');
    moveClock(2 * DAY + 60_000);
    await scan(db);
    const second = await until(
      () => runsOf(s, rule.id),
      (rs) => rs[0].status === 'waiting' && rs[0].position === '2',
    );
    expect(second[0].position).toBe('2');
    expect((await tasksOf(s, 'deals', deal.id)).map((t) => t.title)).toEqual(['Two days on: Patient']);
    moveClock(9 * DAY + 60_000);
    await scan(db);
    await until(
      () => runsOf(s, rule.id),
      (rs) => rs[0].status === 'completed',
    );
    expect((await tasksOf(s, 'deals', deal.id)).map((t) => t.title).sort()).toEqual(['Closes tomorrow', 'Two days on: Patient']);
    const log = (await runDetail(s, parked.id)).steps.map((x: { path: string; outcome: string }) => `${x.path}:${x.outcome}`);
    expect(log).toEqual(['0:waiting', '0:resumed', '1:done', '2:waiting', '2:resumed', '3:done']);
    // Resuming is no new attempt: attempts count starts and retries.
    expect((await runDetail(s, parked.id)).attempts).toBe(1);
  });

  it('waits until a condition holds, woken by a change of the record, or times out', async () => {
    const s = await signUp();
    const st = await stages(s);
    const rule = await makeRule(s, {
      trigger: { type: 'record_created', config: { object: 'deal' } },
      steps: [
        {
          type: 'wait',
          wait: {
            kind: 'condition',
            condition: { field: 'status', op: 'eq', value: 'won' },
            timeout: { amount: 3, unit: 'days' },
            onTimeout: 'stop',
          },
        },
        { type: 'action', action: 'create_task', input: { title: 'Send the contract' } },
      ],
    });
    const winner = await newDeal(s, { name: 'Winner' });
    const sleeper = await newDeal(s, { name: 'Sleeper' });
    await until(
      () => runsOf(s, rule.id),
      (rs) => rs.length === 2 && rs.every((r) => r.status === 'waiting'),
    );
    await updateDeal(s, winner.id, { stageId: st.Won });
    await until(
      () => runsOf(s, rule.id),
      (rs) => rs.find((r) => r.recordId === winner.id)?.status === 'completed',
    );
    expect((await tasksOf(s, 'deals', winner.id)).map((t) => t.title)).toEqual(['Send the contract']);
    moveClock(3 * DAY + 60_000);
    await scan((await testDatabase()).db);
    const done = await until(
      () => runsOf(s, rule.id),
      (rs) => rs.find((r) => r.recordId === sleeper.id)?.status === 'completed',
    );
    expect(done.find((r) => r.recordId === sleeper.id)?.reason).toBe('A wait timed out');
    expect(await tasksOf(s, 'deals', sleeper.id)).toEqual([]);
  });

  it('never triggers a rule on what its own runs did, however the loop goes round', async () => {
    const s = await signUp();
    const self = await makeRule(s, {
      trigger: { type: 'record_updated', config: { object: 'deal' } },
      steps: [{ type: 'action', action: 'update_record', input: { fields: { probability: 33 } } }],
    });
    const deal = await newDeal(s, { name: 'Loop' });
    await updateDeal(s, deal.id, { name: 'Loop once' });
    await settledRuns(s, self.id, 1);
    await new Promise((r) => setTimeout(r, 700));
    expect(await runsOf(s, self.id)).toHaveLength(1);
    expect((await api(s).get(`/deals/${deal.id}`)).json().probability).toBe(33);
    await api(s).post(`/automation/rules/${self.id}/disable`);

    // Two rules that feed each other, written straight to the table: the check at save time would
    // refuse the second, so this is what a loop it cannot see would do.
    const ping = await makeRule(s, {
      trigger: { type: 'field_changed', config: { object: 'deal', field: 'name' } },
      steps: [{ type: 'action', action: 'create_task', input: { title: 'ping' } }],
    });
    const pong = await makeRule(s, { trigger: { type: 'record_created', config: { object: 'company' } }, steps: [] }, { enabled: false });
    const db = await testDatabase();
    const pongDef = {
      trigger: { type: 'record_created', config: { object: 'task' } },
      steps: [{ type: 'action', action: 'update_record', input: { object: 'deal', recordId: deal.id, fields: { name: '{{record.id}}' } } }],
      timeZone: 'UTC',
    };
    await db.query(
      `update automation_rules set definition = $3, trigger_type = 'record_created', object_type = 'task', enabled = true where workspace_id = $1 and id = $2`,
      [s.workspaceId, pong.id, JSON.stringify(pongDef)],
    );
    await db.query(`update automation_rule_versions set definition = $3 where workspace_id = $1 and rule_id = $2`, [
      s.workspaceId,
      pong.id,
      JSON.stringify(pongDef),
    ]);
    await updateDeal(s, deal.id, { name: 'Start the loop' });
    // ping → task → pong → deal renamed → ping would run again, but the rename carries ping's mark.
    await settledRuns(s, ping.id, 1);
    await settledRuns(s, pong.id, 1);
    await new Promise((r) => setTimeout(r, 1000));
    expect((await runsOf(s, ping.id)).map((r) => r.status)).toEqual(['completed']);
    expect((await runsOf(s, pong.id)).map((r) => r.status)).toEqual(['completed']);
  });

  it(`stops a chain of more than ${MAX_CAUSE_CHAIN} rules triggering one another`, async () => {
    const s = await signUp();
    const n = MAX_CAUSE_CHAIN + 2;
    for (let i = 0; i <= n; i++) await createOk(s, '/fields', { objectType: 'deal', key: `c${i}`, label: `C${i}`, type: 'text' });
    const rules = [];
    for (let i = 0; i < n; i++) {
      rules.push(
        await makeRule(s, {
          trigger: { type: 'field_changed', config: { object: 'deal', field: `custom.c${i}` } },
          steps: [{ type: 'action', action: 'update_record', input: { fields: { [`custom.c${i + 1}`]: `from rule ${i}` } } }],
        }),
      );
    }
    const deal = await newDeal(s, { name: 'Chain' });
    await updateDeal(s, deal.id, { custom: { c0: 'start' } });
    const [stopped] = await settledRuns(s, rules[MAX_CAUSE_CHAIN].id, 1, 30_000);
    expect(stopped.status).toBe('skipped');
    expect(stopped.reason).toContain(`at most ${MAX_CAUSE_CHAIN}`);
    for (let i = 0; i < MAX_CAUSE_CHAIN; i++) expect((await runsOf(s, rules[i].id)).map((r) => r.status)).toEqual(['completed']);
    expect(await runsOf(s, rules[MAX_CAUSE_CHAIN + 1].id)).toEqual([]);
    const custom = (await api(s).get(`/deals/${deal.id}`)).json().custom;
    expect(custom[`c${MAX_CAUSE_CHAIN}`]).toBe(`from rule ${MAX_CAUSE_CHAIN - 1}`);
    expect(custom[`c${MAX_CAUSE_CHAIN + 1}`]).toBeUndefined();
    const detail = await runDetail(s, stopped.id);
    expect(detail.causes.filter((c: string) => c.startsWith('rule:')).length).toBe(MAX_CAUSE_CHAIN + 1);
  }, 60_000);

  it('skips runs beyond the rate guard, saying why, and tells the admins once', async () => {
    const s = await signUp();
    const admin = await addMember(s, 'admin');
    expect((await api(s).patch('/automation/settings', { runsPerMinute: 3 })).json()).toEqual({ runsPerMinute: 3 });
    const rule = await makeRule(s, { trigger: { type: 'record_created', config: { object: 'company' } }, steps: [] });
    for (let i = 0; i < 6; i++) await createOk(s, '/companies', { name: `Co ${i}` });
    const runs = await settledRuns(s, rule.id, 6);
    expect(runs.filter((r) => r.status === 'completed')).toHaveLength(3);
    const skipped = runs.filter((r) => r.status === 'skipped');
    expect(skipped).toHaveLength(3);
    expect(skipped[0].reason).toContain('more than 3 runs');
    for (const who of [s, admin]) {
      expect((await notices(who)).map((n) => n.title)).toEqual(['Automation runs were skipped']);
    }
  });

  it('shows in a dry run what would happen, and writes nothing', async () => {
    const s = await signUp();
    const st = await stages(s);
    const rule = await makeRule(s, {
      trigger: { type: 'stage_changed', config: { toStageId: st.Negotiation } },
      conditions: {
        and: [
          { field: 'amountMinor', op: 'gt', value: 1000 },
          { field: 'previous.stageId', op: 'eq', value: st.Proposal },
        ],
      },
      steps: [
        {
          type: 'if',
          condition: { field: 'probability', op: 'lt', value: 50 },
          then: [{ type: 'action', action: 'update_record', input: { fields: { probability: 50 } } }],
        },
        { type: 'wait', wait: { kind: 'duration', duration: { amount: 2, unit: 'days' } } },
        { type: 'action', action: 'create_task', input: { title: 'Call {{record.name}}', due: '+1d' } },
        { type: 'action', action: 'assign_owner', input: { strategy: 'round_robin', members: [s.memberId] } },
      ],
    });
    const deal = await newDeal(s, { name: 'Dry', amountMinor: 5000, probability: 10, stageId: st.Negotiation });
    await new Promise((r) => setTimeout(r, 500));
    const tables = ['tasks', 'notifications', 'automation_runs', 'record_history', 'domain_events', 'automation_counters'];
    const before = await Promise.all(tables.map((t) => countRows(t, s.workspaceId)));
    const r = await api(s).post(`/automation/rules/${rule.id}/dry-run`, { recordId: deal.id, previous: { stageId: st.Proposal } });
    expect(r.statusCode, r.body).toBe(200);
    const result = r.json();
    expect(result.matched).toBe(true);
    expect(result.steps.map((x: { path: string; outcome: string }) => [x.path, x.outcome])).toEqual([
      ['0', 'branch'],
      ['0.then.0', 'would_run'],
      ['1', 'would_wait'],
      ['2', 'would_run'],
      ['3', 'would_run'],
    ]);
    expect(result.steps[1].description).toContain('probability to 50');
    expect(result.steps[3].description).toContain('Would create task "Call Dry"');
    const notMatched = (
      await api(s).post(`/automation/rules/${rule.id}/dry-run`, { recordId: deal.id, previous: { stageId: st.Qualification } })
    ).json();
    expect(notMatched).toMatchObject({ matched: false, steps: [] });
    const unsaved = await api(s).post('/automation/dry-run', {
      recordId: deal.id,
      definition: {
        trigger: { type: 'record_updated', config: { object: 'deal' } },
        steps: [{ type: 'action', action: 'update_record', input: { fields: { stageId: '00000000-0000-7000-8000-000000000000' } } }],
      },
    });
    expect(unsaved.statusCode, unsaved.body).toBe(200);
    expect(unsaved.json().steps[0]).toMatchObject({ outcome: 'would_run' });
    const bad = await api(s).post('/automation/dry-run', {
      recordId: deal.id,
      definition: { trigger: { type: 'record_updated', config: { object: 'deal' } }, steps: [{ type: 'action', action: 'nope' }] },
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().errors[0].field).toBe('body.definition.steps.0.action');
    expect(await Promise.all(tables.map((t) => countRows(t, s.workspaceId)))).toEqual(before);
  });

  it('a dry run says an update of a record in the trash would fail, as the run would', async () => {
    const s = await signUp();
    const company = await createOk(s, '/companies', { name: 'Binned Ltd' });
    const deal = await newDeal(s, { name: 'Binned deal', companyId: company.id });
    expect((await api(s).delete(`/companies/${company.id}`)).statusCode).toBe(200);
    const r = await api(s).post('/automation/dry-run', {
      recordId: deal.id,
      definition: {
        trigger: { type: 'manual', config: { object: 'deal' } },
        steps: [
          {
            type: 'action',
            action: 'update_record',
            input: { object: 'company', recordId: '{{record.companyId}}', fields: { industry: 'Logistics' } },
          },
        ],
      },
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().steps[0]).toMatchObject({ outcome: 'would_fail' });
    expect(r.json().steps[0].description).toContain('in the trash');
  });

  it('retries a failed run from the step that failed, without doing the steps before it again', async () => {
    const s = await signUp();
    const company = await createOk(s, '/companies', { name: 'Gone Inc' });
    const rule = await makeRule(s, {
      trigger: { type: 'manual', config: { object: 'deal' } },
      steps: [
        { type: 'action', action: 'create_task', input: { title: 'Before the failure' } },
        {
          type: 'action',
          action: 'update_record',
          input: { object: 'company', recordId: '{{record.companyId}}', fields: { industry: 'Logistics' } },
        },
        { type: 'action', action: 'create_task', input: { title: 'After the failure' } },
      ],
    });
    const deal = await newDeal(s, { name: 'With a company', companyId: company.id });
    expect((await api(s).delete(`/companies/${company.id}`)).statusCode).toBe(200);
    await api(s).post(`/automation/rules/${rule.id}/run`, { recordIds: [deal.id] });
    const [failed] = await settledRuns(s, rule.id, 1);
    expect(failed).toMatchObject({ status: 'failed', position: '1' });
    expect(failed.error).toContain('trash');
    const detail = await runDetail(s, failed.id);
    expect(detail.steps.map((x: { outcome: string }) => x.outcome)).toEqual(['done', 'failed']);
    expect(detail.steps[1].error).toContain('trash');
    const db = await testDatabase();
    const [event] = await db.query<{ payload: { step: string } }>(
      `select payload from domain_events where workspace_id = $1 and type = 'automation.run_failed'`,
      [s.workspaceId],
    );
    expect(event.payload.step).toBe('1');

    expect((await api(s).post(`/companies/${company.id}/restore`, {})).statusCode).toBe(200);
    const retried = await api(s).post(`/automation/runs/${failed.id}/retry`, {});
    expect(retried.statusCode, retried.body).toBe(200);
    await until(
      () => runsOf(s, rule.id),
      (rs) => rs[0].status === 'completed',
    );
    expect((await tasksOf(s, 'deals', deal.id)).map((t) => t.title).sort()).toEqual(['After the failure', 'Before the failure']);
    expect((await api(s).get(`/companies/${company.id}`)).json().industry).toBe('Logistics');
    const after = await runDetail(s, failed.id);
    expect(after.attempts).toBe(2);
    expect(after.steps.map((x: { path: string; outcome: string }) => `${x.path}:${x.outcome}`)).toEqual([
      '0:done',
      '1:failed',
      '1:done',
      '2:done',
    ]);
    expect((await api(s).post(`/automation/runs/${failed.id}/retry`, {})).statusCode).toBe(409);
  });

  it('keeps waiting runs of a paused rule parked, and goes on when it is enabled again; cancels a run on request', async () => {
    const s = await signUp();
    const rule = await makeRule(s, {
      trigger: { type: 'record_created', config: { object: 'deal' } },
      steps: [
        { type: 'wait', wait: { kind: 'duration', duration: { amount: 1, unit: 'hours' } } },
        { type: 'action', action: 'create_task', input: { title: 'An hour later' } },
      ],
    });
    const kept = await newDeal(s, { name: 'Kept' });
    const dropped = await newDeal(s, { name: 'Dropped' });
    const parked = await until(
      () => runsOf(s, rule.id),
      (rs) => rs.length === 2 && rs.every((r) => r.status === 'waiting'),
    );
    const cancel = await api(s).post(`/automation/runs/${parked.find((r) => r.recordId === dropped.id)?.id}/cancel`, {});
    expect(cancel.json().status).toBe('cancelled');
    await api(s).post(`/automation/rules/${rule.id}/disable`);
    await newDeal(s, { name: 'While paused' });
    const { db } = await testDatabase();
    moveClock(2 * 3_600_000);
    await scan(db);
    await new Promise((r) => setTimeout(r, 500));
    const still = await runsOf(s, rule.id);
    expect(still).toHaveLength(2);
    expect(still.find((r) => r.recordId === kept.id)?.status).toBe('waiting');
    await api(s).post(`/automation/rules/${rule.id}/enable`);
    await scan(db);
    await until(
      () => runsOf(s, rule.id),
      (rs) => rs.find((r) => r.recordId === kept.id)?.status === 'completed',
    );
    expect((await tasksOf(s, 'deals', kept.id)).map((t) => t.title)).toEqual(['An hour later']);
    expect(await tasksOf(s, 'deals', dropped.id)).toEqual([]);
  });
});
