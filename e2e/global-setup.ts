import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { ensureWebBuilt } from '../web/scripts/ensure-built.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** An embedded database with every migration applied, copied for each server the specs start. */
    e2eTemplateDir: string;
  }
}

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Once for the whole browser suite: the web build, and a database migrated by `rapport migrate` as a
 * person would. Each spec's server starts on a copy of it instead of migrating from zero again, which
 * cost each of ~40 specs several seconds (and a slow CI machine half a minute).
 */
export default async function setup(project: TestProject) {
  ensureWebBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'rapport-e2e-template-'));
  const child = spawn(process.execPath, [join(root, 'bin', 'rapport.mjs'), 'migrate'], {
    cwd: root,
    env: { ...process.env, RAPPORT_DATA_DIR: dir, DATABASE_URL: '', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const code = await new Promise((r) => child.once('exit', r));
  if (code !== 0) throw new Error(`rapport migrate exited with ${code}`);
  project.provide('e2eTemplateDir', dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
