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

// Issue 13, duplicates: the create form warns of a likely duplicate, the review queue lists the
// pair, a merge picks fields side by side and brings both timelines together, and undo reverses it.

async function call(page: Page, method: string, path: string, body?: unknown) {
  return (await pageApi(page, method, path, body)) as { status: number; body: Record<string, unknown> & { id: string; version: number } };
}

describe.runIf(hasChromium)('duplicates and merge', () => {
  let server: Server;
  beforeAll(async () => {
    server = await startServer();
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });
  const shot = (page: Page, name: string) => page.screenshot({ path: join(screenshotDir, `${name}.png`) });

  it('warns on create, queues the pair, merges with picked fields and both timelines, and undoes it', async () => {
    const browser = await launch();
    try {
      const page = browser.context.pages()[0] ?? (await browser.context.newPage());
      const errors = watchConsole(page);
      await signUpInBrowser(page, server.url, {
        name: 'Dora Dupe',
        email: `dora.${Date.now()}@example.test`,
        password: 'a tidy passphrase',
        workspace: 'Dupe GmbH',
      });
      const ada = (
        await call(page, 'POST', '/contacts', { firstName: 'Ada', lastName: 'Lovelace', emails: [{ value: 'ada@engines.example' }] })
      ).body;
      await call(page, 'POST', '/activities', {
        type: 'note',
        subject: 'Met Ada at the fair',
        links: [{ recordType: 'contact', recordId: ada.id }],
      });

      // Creating a contact with Ada's email warns first, naming Ada and why; "create anyway" creates it.
      await page.goto(`${server.url}/contacts?new=1`);
      await page.getByLabel('First name').fill('Augusta');
      await page.getByLabel('Last name').fill('King');
      await page.getByLabel('Email').fill('ADA@engines.example');
      await page.getByRole('button', { name: 'Create', exact: true }).click();
      const warning = page.getByRole('alert').filter({ hasText: 'This looks like a record you already have' });
      await warning.waitFor();
      expect(await warning.textContent()).toContain('Ada Lovelace');
      expect(await warning.textContent()).toContain('Same email');
      await warning.getByRole('link', { name: 'Open' }).waitFor();
      expect(await axeScan(page)).toEqual([]);
      await shot(page, 'duplicates-warning');
      expect((await call(page, 'GET', '/contacts')).body.data).toHaveLength(1);
      await page.getByRole('button', { name: 'Create anyway' }).click();
      await page.getByRole('heading', { name: 'Augusta King' }).waitFor();
      const augusta = ((await call(page, 'GET', '/contacts')).body.data as { id: string; firstName: string }[]).find(
        (c) => c.firstName === 'Augusta',
      );
      if (!augusta) throw new Error('Augusta was not created');
      await call(page, 'POST', '/activities', {
        type: 'note',
        subject: 'Augusta called',
        links: [{ recordType: 'contact', recordId: augusta.id }],
      });

      // The worker puts the new contact and Ada into the review queue.
      await expect
        .poll(async () => ((await call(page, 'GET', '/duplicates?type=contact')).body.data as unknown[]).length, { timeout: 20_000 })
        .toBe(1);
      await page.getByRole('link', { name: 'Duplicates' }).click();
      const pair = page.getByTestId('duplicate-pair');
      await pair.waitFor();
      expect(await pair.textContent()).toContain('Ada Lovelace');
      expect(await pair.textContent()).toContain('Augusta King');
      expect(await pair.textContent()).toContain('100 %');
      expect(await axeScan(page)).toEqual([]);
      await shot(page, 'duplicates-queue');

      // Merge: Ada stays; her last name is taken from Augusta's record.
      await pair.getByRole('button', { name: 'Merge' }).click();
      await page.getByRole('heading', { name: 'Merge 2 records' }).waitFor();
      await page.getByRole('radio', { name: 'Keep record 1' }).check();
      await page.getByRole('radio', { name: 'King', exact: true }).check();
      expect(await axeScan(page)).toEqual([]);
      await shot(page, 'duplicates-merge');
      await page.getByRole('button', { name: 'Merge', exact: true }).click();
      await page.getByRole('heading', { name: 'Ada King' }).waitFor();
      await page.getByText('1 record merged into this one.').waitFor();
      // Both timelines are on the survivor now.
      await page.getByTestId('activity').filter({ hasText: 'Met Ada at the fair' }).waitFor();
      await page.getByTestId('activity').filter({ hasText: 'Augusta called' }).waitFor();
      await shot(page, 'duplicates-merged');
      expect((await call(page, 'GET', `/contacts/${augusta.id}`)).body.deletedAt).not.toBeNull();
      // The trash says Augusta was merged, and leads to the record that stayed.
      await page.getByRole('link', { name: 'Trash' }).click();
      const trashed = page.getByRole('row').filter({ hasText: 'Augusta King' });
      await trashed.getByText('Merged into').waitFor();
      expect(await axeScan(page)).toEqual([]);
      await trashed.getByRole('link', { name: 'the record that stayed' }).click();
      await page.getByRole('heading', { name: 'Ada King' }).waitFor();

      // Undo: Augusta is back with her note, and Ada has her own name again.
      await page.getByRole('button', { name: 'Undo' }).click();
      await page.getByText('Merge undone').waitFor();
      await page.getByRole('heading', { name: 'Ada Lovelace' }).waitFor();
      await page.getByTestId('activity').filter({ hasText: 'Augusta called' }).waitFor({ state: 'detached' });
      const back = (await call(page, 'GET', `/contacts/${augusta.id}`)).body;
      expect(back.deletedAt).toBeNull();
      expect((await call(page, 'GET', `/contacts/${augusta.id}/timeline`)).body.data).toEqual([
        expect.objectContaining({ subject: 'Augusta called' }),
      ]);

      // "Not a duplicate" takes the pair off the queue for good.
      await page.getByRole('link', { name: 'Duplicates' }).click();
      await pair.getByRole('button', { name: 'Not a duplicate' }).click();
      await page.getByText('No suspected duplicates.').waitFor();

      // Converting a lead with Ada's email and her company's domain links both instead of making new ones.
      const engines = (await call(page, 'POST', '/companies', { name: 'Analytical Engines', domain: 'engines.example' })).body;
      const lead = (
        await call(page, 'POST', '/leads', { firstName: 'Ada', lastName: 'L.', email: 'ada@engines.example', companyName: 'Engines' })
      ).body;
      await page.goto(`${server.url}/leads/${lead.id}`);
      await page.getByRole('button', { name: 'Convert' }).click();
      const dialog = page.getByRole('dialog', { name: 'Convert lead' });
      await dialog.getByRole('radiogroup', { name: 'This person may already be a contact' }).waitFor();
      expect(await dialog.getByRole('radio', { name: 'Link to Ada Lovelace · ada@engines.example' }).isChecked()).toBe(true);
      expect(await dialog.getByRole('radio', { name: 'Link to Analytical Engines · engines.example' }).isChecked()).toBe(true);
      expect(await axeScan(page)).toEqual([]);
      await shot(page, 'duplicates-convert');
      await dialog.getByRole('button', { name: 'Convert' }).click();
      await page.getByRole('heading', { name: 'Ada Lovelace' }).waitFor();
      expect(page.url()).toBe(`${server.url}/contacts/${ada.id}`);
      expect((await call(page, 'GET', '/contacts')).body.data).toHaveLength(2);
      expect((await call(page, 'GET', '/companies')).body.data).toHaveLength(1);
      const linked = (await call(page, 'GET', `/contacts/${ada.id}`)).body.companies as { companyId: string }[];
      expect(linked.map((c) => c.companyId)).toEqual([engines.id]);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 180_000);

  it('"Scan now" finds the look-alikes of an import at once, not ten minutes later', async () => {
    const browser = await launch();
    try {
      const page = browser.context.pages()[0] ?? (await browser.context.newPage());
      const errors = watchConsole(page);
      await signUpInBrowser(page, server.url, {
        name: 'Sam Scan',
        email: `sam.${Date.now()}@example.test`,
        password: 'a scanning passphrase',
        workspace: 'Scan KG',
      });
      // 60 people, two of them alike in name only: an import hands its new contacts to a scan queued
      // for later (the worker would otherwise compare each while the import writes).
      const rows = ['first_name,last_name,email'];
      // Made-up names of pseudo-random letters: no two of these are alike (trigram similarity under 0.2).
      const word = (n: number) => {
        let x = (n + 1) * 2654435761;
        return Array.from({ length: 7 }, () => {
          x = (x * 1103515245 + 12345) % 2147483648;
          return String.fromCharCode(97 + (x % 26));
        }).join('');
      };
      for (let i = 0; i < 58; i++) rows.push(`${word(2 * i)},${word(2 * i + 1)},p${i}@scan.example`);
      rows.push('Hieronymus,Bosch-Meyer,h1@scan.example', 'Hieronymus,Bosch Meyer,h2@scan.example');
      const status = await page.evaluate(
        `(async () => {
          const s = await (await fetch('/api/v1/auth/session')).json();
          const r = await fetch('/api/v1/imports/contacts?wait=60', { method: 'POST', headers: { 'content-type': 'text/csv', 'x-csrf-token': s.csrfToken }, body: ${JSON.stringify(rows.join('\n'))} });
          return r.status;
        })()`,
      );
      expect(status).toBe(201);
      const waiting = async () =>
        ((await call(page, 'GET', '/jobs?status=queued')).body.data as { name: string }[]).filter((j) => j.name === 'duplicates.scan')
          .length;
      await expect.poll(waiting, { timeout: 20_000 }).toBe(1);
      expect((await call(page, 'GET', '/duplicates?type=contact')).body.data).toEqual([]);

      await page.getByRole('link', { name: 'Duplicates' }).click();
      await page.getByText('No suspected duplicates.').waitFor();
      await page.getByRole('button', { name: 'Scan now' }).click();
      await page.getByText('The scan runs in the background; new pairs appear here.').waitFor();
      await expect
        .poll(async () => ((await call(page, 'GET', '/duplicates?type=contact')).body.data as unknown[]).length, { timeout: 20_000 })
        .toBe(1);
      expect(await waiting()).toBe(0);
      await page.reload();
      const pair = page.getByTestId('duplicate-pair');
      await pair.waitFor();
      expect(await pair.textContent()).toContain('Hieronymus Bosch-Meyer');
      expect(await pair.textContent()).toContain('Hieronymus Bosch Meyer');
      expect(await axeScan(page)).toEqual([]);
      await shot(page, 'duplicates-scan-now');
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 180_000);

  it('warns of a look-alike deal, queues it under Deals, and merges two deals picking the amount and stage', async () => {
    const browser = await launch();
    try {
      const page = browser.context.pages()[0] ?? (await browser.context.newPage());
      const errors = watchConsole(page);
      await signUpInBrowser(page, server.url, {
        name: 'Dan Deal',
        email: `dan.${Date.now()}@example.test`,
        password: 'a dealing passphrase',
        workspace: 'Deal AG',
      });
      const stages = ((await call(page, 'GET', '/pipelines')).body.data as { stages: { id: string; name: string }[] }[])[0].stages;
      const first = (await call(page, 'POST', '/deals', { name: 'Umbrella fleet renewal', stageId: stages[0].id, amountMinor: 1_200_000 }))
        .body;

      // The new-deal form warns of the deal with a look-alike name, and "create anyway" creates it.
      await page.goto(`${server.url}/deals?new=1`);
      const form = page.getByRole('dialog');
      await form.getByLabel('Name').fill('Umbrella fleet renewals');
      await form.getByRole('button', { name: 'Create', exact: true }).click();
      const warning = page.getByRole('alert').filter({ hasText: 'This looks like a record you already have' });
      await warning.waitFor();
      expect(await warning.textContent()).toContain('Umbrella fleet renewal');
      expect(await warning.textContent()).toContain('Similar name');
      expect(await axeScan(page)).toEqual([]);
      await page.getByRole('button', { name: 'Create anyway' }).click();
      await page.getByRole('heading', { name: 'Umbrella fleet renewals' }).waitFor();
      const second = ((await call(page, 'GET', '/deals')).body.data as { id: string; name: string; version: number }[]).find(
        (d) => d.name === 'Umbrella fleet renewals',
      );
      if (!second) throw new Error('the second deal was not created');
      await call(page, 'PATCH', `/deals/${second.id}`, { amountMinor: 1_500_000, stageId: stages[1].id, version: second.version });

      // The queue lists the pair under Deals.
      await expect
        .poll(async () => ((await call(page, 'GET', '/duplicates?type=deal')).body.data as unknown[]).length, { timeout: 20_000 })
        .toBe(1);
      await page.getByRole('link', { name: 'Duplicates' }).click();
      await page
        .locator('label')
        .filter({ hasText: /^Deal$/ })
        .click();
      const pair = page.getByTestId('duplicate-pair');
      await pair.waitFor();
      expect(await pair.textContent()).toContain('Umbrella fleet renewals');

      // Side by side, amounts read as money and stages by name; the first deal stays with the second's amount and stage.
      await pair.getByRole('button', { name: 'Merge' }).click();
      await page.getByRole('heading', { name: 'Merge 2 records' }).waitFor();
      await page.getByRole('radio', { name: 'Keep record 1' }).check();
      const survivorColumn = (await call(page, 'GET', '/duplicates?type=deal')).body.data as { records: { id: string }[] }[];
      expect(survivorColumn[0].records.map((r) => r.id).sort()).toEqual([first.id, second.id].sort());
      const amountRow = page.getByRole('row').filter({ hasText: 'Amount' });
      expect(await amountRow.textContent()).toMatch(/12,000\.00/);
      expect(await amountRow.textContent()).toMatch(/15,000\.00/);
      const stageRow = page.getByRole('row').filter({ hasText: 'Stage' });
      expect(await stageRow.textContent()).toContain(stages[1].name);
      await stageRow.getByRole('radio', { name: new RegExp(stages[1].name) }).check();
      await amountRow.getByRole('radio', { name: /15,000\.00/ }).check();
      expect(await axeScan(page)).toEqual([]);
      await shot(page, 'duplicates-merge-deals');
      await page.getByRole('button', { name: 'Merge', exact: true }).click();
      await page.getByText('1 record merged into this one.').waitFor();
      const keepId = page.url().split('/').pop() as string;
      const kept = (await call(page, 'GET', `/deals/${keepId}`)).body;
      expect(kept).toMatchObject({ amountMinor: 1_500_000, stageId: stages[1].id });
      const gone = keepId === first.id ? second.id : first.id;
      expect((await call(page, 'GET', `/deals/${gone}`)).body.deletedAt).not.toBeNull();
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 180_000);
});
