import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeScan, hasChromium, launch, type Server, screenshotDir, signUpInBrowser, startServer, watchConsole } from './harness.ts';

// API keys (issue 15): an admin makes a key limited to reading contacts, from one address range,
// expiring later; a bad range is refused naming it; the key then reads contacts and nothing else.

describe.runIf(hasChromium)('API keys in the browser', () => {
  let server: Server;
  beforeAll(async () => {
    server = await startServer();
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('makes a key with scopes, an expiry and an IP allow-list, which the API then enforces', async () => {
    const browser = await launch();
    try {
      const page = browser.context.pages()[0] ?? (await browser.context.newPage());
      const errors = watchConsole(page);
      await signUpInBrowser(page, server.url, {
        name: 'Kim Keys',
        email: `kim.${Date.now()}@example.test`,
        password: 'a long enough passphrase',
        workspace: 'Keys Co',
      });
      await page.goto(`${server.url}/settings?tab=apiKeys`);
      await page.getByLabel('Key name').fill('Newsletter sync');
      const scopes = page.getByRole('combobox', { name: 'Scopes' });
      await scopes.click();
      await scopes.fill('contacts:r');
      await page.getByRole('option', { name: 'contacts:read', exact: true }).click();
      await page.keyboard.press('Escape');
      await page.getByLabel('Expires').fill('2099-12-31T12:00');
      const ips = page.getByRole('combobox', { name: 'Allowed IP addresses' });
      await ips.fill('10.0.0.0/33');
      await ips.press('Enter');
      await page.getByRole('button', { name: 'Create key' }).click();
      await page.getByText('10.0.0.0/33: is not an IP address or CIDR range').waitFor();

      // Backspace in the empty field takes the last address off.
      await ips.press('Backspace');
      await ips.fill('127.0.0.0/8');
      await ips.press('Enter');
      await ips.fill('::1');
      await ips.press('Enter');
      await page.getByRole('button', { name: 'Create key' }).click();
      const key = (await page.getByTestId('new-api-key').innerText()).trim();
      expect(key).toMatch(/^rpk_/);
      const row = page.getByTestId('api-key-row').filter({ hasText: 'Newsletter sync' });
      await expect.poll(() => row.innerText()).toContain('contacts:read');
      expect(await row.innerText()).toContain('Only from 127.0.0.0/8, ::1/128');
      expect(await row.innerText()).toMatch(/2099/);
      expect(await axeScan(page)).toEqual([]);
      await page.screenshot({ path: join(screenshotDir, 'api-keys.png'), fullPage: true });

      const call = (path: string) => fetch(`${server.url}/api/v1${path}`, { headers: { authorization: `Bearer ${key}` } });
      expect((await call('/contacts')).status).toBe(200);
      const denied = await call('/deals');
      expect(denied.status).toBe(403);
      expect(((await denied.json()) as { missingScope: string }).missingScope).toBe('deals:read');
      // The browser logs the one refusal it was sent (the bad range); nothing else.
      const refused = (e: string) => e.includes('422') && e.includes('/api/v1/api-keys');
      expect(errors.filter(refused)).toHaveLength(1);
      expect(errors.filter((e) => !refused(e))).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
