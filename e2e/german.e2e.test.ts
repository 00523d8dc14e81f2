import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { de } from '../web/src/locales/de.ts';
import { en } from '../web/src/locales/en.ts';
import { axeScan, hasChromium, launch, type Page, type Server, startServer, watchConsole } from './harness.ts';

// German throughout (issue 9, bug 7): a person whose browser speaks German signs up and works in
// German; no message of en.ts shows on the pages they visit, stored names (lifecycle stages, field
// types) are words, refused input is explained next to its field in German, and the language
// picker offers only languages the app speaks.

type Tree = { [k: string]: string | Tree };
const flat = (o: Tree, p = ''): Record<string, string> =>
  Object.fromEntries(
    Object.entries(o).flatMap(([k, v]) => (typeof v === 'string' ? [[`${p}${k}`, v]] : Object.entries(flat(v, `${p}${k}.`)))),
  );
const enFlat = flat(en as unknown as Tree);
const deFlat = flat(de as unknown as Tree);
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** English phrases that would betray a missing translation: literal parts of messages German words differently. */
const english = [
  ...new Set(
    Object.entries(enFlat)
      .filter(([k, v]) => deFlat[k] !== v)
      .flatMap(([, v]) => v.split(/\{\{\w+\}\}/).map((part) => part.trim()))
      .filter((part) => part.length >= 4 && /[a-z]/i.test(part) && !Object.values(deFlat).some((d) => d.includes(part))),
  ),
].map((phrase) => ({ phrase, re: new RegExp(`(?<![\\p{L}])${escapeRe(phrase)}(?![\\p{L}])`, 'u') }));

/** Every English phrase on the page: its text and the labels a screen reader reads. */
async function englishOn(page: Page) {
  const text = (await page.evaluate(`(() => {
    const attrs = [...document.querySelectorAll('[aria-label],[placeholder],[title],[alt]')]
      .flatMap((el) => ['aria-label', 'placeholder', 'title', 'alt'].map((a) => el.getAttribute(a) ?? ''));
    return [document.body.innerText, ...attrs].join('\\n');
  })()`)) as string;
  return english.filter((e) => e.re.test(text)).map((e) => e.phrase);
}

describe.runIf(hasChromium)('German throughout', () => {
  let server: Server;
  beforeAll(async () => {
    server = await startServer();
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('knows enough English phrases to notice a missing translation', () => {
    expect(english.length).toBeGreaterThan(200);
    expect(english.some((e) => e.re.test('Save view'))).toBe(true);
  });

  it('a German browser signs up and meets German on every page, in words, with German errors', async () => {
    const browser = await launch(undefined, 'de-DE');
    try {
      const page = browser.context.pages()[0] ?? (await browser.context.newPage());
      const errors = watchConsole(page);
      const seen: Record<string, string[]> = {};
      const check = async (where: string) => {
        await page.getByRole('main').waitFor();
        await page.waitForLoadState('networkidle');
        const found = await englishOn(page);
        if (found.length) seen[where] = found;
      };

      await page.goto(`${server.url}/signup`);
      await page.getByLabel('Ihr Name').fill('Greta Grün');
      await page.getByLabel('E-Mail').fill(`greta.${Date.now()}@example.test`);
      await page.getByRole('textbox', { name: 'Passwort' }).fill('eine lange deutsche Passphrase');
      await page.getByLabel('Name des Arbeitsbereichs').fill('Grün & Söhne GmbH');
      await page.getByRole('button', { name: 'Arbeitsbereich anlegen' }).click();
      await page.getByRole('heading', { name: 'Start · Greta Grün' }).waitFor();
      await check('home');

      // A refused value is explained next to its field, in German, and what was typed stays.
      await page.goto(`${server.url}/contacts`);
      await page.getByRole('button', { name: 'Neu' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('Vorname').fill('Jürgen');
      await dialog.getByLabel('Nachname').fill('Weiß');
      await dialog.getByLabel('E-Mail').fill('juergen-at-example');
      await dialog.getByRole('button', { name: 'Anlegen' }).click();
      await dialog.getByText('Geben Sie eine E-Mail-Adresse wie name@example.com ein.').waitFor();
      expect(await dialog.getByLabel('Vorname').inputValue()).toBe('Jürgen');
      await dialog.getByLabel('Vorname').fill('J'.repeat(201));
      await dialog.getByLabel('E-Mail').fill('juergen@example.test');
      await dialog.getByRole('button', { name: 'Anlegen' }).click();
      await dialog.getByText('Höchstens 200 Zeichen.').waitFor();
      await dialog.getByLabel('Vorname').fill('Jürgen');
      await dialog.getByRole('button', { name: 'Anlegen' }).click();
      await dialog.waitFor({ state: 'hidden' });
      await page.getByRole('heading', { name: 'Jürgen Weiß' }).waitFor();

      // Stored names show as words, in the list of choices and once chosen.
      await page.getByRole('button', { name: /^Lebenszyklus: —/ }).click();
      await page.getByRole('option', { name: 'Marketing-qualifiziert' }).click();
      await page.getByRole('button', { name: /^Lebenszyklus: Marketing-qualifiziert/ }).waitFor();
      await page.getByRole('button', { name: 'Notiz erfassen' }).waitFor();
      await page.getByRole('tab', { name: 'Änderungen' }).click();
      await page.getByText('Marketing-qualifiziert').first().waitFor();
      expect(await page.getByText('marketingQualified').count()).toBe(0);
      await check('contact page');

      for (const path of [
        '/contacts',
        '/companies',
        '/leads',
        '/deals',
        '/tasks',
        '/reports',
        '/trash',
        '/automation',
        '/automation?tab=runs',
        '/automation/rules/new',
        // Last: the board's stage names are checked below.
        '/deals/board',
      ]) {
        await page.goto(`${server.url}${path}`);
        await check(path);
      }
      expect(await page.getByText('Gewonnen', { exact: true }).count()).toBeGreaterThan(0);

      for (const tab of [
        'workspace',
        'members',
        'sla',
        'portal',
        'invitations',
        'pipelines',
        'fields',
        'objects',
        'apiKeys',
        'webhooks',
        'jobs',
        'profile',
      ]) {
        await page.goto(`${server.url}/settings?tab=${tab}`);
        await check(`settings ${tab}`);
      }

      await page.goto(`${server.url}/settings?tab=fields`);
      await page.getByRole('combobox', { name: 'Typ' }).click();
      await page.getByRole('option', { name: 'Langer Text' }).waitFor();
      expect(await page.getByRole('option', { name: 'longText' }).count()).toBe(0);
      await page.keyboard.press('Escape');

      await page.goto(`${server.url}/settings?tab=profile`);
      await page.getByRole('combobox', { name: 'Sprache und Region' }).click();
      const offered = await page.getByRole('option').allTextContents();
      expect(offered).toContain('Deutsch (Österreich)');
      expect(offered).toContain('English (United Kingdom)');
      expect(offered.some((o) => /fran|espa|nederl/i.test(o))).toBe(false);
      await page.getByRole('option', { name: 'Deutsch (Schweiz)' }).click();
      await page.getByRole('button', { name: 'Speichern' }).click();
      await page.getByText('Gespeichert').waitFor();
      await check('settings profile saved');

      expect(seen).toEqual({});
      expect(await axeScan(page)).toEqual([]);
      // The two refused contacts above are the only failed requests: the form's duplicate check,
      // which reads the body as the create would, refuses them before a create is sent.
      const refused = (e: string) => /status of 400 .*\/api\/v1\/contacts\/duplicates-check\)$/.test(e);
      expect(errors.filter(refused)).toHaveLength(2);
      expect(errors.filter((e) => !refused(e))).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 150_000);
});
