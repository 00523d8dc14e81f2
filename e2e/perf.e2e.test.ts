import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launch, type Page, type Server, signUpInBrowser, startServer, watchConsole } from './harness.ts';

// A performance note, not a timed assertion (issue 9): how long Contacts takes to show its first row
// on the demo data, and how smoothly a 10,000-contact list scrolls to its end (the goal is a 95th
// percentile frame of 33 ms or less). The spec asserts only that the rows arrive; the figures go to
// stdout and to .tmp/e2e-perf.json, for the closing note.

const root = join(import.meta.dirname, '..');
const demo = { email: 'demo@rapport.local', password: 'rapport-demo-2026' };
const ROWS = 10_000;
const firstRow = '[role="table"] [role="rowgroup"] [role="row"]';

/**
 * Installed before the app's own scripts on every load: notes the frame in which the list's first
 * row is painted, as milliseconds since the navigation began (a reload) or since `__navStart` (a
 * navigation inside the app).
 */
const rowWatcher = `
  window.__navStart = 0;
  new MutationObserver(() => {
    if (window.__firstRow === undefined && document.querySelector(${JSON.stringify(firstRow)})) {
      window.__firstRow = null;
      requestAnimationFrame(() => { window.__firstRow = performance.now() - window.__navStart; });
    }
  }).observe(document, { childList: true, subtree: true });
`;

/** Scrolls the list's own scroll box one screen a frame until its last row is there; times every frame meanwhile. */
const scrollToEnd = (lastName: string) => `(async () => {
  const box = document.querySelector('[role="table"]');
  const frames = [];
  let running = true;
  let moved = false;
  let prev = 0;
  const tick = (t) => {
    if (prev) frames.push({ ms: t - prev, moved });
    prev = t;
    moved = false;
    if (running) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  const t0 = performance.now();
  const frame = () => new Promise((r) => requestAnimationFrame(r));
  const lastThere = () => [...box.querySelectorAll('[role="row"]')].some((r) => r.textContent.includes(${JSON.stringify(lastName)}));
  while (!lastThere() && performance.now() - t0 < 120000) {
    await frame();
    const before = box.scrollTop;
    box.scrollTop = before + box.clientHeight;
    if (box.scrollTop !== before) moved = true;
  }
  const reachedMs = performance.now() - t0;
  await frame();
  running = false;
  // The list's pages as the browser fetched them, to tell waiting for the server from slow frames.
  const pages = performance.getEntriesByType('resource').filter((e) => e.name.includes('/api/v1/contacts?')).map((e) => e.duration);
  return { reachedMs, reached: lastThere(), rowsLoaded: Number(box.getAttribute('aria-rowcount')), pages, frames };
})()`;

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : Number.NaN;
};
const round = (x: number) => Math.round(x * 10) / 10;
const stats = (xs: number[]) => ({
  n: xs.length,
  p50: round(percentile(xs, 50)),
  p95: round(percentile(xs, 95)),
  max: round(Math.max(...xs)),
});

describe.runIf(hasChromium)('performance note', () => {
  let server: Server;
  let browser: Awaited<ReturnType<typeof launch>>;
  // The machine's load goes with the figures: on a busy machine every frame is slower.
  const machine = () => ({ cpus: cpus().length, loadAverage1m: Math.round(loadavg()[0] * 10) / 10 });
  const note: Record<string, unknown> = { at: new Date().toISOString(), machineAtStart: machine() };

  beforeAll(async () => {
    const t0 = performance.now();
    server = await startServer({ demo: true });
    note.demoServerReadyMs = Math.round(performance.now() - t0);
    browser = await launch();
    await browser.context.addInitScript(rowWatcher);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    note.machineAtEnd = machine();
    console.log('e2e performance note', JSON.stringify(note, null, 2));
    mkdirSync(join(root, '.tmp'), { recursive: true });
    writeFileSync(join(root, '.tmp', 'e2e-perf.json'), `${JSON.stringify(note, null, 2)}\n`);
  });

  it('serves the production build of React', () => {
    // Development React captures an owner stack (this error) for every element it creates; a build
    // made under vitest once shipped it, and every frame of a scrolling list took several times longer.
    const assets = join(root, 'web', 'dist', 'assets');
    const dev = readdirSync(assets).filter(
      (f) => f.endsWith('.js') && readFileSync(join(assets, f), 'utf8').includes('react-stack-top-frame'),
    );
    expect(dev).toEqual([]);
  });

  const firstRowMs = async (page: Page) => {
    await page.locator(firstRow).first().waitFor();
    for (;;) {
      const ms = (await page.evaluate('window.__firstRow')) as number | null | undefined;
      if (typeof ms === 'number') return Math.round(ms);
      await page.waitForTimeout(10);
    }
  };

  it('shows the first row of Contacts on the demo data, after a reload and after a click in the app', async () => {
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    const errors = watchConsole(page);
    await page.goto(`${server.url}/signin`);
    await page.getByLabel('Email').fill(demo.email);
    await page.getByRole('textbox', { name: 'Password' }).fill(demo.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: /^Home · / }).waitFor();

    const reload: number[] = [];
    const inApp: number[] = [];
    for (let i = 0; i < 3; i++) {
      // A reload: the browser has the scripts cached, the app has no data yet.
      await page.goto(`${server.url}/contacts`);
      reload.push(await firstRowMs(page));
      // From Home, the way a person gets there: the list's code and data are fetched on the way.
      await page.goto(`${server.url}/`);
      await page.getByRole('heading', { name: /^Home · / }).waitFor();
      await page.evaluate(
        "window.__firstRow = undefined; window.__navStart = performance.now(); history.pushState(null, '', '/contacts'); dispatchEvent(new PopStateEvent('popstate'))",
      );
      inApp.push(await firstRowMs(page));
    }
    const badge = await page.getByText(/^\d+ rows\+?$/).textContent();
    expect(Number.parseInt(String(badge), 10)).toBeGreaterThan(0);
    note.contactsFirstRow = { workspace: 'the demo workspace (rapport seed, default size)', reloadMs: reload, inAppMs: inApp };
    expect(errors).toEqual([]);
  }, 120_000);

  it(`scrolls a list of ${ROWS} contacts to its last row`, async () => {
    const page = await browser.context.newPage();
    const errors = watchConsole(page);
    // A workspace of its own, so that the list holds exactly these contacts; they arrive by the CSV import a person would use.
    await page.context().clearCookies();
    await signUpInBrowser(page, server.url, {
      name: 'Pia Perf',
      email: `pia.${Date.now()}@example.test`,
      password: 'a scrolling passphrase',
      workspace: 'Perf GmbH',
    });
    const t0 = performance.now();
    const imported = (await page.evaluate(`(async () => {
      const rows = ['first_name,last_name,email'];
      for (let i = 1; i <= ${ROWS}; i++) rows.push('Row,' + String(i).padStart(5, '0') + ',row' + i + '@perf.example');
      const s = await (await fetch('/api/v1/auth/session')).json();
      const r = await fetch('/api/v1/imports/contacts?wait=60', { method: 'POST', headers: { 'content-type': 'text/csv', 'x-csrf-token': s.csrfToken }, body: rows.join('\\n') });
      return { status: r.status, body: await r.json() };
    })()`)) as { status: number; body: { created: number } };
    expect(imported.status).toBe(201);
    expect(imported.body.created).toBe(ROWS);
    note.import10kMs = Math.round(performance.now() - t0);

    await page.goto(`${server.url}/contacts?sort=name`);
    await page.getByRole('link', { name: 'Row 00001' }).waitFor();
    const last = `Row ${ROWS}`;
    // The page's own main-thread work (script, style, layout), beside the frame times that a busy machine stretches.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const busy = async () =>
      (await cdp.send('Performance.getMetrics')).metrics
        .filter((m) => ['ScriptDuration', 'RecalcStyleDuration', 'LayoutDuration'].includes(m.name))
        .reduce((n, m) => n + m.value * 1000, 0);
    const busyBefore = await busy();
    const run = (await page.evaluate(scrollToEnd(last))) as {
      reachedMs: number;
      reached: boolean;
      rowsLoaded: number;
      pages: number[];
      frames: { ms: number; moved: boolean }[];
    };
    note.scroll10k = {
      rows: ROWS,
      reached: run.reached,
      rowsLoaded: run.rowsLoaded,
      reachLastRowMs: Math.round(run.reachedMs),
      framesWhileScrolling: stats(run.frames.filter((f) => f.moved).map((f) => f.ms)),
      allFrames: stats(run.frames.map((f) => f.ms)),
      pageFetchesMs: stats(run.pages),
      mainThreadMsPerFrame: round(((await busy()) - busyBefore) / run.frames.length),
      goal: 'p95 <= 33 ms',
    };
    expect(run.reached).toBe(true);
    await page.getByRole('link', { name: last }).waitFor();
    expect(await page.getByText(`${ROWS.toLocaleString('en-US')} rows`, { exact: true }).count()).toBe(1);
    expect(errors).toEqual([]);
  }, 180_000);
});
