import type { LightMyRequestResponse } from 'fastify';
import { buildApp } from '../app.ts';
import { loadConfig } from '../config.ts';
import { type Database, openDatabase } from '../db/client.ts';
import type { App } from '../http/typed-app.ts';
import { startWorker } from '../jobs/start.ts';
import type { Worker } from '../jobs/worker.ts';
import { wireRecordEngine } from '../modules/registry.ts';
import { configureOutbound } from '../outbound/request.ts';
import { configureKeyring, parseKeys } from '../security/keyring.ts';
import { databaseEnv, dbKind, directUrlOf, onCitus } from './db-kind.ts';

// One fixed key for every test process: on PostgreSQL a secret one process stored may be read by
// another's worker. Production keys come from the environment or the data directory's key file.
configureKeyring(parseKeys(`test:${Buffer.alloc(32, 7).toString('base64')}`, 'tests'));

// One database and one app per test worker, shared by every file the worker runs (vitest.config.ts
// turns isolation off: PGlite's boot, the migrations and the app's start cost seconds a file). Every
// test makes its own workspace, so tests never see each other's data — the tenant key isolates them
// as it does customers.

export { databaseEnv, dbKind, onCitus };

let database: Promise<Database> | undefined;
let app: Promise<App> | undefined;
let worker: Promise<Worker> | undefined;

export function testDatabase() {
  // Tests that call services without the app need the engine wired as the app does it.
  wireRecordEngine();
  database ??= (async () => {
    const url = dbKind === 'postgres' ? process.env.TEST_DATABASE_URL : undefined;
    if (dbKind === 'postgres' && !url) throw new Error('RAPPORT_TEST_DB=postgres needs TEST_DATABASE_URL');
    const d = await openDatabase({ databaseUrl: url, directUrl: directUrlOf(url), dataDir: 'memory://', poolSize: 5 });
    await d.migrate();
    return d;
  })();
  return database;
}

/**
 * What one test file leaves that would hold up or break the next one on the same database and app
 * (server/test/per-file.ts calls this before every file): jobs still due — a mailbox sync whose
 * test mail server is gone, a retry on another file's clock — and mailboxes due for a sync. Every
 * file's tests make workspaces of their own, so their data stays; only the shared queue is emptied.
 */
export async function startFileAfresh() {
  const d = await testDatabase();
  // The previous file's jobs still running in this process (a sync against a mail server its
  // afterAll stopped) are stopped with their worker; a new worker takes this file's jobs.
  const running = worker;
  if (running) await (await running).stop(2_000);
  await d.query(`delete from jobs where status in ('queued', 'running')`);
  // Every workspace's mailboxes: on Citus a query over all shards, allowed here by name.
  if (onCitus)
    await d.query(`begin; set local citus.multi_task_query_log_level to off;
      update mailboxes set next_sync_at = null where next_sync_at is not null; commit`);
  else await d.query('update mailboxes set next_sync_at = null where next_sync_at is not null');
  // A file may have narrowed or widened the outbound policy (email.pg.test.ts); the next starts from the tests' own.
  if (app) configureOutbound(testOutbound);
  if (running) worker = startTestWorker(d);
}

const startTestWorker = (database: Database) =>
  startWorker(database, { ...testConfig(), jobLeaseMs: 30_000 }, { info() {}, warn() {}, error() {} });

const testOutbound = { allow: '127.0.0.0/8,::1', totalMs: 3_000, connectMs: 2_000 };

export const testConfig = () => ({
  ...loadConfig({}),
  // Cheap hashing in tests: every test signs people up. Production uses 2^17.
  scryptLogN: 10,
  loginRateLimit: 10_000,
  logLevel: 'silent',
  // The sync tests drive each sync themselves; idle.test.ts starts its own IDLE watchers.
  emailIdle: false,
});

export function testApp() {
  app ??= (async () => {
    const database = await testDatabase();
    const a = await buildApp(testConfig(), database, { logger: false });
    await a.ready();
    // Test receivers of webhooks listen on loopback, which an operator must allow: tests are that
    // operator. Every test process allows it, since on PostgreSQL any process's worker may take a
    // delivery; a short time-out keeps a test of a receiver that never answers short.
    configureOutbound(testOutbound);
    // Imports and other jobs run as they do under `npm start`: in this process, beside the app.
    worker = startTestWorker(database);
    await worker;
    return a;
  })();
  return app;
}

let listening: Promise<string> | undefined;

/**
 * The test app on a real port (tests that speak HTTP over a socket: server-sent events, CORS), its
 * base URL. Listens once per test process and stays up for every file after it: a Fastify app
 * cannot listen again once closed, and the app is shared across files.
 */
export function testAppUrl() {
  listening ??= testApp().then((a) => a.listen({ port: 0, host: '127.0.0.1' }));
  return listening;
}

export interface Session {
  workspaceId: string;
  memberId: string;
  email: string;
  password: string;
  /** Headers that authenticate as this member, CSRF token included. */
  headers: Record<string, string>;
}

let seq = 0;
export const uniqueEmail = (prefix = 'user') => `${prefix}.${Date.now().toString(36)}.${process.pid}.${++seq}@example.test`;

export function cookieOf(res: LightMyRequestResponse) {
  const set = res.headers['set-cookie'];
  const first = (Array.isArray(set) ? set[0] : set) ?? '';
  return first.split(';')[0];
}

/** Signs up a new workspace owner and returns their credentials. */
export async function signUp(opts: { name?: string; workspaceName?: string } = {}): Promise<Session> {
  const a = await testApp();
  const email = uniqueEmail();
  const password = 'correct horse battery';
  const res = await a.inject({
    method: 'POST',
    url: '/api/v1/auth/signup',
    payload: { name: opts.name ?? 'Olive Owner', email, password, workspaceName: opts.workspaceName ?? 'Acme Test' },
  });
  if (res.statusCode !== 201) throw new Error(`signup failed: ${res.statusCode} ${res.body}`);
  const body = res.json();
  return {
    workspaceId: body.workspace.id,
    memberId: body.member.id,
    email,
    password,
    headers: { cookie: cookieOf(res), 'x-csrf-token': body.csrfToken },
  };
}

/**
 * `s` while its session still reads (a plain list of contacts), else a fresh sign-up: for suites that
 * share a session across routes whose own calls may sign it out or bar it (two-factor demanded).
 */
export async function stillSignedIn(s: Session | null, opts: { workspaceName?: string } = {}): Promise<Session> {
  if (s) {
    const r = await (await testApp()).inject({ method: 'GET', url: '/api/v1/contacts?limit=1', headers: s.headers });
    if (r.statusCode === 200) return s;
  }
  return signUp(opts);
}

/** Invites and signs in another member of `owner`'s workspace with the given role. */
export async function addMember(owner: Session, role: 'admin' | 'member' | 'read-only', name = `${role} person`): Promise<Session> {
  const a = await testApp();
  const email = uniqueEmail(role.replace('-', ''));
  const inv = await a.inject({ method: 'POST', url: '/api/v1/invitations', headers: owner.headers, payload: { email, role } });
  if (inv.statusCode !== 201) throw new Error(`invite failed: ${inv.statusCode} ${inv.body}`);
  const password = 'another fine password';
  const res = await a.inject({
    method: 'POST',
    url: '/api/v1/auth/accept-invitation',
    payload: { token: inv.json().token, name, password },
  });
  if (res.statusCode !== 200) throw new Error(`accept failed: ${res.statusCode} ${res.body}`);
  const body = res.json();
  return {
    workspaceId: body.workspace.id,
    memberId: body.member.id,
    email,
    password,
    headers: { cookie: cookieOf(res), 'x-csrf-token': body.csrfToken },
  };
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** A small client bound to one session: `api(s).post('/companies', {...})`. */
export function api(s: Session | null) {
  const call = async (method: Method, url: string, payload?: unknown, headers: Record<string, string> = {}) => {
    const a = await testApp();
    return a.inject({ method, url: `/api/v1${url}`, headers: { ...(s?.headers ?? {}), ...headers }, payload: payload as never });
  };
  return {
    get: (url: string, headers?: Record<string, string>) => call('GET', url, undefined, headers),
    post: (url: string, body?: unknown, headers?: Record<string, string>) => call('POST', url, body ?? {}, headers),
    patch: (url: string, body?: unknown, headers?: Record<string, string>) => call('PATCH', url, body ?? {}, headers),
    put: (url: string, body?: unknown, headers?: Record<string, string>) => call('PUT', url, body ?? {}, headers),
    delete: (url: string, headers?: Record<string, string>) => call('DELETE', url, undefined, headers),
  };
}

/** Rows of a table in one workspace, read straight from the database (to prove nothing was written). */
export async function countRows(table: string, workspaceId: string) {
  const d = await testDatabase();
  const [row] = await d.query<{ n: number }>(`select count(*)::int as n from ${table} where workspace_id = $1`, [workspaceId]);
  return Number(row.n);
}
