import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const web = fileURLToPath(new URL('..', import.meta.url));

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** True when web/dist is missing or older than web/src, index.html, the Vite config or this build recipe. */
export function webBuildIsStale() {
  const index = join(web, 'dist', 'index.html');
  if (!existsSync(index)) return true;
  const built = statSync(index).mtimeMs;
  const sources = Math.max(
    newest(join(web, 'src')),
    statSync(join(web, 'index.html')).mtimeMs,
    statSync(join(web, 'vite.config.ts')).mtimeMs,
    // A change here (how the app is built) makes a new build too.
    statSync(fileURLToPath(import.meta.url)).mtimeMs,
  );
  return sources > built;
}

/** Builds the web app with Vite when it is missing or stale; prints what it does. */
export function ensureWebBuilt(log: (s: string) => void = console.log) {
  if (!webBuildIsStale()) return false;
  log('rapport: building the web app (web/dist is missing or older than web/src)…');
  execFileSync(
    process.execPath,
    [join(web, '..', 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', join(web, 'vite.config.ts'), '--logLevel', 'warn'],
    {
      stdio: 'inherit',
      // Vite bundles the React build that NODE_ENV names. Under vitest (the e2e harness builds the app)
      // NODE_ENV is "test", which gave a development React: owner stacks on every element, every list
      // frame several times slower.
      env: { ...process.env, NODE_ENV: 'production' },
    },
  );
  log('rapport: web app built into web/dist');
  return true;
}
