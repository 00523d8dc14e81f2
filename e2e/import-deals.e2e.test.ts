import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeScan, hasChromium, launch, type Page, pageApi, type Server, signUpInBrowser, startServer, watchConsole } from './harness.ts';

// Issue 13, "Every object": a HubSpot deals export through the import screen — the object picked,
// the mapping suggested from HubSpot's column names, the preview with its warnings (an unknown stage,
// an amount that is not one), the running import's progress bar and its summary.

const shots = '/tmp/rapport-import-deals-shots';
mkdirSync(shots, { recursive: true });
const user = {
  name: 'Dana Deals',
  email: `dana.${Date.now()}@example.test`,
  password: 'a dealmakers long passphrase',
  workspace: 'Deals AG',
};

/** HubSpot's deals export: a few hand-made rows (one bad stage and amount, one without a name), then enough rows for a progress bar. */
function hubspotDeals(ownerEmail: string) {
  const lines = [
    'Record ID,Deal Name,Pipeline,Deal Stage,Amount,Close Date,Deal owner,Associated Company,Associated Contacts',
    `1,Anvil order,Sales,Proposal,"12,500.00",2026-06-30,${ownerEmail},Acme Corp,wile@acme.example`,
    '2,Rocket skates,Sales,Nope,lots,2026-07-15,,acme.example,',
    '3,,Sales,Proposal,100,2026-01-01,,,',
  ];
  for (let i = 0; i < 1200; i++) lines.push(`${100 + i},Bulk deal ${i},Sales,Discovery,${i * 10},2026-08-01,,,`);
  return `${lines.join('\r\n')}\r\n`;
}

describe.runIf(hasChromium)('importing deals through the import screen', () => {
  let server: Server;
  let browser: Awaited<ReturnType<typeof launch>>;
  let page: Page;
  let errors: string[];
  const shot = (p: Page, name: string) => p.screenshot({ path: join(shots, `${name}.png`), fullPage: true });

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

  it('picks deals, suggests the mapping from HubSpot’s columns, previews the warnings, and imports with progress and a summary', async () => {
    const acme = await pageApi(page, 'POST', '/companies', { name: 'Acme Corp', domain: 'acme.example' });
    expect(acme.status).toBe(201);
    const wile = await pageApi(page, 'POST', '/contacts', { firstName: 'Wile', emails: [{ label: 'work', value: 'wile@acme.example' }] });
    expect(wile.status).toBe(201);

    // From the deals list, its Import button; then the object picked by hand (contacts, then deals).
    await page.goto(`${server.url}/deals`);
    await page.getByRole('button', { name: 'Import' }).click();
    await page.getByRole('heading', { name: 'Import', level: 1 }).waitFor();
    expect(new URL(page.url()).search).toBe('?object=deal');
    await page.getByRole('combobox', { name: 'What the file holds' }).click();
    await page.getByRole('option', { name: 'Contacts' }).click();
    await expect.poll(() => new URL(page.url()).search).toBe('?object=contact');
    await page.getByRole('combobox', { name: 'What the file holds' }).click();
    await page.getByRole('option', { name: 'Deals' }).click();
    await expect.poll(() => new URL(page.url()).search).toBe('?object=deal');

    await page
      .getByTestId('import-file')
      .setInputFiles({ name: 'hubspot-deals.csv', mimeType: 'text/csv', buffer: Buffer.from(hubspotDeals(user.email)) });
    await page.getByRole('table', { name: 'The first rows as they will be imported' }).waitFor();
    // Suggestions from HubSpot's column names.
    const field = (column: string) => page.getByRole('combobox', { name: `Field for column ${column}` }).inputValue();
    expect(await field('Deal Name')).toBe('Name');
    expect(await field('Deal Stage')).toBe('Stage (by name)');
    expect(await field('Amount')).toBe('Amount');
    expect(await field('Close Date')).toBe('Expected close');
    expect(await field('Deal owner')).toBe('Owner (member email or name)');
    expect(await field('Associated Company')).toBe('Company (name or domain)');
    expect(await field('Associated Contacts')).toBe('Contacts (emails)');
    expect(await field('Record ID')).toBe('Skip this column');
    // The preview: the bad cells of row 3 are warned about, the row without a name is refused.
    const skates = page.getByTestId('preview-row-3');
    await expect.poll(() => skates.locator('td[data-warning]').count()).toBeGreaterThan(0);
    expect(await skates.textContent()).toContain('no stage named "Nope" in Sales; Qualification taken');
    expect(await skates.textContent()).toContain('"lots" is not an amount; left empty');
    expect(await page.getByTestId('preview-row-4').textContent()).toContain('a deal needs a name');
    // Money is shown as written, not in the cents it is stored in.
    expect(await page.getByTestId('preview-row-2').textContent()).toContain('12500.00');
    expect(await page.getByText('Every row becomes a new record').isVisible()).toBe(true);
    await shot(page, '1-preview');
    expect(await axeScan(page)).toEqual([]);

    await page.getByRole('button', { name: 'Start import' }).click();
    await page.getByTestId('import-progress').waitFor();
    expect(await page.getByText(/of 1,203 rows imported/).isVisible()).toBe(true);
    await shot(page, '2-progress');
    await page.getByText('Import finished').waitFor({ timeout: 180_000 });
    expect(await page.getByTestId('count-created').textContent()).toBe('1,202Created');
    expect(await page.getByTestId('count-rejected').textContent()).toBe('1Not imported');
    expect(await page.getByTestId('count-warned').textContent()).toBe('1With warnings');
    await shot(page, '3-summary');
    expect(await axeScan(page)).toEqual([]);

    // The deals as written: stage by name, amount in cents, the company and contact found.
    const pipelines = (await pageApi(page, 'GET', '/pipelines')).body.data as { stages: { id: string; name: string }[] }[];
    const stage = (name: string) => pipelines[0].stages.find((s) => s.name === name)?.id;
    const deals = (await pageApi(page, 'GET', '/deals?limit=2&sort=createdAt')).body.data;
    expect(deals[0]).toMatchObject({
      name: 'Anvil order',
      stageId: stage('Proposal'),
      amountMinor: 1_250_000,
      expectedCloseDate: '2026-06-30',
      companyId: acme.body.id,
      contacts: [{ contactId: wile.body.id, role: null }],
    });
    expect(deals[1]).toMatchObject({ name: 'Rocket skates', stageId: stage('Qualification'), amountMinor: null, companyId: acme.body.id });

    await page.getByRole('link', { name: 'Open the list' }).click();
    await page.getByRole('heading', { name: 'Deals', level: 1 }).waitFor();
    await page
      .getByRole('link', { name: /^Bulk deal \d+$/ })
      .first()
      .waitFor();
    await shot(page, '4-deals');
    expect(errors).toEqual([]);
  }, 300_000);
});
