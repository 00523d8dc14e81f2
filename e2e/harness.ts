import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { inject } from 'vitest';

export const chromiumPath = '/usr/lib/chromium/chromium';
export const hasChromium = existsSync(chromiumPath);
const root = fileURLToPath(new URL('..', import.meta.url));
export const screenshotDir = join(root, 'e2e', 'screenshots');

// Under CI a missing browser fails the run; on a laptop without Chromium the browser tests are skipped, loudly.
if (!hasChromium) {
  if (process.env.CI === 'true') throw new Error(`CI=true but Chromium is missing at ${chromiumPath}: apt-get install chromium`);
  console.warn(`e2e: skipped — no Chromium at ${chromiumPath} (apt-get install chromium to run the browser tests)`);
}

function freePort() {
  return new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

export interface Server {
  url: string;
  stop: () => Promise<void>;
}

/**
 * Starts the real server on a free port over a fresh embedded database (the web app is built by
 * e2e/global-setup.ts); with `demo`, seeded first by `rapport seed` as a person would (demo@rapport.local);
 * `env` adds settings (RAPPORT_LIST_COUNT_CAP …).
 */
export async function startServer(opts: { demo?: boolean; env?: Record<string, string> } = {}): Promise<Server> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'rapport-e2e-'));
  // A copy of the suite's migrated database (e2e/global-setup.ts): the server's own migration finds
  // nothing to do. The copy is fresh: no workspace, no member.
  cpSync(inject('e2eTemplateDir'), dataDir, { recursive: true });
  const env = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    RAPPORT_DATA_DIR: dataDir,
    RAPPORT_SCRYPT_LOG_N: '10',
    RAPPORT_LOGIN_RATE_LIMIT: '1000',
    LOG_LEVEL: 'warn',
    DATABASE_URL: '',
    ...opts.env,
  };
  if (opts.demo) {
    const seed = spawn(process.execPath, [join(root, 'bin', 'rapport.mjs'), 'seed'], {
      cwd: root,
      env,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const code = await new Promise((r) => seed.once('exit', r));
    if (code !== 0) throw new Error(`rapport seed exited with ${code}`);
  }
  const child: ChildProcess = spawn(process.execPath, [join(root, 'bin', 'rapport.mjs'), 'serve'], {
    cwd: root,
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/api/health`)).ok) break;
    } catch {}
    if (Date.now() > deadline) throw new Error('the server did not start within 60 s');
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function launch(viewport = { width: 1280, height: 860 }, locale = 'en-US') {
  const dir = mkdtempSync(join(tmpdir(), 'rapport-chromium-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: chromiumPath,
    viewport,
    locale,
    timezoneId: 'Europe/Berlin',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Collects console errors, page errors and CSP violations. The one error a signed-out first visit
 * must log, the browser's own note on GET /auth/session answering 401, is expected.
 */
export function watchConsole(page: Page) {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    if (m.location().url.endsWith('/api/v1/auth/session') && m.text().includes('401')) return;
    errors.push(`${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  return errors;
}

const axeSource = readFileSync(join(root, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

interface Contrast {
  fgColor?: string;
  bgColor?: string;
  contrastRatio?: number;
}

/** Runs axe-core on the page; returns serious and critical violations. */
export async function axeScan(page: Page) {
  // Injected once per document: a page navigated without a reload keeps it.
  if (!(await page.evaluate("typeof axe !== 'undefined'"))) await page.evaluate(axeSource);
  // Colours are judged as they settle: a toast or panel still fading in has a contrast it never
  // keeps, and on a loaded machine axe would catch it mid-way (a flaky "color-contrast").
  // Endless ones (a spinner) are left out: they never finish.
  await page.evaluate(`Promise.all(document.getAnimations()
    .filter((a) => a.effect && a.effect.getComputedTiming().endTime !== Infinity)
    .map((a) => a.finished.catch(() => null)))`);
  // A string, not a function: this file is type-checked without the DOM library.
  const result = (await page.evaluate("axe.run(document, { resultTypes: ['violations'] })")) as {
    violations: { id: string; impact: string; nodes: { target: string[]; any: { data?: Contrast | null }[] }[] }[];
  };
  // A contrast failure names its colours, so that it can be fixed without rerunning axe by hand.
  const colours = (d?: Contrast | null) => (d?.fgColor ? ` (${d.fgColor} on ${d.bgColor}: ${d.contrastRatio})` : '');
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ') + colours(n.any[0]?.data)).join(', ')}`);
}

/**
 * A call to the API with the page's own session cookie and CSRF token, as the web app makes it.
 * A body-less call sends no content type (Fastify refuses an empty JSON body), and an empty answer
 * (204) reads as null.
 */
export function pageApi(page: Page, method: string, path: string, body?: unknown) {
  return page.evaluate(
    `(async () => {
      const s = await (await fetch('/api/v1/auth/session')).json();
      const r = await fetch('/api/v1${path}', { method: '${method}', headers: { ${body === undefined ? '' : "'content-type': 'application/json', "}'x-csrf-token': s.csrfToken },
        ${body === undefined ? '' : `body: ${JSON.stringify(JSON.stringify(body))},`} });
      const text = await r.text();
      return { status: r.status, body: text ? JSON.parse(text) : null };
    })()`,
    // biome-ignore lint/suspicious/noExplicitAny: each spec reads the answer in its own shape.
  ) as Promise<{ status: number; body: any }>;
}

/** Signs a new person up through the sign-up page and waits for their home page. */
export async function signUpInBrowser(page: Page, url: string, who: { name: string; email: string; password: string; workspace: string }) {
  await page.goto(`${url}/signup`);
  await page.getByLabel('Your name').fill(who.name);
  await page.getByLabel('Email').fill(who.email);
  await page.getByRole('textbox', { name: 'Password' }).fill(who.password);
  await page.getByLabel('Workspace name').fill(who.workspace);
  await page.getByRole('button', { name: 'Create your workspace' }).click();
  await page.getByRole('heading', { name: `Home · ${who.name}` }).waitFor();
}

/**
 * Invites a member from the admin's page (POST /invitations with the admin's session) and has them
 * accept in their own browser, as a person would: the invitation page, a name, a password. Returns
 * their member id once their Home shows.
 */
export async function joinByInvitation(
  admin: Page,
  member: Page,
  url: string,
  who: { name: string; role: 'member' | 'read-only' | 'admin' },
) {
  const email = `${who.name.split(' ')[0]?.toLowerCase()}.${Date.now()}@example.test`;
  const invite = (await pageApi(admin, 'POST', '/invitations', { email, role: who.role })) as { status: number; body: { token: string } };
  if (invite.status !== 201) throw new Error(`POST /invitations → ${invite.status}`);
  await member.goto(`${url}/invite?token=${encodeURIComponent(invite.body.token)}`);
  await member.getByLabel('Your name').fill(who.name);
  await member.getByRole('textbox', { name: 'Password' }).fill('a members passphrase');
  await member.getByRole('button', { name: 'Join the workspace' }).click();
  await member.getByRole('heading', { name: `Home · ${who.name}` }).waitFor();
  return ((await pageApi(member, 'GET', '/auth/session')) as { body: { member: { id: string } } }).body.member.id;
}

export type { BrowserContext, Page };
