import { readFileSync } from 'node:fs';
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

// Settings → Audit (issue 15): an admin reads who changed what, the sign-ins and the security log,
// filters them, downloads them as CSV, and sets how long security events and sign-ins are kept.

const user = {
  name: 'Audrey Auditor',
  email: `audrey.${Date.now()}@example.test`,
  password: 'an auditable passphrase',
  workspace: 'Prüfung GmbH',
};

describe.runIf(hasChromium)('the audit page in the browser', () => {
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

  it('shows changes, sign-ins and security events with filters, exports CSV, and sets the retention', async () => {
    const made = await pageApi(page, 'POST', '/contacts', { firstName: 'Ada', lastName: 'Lovelace' });
    expect(made.status).toBe(201);
    const { id, version } = made.body as { id: string; version: number };
    expect((await pageApi(page, 'PATCH', `/contacts/${id}`, { title: 'Analyst', version })).status).toBe(200);
    expect((await pageApi(page, 'POST', '/companies', { name: 'Difference Engines Ltd' })).status).toBe(201);
    expect((await pageApi(page, 'POST', '/api-keys', { name: 'Reporting', role: 'read-only' })).status).toBe(201);

    await page.goto(`${server.url}/settings?tab=audit`);
    const changes = page.getByTestId('audit-changes');
    await changes.getByText('Analyst').waitFor();
    await changes.getByText('Difference Engines Ltd', { exact: false }).first().waitFor();

    // Only contacts: the company goes, the title change stays.
    await page.getByRole('combobox', { name: 'Object', exact: true }).click();
    await page.getByRole('option', { name: 'Contact', exact: true }).click();
    await expect.poll(() => changes.getByText('Difference Engines Ltd', { exact: false }).count()).toBe(0);
    await changes.getByText('update · title').waitFor();
    await page.screenshot({ path: join(screenshotDir, 'audit-changes.png'), fullPage: true });
    expect(await axeScan(page)).toEqual([]);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export CSV' }).click()]);
    expect(download.suggestedFilename()).toBe('changes.csv');
    const lines = readFileSync(await download.path(), 'utf8')
      .replace(/^\uFEFF/, '')
      .split('\r\n')
      .filter(Boolean);
    expect(lines[0]).toBe('at,actorType,actorId,recordType,recordId,action,field,oldValue,newValue,requestId');
    expect(lines.slice(1).every((l) => l.includes(`,contact,${id},`))).toBe(true);
    expect(lines).toHaveLength(3);

    await page.getByRole('tab', { name: 'Sign-ins' }).click();
    const signIns = page.getByTestId('audit-sign-ins');
    await signIns.getByText('signup').waitFor();
    expect(await signIns.getByText('success').count()).toBeGreaterThan(0);

    await page.getByRole('tab', { name: 'Security events' }).click();
    const events = page.getByTestId('audit-security-events');
    await events.getByText('API key created').waitFor();
    await events.getByText('Audit log exported').waitFor();
    await page.getByRole('combobox', { name: 'Event', exact: true }).click();
    await page.getByRole('option', { name: 'API key created' }).click();
    await expect.poll(() => events.getByText('Audit log exported').count()).toBe(0);
    // The detail reads as words, not JSON: the key's fields, without its id.
    await events.getByText(/name: Reporting, role: read-only/).waitFor();
    expect(await events.getByText(/"changes"|\{"/).count()).toBe(0);

    // Retention: a negative number of days is refused, naming the field; 90 days is kept.
    const days = page.getByLabel('Keep security events and sign-ins for (days)');
    await days.fill('-3');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('must be between 1 and 36500 days').waitFor();
    await days.fill('90');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(async () => (await pageApi(page, 'GET', '/audit/settings')).body).toEqual({ retentionDays: 90 });
    await page.screenshot({ path: join(screenshotDir, 'audit-security.png'), fullPage: true });
    expect(await axeScan(page)).toEqual([]);
    // The refused save is the only error the page met.
    expect(errors.filter((e) => !(e.includes('422') && e.includes('/audit/settings')))).toEqual([]);
  });
});
