import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  axeScan,
  hasChromium,
  launch,
  type Page,
  type Server,
  screenshotDir,
  signUpInBrowser,
  startServer,
  watchConsole,
} from './harness.ts';

// An admin defines a custom object in the browser and works with it as with a built-in one
// (issue 10): Projects, with a relation to companies.

const admin = {
  name: 'Olga Objects',
  email: `olga.${Date.now()}@example.test`,
  password: 'an objective passphrase',
  workspace: 'Objects AG',
};

describe.runIf(hasChromium)('custom objects in the web app', () => {
  let server: Server;
  let browser: Awaited<ReturnType<typeof launch>>;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    server = await startServer();
    browser = await launch();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    errors = watchConsole(page);
    await signUpInBrowser(page, server.url, admin);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('defines Projects with a relation to companies, adds records, filters, saves a view, and logs a note', async () => {
    await page.goto(`${server.url}/companies?new=1`);
    await page.getByLabel('Name').fill('Acme');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('heading', { name: 'Acme' }).waitFor();

    // Settings → Objects: define Projects; the fields tab opens on it.
    await page.goto(`${server.url}/settings?tab=objects`);
    await page.getByLabel('Name of one record').fill('Project');
    await page.getByLabel('Name of the list').fill('Projects');
    await page.getByRole('button', { name: 'Add object' }).click();
    await expect.poll(() => page.url()).toContain('tab=fields&object=project');
    await page.getByLabel('Label').fill('Client');
    await page.getByRole('combobox', { name: 'Type' }).click();
    await page.getByRole('option', { name: 'Link to a record' }).click();
    await page.getByRole('combobox', { name: 'Points to' }).click();
    await page.getByRole('option', { name: 'Company' }).click();
    await page.getByRole('button', { name: 'Add field' }).click();
    await page.getByRole('cell', { name: 'custom.client' }).waitFor();
    await page.screenshot({ path: '/tmp/rapport-object-fields.png' });

    // The new object is in the navigation; its list makes records like any other.
    for (const name of ['Office move', 'Website relaunch']) {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Projects' }).click();
      await page.getByRole('heading', { name: 'Projects' }).waitFor();
      await page.getByRole('button', { name: 'New' }).click();
      await page.getByLabel('Name').fill(name);
      await page.getByRole('button', { name: 'Create' }).click();
      await page.getByRole('heading', { name }).waitFor();
    }

    // Its record page: set the client by typing a company's name, log a note on the timeline.
    await page.getByRole('button', { name: /^Client:/ }).click();
    await page.getByRole('combobox', { name: 'Client' }).fill('Ac');
    await page.getByRole('option', { name: 'Acme' }).click();
    await page.getByRole('button', { name: /^Client: Acme/ }).waitFor();
    await page.getByPlaceholder('What happened?').fill('Kick-off done');
    await page.getByRole('button', { name: 'Log Note' }).click();
    // Logged: the form empties and the note is on the timeline, with the record's last activity set.
    await expect.poll(() => page.getByPlaceholder('What happened?').inputValue()).toBe('');
    await page.getByText('Kick-off done').waitFor();
    await expect.poll(() => page.getByRole('button', { name: /^Client:/ }).count()).toBe(1);
    await page.screenshot({ path: `${screenshotDir}/custom-object-record.png` });
    expect(await axeScan(page)).toEqual([]);

    // Back on the list: filter by name, save the view.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Projects' }).click();
    await page.getByText('Office move').waitFor();
    await page.getByRole('cell', { name: 'Acme' }).waitFor();
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.getByRole('button', { name: 'Add condition' }).click();
    await page.getByRole('combobox', { name: 'Field' }).click();
    await page.getByRole('option', { name: 'Name' }).click();
    await page.getByRole('textbox', { name: 'Value' }).fill('relaunch');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByText('Office move').waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Save view' }).click();
    await page.getByLabel('View name').fill('Relaunches');
    await page.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await page.getByRole('complementary', { name: 'Views' }).getByText('Relaunches').waitFor();
    await page.screenshot({ path: `${screenshotDir}/custom-object-list.png` });
    expect(await axeScan(page)).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('finds a record of Projects with Ctrl+K and opens its page', async () => {
    await page.goto(`${server.url}/`);
    await page.getByRole('heading', { name: `Home · ${admin.name}` }).waitFor();
    await page.keyboard.press('Control+k');
    await page.getByPlaceholder('Search contacts, companies, deals…').fill('relaunch');
    // The hit comes in a group named by the object's own label (plural).
    const hit = page.locator(`[style*="--spotlight-label: 'Projects'"]`).getByRole('button', { name: /Website relaunch/ });
    await hit.waitFor();
    await page.screenshot({ path: '/tmp/rapport-object-search.png' });
    await hit.click();
    await page.getByRole('heading', { name: 'Website relaunch' }).waitFor();
    expect(new URL(page.url()).pathname).toMatch(/^\/o\/project\/[0-9a-f-]{36}$/);
    expect(errors).toEqual([]);
  });
});
