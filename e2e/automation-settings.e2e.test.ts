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

// Automation → Settings: an admin changes the rate guard and keeps a token for webhook headers as a
// named secret — typed once, never shown again, listed with the rules that use it, rotated in place
// and not deletable while a rule uses it.

const user = {
  name: 'Sam Secret',
  email: `sam.${Date.now()}@example.test`,
  password: 'a secretive long passphrase',
  workspace: 'Secret GmbH',
};

describe.runIf(hasChromium)('automation settings', () => {
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

  it('changes the rate guard and keeps a webhook token as a secret', async () => {
    await page.goto(`${server.url}/automation`);
    await page.getByRole('tab', { name: 'Settings' }).click();
    const runs = page.getByLabel('Runs per minute');
    await expect.poll(() => runs.inputValue()).not.toBe('');
    await runs.fill('0');
    await page.getByText('A whole number from 1 to 100,000').waitFor();
    await runs.fill('250');
    await page.getByRole('button', { name: 'Save' }).first().click();
    await expect.poll(async () => (await pageApi(page, 'GET', '/automation/settings')).body).toEqual({ runsPerMinute: 250 });

    const add = page.getByRole('form', { name: 'Add secret' });
    await add.getByLabel('Name').fill('CRM_TOKEN');
    await add.getByLabel('Value').fill('sk_live_from_the_browser');
    await add.getByRole('button', { name: 'Add secret' }).click();
    const row = page.getByTestId('secret-row');
    await row.getByText('{{secret.CRM_TOKEN}}').waitFor();
    expect(await row.getByText('No rule').count()).toBe(1);
    // A second one of the same name: refused beside the field.
    await add.getByLabel('Name').fill('CRM_TOKEN');
    await add.getByLabel('Value').fill('another');
    await add.getByRole('button', { name: 'Add secret' }).click();
    await add.getByText('is the name of another secret').waitFor();
    expect(errors.splice(0)).toEqual([expect.stringMatching(/status of 409/)]);

    // A rule that sends it: the list names the rule, and Delete is off while it does.
    const rule = await pageApi(page, 'POST', '/automation/rules', {
      name: 'Tell the billing system',
      definition: {
        trigger: { type: 'record_created', config: { object: 'company' } },
        steps: [
          {
            type: 'action',
            action: 'call_webhook',
            input: { url: 'https://billing.example.com/hooks', headers: { Authorization: 'Bearer {{secret.CRM_TOKEN}}' } },
          },
        ],
      },
    });
    expect(rule.status).toBe(201);
    await page.reload();
    await row.getByText('Tell the billing system').waitFor();
    expect(await row.getByRole('button', { name: 'Delete secret' }).isDisabled()).toBe(true);
    await row.getByRole('button', { name: 'New value' }).click();
    await row.getByLabel('New value', { exact: true }).fill('sk_live_rotated');
    await row.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved').first().waitFor();
    expect(await page.content()).not.toContain('sk_live');
    await page.screenshot({ path: join(screenshotDir, 'automation-settings.png'), fullPage: true });
    expect(await axeScan(page)).toEqual([]);
    expect(errors).toEqual([]);
  });
});
