import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeScan, hasChromium, launch, type Page, pageApi, type Server, signUpInBrowser, startServer, watchConsole } from './harness.ts';

// The import screen (issue 13): a Google Contacts export through upload, mapping, preview, the
// running import and its summary, at desktop width and at 390 px.

const shots = '/tmp/rapport-import-shots';
mkdirSync(shots, { recursive: true });
const user = {
  name: 'Ina Import',
  email: `ina.${Date.now()}@example.test`,
  password: 'an importers long passphrase',
  workspace: 'Import AG',
};

/** The corpus's Google Contacts export, with enough rows after it for a progress bar to be seen, one without a name or email and one with a bad email. */
function googleFile() {
  const corpus = readFileSync(join(import.meta.dirname, '../server/modules/imports/corpus/google-contacts.csv'), 'utf8');
  const width = corpus.split('\n')[0].split(',').length;
  const row = (first: string, last: string, email: string, org: string) => {
    const cells = Array<string>(width).fill('');
    cells[0] = first;
    cells[2] = last;
    cells[10] = org;
    cells[16] = '* myContacts';
    cells[17] = '* Work';
    cells[18] = email;
    return cells.join(',');
  };
  const extra = [row('Broken', 'Mail', 'not-an-email', 'Initech'), row('', '', '', 'Nobody Inc')];
  for (let i = 0; i < 3000; i++) extra.push(row(`Person${i}`, 'Example', `person${i}@bulk.example`, i % 2 ? 'Initech' : 'Globex'));
  return `${corpus.trimEnd()}\r\n${extra.join('\r\n')}\r\n`;
}

describe.runIf(hasChromium)('the import screen', () => {
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

  const choose = async (p: Page, file: string) => {
    await p.getByTestId('import-file').setInputFiles({ name: 'google.csv', mimeType: 'text/csv', buffer: Buffer.from(file) });
    await p.getByRole('table', { name: 'The first rows as they will be imported' }).waitFor();
  };

  it('imports a Google Contacts export: detected reading, a mapping changed by hand, warnings, progress, summary, errors CSV', async () => {
    await page.goto(`${server.url}/contacts`);
    await page.getByRole('button', { name: 'Import' }).click();
    await page.getByRole('heading', { name: 'Import', level: 1 }).waitFor();
    expect(new URL(page.url()).search).toBe('?object=contact');
    await shot(page, '1-upload');
    expect(await axeScan(page)).toEqual([]);

    await choose(page, googleFile());
    expect(await page.getByRole('combobox', { name: 'Encoding' }).inputValue()).toBe('UTF-8');
    expect(await page.getByRole('combobox', { name: 'Delimiter' }).inputValue()).toBe('Comma (,)');
    expect(await page.getByRole('switch', { name: 'The first row names the columns' }).isChecked()).toBe(true);
    // Suggestions from Google's column names.
    expect(await page.getByRole('combobox', { name: 'Field for column E-mail 1 - Value' }).inputValue()).toBe('Email (work)');
    expect(await page.getByRole('combobox', { name: 'Field for column Organization Name' }).inputValue()).toBe('Company name');
    // The preview: the bad email left out with a warning on its cell, the row without a name refused.
    const broken = page.locator('tr', { hasText: 'Broken' });
    await expect.poll(() => broken.locator('td[data-warning]').count()).toBeGreaterThan(0);
    expect(await broken.textContent()).toContain('"not-an-email" is not an email address; left out');
    expect(await page.locator('tr', { hasText: 'a contact needs a first name, a last name or an email' }).count()).toBe(1);
    await shot(page, '2-preview');
    expect(await axeScan(page)).toEqual([]);

    // One mapping changed by hand: Google's "Labels" become the contacts' source.
    await page.getByRole('combobox', { name: 'Field for column Labels' }).click();
    await page.getByRole('option', { name: 'Source', exact: true }).click();
    await page.getByRole('columnheader', { name: 'Source' }).waitFor();
    await expect.poll(() => page.getByTestId('preview-row-2').textContent()).toContain('* myContacts ::: Friends');
    await shot(page, '3-mapped');

    await page.getByRole('button', { name: 'Start import' }).click();
    await page.getByTestId('import-progress').waitFor();
    expect(await page.getByText(/of 3,00\d rows imported/).isVisible()).toBe(true);
    await shot(page, '4-progress');
    await page.getByText('Import finished').waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('count-created').textContent()).toMatch(/^3,00\dCreated$/);
    expect(await page.getByTestId('count-rejected').textContent()).toBe('1Not imported');
    expect(await page.getByTestId('count-warned').textContent()).not.toBe('0With warnings');
    await shot(page, '5-summary');
    expect(await axeScan(page)).toEqual([]);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download rows and cells not imported (CSV)' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('google-errors.csv');
    const csv = readFileSync(await download.path(), 'utf8');
    expect(csv).toMatch(/\r\n\d+,error,First Name,name,,"a contact needs a first name, a last name or an email",.*,Nobody Inc,/);
    expect(csv).toContain('not-an-email');

    // The mapping changed by hand was written: the imported contacts carry Google's labels as their source.
    const list = await pageApi(page, 'GET', '/contacts?limit=5&sort=createdAt');
    expect(list.body.data[0]).toMatchObject({ firstName: 'Ada', lastName: 'Lovelace', source: '* myContacts ::: Friends' });

    await page.getByRole('link', { name: 'Open the contacts' }).click();
    const first = page.getByRole('link', { name: /^Person\d+ Example$/ }).first();
    const name = (await first.textContent()) ?? '';
    await first.click();
    await page.getByRole('heading', { name, level: 1 }).waitFor();
    await page
      .getByText(`${name.split(' ')[0].toLowerCase()}@bulk.example`)
      .first()
      .waitFor();
    await shot(page, '6-contact');
    expect(errors).toEqual([]);
  }, 300_000);

  it('makes a custom field from a column, fills a field with one value for every row, and cancels a running import', async () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => `Big${i} Person,big${i}@cancel.example,${i % 3 ? 'Silver' : 'Gold'}`);
    await page.goto(`${server.url}/import?object=contact`);
    await page.getByTestId('import-file').setInputFiles({
      name: 'big.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(`Name,Email,Tier\n${rows.join('\n')}\n`),
    });
    await page.getByRole('table', { name: 'The first rows as they will be imported' }).waitFor();
    await page.getByRole('combobox', { name: 'Field for column Tier' }).click();
    await page.getByRole('option', { name: 'Create a custom field from this column' }).click();
    await page.getByLabel('New field’s name').fill('Customer tier');
    await page.getByRole('button', { name: 'Add a value for every row' }).click();
    await page.getByLabel('Value for every row').fill('Trade fair');
    await page.getByRole('columnheader', { name: 'Customer tier' }).waitFor();
    await expect.poll(() => page.getByTestId('preview-row-2').textContent()).toContain('Trade fair');
    expect(await page.getByTestId('preview-row-2').textContent()).toContain('Gold');
    // The full name is shown as the first and last name it is stored as.
    await page.getByRole('columnheader', { name: 'First name' }).waitFor();
    expect(await page.getByTestId('preview-row-2').textContent()).toContain('Big0');
    await shot(page, '9-new-field-constant');
    expect(await axeScan(page)).toEqual([]);

    await page.getByRole('button', { name: 'Start import' }).click();
    // Cancelled once some rows are in: those stay, the rest are never written.
    await page.getByText(/^[1-9][\d,]* of 20,000 rows imported$/).waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Cancel import' }).click();
    await page.getByText('Import cancelled').waitFor({ timeout: 60_000 });
    await shot(page, '10-cancelled');
    expect(await page.getByText(/^The import stopped after [\d,]+ of 20,000 rows/).isVisible()).toBe(true);
    expect(await axeScan(page)).toEqual([]);
    const created = Number((await page.getByTestId('count-created').textContent())?.replace(/\D/g, ''));
    expect(created).toBeLessThan(20_000);
    const imports = await pageApi(page, 'GET', '/imports?limit=1');
    expect(imports.body.data[0]).toMatchObject({ status: 'cancelled', totalRows: 20_000 });
    expect(imports.body.data[0].counts.created).toBe(created);
    const fields = await pageApi(page, 'GET', '/fields?objectType=contact');
    expect(fields.body.data.map((f: { key: string; label: string }) => [f.key, f.label])).toEqual([['customer_tier', 'Customer tier']]);
    const filter = encodeURIComponent(JSON.stringify({ field: 'source', op: 'eq', value: 'Trade fair' }));
    const fair = await pageApi(page, 'GET', `/contacts?limit=200&sort=createdAt&filter=${filter}`);
    expect(fair.body.data.length).toBe(Math.min(created, 200));
    expect(fair.body.data[0]).toMatchObject({ firstName: 'Big0', lastName: 'Person', custom: { customer_tier: 'Gold' } });
    expect(errors).toEqual([]);
  }, 300_000);

  it('works at 390 px: the same file maps and previews, and a remembered mapping is offered again', async () => {
    const narrow = await launch({ width: 390, height: 844 });
    const p = narrow.context.pages()[0] ?? (await narrow.context.newPage());
    const narrowErrors = watchConsole(p);
    try {
      // The same session: the cookie of the first browser is copied over.
      await narrow.context.addCookies(await browser.context.cookies());
      await p.goto(`${server.url}/import?object=contact`);
      await p.getByRole('heading', { name: 'Import', level: 1 }).waitFor();
      await shot(p, '7-narrow-upload');
      await choose(p, googleFile());
      // The header was imported with a mapping changed by hand: it is offered again.
      await p.getByText('its mapping is used again').waitFor();
      expect(await p.getByRole('combobox', { name: 'Field for column Labels' }).inputValue()).toBe('Source');
      await shot(p, '8-narrow-preview');
      await p
        .getByRole('table', { name: 'Columns of the file and the fields they fill' })
        .screenshot({ path: join(shots, '8a-narrow-mapping.png') });
      await p
        .getByRole('table', { name: 'The first rows as they will be imported' })
        .screenshot({ path: join(shots, '8b-narrow-rows.png') });
      expect(await axeScan(p)).toEqual([]);
      // Nothing but the tables scrolls sideways.
      const overflow = await p.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
      expect(overflow).toBe(0);
      expect(narrowErrors).toEqual([]);
    } finally {
      await narrow.close();
    }
  }, 180_000);
});
