import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Worker } from '../../jobs/worker.ts';
import { api, signUp, testApp, testDatabase } from '../../test/harness.ts';
import { consumerDefs } from '../consumers.ts';
import { jobDefs } from '../jobs.ts';
import { makeRule, runDetail, settledRuns, stages } from './test-helpers.ts';

// Several workers in one process, on whichever database the project runs, each feeding the outbox
// to the automation consumer and running jobs: every event starts each matching rule's run once.
// (Real processes, one killed mid-run, are in automation.pg.test.ts.)

const workers: Worker[] = [];
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop(2_000)));
});

// The app (and its worker) start once, before the first test's clock runs.
beforeAll(() => testApp());

describe('automation with several workers', () => {
  it('runs each rule exactly once per event', async () => {
    const database = await testDatabase();
    for (let i = 0; i < 2; i++) {
      const w = new Worker(database, jobDefs, { consumers: consumerDefs, pollMs: 50, concurrency: 3 });
      workers.push(w);
      await w.start();
    }
    const s = await signUp();
    const st = await stages(s);
    const rule = await makeRule(s, {
      trigger: { type: 'record_created', config: { object: 'deal' } },
      steps: [
        { type: 'action', action: 'update_record', input: { fields: { probability: 42 } } },
        { type: 'action', action: 'notify', input: { to: { kind: 'member', memberId: s.memberId }, title: '{{record.name}}' } },
      ],
    });
    const names = Array.from({ length: 16 }, (_, i) => `Parallel ${i}`);
    await Promise.all(names.map((name) => api(s).post('/deals', { name, stageId: st.Qualification })));
    const runs = await settledRuns(s, rule.id, names.length, 30_000);
    await new Promise((r) => setTimeout(r, 800));
    const again = await settledRuns(s, rule.id, names.length);
    expect(again).toHaveLength(names.length);
    expect(new Set(runs.map((r) => r.recordId)).size).toBe(names.length);
    expect(runs.every((r) => r.status === 'completed')).toBe(true);
    const titles = (await api(s).get('/notifications?limit=200'))
      .json()
      .data.map((n: { title: string }) => n.title)
      .sort();
    expect(titles).toEqual([...names].sort());
    for (const r of runs.slice(0, 4)) expect((await runDetail(s, r.id)).steps).toHaveLength(2);
  }, 60_000);
});
