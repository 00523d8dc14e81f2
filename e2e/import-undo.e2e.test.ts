import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeScan, hasChromium, launch, type Page, pageApi, type Server, signUpInBrowser, startServer, watchConsole } from './harness.ts';

// A vCard file imported through the screen, then undone from the import's page (issue 13): the
// summary of what will happen, then the undo job, then the records it created in the trash and the
// ones it updated as they were.

const shots = '/tmp/rapport-undo-shots';
mkdirSync(shots, { recursive: true });
const user = { name: 'Uma Undo', email: `uma.${Date.now()}@example.test`, password: 'an undoers passphrase', workspace: 'Undo AG' };

describe.runIf(hasChromium)('undoing an import', () => {
  let server: Server;
  let browser: Awaited<ReturnType<typeof launch>>;
  let page: Page;
  let errors: string[];
  const shot = (p: Page, name: string) => p.screenshot({ path: join(shots, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    server = await startServer();
    browser = await launch();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    errors = watchConsole(page);
    await signUpInBrowser(page, server.url, user);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** Imports a file through the screen with "update the record" for matches, and waits for its summary. */
  async function importThroughScreen(p: Page, file: { name: string; mimeType: string; text: string }) {
    await p.goto(`${server.url}/import?object=contact`);
    await p.getByTestId('import-file').setInputFiles({ name: file.name, mimeType: file.mimeType, buffer: Buffer.from(file.text) });
    await p.getByRole('table', { name: 'The first rows as they will be imported' }).waitFor();
    if (file.name.endsWith('.vcf')) {
      // The cards' properties are mapped like Google's columns, the PHOTO as the contact's picture.
      expect(await p.getByRole('combobox', { name: 'Field for column Photo Data' }).inputValue()).toBe('Photo (the picture itself)');
      expect(await p.getByRole('combobox', { name: 'Field for column E-mail 1 - Value' }).inputValue()).toBe('Email (work)');
      await shot(p, '0-vcard-preview');
      expect(await axeScan(p)).toEqual([]);
    }
    await p.getByRole('combobox', { name: 'Rows that match an existing record' }).click();
    await p.getByRole('option', { name: 'Update the record' }).click();
    await p.getByRole('button', { name: 'Start import' }).click();
    await p.getByText('Import finished').waitFor({ timeout: 120_000 });
  }

  it('shows what an undo will do, undoes from the import’s page, and leaves the trash restorable', async () => {
    const existing = await pageApi(page, 'POST', '/contacts', {
      firstName: 'Erin',
      lastName: 'Before',
      title: 'Clerk',
      emails: [{ value: 'erin@undo.example' }],
    });
    expect(existing.status).toBe(201);
    // A phone's vCard export: 3.0 with an Apple-labelled email and a photo (reported as left out), and a 2.1 card in quoted-printable.
    const vcf = [
      'BEGIN:VCARD',
      'VERSION:3.0',
      'N:After;Erin;;;',
      'FN:Erin After',
      'TITLE:Director',
      'EMAIL;TYPE=INTERNET:erin@undo.example',
      'END:VCARD',
      'BEGIN:VCARD',
      'VERSION:3.0',
      'N:New;Nia;;;',
      'FN:Nia New',
      'TITLE:Analyst',
      'item1.EMAIL;TYPE=INTERNET:nia@undo.example',
      'item1.X-ABLabel:_$!<Home>!$_',
      'PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQ',
      'END:VCARD',
      'BEGIN:VCARD',
      'VERSION:2.1',
      'N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:N=C3=A9w;Ol=C3=A1;;;',
      'EMAIL;HOME:ola@undo.example',
      'END:VCARD',
    ].join('\r\n');
    await importThroughScreen(page, { name: 'phone.vcf', mimeType: 'text/vcard', text: `${vcf}\r\n` });
    await page.getByRole('link', { name: 'The import’s page' }).click();
    await page.getByRole('heading', { name: 'Import', level: 1 }).waitFor();
    await page.getByText('phone.vcf').waitFor();
    expect(new URL(page.url()).pathname).toMatch(/^\/imports\/[0-9a-f-]{36}$/);

    await page.getByRole('button', { name: 'Undo import' }).click();
    const plan = page.getByTestId('undo-plan');
    await plan.waitFor();
    expect(await plan.textContent()).toContain('Will move 2 contacts it created to the trash');
    expect(await plan.textContent()).toContain('Will give 1 contact it updated their earlier values back');
    await shot(page, '1-plan');
    expect(await axeScan(page)).toEqual([]);
    await page.getByRole('dialog').getByRole('button', { name: 'Undo import' }).click();
    const done = page.getByTestId('undo-done');
    await done.waitFor({ timeout: 60_000 });
    expect(await done.textContent()).toContain('2 contacts moved to the trash.');
    expect(await done.textContent()).toContain('1 contact got their earlier values back.');
    await shot(page, '2-done');
    expect(await axeScan(page)).toEqual([]);

    const live = await pageApi(page, 'GET', '/contacts?sort=createdAt');
    expect(live.body.data.map((c: { lastName: string; title: string }) => [c.lastName, c.title])).toEqual([['Before', 'Clerk']]);
    await page.goto(`${server.url}/trash`);
    await page.getByText('Nia New').waitFor();
    expect(await page.getByText('Olá Néw').isVisible()).toBe(true);
    expect(errors).toEqual([]);
  }, 300_000);
});
