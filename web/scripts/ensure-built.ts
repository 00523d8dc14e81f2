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

/** True when web/dist is missing or older than web/src, the chat widget, index.html, the Vite config or this build recipe. */
export function webBuildIsStale() {
  const index = join(web, 'dist', 'index.html');
  if (!existsSync(index) || !existsSync(join(web, 'dist', 'widget', 'chat.js'))) return true;
  const built = Math.min(statSync(index).mtimeMs, statSync(join(web, 'dist', 'widget', 'chat.js')).mtimeMs);
  const sources = Math.max(
    newest(join(web, 'src')),
    newest(join(web, 'widget')),
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
  // The web app, then the chat widget beside it (web/dist/widget/chat.js, served at /chat/widget.js).
  for (const config of [join(web, 'vite.config.ts'), join(web, 'widget', 'vite.config.ts')]) {
    execFileSync(
      process.execPath,
      [join(web, '..', 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', config, '--logLevel', 'warn'],
      {
        stdio: 'inherit',
        // Vite bundles the React build that NODE_ENV names. Under vitest (the e2e harness builds the app)
        // NODE_ENV is "test", which gave a development React: owner stacks on every element, every list
        // frame several times slower.
        env: { ...process.env, NODE_ENV: 'production' },
      },
    );
  }
  log('rapport: web app built into web/dist');
  return true;
}
