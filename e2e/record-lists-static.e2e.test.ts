import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeScan, hasChromium, launch, type Page, pageApi, type Server, signUpInBrowser, startServer, watchConsole } from './harness.ts';

// Static lists in the web app (issue 11): contacts selected in their list go to a new list by
// "Add to list…", the Lists page shows it with its records, one is taken out there and from a
// record page's chips; a rule built in the step editor with "Add to a list" puts a won deal in a
// list of deals.

const user = { name: 'Liv Lister', email: `liv.${Date.now()}@example.test`, password: 'a static list passphrase', workspace: 'Lists AG' };

describe.runIf(hasChromium)('static lists', () => {
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
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const call = (method: string, path: string, body?: unknown) => pageApi(page, method, path, body);
  const shot = (name: string) => page.screenshot({ path: `e2e/screenshots/${name}.png` });
  /** Picks an option of a Mantine select by the select's name. */
  const pick = async (name: string, option: string, scope: Page | ReturnType<Page['locator']> = page) => {
    await scope.getByRole('combobox', { name, exact: true }).click();
    await page.getByRole('option', { name: option, exact: true }).click();
  };

  it('adds selected contacts to a new list, shows it on the Lists page, and takes one out there and on a record page', async () => {
    const ids: Record<string, string> = {};
    for (const [first, last] of [
      ['Ada', 'Lovelace'],
      ['Grace', 'Hopper'],
      ['Alan', 'Turing'],
    ]) {
      const r = await call('POST', '/contacts', { firstName: first, lastName: last });
      expect(r.status).toBe(201);
      ids[first] = r.body.id;
    }
    await page.goto(`${server.url}/contacts`);
    await page.getByRole('link', { name: 'Ada Lovelace' }).waitFor();
    for (const name of ['Ada Lovelace', 'Grace Hopper']) {
      await page
        .getByRole('row', { name: new RegExp(name) })
        .getByRole('checkbox', { name: 'Select row' })
        .check();
    }
    await pick('Add to list…', 'New list…');
    const dialog = page.getByRole('dialog', { name: 'Add 2 record(s) to a new list' });
    await dialog.getByLabel('Name').fill('VIP customers');
    await shot('static-list-new');
    await dialog.getByRole('button', { name: 'Create list' }).click();
    await page.getByText('2 record(s) added to “VIP customers”.').waitFor();

    await page.getByRole('link', { name: 'Lists', exact: true }).click();
    await page.getByRole('heading', { name: 'Lists', exact: true }).waitFor();
    const row = page.getByRole('row', { name: /VIP customers/ });
    await row.waitFor();
    expect(await row.getByRole('cell').nth(1).textContent()).toBe('Contacts');
    expect(await row.getByRole('cell').nth(2).textContent()).toBe('2');
    expect(await axeScan(page)).toEqual([]);
    await shot('static-lists');

    await row.getByRole('link', { name: 'VIP customers' }).click();
    await page.getByRole('heading', { name: 'VIP customers' }).waitFor();
    const members = page.getByTestId('list-members');
    await members.getByRole('link', { name: 'Grace Hopper' }).waitFor();
    await members.getByRole('link', { name: 'Ada Lovelace' }).waitFor();
    expect(await axeScan(page)).toEqual([]);
    await shot('static-list-members');
    await page.getByRole('button', { name: 'Remove Grace Hopper from this list' }).click();
    await members.getByRole('link', { name: 'Grace Hopper' }).waitFor({ state: 'detached' });
    const list = (await call('GET', '/lists?objectType=contact')).body.data[0];
    expect(list).toMatchObject({ name: 'VIP customers', memberCount: 1 });

    // An existing list from the bulk bar: Ada is in it already, Alan is added.
    await page.goto(`${server.url}/contacts`);
    for (const name of ['Ada Lovelace', 'Alan Turing']) {
      await page
        .getByRole('row', { name: new RegExp(name) })
        .getByRole('checkbox', { name: 'Select row' })
        .check();
    }
    await pick('Add to list…', 'VIP customers');
    await page.getByText('1 record(s) added to “VIP customers”.').waitFor();
    expect((await call('GET', `/lists/${list.id}`)).body.memberCount).toBe(2);
    await page.goto(`${server.url}/lists/${list.id}`);
    await members.getByRole('link', { name: 'Alan Turing' }).waitFor();

    // Renamed in place; the record page shows the list as a chip, whose × takes the record out.
    await page.getByRole('button', { name: 'Rename' }).click();
    await page.getByLabel('Name').fill('VIP customers 2026');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { name: 'VIP customers 2026' }).waitFor();
    await members.getByRole('link', { name: 'Ada Lovelace' }).click();
    await page.getByRole('heading', { name: 'Ada Lovelace' }).waitFor();
    const chips = page.getByRole('region', { name: 'Lists' });
    await chips.getByRole('link', { name: 'VIP customers 2026' }).waitFor();
    expect(await axeScan(page)).toEqual([]);
    await shot('static-list-chips');
    await chips.getByRole('button', { name: 'Take this record out of VIP customers 2026' }).click();
    await chips.getByRole('link', { name: 'VIP customers 2026' }).waitFor({ state: 'detached' });
    expect((await call('GET', `/lists?recordId=${ids.Ada}`)).body.data).toEqual([]);

    // Deleting asks first.
    await page.goto(`${server.url}/lists/${list.id}`);
    await page.getByRole('button', { name: 'Delete list' }).click();
    await page.getByRole('dialog', { name: 'Delete the list “VIP customers 2026”?' }).getByRole('button', { name: 'Delete list' }).click();
    await page.getByText('No lists yet', { exact: false }).waitFor();
    expect(errors).toEqual([]);
  });

  it('puts a deal in a list when it is won, by a rule built with "Add to a list"', async () => {
    const won = await call('POST', '/lists', { name: 'Won deals', objectType: 'deal' });
    expect(won.status).toBe(201);
    const pipeline = (await call('GET', '/pipelines')).body.data[0] as { stages: { id: string; name: string }[] };
    const stage = (name: string) => pipeline.stages.find((s) => s.name === name)?.id as string;

    await page.goto(`${server.url}/automation`);
    await page.getByRole('button', { name: 'New rule' }).click();
    await page.getByRole('heading', { name: 'New rule' }).waitFor();
    await page.getByLabel('Name').fill('Won deals go to the list');
    await pick('Trigger', 'A deal moves to another stage');
    await pick('To stage', 'Won');
    await page.getByRole('button', { name: 'Add a step' }).click();
    await page.getByRole('menuitem', { name: 'Add to a list' }).click();
    const step = page.getByRole('region', { name: 'Step 1: Add to a list' });
    await pick('List', 'Won deals', step);
    await shot('static-list-rule');
    await page.getByRole('button', { name: 'Create rule' }).click();
    await page.getByRole('heading', { name: 'Won deals go to the list' }).waitFor();

    const deal = await call('POST', '/deals', { name: 'Umbrella renewal', stageId: stage('Qualification') });
    expect(deal.status).toBe(201);
    await page.goto(`${server.url}/lists/${won.body.id}`);
    await page.getByText('This list is empty', { exact: false }).waitFor();
    const moved = await call('PATCH', `/deals/${deal.body.id}`, { stageId: stage('Won'), version: deal.body.version });
    expect(moved.status).toBe(200);
    // The worker runs the rule; the list page hears of the change live.
    await page.getByTestId('list-members').getByRole('link', { name: 'Umbrella renewal' }).waitFor({ timeout: 20_000 });
    expect(errors).toEqual([]);
  });
});
