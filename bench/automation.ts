import { type ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { openDatabase } from '../server/db/client.ts';
import { root } from './data.ts';
import type { Dataset } from './dataset.ts';
import { type Auth, measureInTurn, request } from './measure.ts';
import type { Result } from './report.ts';

// Automation on a PostgreSQL server (issue 11's speed section): a server that runs no jobs itself and
// two `rapport worker` processes, so that every run and delivery below is the workers' doing.
//   1. trigger-to-action: contacts updated one at a time through the API; from the event's time (the
//      updating transaction's) to the end of the rule's action step, both on the database's clock;
//   2. rule runs per second: one bulk update starts a run per contact; runs over the time from the
//      event to the last run's end;
//   3. webhook deliveries per second and their latency, to a receiver in this process on loopback;
//   4. a contact update through the API in a workspace with 50 active rules on contacts ÷ the same
//      update in a workspace with none, taken in turn (both workspaces on the same server).

type Measured = Omit<Result, 'db' | 'size'>;

interface Options {
  databaseUrl: string;
  ds: Dataset;
  quick: boolean;
  plan: { requests: number; seconds: number; connections: number };
  startServer: (env: Record<string, string>, port: number) => Promise<ChildProcess>;
  signIn: (base: string, email: string, password: string) => Promise<Auth>;
  signUpNeighbour: (base: string) => Promise<Auth>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

async function call(method: string, url: string, auth: Auth, body?: unknown) {
  const r = await request(url, auth, method, body === undefined ? undefined : JSON.stringify(body));
  if (r.status >= 300) throw new Error(`${method} ${url} → ${r.status} ${r.body.slice(0, 300)}`);
  return r.body ? JSON.parse(r.body) : {};
}

/** Waits until `done()` reaches `want`, or throws after `seconds`. */
async function until(what: string, want: number, done: () => Promise<number>, seconds = 180) {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const n = await done();
    if (n >= want) return;
    if (Date.now() > deadline) throw new Error(`${what}: ${n} of ${want} after ${seconds} s`);
    await sleep(100);
  }
}

export async function benchAutomation(o: Options): Promise<Measured[]> {
  const out: Measured[] = [];
  const port = 21000 + Math.floor(Math.random() * 10000);
  // Loopback allowed (the receiver below is on it): the server checks a webhook's address when it is saved, workers when they send.
  const server = await o.startServer(
    { DATABASE_URL: o.databaseUrl, RAPPORT_JOB_CONCURRENCY: '0', RAPPORT_OUTBOUND_ALLOW: '127.0.0.1' },
    port,
  );
  const spawnWorker = () =>
    spawn(process.execPath, [path.join(root, 'bin/rapport.mjs'), 'worker'], {
      env: {
        ...process.env,
        DATABASE_URL: o.databaseUrl,
        RAPPORT_OUTBOUND_ALLOW: '127.0.0.1',
        RAPPORT_JOB_CONCURRENCY: '4',
        LOG_LEVEL: 'error',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  const database = await openDatabase({ databaseUrl: o.databaseUrl, poolSize: 2 });
  // A worker is ready once it listens for jobs and for events (its LISTEN connections); counted
  // beside whatever listened before (the server), so that a slow start-up is never timed as latency.
  const listeners = async () => {
    const [r] = await database.query<{ jobs: number; events: number }>(
      `select count(*) filter (where query ilike 'listen%rapport_jobs%')::int as jobs,
              count(*) filter (where query ilike 'listen%rapport_events%')::int as events
         from pg_stat_activity where datname = current_database()`,
    );
    return r;
  };
  const before = await listeners();
  const workers = [spawnWorker(), spawnWorker()];
  const receiver = http.createServer();
  const base = `http://127.0.0.1:${port}`;
  const ws = o.ds.workspaceId;
  const made: { rules: string[]; webhooks: string[] } = { rules: [], webhooks: [] };
  /** What the contacts changed here held before, put back at the end so that the next run measures the same dataset. */
  const touched: { id: string; lifecycle_stage: string | null; source: string | null; title: string | null }[] = [];
  const auth = await o.signIn(base, o.ds.email, o.ds.password);
  try {
    await call('PATCH', `${base}/api/v1/automation/settings`, auth, { runsPerMinute: 100_000 });
    // Contacts this section changes: ones no other workload touches (not the samples, not the mass update's).
    const rows = await database.query<{
      id: string;
      version: number;
      lifecycle_stage: string | null;
      source: string | null;
      title: string | null;
    }>(
      `select id, version, lifecycle_stage, source, title from contacts where workspace_id = $1 and deleted_at is null and not (id = any($2::uuid[]))
           and lifecycle_stage is distinct from 'evangelist'
         order by md5(id::text || 'automation') limit $3`,
      [ws, o.ds.sampleContactIds, o.quick ? 700 : 6_300],
    );
    touched.push(...rows.map(({ id, lifecycle_stage, source, title }) => ({ id, lifecycle_stage, source, title })));
    const fresh = rows.map((r) => ({ id: r.id, version: Number(r.version) }));
    const take = (n: number) => fresh.splice(0, n);
    const ids = (cs: { id: string }[]) => cs.map((c) => c.id);
    const stamp = Date.now().toString(36);

    // 1. Trigger-to-action: one rule, a condition and one action.
    // The trigger: a contact becomes an evangelist (bulk-editable, so one request can start thousands of runs).
    const to = { lifecycleStage: 'evangelist' };
    const rule = await call('POST', `${base}/api/v1/automation/rules`, auth, {
      name: `Bench: mark ${stamp}`,
      definition: {
        trigger: { type: 'record_updated', config: { object: 'contact' } },
        conditions: { field: 'lifecycleStage', op: 'eq', value: 'evangelist' },
        steps: [{ type: 'action', action: 'update_record', input: { fields: { source: 'automation bench' } } }],
      },
    });
    made.rules.push(rule.id);
    const ruleRuns = async () => {
      const [r] = await database.query<{ n: number }>(
        `select count(*)::int as n from automation_runs where workspace_id = $1 and rule_id = $2 and status = 'completed'`,
        [ws, rule.id],
      );
      return r.n;
    };
    const failed = async () => {
      const [r] = await database.query<{ n: number; error: string | null }>(
        `select count(*)::int as n, max(error) as error from automation_runs where workspace_id = $1 and rule_id = $2 and status = 'failed'`,
        [ws, rule.id],
      );
      if (r.n) throw new Error(`${r.n} bench runs failed: ${r.error}`);
    };
    // Both workers listening before the first event, so that start-up is not counted.
    await until('workers listening', 2, async () => {
      const now = await listeners();
      return Math.min(now.jobs - before.jobs, now.events - before.events);
    });
    const single = take(o.quick ? 50 : 200);
    for (const c of single) {
      await call('PATCH', `${base}/api/v1/contacts/${c.id}`, auth, { ...to, version: c.version });
      await sleep(25);
    }
    await until('single runs', single.length, async () => {
      await failed();
      return ruleRuns();
    });
    const latency = (
      await database.query<{ ms: number }>(
        `select extract(epoch from s.started_at + s.duration_ms * interval '1 millisecond' - (r.trigger->>'at')::timestamptz) * 1000 as ms
         from automation_runs r join automation_run_steps s on s.workspace_id = r.workspace_id and s.run_id = r.id and s.step_type = 'action'
         where r.workspace_id = $1 and r.rule_id = $2 order by 1`,
        [ws, rule.id],
      )
    ).map((r) => Number(r.ms));
    out.push({
      key: 'automation-latency',
      label: 'automation: event to action of a simple rule (ms, p50 / p99), two workers',
      api: { p50: pct(latency, 50), p99: pct(latency, 99), rps: 0 },
      raw: null,
    });

    // 2. Sustained runs: one bulk update starts a run per contact.
    const burst = ids(take(o.quick ? 300 : 3_000));
    await call('POST', `${base}/api/v1/contacts/bulk-update`, auth, { ids: burst, set: to });
    await until('burst runs', single.length + burst.length, async () => {
      await failed();
      return ruleRuns();
    });
    const [span] = await database.query<{ ms: number }>(
      `select extract(epoch from max(finished_at) - min((trigger->>'at')::timestamptz)) * 1000 as ms
       from automation_runs where workspace_id = $1 and rule_id = $2 and record_id = any($3::uuid[])`,
      [ws, rule.id, burst],
    );
    const perRun = Number(span.ms) / burst.length;
    out.push({
      key: 'automation-runs',
      label: `automation: ${burst.length.toLocaleString('en')} runs from one bulk update, two workers (ms per run, runs/s)`,
      api: { p50: perRun, p99: perRun, rps: burst.length / (Number(span.ms) / 1000) },
      raw: null,
    });
    await call('POST', `${base}/api/v1/automation/rules/${rule.id}/disable`, auth, {});

    // 3. Webhooks: every contact.updated to a receiver here.
    const received: number[] = [];
    receiver.on('request', (req, res) => {
      let text = '';
      req.on('data', (c) => (text += c));
      req.on('end', () => {
        const at = Date.parse((JSON.parse(text) as { timestamp: string }).timestamp);
        received.push(Date.now() - at);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const hook = await call('POST', `${base}/api/v1/webhooks`, auth, {
      url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`,
      eventTypes: ['contact.updated'],
    });
    made.webhooks.push(hook.id);
    const deliveries = ids(take(o.quick ? 200 : 2_000));
    const sentAt = Date.now();
    await call('POST', `${base}/api/v1/contacts/bulk-update`, auth, { ids: deliveries, set: { source: `webhook bench ${stamp}` } });
    await until('webhook deliveries', deliveries.length, async () => received.length);
    const lastAt = Date.now();
    const sorted = [...received].sort((a, b) => a - b);
    out.push({
      key: 'webhook-deliveries',
      label: `webhooks: ${deliveries.length.toLocaleString('en')} deliveries to a local receiver (event to receipt, ms), two workers`,
      api: { p50: pct(sorted, 50), p99: pct(sorted, 99), rps: deliveries.length / ((lastAt - sentAt) / 1000) },
      raw: null,
    });
    await call('DELETE', `${base}/api/v1/webhooks/${hook.id}`, auth);
    made.webhooks.pop();

    // 4. 50 active rules on contacts (none of whose conditions hold, the common case) against a
    // workspace without rules: the update request itself, taken in turn.
    for (let i = 0; i < 50; i++) {
      const r = await call('POST', `${base}/api/v1/automation/rules`, auth, {
        name: `Bench: rule ${i + 1} of 50 (${stamp})`,
        definition: {
          trigger:
            i % 2
              ? { type: 'record_updated', config: { object: 'contact' } }
              : { type: 'field_changed', config: { object: 'contact', field: 'title' } },
          conditions: { field: 'title', op: 'eq', value: `never ${i} ${stamp}` },
          steps: [{ type: 'action', action: 'create_task', input: { title: `Follow up (rule ${i + 1})`, due: '+2d' } }],
        },
      });
      made.rules.push(r.id);
    }
    // Each request updates the next contact of a pool, with the version it holds (an update must
    // name the version it read); a pool of 100 keeps concurrent requests off each other's contacts.
    const neighbour = await o.signUpNeighbour(base);
    const theirs: { id: string; version: number }[] = [];
    for (let i = 0; i < 100; i++) {
      const c = await call('POST', `${base}/api/v1/contacts`, neighbour, { firstName: 'Nora', lastName: `Neighbour ${i}` });
      theirs.push({ id: c.id, version: c.version });
    }
    const target = (pool: { id: string; version: number }[], headers: Auth, label: string) => {
      let n = 0;
      let at = pool[0];
      return {
        url: () => {
          at = pool[n++ % pool.length];
          return `${base}/api/v1/contacts/${at.id}`;
        },
        headers,
        method: 'PATCH' as const,
        body: () => JSON.stringify({ title: `${label} ${n}`, version: at.version++ }),
      };
    };
    const [withRules, without] = await measureInTurn([target(take(100), auth, 'Rules'), target(theirs, neighbour, 'None')], {
      ...o.plan,
      requests: Math.min(o.plan.requests, 300),
    });
    out.push({
      key: 'rules-50',
      label: 'update a contact with 50 active rules ÷ in a workspace without rules',
      api: withRules,
      raw: without,
    });
    return out;
  } finally {
    for (const id of made.webhooks) await call('DELETE', `${base}/api/v1/webhooks/${id}`, auth).catch(() => {});
    for (const id of made.rules) await call('DELETE', `${base}/api/v1/automation/rules/${id}`, auth).catch(() => {});
    receiver.close();
    for (const p of [server, ...workers]) p.kill('SIGTERM');
    await Promise.all([server, ...workers].map((p) => new Promise((r) => (p.exitCode !== null ? r(null) : p.once('exit', r)))));
    await database.query(
      `update contacts c set lifecycle_stage = o.lifecycle_stage, source = o.source, title = o.title
       from jsonb_to_recordset($2::jsonb) as o(id uuid, lifecycle_stage text, source text, title text)
       where c.workspace_id = $1 and c.id = o.id`,
      [ws, JSON.stringify(touched)],
    );
    await database.close();
  }
}
