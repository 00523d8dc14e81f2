import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinyPng } from '../server/modules/contacts/photos.fixture.ts';
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

// A contact's photo (issue 13: photos stored and shown): added from the record page, shown beside
// the name, refused in words when the file is not an image the server keeps, and removed.

const user = {
  name: 'Pete Portrait',
  email: `pete.${Date.now()}@example.test`,
  password: 'a portrait painters passphrase',
  workspace: 'Portraits',
};

describe.runIf(hasChromium)('a contact’s photo', () => {
  let server: Server;
  let browser: Awaited<ReturnType<typeof launch>>;
  let page: Page;
  let errors: string[];
  const dir = mkdtempSync(join(tmpdir(), 'rapport-photo-'));

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

  it('adds a photo from the record page, shows it, refuses a non-image in words, and removes it', async () => {
    const made = await pageApi(page, 'POST', '/contacts', { firstName: 'Grace', lastName: 'Hopper' });
    expect(made.status).toBe(201);
    await page.goto(`${server.url}/contacts/${made.body.id}`);
    await page.getByRole('heading', { name: 'Grace Hopper' }).waitFor();
    // No photo yet: the initials, and nothing to remove.
    await page.getByText('GH', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Photo' }).click();
    expect(await page.getByRole('menuitem', { name: 'Remove the photo' }).count()).toBe(0);

    const png = join(dir, 'grace.png');
    writeFileSync(png, tinyPng);
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('menuitem', { name: 'Add a photo' }).click();
    await (await chooser).setFiles(png);
    const img = page.getByRole('img', { name: 'Photo of Grace Hopper' });
    await img.waitFor();
    expect(await img.evaluate((el) => (el as unknown as { naturalWidth: number }).naturalWidth)).toBe(16);
    await page.screenshot({ path: join(screenshotDir, 'contact-photo.png') });

    // A file that is not an image the server keeps: refused in words, and the photo stays.
    const fake = join(dir, 'fake.png');
    writeFileSync(fake, '<svg xmlns="http://www.w3.org/2000/svg"/>');
    await page.getByRole('button', { name: 'Photo' }).click();
    const again = page.waitForEvent('filechooser');
    await page.getByRole('menuitem', { name: 'Change the photo' }).click();
    await (await again).setFiles(fake);
    await page.getByText('Not a photo that can be kept: a JPEG, PNG, GIF or WebP image of at most 2 MB').waitFor();
    await img.waitFor();

    expect(await axeScan(page)).toEqual([]);
    await page.getByRole('button', { name: 'Photo' }).click();
    await page.getByRole('menuitem', { name: 'Remove the photo' }).click();
    await page.getByText('GH', { exact: true }).waitFor();
    expect((await pageApi(page, 'GET', `/contacts/${made.body.id}/photo`)).status).toBe(204);

    // The refused upload is the one failed request the page made.
    const refused = (e: string) => /status of 422 .*\/photo/.test(e);
    expect(errors.filter(refused)).toHaveLength(1);
    expect(errors.filter((e) => !refused(e))).toEqual([]);
  });
});
