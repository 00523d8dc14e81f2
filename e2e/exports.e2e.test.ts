import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launch, type Page, pageApi, type Server, signUpInBrowser, startServer, watchConsole } from './harness.ts';

// Exports are made by the server (issue 13): the list's Export menu is a link to a streamed file
// holding every record of the list or saved view, not pages the browser gathered and cut off.

const shots = '/tmp/rapport-export-shots';
mkdirSync(shots, { recursive: true });
const user = { name: 'Exa Export', email: `exa.${Date.now()}@example.test`, password: 'an exporters passphrase', workspace: 'Export AG' };

/** Posts a CSV file to an import with the page's session, as the import screen does. */
const importCsv = (page: Page, csv: string) =>
  page.evaluate(
    `(async () => {
      const s = await (await fetch('/api/v1/auth/session')).json();
      const r = await fetch('/api/v1/imports/contacts?wait=60', { method: 'POST', headers: { 'content-type': 'text/csv', 'x-csrf-token': s.csrfToken }, body: ${JSON.stringify(csv)} });
      return r.status;
    })()`,
  ) as Promise<number>;

describe.runIf(hasChromium)('exports', () => {
  let server: Server;
  let browser: Awaited<ReturnType<typeof launch>>;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    server = await startServer();
    browser = await launch();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    errors = watchConsole(page);
    await signUpInBrowser(page, server.url, user);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('downloads every row of a saved view, past a page of the server and of the list, in its columns', async () => {
    // 2,300 contacts at Initech (more than two of the export's pages) and 40 elsewhere, who must not come along.
    const rows = ['First name,Last name,Email'];
    for (let i = 0; i < 2300; i++) rows.push(`Ina${i},Initech,ina${i}@initech.example`);
    for (let i = 0; i < 40; i++) rows.push(`Gus${i},Globex,gus${i}@globex.example`);
    expect(await importCsv(page, `${rows.join('\r\n')}\r\n`)).toBe(201);
    const view = await pageApi(page, 'POST', '/views', {
      objectType: 'contact',
      name: 'Initech people',
      filter: { field: 'lastName', op: 'eq', value: 'Initech' },
      sort: 'firstName',
      columns: ['name', 'email'],
    });
    expect(view.status).toBe(201);

    await page.goto(`${server.url}/contacts`);
    await page.getByRole('link', { name: 'Initech people' }).or(page.getByText('Initech people')).first().click();
    await page.getByText('ina0@initech.example').waitFor();
    await page.getByRole('button', { name: 'Export' }).click();
    await page.getByRole('menuitem', { name: 'vCard (address books)' }).waitFor();
    await page.screenshot({ path: join(shots, 'export-menu.png') });
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('menuitem', { name: 'CSV (spreadsheets)' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('contacts.csv');
    const lines = readFileSync(await download.path(), 'utf8')
      .replace(/^\uFEFF/, '')
      .split('\r\n')
      .filter(Boolean);
    expect(lines[0]).toBe('id,firstName,lastName,emails');
    expect(lines).toHaveLength(2301);
    const emails = new Set(lines.slice(1).map((l) => l.split(',')[3]));
    expect(emails.size).toBe(2300);
    for (const i of [0, 999, 1000, 2299]) expect(emails.has(`ina${i}@initech.example`)).toBe(true);
    expect(lines.some((l) => l.includes('globex'))).toBe(false);
    // Sorted as the view sorts: by first name.
    expect(lines[1].split(',')[1]).toBe('Ina0');
    expect(errors).toEqual([]);
  }, 240_000);
});
