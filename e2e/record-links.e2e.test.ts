import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  axeScan,
  hasChromium,
  launch,
  type Page,
  pageApi,
  type Server,
  screenshotDir,
  signUpInBrowser,
  startServer,
  watchConsole,
} from './harness.ts';

// Issue 9: everything editable in place on a record page, and links made and removed there — a
// contact at a company with a role, a deal's contacts and company, the records an activity or a
// task concerns — each checked again after a reload.

const user = {
  name: 'Rita Record',
  email: `rita.${Date.now()}@example.test`,
  password: 'a record keepers passphrase',
  workspace: 'Links GmbH',
};

type Json = Record<string, unknown> & { id: string; data?: Json[] };

describe.runIf(hasChromium)(
  'record pages: editing in place and links',
  () => {
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

    /** A call to the API with the page's own session, as the web app makes it. */
    async function apiCall(method: string, path: string, body?: unknown) {
      const r = (await pageApi(page, method, path, body)) as { status: number; body: Json };
      expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
      return r.body;
    }
    const shot = (name: string) => page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });
    const field = (label: string) => page.getByRole('button', { name: new RegExp(`^${label}: `) });
    const region = (name: string) => page.getByRole('region', { name, exact: true });
    /** Clicks a field, types into it and presses Enter. */
    async function type(label: string, value: string, input = page.getByRole('textbox', { name: label, exact: true })) {
      await field(label).click();
      await input.fill(value);
      await input.press('Enter');
    }
    /** Clicks a field that edits as a select and picks an option. */
    async function choose(label: string, option: string, search?: string) {
      await field(label).click();
      if (search) await page.getByRole('combobox', { name: label, exact: true }).fill(search);
      await page.getByRole('option', { name: option, exact: true }).click();
    }
    /** Picks a record in an add form's picker (typed in part) and presses its button. */
    async function link(where: ReturnType<typeof region>, picker: string, name: string, button: string, role?: string) {
      await where.getByRole('combobox', { name: picker }).fill(name.slice(0, 4));
      await page.getByRole('option', { name, exact: true }).click();
      if (role) await where.getByRole('textbox', { name: 'Role' }).fill(role);
      await where.getByRole('button', { name: button }).click();
    }
    /** Removes a link after confirming. */
    async function unlink(where: ReturnType<typeof region> | Page, name: string) {
      await where.getByRole('button', { name: `Remove ${name}`, exact: true }).click();
      await page.getByRole('dialog').getByText(`${name} will no longer be linked here`).waitFor();
      await page.getByRole('dialog').getByRole('button', { name: 'Remove' }).click();
      await page.getByRole('dialog').waitFor({ state: 'detached' });
    }
    const reload = async (heading: string) => {
      await page.reload();
      await page.getByRole('heading', { name: heading }).waitFor();
    };

    /** On a failure, a picture of the page to look at. */
    const debug = async <T>(name: string, run: () => Promise<T>) => {
      try {
        return await run();
      } catch (e) {
        await page.screenshot({ path: `/tmp/record-links-${name}.png`, fullPage: true });
        throw e;
      }
    };

    it('edits a deal in place: amount, currency, probability, close date, pipeline, stage; closes and reopens it', async () => {
      const sales = (await apiCall('GET', '/pipelines')).data?.[0] as unknown as { stages: { id: string; name: string; kind: string }[] };
      await apiCall('POST', '/pipelines', {
        name: 'Partners',
        stages: [
          { name: 'Intro', probability: 20 },
          { name: 'Agreement', probability: 70 },
          { name: 'Signed', probability: 100, kind: 'won' },
          { name: 'Dropped', probability: 0, kind: 'lost' },
        ],
      });
      const deal = await apiCall('POST', '/deals', { name: 'Initech renewal', stageId: sales.stages[0].id, amountMinor: 100_000 });
      await debug('deal', async () => {
        await page.goto(`${server.url}/deals/${deal.id}`);
        await page.getByRole('heading', { name: 'Initech renewal' }).waitFor();

        await type('Amount', '1234.5');
        await field('Amount').filter({ hasText: '$1,234.50' }).waitFor();
        // The workspace's currency (US dollars) comes first; another keeps the amount's worth.
        await field('Currency').click();
        expect(await page.getByRole('option').first().textContent()).toBe('USD · US Dollar');
        await page.getByRole('combobox', { name: 'Currency', exact: true }).fill('Euro');
        await page.getByRole('option', { name: 'EUR · Euro', exact: true }).click();
        await field('Amount').filter({ hasText: '€1,234.50' }).waitFor();

        // A probability over 100 is refused in words next to the field, and what was typed stays.
        await type('Probability', '150', page.getByRole('spinbutton', { name: 'Probability' }));
        await page.getByText('At most 100.').waitFor();
        expect(await page.getByRole('spinbutton', { name: 'Probability' }).inputValue()).toBe('150');
        await page.getByRole('spinbutton', { name: 'Probability' }).fill('40');
        await page.getByRole('spinbutton', { name: 'Probability' }).press('Enter');
        await field('Probability').filter({ hasText: '40%' }).waitFor();
        expect(await page.getByText('At most 100.').count()).toBe(0);

        await field('Expected close').click();
        await page.getByLabel('Expected close').fill('2026-10-01');
        await page.getByLabel('Expected close').press('Enter');
        await field('Expected close').filter({ hasText: 'Oct 1, 2026' }).waitFor();

        // Another pipeline puts the deal on its first open stage; the stage is then a select of that pipeline's stages.
        await choose('Pipeline', 'Partners');
        await field('Stage').filter({ hasText: 'Intro' }).waitFor();
        await choose('Stage', 'Agreement');
        await field('Stage').filter({ hasText: 'Agreement' }).waitFor();

        await reload('Initech renewal');
        await field('Amount').filter({ hasText: '€1,234.50' }).waitFor();
        await field('Currency').filter({ hasText: 'EUR' }).waitFor();
        await field('Probability').filter({ hasText: '70%' }).waitFor();
        await field('Expected close').filter({ hasText: 'Oct 1, 2026' }).waitFor();
        await field('Pipeline').filter({ hasText: 'Partners' }).waitFor();
        await field('Stage').filter({ hasText: 'Agreement' }).waitFor();

        // Lost with a reason: the reason shows on the deal; reopening clears it, and the history keeps it.
        await page.getByRole('button', { name: 'Mark as lost' }).click();
        await page.getByRole('dialog').getByLabel('Reason').fill('Too expensive');
        await page.getByRole('dialog').getByRole('button', { name: 'Lost' }).click();
        await field('Close reason').filter({ hasText: 'Too expensive' }).waitFor();
        await reload('Initech renewal');
        await field('Close reason').filter({ hasText: 'Too expensive' }).waitFor();
        await shot('deal-lost');
        await page.getByRole('button', { name: 'Reopen' }).click();
        await page.getByRole('dialog').getByRole('button', { name: 'Reopen' }).click();
        await field('Stage').filter({ hasText: 'Intro' }).waitFor();
        expect(await field('Close reason').count()).toBe(0);
        expect(await page.getByRole('button', { name: 'Mark as won' }).count()).toBe(1);
        await page.getByRole('tab', { name: 'History' }).click();
        await page.getByTestId('history').getByText('Too expensive').first().waitFor();
        await reload('Initech renewal');
        await field('Stage').filter({ hasText: 'Intro' }).waitFor();
        expect(await field('Close reason').count()).toBe(0);
        const stored = await apiCall('GET', `/deals/${deal.id}`);
        expect(stored).toMatchObject({
          status: 'open',
          closeReason: null,
          currency: 'EUR',
          amountMinor: 123_450,
          expectedCloseDate: '2026-10-01',
        });
      });
    }, 120_000);

    it('links from record pages: contacts at companies with roles, a deal’s contacts and company, activities and tasks', async () => {
      const initech = await apiCall('POST', '/companies', { name: 'Initech' });
      const globex = await apiCall('POST', '/companies', { name: 'Globex' });
      const ada = await apiCall('POST', '/contacts', { firstName: 'Ada', lastName: 'Lovelace' });
      const bob = await apiCall('POST', '/contacts', { firstName: 'Bob', lastName: 'Builder' });
      const sales = (await apiCall('GET', '/pipelines')).data?.[0] as unknown as { stages: { id: string }[] };
      const deal = await apiCall('POST', '/deals', { name: 'Globex pilot', stageId: sales.stages[0].id });
      await debug('links', async () => {
        // A company page adds a contact with a role; the first company of a contact is its primary one.
        await page.goto(`${server.url}/companies/${initech.id}`);
        await page.getByRole('heading', { name: 'Initech' }).waitFor();
        await link(region('People'), 'Contact', 'Bob Builder', 'Add contact', 'CTO');
        await region('People').getByText('CTO').waitFor();
        await link(region('People'), 'Contact', 'Ada Lovelace', 'Add contact', 'CEO');
        await region('People').getByText('CEO').waitFor();
        await shot('company-people');

        // A contact page adds the contact to another company, makes it primary and leaves the first.
        await page.goto(`${server.url}/contacts/${ada.id}`);
        await page.getByRole('heading', { name: 'Ada Lovelace' }).waitFor();
        await link(region('Companies'), 'Company', 'Globex', 'Add to company', 'Advisor');
        await region('Companies').getByText('Advisor').waitFor();
        await region('Companies').getByRole('button', { name: 'Make Globex primary' }).click();
        await region('Companies').getByRole('button', { name: 'Make Initech primary' }).waitFor();
        await reload('Ada Lovelace');
        await region('Companies').getByRole('button', { name: 'Make Initech primary' }).waitFor();
        expect(await region('Companies').getByRole('button', { name: 'Make Globex primary' }).count()).toBe(0);
        await unlink(region('Companies'), 'Initech');
        await region('Companies').getByRole('link', { name: 'Initech' }).waitFor({ state: 'detached' });

        // Back on the company: Ada left, Bob is removed here; the contacts themselves stay.
        await page.goto(`${server.url}/companies/${initech.id}`);
        await region('People').getByRole('link', { name: 'Bob Builder' }).waitFor();
        expect(await region('People').getByRole('link', { name: 'Ada Lovelace' }).count()).toBe(0);
        await unlink(region('People'), 'Bob Builder');
        await region('People').getByText('None yet.').waitFor();
        await reload('Initech');
        await region('People').getByText('None yet.').waitFor();
        const stored = await apiCall('GET', `/contacts/${ada.id}`);
        expect(stored.companies).toEqual([{ companyId: globex.id, name: 'Globex', role: 'Advisor', isPrimary: true }]);
        expect((await apiCall('GET', `/contacts/${bob.id}`)).companies).toEqual([]);

        // A deal page sets its company and adds and removes contacts, each with a role.
        await page.goto(`${server.url}/deals/${deal.id}`);
        await page.getByRole('heading', { name: 'Globex pilot' }).waitFor();
        await link(region('Company'), 'Company', 'Globex', 'Set company');
        await region('Company').getByRole('link', { name: 'Globex' }).waitFor();
        await link(region('Contacts'), 'Contact', 'Ada Lovelace', 'Add contact', 'Champion');
        await region('Contacts').getByText('Champion').waitFor();
        await link(region('Contacts'), 'Contact', 'Bob Builder', 'Add contact');
        await region('Contacts').getByRole('link', { name: 'Bob Builder' }).waitFor();
        await unlink(region('Contacts'), 'Bob Builder');
        await region('Contacts').getByRole('link', { name: 'Bob Builder' }).waitFor({ state: 'detached' });
        await unlink(region('Company'), 'Globex');
        await region('Company').getByRole('button', { name: 'Set company' }).waitFor();
        await link(region('Company'), 'Company', 'Initech', 'Set company');
        await region('Company').getByRole('link', { name: 'Initech' }).waitFor();
        await reload('Globex pilot');
        await region('Company').getByRole('link', { name: 'Initech' }).waitFor();
        await region('Contacts').getByText('Champion').waitFor();
        expect(await region('Contacts').getByRole('link').allTextContents()).toEqual(['Ada Lovelace']);
        expect(await apiCall('GET', `/deals/${deal.id}`)).toMatchObject({
          companyId: initech.id,
          contacts: [{ contactId: ada.id, role: 'Champion' }],
        });

        // An activity logged on the deal is linked to a contact and a company too, then unlinked from the company.
        await page.getByLabel('Subject').fill('Kick-off');
        await page.getByRole('button', { name: 'Log Note' }).click();
        const note = page.getByTestId('timeline').locator('.mantine-Paper-root').filter({ hasText: 'Kick-off' });
        await note.getByRole('button', { name: 'Linked records (1)' }).click();
        await note.getByRole('combobox', { name: 'Record', exact: true }).fill('Ada');
        await page.getByRole('option', { name: 'Ada Lovelace', exact: true }).click();
        await note.getByRole('button', { name: 'Link', exact: true }).click();
        await note.getByRole('button', { name: 'Linked records (2)' }).waitFor();
        await note.getByRole('combobox', { name: 'Kind of record' }).click();
        await page.getByRole('option', { name: 'Company', exact: true }).click();
        await note.getByRole('combobox', { name: 'Record', exact: true }).fill('Glob');
        await page.getByRole('option', { name: 'Globex', exact: true }).click();
        await note.getByRole('button', { name: 'Link', exact: true }).click();
        await note.getByRole('button', { name: 'Linked records (3)' }).waitFor();
        await shot('activity-links');
        await unlink(note, 'Globex');
        await note.getByRole('button', { name: 'Linked records (2)' }).waitFor();
        // The activity now shows on Ada's timeline, and not on Globex's.
        await page.goto(`${server.url}/contacts/${ada.id}`);
        await page.getByTestId('timeline').getByText('Kick-off').waitFor();
        await page.goto(`${server.url}/companies/${globex.id}`);
        await page.getByText('No activities yet. Log the first one above.').waitFor();

        // A task on the deal is linked to a company, then unlinked again.
        await page.goto(`${server.url}/deals/${deal.id}`);
        await page.getByRole('tab', { name: 'Tasks' }).click();
        await page.getByLabel('Task title').fill('Send the contract');
        await page.getByRole('button', { name: 'Add task' }).click();
        await page.getByRole('button', { name: 'Linked records (1)' }).click();
        await page.getByRole('combobox', { name: 'Kind of record' }).click();
        await page.getByRole('option', { name: 'Company', exact: true }).click();
        await page.getByRole('combobox', { name: 'Record', exact: true }).fill('Glob');
        await page.getByRole('option', { name: 'Globex', exact: true }).click();
        await page.getByRole('button', { name: 'Link', exact: true }).click();
        await page.getByRole('button', { name: 'Linked records (2)' }).waitFor();
        await page.goto(`${server.url}/companies/${globex.id}`);
        await page.getByRole('tab', { name: 'Tasks' }).click();
        await page.getByText('Send the contract').waitFor();
        await page.goto(`${server.url}/deals/${deal.id}`);
        await page.getByRole('tab', { name: 'Tasks' }).click();
        await page.getByRole('button', { name: 'Linked records (2)' }).click();
        await unlink(page, 'Globex');
        await page.getByRole('button', { name: 'Linked records (1)' }).waitFor();
        const tasks = (await apiCall('GET', `/deals/${deal.id}/tasks`)).data ?? [];
        expect(tasks.map((x) => x.links)).toEqual([[{ recordType: 'deal', recordId: deal.id }]]);
        expect(await axeScan(page)).toEqual([]);
      });
    }, 150_000);

    it('edits every lead field but the phone, and custom fields of every type', async () => {
      const lead = await apiCall('POST', '/leads', { firstName: 'Lea', lastName: 'Lead', phone: '+49 30 5550101', ownerId: null });
      await debug('lead', async () => {
        await page.goto(`${server.url}/leads/${lead.id}`);
        await page.getByRole('heading', { name: 'Lea Lead' }).waitFor();
        await type('First name', 'Leonie');
        await page.getByRole('heading', { name: 'Leonie Lead' }).waitFor();
        await type('Last name', 'Lindner');
        await page.getByRole('heading', { name: 'Leonie Lindner' }).waitFor();
        // A malformed email is refused in words and stays in the input to be corrected.
        await type('Email', 'leonie@');
        await page.getByText('Enter an email address such as name@example.com.').waitFor();
        expect(await page.getByRole('textbox', { name: 'Email', exact: true }).inputValue()).toBe('leonie@');
        await page.getByRole('textbox', { name: 'Email', exact: true }).fill('leonie@initech.example');
        await page.getByRole('textbox', { name: 'Email', exact: true }).press('Enter');
        // An email opens the mail program; it is edited with the pencil beside it.
        await page.getByRole('link', { name: 'leonie@initech.example' }).waitFor();
        expect(await page.getByRole('link', { name: 'leonie@initech.example' }).getAttribute('href')).toBe('mailto:leonie@initech.example');
        await type('Company', 'Initech');
        await field('Company').filter({ hasText: 'Initech' }).waitFor();
        await type('Title', 'Buyer');
        await field('Title').filter({ hasText: 'Buyer' }).waitFor();
        // Converted is reached by converting, so it is not offered.
        await field('Status').click();
        expect(await page.getByRole('option').allTextContents()).not.toContain('Converted');
        await page.getByRole('option', { name: 'Contacted', exact: true }).click();
        await field('Status').filter({ hasText: 'Contacted' }).waitFor();
        await type('Source', 'Trade fair');
        await field('Source').filter({ hasText: 'Trade fair' }).waitFor();
        await choose('Owner', user.name);
        await reload('Leonie Lindner');
        await page.getByRole('link', { name: 'leonie@initech.example' }).waitFor();
        for (const [label, value] of [
          ['Company', 'Initech'],
          ['Title', 'Buyer'],
          ['Status', 'Contacted'],
          ['Source', 'Trade fair'],
          ['Owner', user.name],
        ])
          await field(label).filter({ hasText: value }).waitFor();
        expect(await apiCall('GET', `/leads/${lead.id}`)).toMatchObject({ phone: '+49 30 5550101', status: 'contacted' });
      });

      const company = await apiCall('POST', '/companies', { name: 'Umbrella' });
      const defs: Record<string, unknown>[] = [
        { key: 'kickoff', label: 'Kickoff', type: 'date' },
        { key: 'signed', label: 'Signed', type: 'boolean' },
        { key: 'tier', label: 'Tier', type: 'select', options: ['Gold', 'Silver'] },
        { key: 'modules', label: 'Modules', type: 'multiSelect', options: ['CRM', 'Mail', 'Reports'] },
        { key: 'seats', label: 'Seats', type: 'number' },
        { key: 'site', label: 'Site', type: 'url' },
        { key: 'billing', label: 'Billing email', type: 'email' },
        { key: 'budget', label: 'Budget', type: 'currency' },
        { key: 'partner', label: 'Partner', type: 'relation', target: 'company' },
        { key: 'notes', label: 'Notes', type: 'longText' },
      ];
      for (const d of defs) await apiCall('POST', '/fields', { objectType: 'deal', ...d });
      const sales = (await apiCall('GET', '/pipelines')).data?.[0] as unknown as { stages: { id: string }[] };
      const deal = await apiCall('POST', '/deals', { name: 'Custom deal', stageId: sales.stages[0].id });
      await debug('custom', async () => {
        await page.goto(`${server.url}/deals/${deal.id}`);
        await page.getByRole('heading', { name: 'Custom deal' }).waitFor();
        await field('Kickoff').click();
        await page.getByLabel('Kickoff').fill('2026-11-15');
        await page.getByLabel('Kickoff').press('Enter');
        await field('Kickoff').filter({ hasText: 'Nov 15, 2026' }).waitFor();
        await choose('Signed', 'Yes');
        await field('Signed').filter({ hasText: 'Yes' }).waitFor();
        await choose('Tier', 'Gold');
        await field('Tier').filter({ hasText: 'Gold' }).waitFor();
        await field('Modules').click();
        await page.getByRole('option', { name: 'CRM', exact: true }).click();
        await page.getByRole('option', { name: 'Reports', exact: true }).click();
        await page.keyboard.press('Tab');
        await field('Modules').filter({ hasText: 'CRM, Reports' }).waitFor();
        await type('Seats', '25', page.getByRole('spinbutton', { name: 'Seats' }));
        await field('Seats').filter({ hasText: '25' }).waitFor();
        await type('Site', 'not a url');
        await page.getByText('Enter a web address starting with http:// or https://.').waitFor();
        expect(await page.getByRole('textbox', { name: 'Site', exact: true }).inputValue()).toBe('not a url');
        await page.getByRole('textbox', { name: 'Site', exact: true }).fill('https://globex.example');
        await page.getByRole('textbox', { name: 'Site', exact: true }).press('Enter');
        await field('Site').filter({ hasText: 'https://globex.example' }).waitFor();
        await type('Billing email', 'billing@globex.example');
        await field('Billing email').filter({ hasText: 'billing@globex.example' }).waitFor();
        await field('Budget').click();
        await page.getByRole('combobox', { name: 'Budget: Currency' }).fill('Euro');
        await page.getByRole('option', { name: 'EUR · Euro', exact: true }).click();
        await page.getByRole('textbox', { name: 'Budget', exact: true }).fill('5000');
        await page.getByRole('textbox', { name: 'Budget', exact: true }).press('Enter');
        await field('Budget').filter({ hasText: '€5,000.00' }).waitFor();
        await field('Partner').click();
        await page.getByRole('combobox', { name: 'Partner' }).fill('Umbr');
        await page.getByRole('option', { name: 'Umbrella', exact: true }).click();
        await field('Partner').filter({ hasText: 'Umbrella' }).waitFor();
        await field('Notes').click();
        await page.getByRole('textbox', { name: 'Notes' }).fill('First line\nSecond line');
        await page.getByRole('textbox', { name: 'Notes' }).press('Control+Enter');
        await field('Notes').filter({ hasText: 'Second line' }).waitFor();
        await shot('deal-custom-fields');

        await reload('Custom deal');
        for (const [label, value] of [
          ['Kickoff', 'Nov 15, 2026'],
          ['Signed', 'Yes'],
          ['Tier', 'Gold'],
          ['Modules', 'CRM, Reports'],
          ['Seats', '25'],
          ['Site', 'https://globex.example'],
          ['Billing email', 'billing@globex.example'],
          ['Budget', '€5,000.00'],
          ['Partner', 'Umbrella'],
          ['Notes', 'Second line'],
        ])
          await field(label).filter({ hasText: value }).waitFor();
        expect((await apiCall('GET', `/deals/${deal.id}`)).custom).toEqual({
          kickoff: '2026-11-15',
          signed: true,
          tier: 'Gold',
          modules: ['CRM', 'Reports'],
          seats: 25,
          site: 'https://globex.example',
          billing: 'billing@globex.example',
          budget: { amountMinor: 500_000, currency: 'EUR' },
          partner: company.id,
          notes: 'First line\nSecond line',
        });
        expect(await axeScan(page)).toEqual([]);
      });
      // The refusals this spec provokes (probability, email, URL) are the only failed requests.
      // (The schema refuses the first two with 400, the custom field's check the URL with 422.)
      const refused = (e: string) => /status of (400|422) .*\/api\/v1\/(deals|leads)\/[0-9a-f-]+\)$/.test(e);
      expect(errors.filter(refused)).toHaveLength(3);
      expect(errors.filter((e) => !refused(e))).toEqual([]);
    }, 150_000);
  },
  600_000,
);
