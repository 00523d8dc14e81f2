import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseEnv, dbKind } from './test/db-kind.ts';
import { ownDatabase, stop, workerPool } from './test/processes.ts';

// Many processes over one PostgreSQL server, as a team deploys Rapport beyond one process: two
// `rapport serve` processes that run no jobs (A and B, as behind a load balancer) and two
// `rapport worker` processes. What a user does through one server holds on the other: the session,
// the login rate limit, live updates; background work runs once, on the workers. In CI this file,
// like the whole PostgreSQL project, goes through PgBouncer in transaction mode.

const root = path.resolve(import.meta.dirname, '..');
const LIMIT = 4;
let url = '';
const servers: ChildProcess[] = [];
const workers = workerPool(() => ({ ...databaseEnv(url), RAPPORT_JOB_LEASE_MS: '3000' }));
const ports: number[] = [];

async function serve(port: number) {
  const child = spawn(process.execPath, [path.join(root, 'bin/rapport.mjs'), 'serve'], {
    cwd: root,
    env: {
      ...process.env,
      ...databaseEnv(url),
      PORT: String(port),
      LOG_LEVEL: 'error',
      RAPPORT_JOB_CONCURRENCY: '0',
      RAPPORT_SCRYPT_LOG_N: '10',
      RAPPORT_LOGIN_RATE_LIMIT: String(LIMIT),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  servers.push(child);
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server on ${port} exited with ${child.exitCode}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/ready`)).ok) return;
    } catch {}
    if (Date.now() > deadline) throw new Error(`server on ${port} did not start`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const base = (server: 0 | 1) => `http://127.0.0.1:${ports[server]}/api/v1`;

interface Auth {
  cookie: string;
  'x-csrf-token': string;
}

async function signUp(server: 0 | 1, email: string, password: string): Promise<Auth> {
  const r = await fetch(`${base(server)}/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Multi', email, password, workspaceName: 'Two servers' }),
  });
  expect(r.status, await r.clone().text()).toBe(201);
  return {
    cookie: String(r.headers.get('set-cookie')).split(';')[0],
    'x-csrf-token': ((await r.json()) as { csrfToken: string }).csrfToken,
  };
}

const send = (server: 0 | 1, auth: Auth, method: string, p: string, body?: unknown, type = 'application/json') =>
  fetch(`${base(server)}${p}`, {
    method,
    headers: { ...auth, ...(body === undefined ? {} : { 'content-type': type }) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });

beforeAll(async () => {
  if (dbKind !== 'postgres') return;
  url = await ownDatabase('procs');
  const first = 20000 + Math.floor(Math.random() * 20000);
  ports.push(first, first + 1);
  // A first, alone: it migrates the new database; B and the workers then find it current.
  await serve(ports[0]);
  await serve(ports[1]);
  workers.start();
  workers.start();
}, 120_000);

afterAll(async () => {
  await Promise.all(servers.map((c) => stop(c)));
  await workers.stopAll();
});

describe('two servers and two workers over one database', () => {
  it('run on PostgreSQL (this file is in the postgres project only)', () => expect(dbKind).toBe('postgres'));

  it('keep a session made on one server on the other, and end it on both when it ends on one', async () => {
    const auth = await signUp(0, `both.${Date.now()}@example.test`, 'a session on two servers');
    const created = await send(1, auth, 'POST', '/contacts', { firstName: 'Bea', lastName: 'Bothways' });
    expect(created.status, await created.clone().text()).toBe(201);
    const id = ((await created.json()) as { id: string }).id;
    expect((await send(0, auth, 'GET', `/contacts/${id}`)).status).toBe(200);
    expect((await send(1, auth, 'POST', '/auth/logout', {})).status).toBeLessThan(300);
    expect((await send(0, auth, 'GET', `/contacts/${id}`)).status).toBe(401);
  });

  it('count failed sign-ins against one limit, whichever server they reach', async () => {
    const email = `limit.${Date.now()}@example.test`;
    await signUp(0, email, 'the right password');
    const statuses: number[] = [];
    for (let i = 0; i <= LIMIT; i++) {
      const r = await fetch(`${base(i % 2 === 0 ? 0 : 1)}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password: `wrong ${i}` }),
      });
      statuses.push(r.status);
    }
    // LIMIT tries answered (wrong password), the next refused, though each server saw only half of them.
    expect(statuses.slice(0, LIMIT).every((s) => s === 401)).toBe(true);
    expect(statuses[LIMIT]).toBe(429);
  });

  it('tell a page connected to one server of a change made through the other', async () => {
    const auth = await signUp(0, `live.${Date.now()}@example.test`, 'live across servers');
    const stream = await fetch(`${base(1)}/live?seconds=20`, { headers: { ...auth, accept: 'text/event-stream' } });
    expect(stream.status).toBe(200);
    const reader = (stream.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = '';
    const until = async (done: (t: string) => boolean) => {
      while (!done(text)) {
        const { value, done: ended } = await reader.read();
        if (ended) throw new Error(`the stream ended: ${text}`);
        text += decoder.decode(value, { stream: true });
      }
    };
    await until((t) => t.includes('event: ready'));
    const created = await send(0, auth, 'POST', '/companies', { name: 'Made on A' });
    expect(created.status).toBe(201);
    const id = ((await created.json()) as { id: string }).id;
    await until((t) => t.includes(id));
    const change = text
      .split('\n\n')
      .find((block) => block.includes(id))
      ?.split('\n')
      .find((l) => l.startsWith('data: '));
    expect(JSON.parse((change as string).slice(6))).toMatchObject({ type: 'company.created', recordType: 'company', recordId: id });
    await reader.cancel();
  });

  it('run background work once, on the workers: an import sent to one server, read on the other', async () => {
    const auth = await signUp(0, `import.${Date.now()}@example.test`, 'an import across processes');
    const rows = 300;
    const domain = `import${Date.now()}.example`;
    const csv = ['first_name,last_name,email', ...Array.from({ length: rows }, (_, i) => `Imp,Row${i},row${i}@${domain}`)].join('\n');
    const started = await send(0, auth, 'POST', '/imports/contacts?dedupe=skip', `${csv}\n`, 'text/csv');
    expect(started.status, await started.clone().text()).toBeLessThan(300);
    const importId = ((await started.json()) as { importId: string }).importId;
    let status = '';
    for (let i = 0; i < 300 && status !== 'completed'; i++) {
      const r = (await (await send(1, auth, 'GET', `/imports/${importId}`)).json()) as { status: string };
      status = r.status;
      if (status === 'failed') throw new Error('the import failed');
      if (status !== 'completed') await new Promise((r) => setTimeout(r, 200));
    }
    expect(status).toBe('completed');
    // Every row once: a job run twice would have doubled rows or counted them skipped as duplicates.
    const summary = (await (await send(1, auth, 'GET', `/imports/${importId}`)).json()) as Record<string, unknown>;
    expect(JSON.stringify(summary)).toContain(`"created":${rows}`);
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    try {
      const { rows: found } = await db.query<{ n: number; people: number }>(
        `select count(*)::int as n, count(distinct last_name)::int as people from contacts where first_name = 'Imp' and emails->0->>'value' like $1`,
        [`%@${domain}`],
      );
      expect(found[0]).toEqual({ n: rows, people: rows });
    } finally {
      await db.end();
    }
  });
});
