import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from '../db/client.ts';

/** The newest migration this build carries (its journal's time): a database behind it is not ready for this code. */
const newestMigration = (() => {
  const journal = path.join(path.dirname(fileURLToPath(import.meta.url)), '../db/migrations/meta/_journal.json');
  const entries = (JSON.parse(readFileSync(journal, 'utf8')) as { entries: { when: number; tag: string }[] }).entries;
  return entries[entries.length - 1];
})();

export interface Readiness {
  ready: boolean;
  /** Why not, for the operator (never data). */
  reason?: string;
}

/**
 * Whether this process can serve: the database answers, and holds every migration this build knows
 * (drizzle records each applied one with its journal time). A process started before a newer one
 * migrated stays ready; one whose database is behind it is not.
 */
export async function readiness(database: Database): Promise<Readiness> {
  try {
    const [row] = await database.query<{ at: string | null }>('select max(created_at)::text as at from drizzle.__drizzle_migrations');
    if (!row?.at || Number(row.at) < newestMigration.when) {
      return { ready: false, reason: `migrations are not current (this build needs ${newestMigration.tag}): run rapport migrate` };
    }
    return { ready: true };
  } catch (err) {
    const missing = (err as { code?: string }).code === '42P01';
    return { ready: false, reason: missing ? 'the database has no migrations yet: run rapport migrate' : 'the database does not answer' };
  }
}

const send = (res: http.ServerResponse, status: number, body: object) => {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
};

/**
 * `/health` and `/ready` for a process without the app's HTTP server (`rapport worker`), on
 * RAPPORT_HEALTH_PORT: what an orchestrator probes to restart a stuck worker or hold one back
 * until the database is migrated. Nothing else is served.
 */
export async function startHealthServer(database: Database, port: number, host = '127.0.0.1') {
  const server = http.createServer((req, res) => {
    const url = (req.url ?? '').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, { error: 'method not allowed' });
    if (url === '/health') return send(res, 200, { status: 'ok' });
    if (url === '/ready') {
      readiness(database).then(
        (r) => send(res, r.ready ? 200 : 503, r.ready ? { status: 'ready' } : { status: 'not ready', reason: r.reason }),
        () => send(res, 503, { status: 'not ready' }),
      );
      return;
    }
    send(res, 404, { error: 'not found' });
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  return {
    port: (server.address() as { port: number }).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
