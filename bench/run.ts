import { type ChildProcess, execSync, spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../server/config.ts';
import { openDatabase } from '../server/db/client.ts';
import { loadDataset } from './dataset.ts';
import { getJson, measure, type Stats } from './measure.ts';

// `npm run bench [-- --contacts 100000 --quick --db pglite|postgres]`
// Loads a workspace, starts a real server process (pinned to core 0 where taskset exists),
// drives it from this process (core 1), and writes bench/RESULTS.md.

const root = path.resolve(import.meta.dirname, '..');
const { values } = parseArgs({
  options: {
    contacts: { type: 'string' },
    quick: { type: 'boolean', default: false },
    db: { type: 'string' },
    out: { type: 'string', default: path.join(root, 'bench/RESULTS.md') },
  },
});
const quick = values.quick;
const contacts = Number(values.contacts ?? (quick ? 10_000 : 100_000));
const pgUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
const kinds = (values.db ? [values.db] : ['pglite', ...(pgUrl ? ['postgres'] : [])]) as ('pglite' | 'postgres')[];
const plan = quick ? { requests: 200, seconds: 2, connections: 8 } : { requests: 2000, seconds: 8, connections: 8 };
const hasTaskset = (() => {
  try {
    execSync('taskset -cp 1 ' + process.pid, { stdio: 'ignore' });
    return os.cpus().length > 1;
  } catch {
    return false;
  }
})();

async function startServer(env: Record<string, string>, port: number): Promise<ChildProcess> {
  const cmd = hasTaskset ? 'taskset' : process.execPath;
  const args = [...(hasTaskset ? ['-c', '0', process.execPath] : []), path.join(root, 'bin/rapport.mjs'), 'serve'];
  const child = spawn(cmd, args, {
    env: { ...process.env, ...env, PORT: String(port), LOG_LEVEL: 'warn', RAPPORT_BENCH_ROUTES: '1', RAPPORT_SCRYPT_LOG_N: '14' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < 300; i++) {
    try {
      await getJson(`http://127.0.0.1:${port}/api/health`);
      return child;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error('server did not start');
}

interface Row {
  db: string;
  workload: string;
  api: Stats;
  raw: Stats | null;
}

async function runOn(kind: 'pglite' | 'postgres'): Promise<{ rows: Row[]; loadSeconds: number; idleRssMb: number }> {
  const config = loadConfig({ RAPPORT_SCRYPT_LOG_N: '14' });
  const dataDir = path.join(root, 'bench/.data', `pglite-${contacts}`);
  if (kind === 'pglite') {
    rmSync(dataDir, { recursive: true, force: true });
    mkdirSync(dataDir, { recursive: true });
  }
  const db = await openDatabase(kind === 'postgres' ? { databaseUrl: pgUrl } : { dataDir });
  await db.migrate();
  const t0 = Date.now();
  const ds = await loadDataset(db, config, contacts);
  const loadSeconds = (Date.now() - t0) / 1000;
  await db.close();
  console.log(`[${kind}] loaded ${contacts} contacts in ${loadSeconds.toFixed(1)} s`);

  const port = 21000 + Math.floor(Math.random() * 10000);
  const server = await startServer(kind === 'postgres' ? { DATABASE_URL: String(pgUrl) } : { RAPPORT_DATA_DIR: dataDir }, port);
  const base = `http://127.0.0.1:${port}`;
  try {
    const login = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: ds.email, password: ds.password }),
    });
    const cookie = String(login.headers.get('set-cookie')).split(';')[0];
    const auth = { cookie };
    const filter = encodeURIComponent(JSON.stringify({ field: 'ownerId', op: 'eq', value: ds.busiestOwnerId }));
    const listApi = `${base}/api/v1/contacts?limit=50&sort=-updatedAt&filter=${filter}`;
    const listRaw = `${base}/api/bench/raw/contacts?workspaceId=${ds.workspaceId}&ownerId=${ds.busiestOwnerId}&limit=50`;
    // Both sides must do the same work: the same 50 people, in the same order, with their companies.
    const a = await getJson(listApi, auth);
    const r = await getJson(listRaw);
    const ids = (x: { data: { id: string }[] }) => x.data.map((c) => c.id).join();
    if (ids(a) !== ids(r) || a.data.length !== 50) throw new Error('API and raw SQL disagree on the list');
    if (
      JSON.stringify(a.data[0].companies?.map((c: { companyId: string }) => c.companyId)) !==
      JSON.stringify(r.data[0].companies.map((c: { companyId: string }) => c.companyId))
    ) {
      throw new Error('API and raw SQL disagree on companies');
    }
    let i = 0;
    const nextId = () => ds.sampleContactIds[i++ % ds.sampleContactIds.length];
    const rows: Row[] = [];
    const idleRssMb = Number(execSync(`ps -o rss= -p ${server.pid}`).toString().trim().split('\n').at(-1)) / 1024;
    rows.push({
      db: kind,
      workload: 'empty route (framework ceiling)',
      api: await measure(() => `${base}/api/bench/empty`, {}, plan),
      raw: null,
    });
    rows.push({
      db: kind,
      workload: 'list 50 contacts by owner, newest first',
      api: await measure(() => listApi, auth, plan),
      raw: await measure(() => listRaw, {}, plan),
    });
    rows.push({
      db: kind,
      workload: 'read one contact with its companies',
      api: await measure(() => `${base}/api/v1/contacts/${nextId()}`, auth, plan),
      raw: await measure(() => `${base}/api/bench/raw/contacts/${nextId()}?workspaceId=${ds.workspaceId}`, {}, plan),
    });
    return { rows, loadSeconds, idleRssMb };
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    if (kind === 'pglite') rmSync(dataDir, { recursive: true, force: true });
  }
}

const f2 = (n: number) => n.toFixed(2);
const results: { kind: string; rows: Row[]; loadSeconds: number; idleRssMb: number }[] = [];
for (const kind of kinds) results.push({ kind, ...(await runOn(kind)) });

const commit = (() => {
  try {
    return execSync('git rev-parse --short HEAD', { cwd: root }).toString().trim();
  } catch {
    return 'unknown';
  }
})();
const lines = [
  '# Benchmark results',
  '',
  `Run ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC at commit \`${commit}\`, ${contacts.toLocaleString('en')} contacts${quick ? ' (quick)' : ''}.`,
  `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}; server ${hasTaskset ? 'pinned to core 0, load generator to core 1' : 'not pinned'}.`,
  `Latency: ${plan.requests} sequential requests over one kept-alive connection. Throughput: ${plan.connections} connections for ${plan.seconds} s (autocannon).`,
  'API = the real route with session auth, filter, mapping and serialisation; raw = one hand-written SQL query on the same server, driver and database. Goal: API p50 ≤ 1.5 × raw on PostgreSQL.',
  '',
  '| database | workload | API p50 ms | API p99 ms | raw p50 ms | raw p99 ms | API ÷ raw (p50) | API req/s | raw req/s |',
  '|---|---|---:|---:|---:|---:|---:|---:|---:|',
  ...results.flatMap((res) =>
    res.rows.map(
      (r) =>
        `| ${r.db} | ${r.workload} | ${f2(r.api.p50)} | ${f2(r.api.p99)} | ${r.raw ? f2(r.raw.p50) : '–'} | ${r.raw ? f2(r.raw.p99) : '–'} | ${r.raw ? `**${f2(r.api.p50 / r.raw.p50)}×**` : '–'} | ${Math.round(r.api.rps)} | ${r.raw ? Math.round(r.raw.rps) : '–'} |`,
    ),
  ),
  '',
  ...results.map(
    (r) => `- ${r.kind}: dataset loaded in ${r.loadSeconds.toFixed(1)} s; server RSS at idle after load ${r.idleRssMb.toFixed(0)} MB.`,
  ),
  '',
];
writeFileSync(values.out, lines.join('\n'));
console.log(lines.join('\n'));
process.exit(0);
