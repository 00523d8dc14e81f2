import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeScan, hasChromium, launch, type Page, pageApi, type Server, signUpInBrowser, startServer, watchConsole } from './harness.ts';

// Lists say how many records they hold (issue 9): "3 rows", not "3 ROWS" or "100 ROWS+"; the count
// follows the filter, "about N rows" past what the server counts exactly; and a list opened from the
// address bar asks for its rows, fields and views at once, as soon as the session answers.

const user = { name: 'Cora Count', email: `cora.${Date.now()}@example.test`, password: 'a counting passphrase', workspace: 'Counts KG' };
// The server counts at most 5 records exactly here, so that "about" shows without 10,000 records.
const CAP = 5;

describe.runIf(hasChromium)('list counts', () => {
  let server: Server;
  let browser: Awaited<ReturnType<typeof launch>>;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    server = await startServer({ env: { RAPPORT_LIST_COUNT_CAP: String(CAP) } });
    browser = await launch();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    errors = watchConsole(page);
    await signUpInBrowser(page, server.url, user);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const apiCall = (method: string, path: string, body?: unknown) =>
    pageApi(page, method, path, body) as Promise<{ status: number; body: Record<string, unknown> }>;
  const count = () => page.getByTestId('row-count');
  const filterUrl = (items: unknown[]) => `${server.url}/contacts?filter=${encodeURIComponent(JSON.stringify({ mode: 'and', items }))}`;

  it('shows "3 rows", follows a filter to "1 row", and says so in German', async () => {
    for (const first of ['Ada', 'Bob', 'Cy']) {
      expect((await apiCall('POST', '/contacts', { firstName: first, lastName: 'Counter' })).status).toBe(201);
    }
    await page.goto(`${server.url}/contacts`);
    await page.getByText('Cy Counter').waitFor();
    await expect.poll(() => count().textContent()).toBe('3 rows');
    // The badge reads as written, not shouted in capitals.
    expect(await page.evaluate(`getComputedStyle(document.querySelector('[data-testid="row-count"]')).textTransform`)).toBe('none');

    // Filtering with the filter panel: the count follows.
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.getByRole('button', { name: 'Add condition' }).click();
    await page.getByRole('combobox', { name: 'Field' }).click();
    await page.getByRole('option', { name: 'First name' }).click();
    await page.getByRole('combobox', { name: 'Operator' }).click();
    await page.getByRole('option', { name: 'is', exact: true }).click();
    await page.getByRole('textbox', { name: 'Value' }).fill('Ada');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByText('Bob Counter').waitFor({ state: 'detached' });
    await expect.poll(() => count().textContent()).toBe('1 row');
    await page.screenshot({ path: '/tmp/rapport-list-count.png' });

    // A new record counts at once.
    await page.goto(`${server.url}/contacts?new=1`);
    await page.getByLabel('First name').fill('Dee');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('heading', { name: 'Dee' }).waitFor();
    await page.goto(`${server.url}/contacts`);
    await expect.poll(() => count().textContent()).toBe('4 rows');
    expect(await axeScan(page)).toEqual([]);

    expect((await apiCall('PATCH', '/me', { locale: 'de-DE' })).status).toBe(200);
    await page.goto(filterUrl([{ field: 'firstName', op: 'eq', value: 'Ada' }]));
    await expect.poll(() => count().textContent()).toBe('1 Zeile');
    await page.goto(`${server.url}/contacts`);
    await expect.poll(() => count().textContent()).toBe('4 Zeilen');
    expect((await apiCall('PATCH', '/me', { locale: 'en-US' })).status).toBe(200);
    expect(errors).toEqual([]);
  });

  it('says "about" past what is counted exactly, in the user’s number format', async () => {
    for (const first of ['Eve', 'Fay', 'Gus']) {
      expect((await apiCall('POST', '/contacts', { firstName: first, lastName: 'Counter' })).status).toBe(201);
    }
    // A first page that holds the whole list is counted exactly whatever the cap: more than a page (100) it takes.
    const made = (await page.evaluate(`(async () => {
      const s = await (await fetch('/api/v1/auth/session')).json();
      let ok = 0;
      for (let i = 0; i < 100; i++) {
        const r = await fetch('/api/v1/contacts', { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': s.csrfToken }, body: JSON.stringify({ firstName: 'Bulk ' + i, lastName: 'Filler' }) });
        if (r.status === 201) ok++;
      }
      return ok;
    })()`)) as number;
    expect(made).toBe(100);
    await page.goto(`${server.url}/contacts`);
    await page.getByText('Bulk 99 Filler').waitFor();
    await expect.poll(() => count().textContent()).toMatch(/^about \d[\d,]* rows$/);
    const n = Number(((await count().textContent()) as string).replace(/\D/g, ''));
    // Never fewer than the rows already shown, whatever the database's statistics say.
    expect(n).toBeGreaterThan(100);
    // At or under the cap it is exact again.
    await page.goto(
      filterUrl([
        { field: 'lastName', op: 'eq', value: 'Counter' },
        { field: 'firstName', op: 'startsWith', value: 'E' },
      ]),
    );
    await expect.poll(() => count().textContent()).toBe('1 row');
    expect((await apiCall('PATCH', '/me', { locale: 'de-DE' })).status).toBe(200);
    await page.goto(`${server.url}/contacts`);
    await expect.poll(() => count().textContent()).toMatch(/^etwa \d[\d.]* Zeilen$/);
    await page.screenshot({ path: '/tmp/rapport-list-count-de.png' });
    expect((await apiCall('PATCH', '/me', { locale: 'en-US' })).status).toBe(200);
    expect(errors).toEqual([]);
  });

  it('opened from the address bar, asks for rows, fields and views together, with the page’s code beside the session', async () => {
    const asked: { url: string; at: number }[] = [];
    const done: { url: string; at: number }[] = [];
    const t0 = Date.now();
    const path = (u: string) => u.replace(server.url, '');
    // The page's own requests, without the live stream: once it is ready the page reads anew what it
    // shows (web/src/live.ts: a change made before the stream began is not sent), a second read of the
    // rows that is the stream's doing, not the page's.
    // 204: the stream's way to tell a page not to connect (an aborted request would log an error).
    await page.route('**/api/v1/live', (route) => route.fulfill({ status: 204 }));
    page.on('request', (r) => asked.push({ url: path(r.url()), at: Date.now() - t0 }));
    page.on('requestfinished', (r) => done.push({ url: path(r.url()), at: Date.now() - t0 }));
    await page.reload();
    await page.getByText('Bulk 99 Filler').waitFor();
    await page.waitForTimeout(300);
    page.removeAllListeners('request');
    page.removeAllListeners('requestfinished');
    await page.unroute('**/api/v1/live');
    const first = (list: typeof asked, re: RegExp) => list.find((r) => re.test(r.url))?.at ?? Number.NaN;
    // The list page's code is asked for before the session has answered, not after.
    expect(first(asked, /\/assets\/ListPage-/)).toBeLessThan(first(done, /\/api\/v1\/auth\/session$/));
    // The rows (with their count), the field definitions and the saved views start before any of them has answered.
    const starts = [/\/api\/v1\/contacts\?.*count=true/, /\/api\/v1\/fields\?/, /\/api\/v1\/views\?/].map((re) => first(asked, re));
    const ends = [/\/api\/v1\/contacts\?.*count=true/, /\/api\/v1\/fields\?/, /\/api\/v1\/views\?/].map((re) => first(done, re));
    expect(Math.max(...starts)).toBeLessThanOrEqual(Math.min(...ends));
    // One request for the rows, not one per component that wants them.
    expect(asked.filter((r) => /^\/api\/v1\/contacts\?/.test(r.url))).toHaveLength(1);
  });

  it('a link filtering by a custom number field asks once, with a number, not first with text', async () => {
    expect((await apiCall('POST', '/fields', { objectType: 'contact', key: 'score', label: 'Score', type: 'number' })).status).toBe(201);
    for (const [first, score] of [
      ['Zed', 42],
      ['Yan', 7],
    ] as const) {
      expect((await apiCall('POST', '/contacts', { firstName: first, lastName: 'Scorer', custom: { score } })).status).toBe(201);
    }
    const lists: string[] = [];
    // Only the filtered list's requests: the page left behind may still refetch its own list when the
    // contacts made above reach it live.
    page.on('request', (r) => {
      const url = decodeURIComponent(r.url());
      if (/\/api\/v1\/contacts\?/.test(url) && url.includes('custom.score')) lists.push(url);
    });
    await page.goto(filterUrl([{ field: 'custom.score', op: 'gt', value: '40' }]));
    await page.getByText('Zed Scorer').waitFor();
    await expect.poll(() => count().textContent()).toBe('1 row');
    page.removeAllListeners('request');
    expect(lists).toHaveLength(1);
    expect(lists[0]).toContain('"value":40}');
    expect(errors).toEqual([]);
  });
});
