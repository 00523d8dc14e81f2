import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeScan, hasChromium, launch, type Page, type Server, signUpInBrowser, startServer, watchConsole } from './harness.ts';

// The knowledge base (issue 14): an admin gives the help centre an address, writes an article in
// the Markdown editor, previews and publishes it; a reader opens the public help centre with
// JavaScript off, finds the article by searching, reads it and says it helped.

const user = {
  name: 'Kim Writer',
  email: `kim.${Date.now()}@example.test`,
  password: 'a knowledge base passphrase',
  workspace: 'Helpful GmbH',
};
const slug = `helpful-${Date.now().toString(36)}`;

describe.runIf(hasChromium)('knowledge base and help centre', () => {
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

  const shot = (p: Page, name: string) => p.screenshot({ path: `e2e/screenshots/${name}.png`, fullPage: true });

  it('writes, previews and publishes an article, then a reader finds it in the help centre without JavaScript', async () => {
    await page.getByRole('link', { name: 'Knowledge base', exact: true }).click();
    await page.getByRole('heading', { name: 'Knowledge base', exact: true }).waitFor();
    await page.getByText('The public help centre is off').waitFor();
    await page.getByLabel('Help centre address').fill(slug);
    await page.getByRole('button', { name: 'Save address' }).click();
    await page.getByTestId('help-centre-link').waitFor();
    expect(await page.getByTestId('help-centre-link').textContent()).toBe(`${server.url}/help/${slug}`);

    await page.getByRole('button', { name: 'New article', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'New article' });
    await dialog.getByLabel('Title').fill('Rechnungen bezahlen');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('heading', { name: 'Rechnungen bezahlen' }).waitFor();

    await page.getByRole('combobox', { name: 'Language', exact: true }).click();
    await page.getByRole('option', { name: 'de', exact: true }).click();
    await page.getByLabel('New category').fill('Abrechnung');
    await page.getByRole('button', { name: 'Add category' }).click();
    await expect.poll(() => page.getByRole('combobox', { name: 'Category', exact: true }).inputValue()).toBe('Abrechnung');
    await page
      .getByRole('textbox', { name: 'Text', exact: true })
      .fill('## Schritte\n\nÖffnen Sie **Abrechnung** und zahlen Sie alle offenen Rechnungen.\n\n<script>alert(1)</script>');
    await page.getByRole('tab', { name: 'Preview' }).click();
    const preview = page.frameLocator('[data-testid="kb-preview"]');
    await preview.getByRole('heading', { name: 'Schritte' }).waitFor();
    expect(await preview.locator('strong').textContent()).toBe('Abrechnung');
    // Raw HTML in the Markdown is text, not an element.
    await preview.getByText('<script>alert(1)</script>').waitFor();
    await shot(page, 'knowledge-editor-preview');

    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await page.getByText('Article published').waitFor();
    await page.getByTestId('kb-versions').getByText('Version 1 · Rechnungen bezahlen').waitFor();
    expect(await axeScan(page)).toEqual([]);

    await page.getByRole('link', { name: '← Knowledge base' }).click();
    const row = page.getByRole('row', { name: /Rechnungen bezahlen/ });
    await row.getByText('Published').waitFor();
    await page.getByLabel('Search articles').fill('Rechnung');
    await row.waitFor();
    expect(await axeScan(page)).toEqual([]);
    await shot(page, 'knowledge-list');

    // The reader, with JavaScript off. (The page shares the writer's cookie jar; the help centre
    // reads no session, and the server tests read it without credentials.)
    const reader = await browser.context.newPage();
    const cdp = await browser.context.newCDPSession(reader);
    await cdp.send('Emulation.setScriptExecutionDisabled', { value: true });
    await reader.goto(`${server.url}/help/${slug}`);
    await reader.getByRole('heading', { name: 'How can we help?' }).waitFor();
    await reader.getByRole('heading', { name: 'Abrechnung' }).waitFor();
    await reader.getByRole('searchbox', { name: 'Search the help centre' }).fill('Rechnung');
    await reader.getByRole('button', { name: 'Search' }).click();
    await reader.getByRole('heading', { name: 'Results for “Rechnung”' }).waitFor();
    await reader.getByRole('link', { name: 'Rechnungen bezahlen' }).click();
    await reader.getByRole('heading', { name: 'Rechnungen bezahlen', level: 1 }).waitFor();
    expect(await reader.locator('html').getAttribute('lang')).toBe('de');
    await reader.getByText('<script>alert(1)</script>').waitFor();
    await shot(reader, 'help-centre-article');
    await reader.getByRole('button', { name: 'Yes' }).click();
    await reader.getByText('Thank you for your feedback.').waitFor();

    // With scripts back on, axe checks the public page too (it runs as a script).
    await cdp.send('Emulation.setScriptExecutionDisabled', { value: false });
    await reader.goto(`${server.url}/help/${slug}`);
    await reader.getByRole('heading', { name: 'How can we help?' }).waitFor();
    expect(await axeScan(reader)).toEqual([]);
    await shot(reader, 'help-centre-home');
    await reader.close();

    // The writer sees the vote.
    await page.reload();
    await page
      .getByRole('row', { name: /Rechnungen bezahlen/ })
      .getByLabel('1 found it helpful, 0 did not')
      .waitFor();
    expect(errors).toEqual([]);
  }, 180_000);
});
