import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
// Not the harness: this test starts servers of its own and needs no test database.
import { databaseEnv, dbKind } from './test/db-kind.ts';

// Restart safety: a real server process takes concurrent creates, is killed with SIGKILL in the
// middle of them, and is started again on the same data. Every create it acknowledged must be there.

const root = path.resolve(import.meta.dirname, '..');

type Server = ChildProcess & { stderrText: () => string; stdoutText: () => string };

function start(env: Record<string, string>, port: number, logLevel = 'warn'): Promise<Server> {
  const child = spawn(process.execPath, [path.join(root, 'bin/rapport.mjs'), 'serve'], {
    cwd: root,
    env: { ...process.env, ...env, PORT: String(port), LOG_LEVEL: logLevel, RAPPORT_SCRYPT_LOG_N: '10', RAPPORT_LOGIN_RATE_LIMIT: '1000' },
    stdio: ['ignore', 'pipe', 'pipe'],
  }) as Server;
  // Kept so that a test can wait for what the server logs, and a failing one can say what it said.
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => {
    stdout += d;
  });
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  child.stderrText = () => stderr;
  child.stdoutText = () => stdout;
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + 60_000;
    const poll = async () => {
      if (child.exitCode !== null) return reject(new Error(`server exited with ${child.exitCode}`));
      try {
        if ((await fetch(`http://127.0.0.1:${port}/api/health`)).ok) return resolve(child);
      } catch {}
      if (Date.now() > deadline) return reject(new Error('server did not start'));
      setTimeout(poll, 200);
    };
    poll();
  });
}

const killed = (child: ChildProcess) => new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));

describe('restart safety', () => {
  it('keeps every acknowledged write across kill -9', { timeout: 180_000 }, async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rapport-kill-'));
    const env: Record<string, string> = dbKind === 'postgres' ? databaseEnv() : { RAPPORT_DATA_DIR: path.join(dir, 'data') };
    const port = 20000 + Math.floor(Math.random() * 20000);
    const base = `http://127.0.0.1:${port}/api/v1`;
    try {
      let server = await start(env, port);
      const email = `kill.${Date.now()}@example.test`;
      const password = 'kill test password';
      const signup = await fetch(`${base}/auth/signup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'K', email, password, workspaceName: 'Kill' }),
      });
      expect(signup.status).toBe(201);
      const cookie = String(signup.headers.get('set-cookie')).split(';')[0];
      const csrf = ((await signup.json()) as { csrfToken: string }).csrfToken;
      const acked: string[] = [];
      let stop = false;
      // Eight writers create companies as fast as they can; the server dies under them.
      const writer = async (w: number) => {
        for (let i = 0; !stop; i++) {
          try {
            const r = await fetch(`${base}/companies`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrf },
              body: JSON.stringify({ name: `W${w}-${i}` }),
            });
            if (r.status === 201) acked.push(((await r.json()) as { id: string }).id);
          } catch {
            return; // the connection died with the server
          }
        }
      };
      const writers = Array.from({ length: 8 }, (_, w) => writer(w));
      while (acked.length < 40) await new Promise((r) => setTimeout(r, 20));
      server.kill('SIGKILL');
      await killed(server);
      stop = true;
      await Promise.all(writers);
      server = await start(env, port);
      try {
        const login = await fetch(`${base}/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email, password }),
        });
        const cookie2 = String(login.headers.get('set-cookie')).split(';')[0];
        const missing: string[] = [];
        for (const id of acked) {
          const r = await fetch(`${base}/companies/${id}`, { headers: { cookie: cookie2 } });
          if (r.status !== 200) missing.push(id);
        }
        expect(acked.length).toBeGreaterThanOrEqual(40);
        expect(missing).toEqual([]);
      } finally {
        server.kill('SIGTERM');
        await killed(server);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stops cleanly on SIGTERM, finishing the request in flight', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rapport-term-'));
    const env: Record<string, string> = dbKind === 'postgres' ? databaseEnv() : { RAPPORT_DATA_DIR: path.join(dir, 'data') };
    const port = 20000 + Math.floor(Math.random() * 20000);
    try {
      const server = await start(env, port, 'info');
      const exited = new Promise<number | null>((r) => server.once('exit', (code) => r(code)));
      // The signal goes only once the server has logged the request as started (Fastify refuses
      // new requests with 503 once closing): a fixed delay was a race on a busy machine.
      const inFlight = fetch(`http://127.0.0.1:${port}/api/v1/auth/signup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'T', email: `term.${Date.now()}@example.test`, password: 'term test password', workspaceName: 'T' }),
      });
      const deadline = Date.now() + 30_000;
      while (!/"url":"\/api\/v1\/auth\/signup"/.test(server.stdoutText())) {
        if (Date.now() > deadline) throw new Error('the server never logged the request');
        await new Promise((r) => setTimeout(r, 5));
      }
      server.kill('SIGTERM');
      expect((await inFlight).status).toBe(201);
      expect(await exited, server.stderrText()).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
