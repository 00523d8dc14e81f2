import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { directUrlOf } from './db-kind.ts';

// Real `rapport worker` processes for the PostgreSQL tests that need several of them: a database of
// their own (so no other test's jobs run in them), started with the env a test gives, stopped at the end.

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The test database's name + `_<suffix>`, created when missing: its URL. */
export async function ownDatabase(suffix: string) {
  const base = new URL(process.env.TEST_DATABASE_URL as string);
  const name = `${base.pathname.slice(1)}_${suffix}`;
  const admin = new pg.Client({ connectionString: directUrlOf(base.toString()) ?? base.toString() });
  await admin.connect();
  const exists = await admin.query('select 1 from pg_database where datname = $1', [name]);
  if (!exists.rowCount) await admin.query(`create database "${name.replace(/"/g, '')}"`);
  await admin.end();
  base.pathname = `/${name}`;
  return base.toString();
}

/** The test database's name + `_<suffix>`, dropped if it exists and made anew, empty: its URL. */
export async function freshDatabase(suffix: string) {
  const base = new URL(process.env.TEST_DATABASE_URL as string);
  const name = `${base.pathname.slice(1)}_${suffix}`;
  const admin = new pg.Client({ connectionString: directUrlOf(base.toString()) ?? base.toString() });
  await admin.connect();
  try {
    const ident = `"${name.replace(/"/g, '""')}"`;
    await admin.query(`drop database if exists ${ident} with (force)`);
    await admin.query(`create database ${ident}`);
  } finally {
    await admin.end();
  }
  base.pathname = `/${name}`;
  return base.toString();
}

export const alive = (c: ChildProcess) => c.exitCode === null && c.signalCode === null;

/** Stops a process and waits until it is gone (SIGKILL for a worker killed mid-work). */
export async function stop(c: ChildProcess, signal: NodeJS.Signals = 'SIGTERM') {
  if (!alive(c)) return;
  const gone = new Promise((r) => c.once('exit', r));
  c.kill(signal);
  await gone;
}

/** Starts worker processes with the given env; `stopAll` ends every one started. */
export function workerPool(env: () => Record<string, string>) {
  const children: ChildProcess[] = [];
  return {
    start() {
      const child = spawn(process.execPath, [`${root}bin/rapport.mjs`, 'worker'], {
        cwd: root,
        env: { ...process.env, LOG_LEVEL: 'error', ...env() },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      children.push(child);
      return child;
    },
    stopAll: () => Promise.all(children.map((c) => stop(c))),
  };
}
