import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/client.ts';
import { testApp, testDatabase } from '../test/harness.ts';
import { readiness, startHealthServer } from './health.ts';

// /health says the process answers; /ready that its database answers and holds this build's
// migrations. An embedded database of its own shows the states a shared test database never is in.

const fresh = await openDatabase({ dataDir: 'memory://' });
afterAll(() => fresh.close());

describe('health and readiness', () => {
  it('answers alive and ready on the app, without credentials or caching', async () => {
    const app = await testApp();
    const alive = await app.inject({ method: 'GET', url: '/health' });
    expect(alive.statusCode).toBe(200);
    expect(alive.json()).toEqual({ status: 'ok' });
    expect(alive.headers['cache-control']).toBe('no-store');
    const ready = await app.inject({ method: 'GET', url: '/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready' });
  });

  it('is not ready before the migrations, nor when the database is behind this build', async () => {
    expect(await readiness(fresh)).toEqual({ ready: false, reason: 'the database has no migrations yet: run rapport migrate' });
    await fresh.migrate();
    expect(await readiness(fresh)).toEqual({ ready: true });
    // The newest migration undone in the record: a process of a newer build meets an older database.
    await fresh.query(
      'delete from drizzle.__drizzle_migrations where created_at = (select max(created_at) from drizzle.__drizzle_migrations)',
    );
    const behind = await readiness(fresh);
    expect(behind.ready).toBe(false);
    expect(behind.reason).toMatch(/^migrations are not current \(this build needs \d{4}_\w+\): run rapport migrate$/);
  });

  it('serves both to a worker’s probe on a port of its own, and nothing else', async () => {
    const server = await startHealthServer(await testDatabase(), 0);
    try {
      const at = (p: string, method = 'GET') => fetch(`http://127.0.0.1:${server.port}${p}`, { method });
      expect((await at('/health')).status).toBe(200);
      const ready = await at('/ready');
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: 'ready' });
      expect((await at('/api/v1/contacts')).status).toBe(404);
      expect((await at('/health', 'POST')).status).toBe(405);
      // A database behind the build: the worker is alive but not ready.
      const behind = await startHealthServer(fresh, 0);
      try {
        const r = await fetch(`http://127.0.0.1:${behind.port}/ready`);
        expect(r.status).toBe(503);
        expect(((await r.json()) as { status: string }).status).toBe('not ready');
        expect((await fetch(`http://127.0.0.1:${behind.port}/health`)).status).toBe(200);
      } finally {
        await behind.close();
      }
    } finally {
      await server.close();
    }
  });
});
