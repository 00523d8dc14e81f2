import { join } from 'node:path';
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

// Phones that work internationally, and a contact's several emails and phones (issue 9): numbers
// typed the way people write them in the workspace's country are accepted, shown formatted and
// dialled by a tel: link; a contact's emails and phones are added, relabelled, reordered and
// removed on the record page, and a number that cannot be one is refused next to it, in words.

const user = { name: 'Pia Phone', email: `pia.${Date.now()}@example.test`, password: 'a phone lovers passphrase', workspace: 'Phones Inc' };

describe.runIf(hasChromium)('phones and emails on the record page', () => {
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

  const phoneLinks = () => page.locator('a[href^="tel:"]');

  it('takes national numbers in the browser’s country, formats them, dials them, and explains a refusal', async () => {
    // The browser speaks en-US, so the workspace reads national numbers as American ones.
    await page.goto(`${server.url}/settings?tab=workspace`);
    expect(await page.getByRole('combobox', { name: 'Country for phone numbers' }).inputValue()).toBe('United States');

    await page.goto(`${server.url}/contacts`);
    await page.getByRole('button', { name: 'New' }).click();
    await page.getByRole('dialog').getByLabel('First name').fill('Paula');
    await page.getByRole('dialog').getByLabel('Last name').fill('Pereira');
    await page.getByRole('dialog').getByRole('button', { name: 'Create' }).click();
    await page.getByRole('heading', { name: 'Paula Pereira' }).waitFor();

    await page.getByRole('button', { name: 'Edit Phones' }).click();
    await page.getByRole('textbox', { name: 'Phones 1' }).fill('12');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('This number is too short.').waitFor();
    expect(await page.getByRole('textbox', { name: 'Phones 1' }).inputValue()).toBe('12');

    await page.getByRole('textbox', { name: 'Phones 1' }).fill('(212) 555-0147');
    await page.getByRole('button', { name: 'Add phone' }).click();
    await page.getByRole('textbox', { name: 'Phones 2' }).fill('+44 20 7946 0958');
    await page.getByRole('combobox', { name: 'Label of entry 2' }).click();
    await page.getByRole('option', { name: 'mobile' }).click();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(() => phoneLinks().count()).toBe(2);
    expect(await phoneLinks().nth(0).textContent()).toBe('(212) 555-0147');
    expect(await phoneLinks().nth(0).getAttribute('href')).toBe('tel:+12125550147');
    expect(await phoneLinks().nth(1).textContent()).toBe('+44 20 7946 0958');

    // Emails: two, the second made primary, then the first removed.
    await page.getByRole('button', { name: 'Edit Emails' }).click();
    await page.getByRole('textbox', { name: 'Emails 1' }).fill('paula@work.example');
    await page.getByRole('button', { name: 'Add email' }).click();
    await page.getByRole('textbox', { name: 'Emails 2' }).fill('paula@home.example');
    await page.getByRole('button', { name: 'Make paula@home.example the primary one' }).click();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.locator('a[href="mailto:paula@home.example"]').waitFor();
    const mails = page.locator('a[href^="mailto:"]');
    expect(await mails.allTextContents()).toEqual(['paula@home.example', 'paula@work.example']);
    await page.getByRole('button', { name: 'Edit Emails' }).click();
    await page.getByRole('button', { name: 'Remove paula@work.example' }).click();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(() => mails.allTextContents()).toEqual(['paula@home.example']);
    // An internationalised address (RFC 6531) is taken as typed, in lower case.
    await page.getByRole('button', { name: 'Edit Emails' }).click();
    await page.getByRole('button', { name: 'Add email' }).click();
    await page.getByRole('textbox', { name: 'Emails 2' }).fill('Paula.Pérez@Exämple.de');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(() => mails.allTextContents()).toEqual(['paula@home.example', 'paula.pérez@exämple.de']);

    // All of it holds after a reload, and the list shows the primary ones as links.
    await page.reload();
    await page.getByRole('heading', { name: 'Paula Pereira' }).waitFor();
    expect(await phoneLinks().allTextContents()).toEqual(['(212) 555-0147', '+44 20 7946 0958']);
    await page.screenshot({ path: join(screenshotDir, 'contact-phones.png') });
    await page.goto(`${server.url}/contacts`);
    await page.locator('a[href="mailto:paula@home.example"]').waitFor();

    // Ctrl+K finds the contact by the number written either way.
    for (const q of ['212 555', '+1 212 555']) {
      await page.keyboard.press('Control+k');
      await page.getByPlaceholder('Search contacts, companies, deals…').fill(q);
      await page.getByRole('dialog').getByText('Paula Pereira').waitFor();
      await page.keyboard.press('Escape');
    }
  });

  it('reads numbers as German once the workspace is German, and shows the others internationally', async () => {
    await page.goto(`${server.url}/settings?tab=workspace`);
    await page.getByRole('combobox', { name: 'Country for phone numbers' }).fill('Germ');
    await page.getByRole('option', { name: 'Germany' }).click();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Saved').waitFor();

    await page.goto(`${server.url}/companies`);
    await page.getByRole('button', { name: 'New' }).click();
    await page.getByRole('dialog').getByLabel('Name').fill('Grün AG');
    await page.getByRole('dialog').getByRole('button', { name: 'Create' }).click();
    await page.getByRole('heading', { name: 'Grün AG' }).waitFor();
    await page.getByRole('button', { name: /^Phone: / }).click();
    await page.getByRole('textbox', { name: 'Phone' }).fill('030 555 0101');
    await page.keyboard.press('Enter');
    await page.locator('a[href="tel:+49305550101"]').waitFor();
    expect(await page.locator('a[href="tel:+49305550101"]').textContent()).toBe('030 5550101');

    await page.goto(`${server.url}/contacts`);
    await page.getByRole('link', { name: 'Paula Pereira' }).click();
    await page.getByRole('heading', { name: 'Paula Pereira' }).waitFor();
    expect(await phoneLinks().nth(0).textContent()).toBe('+1 212 555 0147');

    expect(await axeScan(page)).toEqual([]);
    const refused = (e: string) => /status of 422 .*\/api\/v1\/contacts\//.test(e);
    expect(errors.filter(refused)).toHaveLength(1);
    expect(errors.filter((e) => !refused(e))).toEqual([]);
  });
});
