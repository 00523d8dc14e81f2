import { join } from 'node:path';
import { unzipSync } from 'fflate';
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

// A person's privacy tools on their page (issue 15): an admin downloads their data as a ZIP, puts
// them on legal hold (erasure refused, in words), lifts it, and erases them with the name typed
// again; the register lists both, and search no longer finds them.

const user = {
  name: 'Priya Privacy',
  email: `priya.${Date.now()}@example.test`,
  password: 'a data protection passphrase',
  workspace: 'Datenschutz AG',
};

describe.runIf(hasChromium)('privacy requests in the browser', () => {
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

  it('exports a person’s data, refuses erasure under legal hold, and erases them once confirmed', async () => {
    const made = await pageApi(page, 'POST', '/contacts', {
      firstName: 'Erika',
      lastName: 'Mustermann',
      emails: [{ value: 'erika.mustermann@kundin.example.test', label: 'work' }],
    });
    expect(made.status).toBe(201);
    const id = (made.body as { id: string }).id;
    await pageApi(page, 'POST', '/activities', {
      type: 'note',
      subject: 'Called Erika Mustermann',
      links: [{ recordType: 'contact', recordId: id }],
    });
    await page.goto(`${server.url}/contacts/${id}`);
    await page.getByRole('heading', { name: 'Erika Mustermann' }).waitFor();

    // Consent given on a web form, then withdrawn: the latest holds, both are kept.
    const consent = page.getByRole('region', { name: 'Consent' });
    await consent.getByText('No consent recorded.').waitFor();
    for (const [status, source] of [
      ['Granted', 'Web form'],
      ['Withdrawn', 'Unsubscribe link'],
    ] as const) {
      await consent.getByRole('button', { name: 'Record consent' }).click();
      await consent.getByLabel('Purpose').fill('Newsletter');
      await consent.getByText(status, { exact: true }).click();
      await consent.getByLabel('Where it was given').fill(source);
      await consent.getByLabel('Wording version').fill('v3');
      await consent.getByRole('button', { name: 'Save' }).click();
      await consent.getByTestId('consent').filter({ hasText: source }).waitFor();
    }
    expect(await consent.getByTestId('consent').count()).toBe(1);
    expect(await consent.getByTestId('consent').textContent()).toContain('Withdrawn');
    await page.screenshot({ path: join(screenshotDir, 'privacy-consent.png') });

    // Export: the browser downloads the ZIP.
    await page.getByRole('button', { name: 'Privacy', exact: true }).click();
    const download = page.waitForEvent('download');
    await page.getByRole('menuitem', { name: 'Export personal data (ZIP)' }).click();
    const zip = await download;
    expect(zip.suggestedFilename()).toBe(`contact-${id}.zip`);
    const files = unzipSync(new Uint8Array(await (await import('node:fs/promises')).readFile((await zip.path()) as string)));
    expect(JSON.parse(new TextDecoder().decode(files['contact.json']))).toMatchObject({ id, lastName: 'Mustermann' });
    expect(JSON.parse(new TextDecoder().decode(files['consents.json'])).map((c: { status: string }) => c.status)).toEqual([
      'withdrawn',
      'granted',
    ]);

    // Legal hold: shown beside the name; an erasure is refused with the reason.
    await page.getByRole('button', { name: 'Privacy', exact: true }).click();
    await page.getByRole('menuitem', { name: 'Put on legal hold…' }).click();
    let dialog = page.getByRole('dialog', { name: 'Legal hold on Erika Mustermann' });
    await dialog.getByLabel('Reason').fill('Dispute 2026-41');
    await dialog.getByRole('button', { name: 'Put on hold' }).click();
    await page.getByText('Legal hold', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Privacy', exact: true }).click();
    await page.getByRole('menuitem', { name: 'Erase this person…' }).click();
    dialog = page.getByRole('dialog', { name: 'Erase Erika Mustermann for good?' });
    const erase = dialog.getByRole('button', { name: 'Erase for good' });
    expect(await erase.isDisabled()).toBe(true);
    await dialog.getByLabel('Type “Erika Mustermann” to confirm').fill('erika mustermann');
    expect(await erase.isEnabled()).toBe(true);
    // The modal fades in: look at it (and scan it) once it is all there.
    await page.waitForTimeout(400);
    await page.screenshot({ path: join(screenshotDir, 'privacy-erase.png') });
    expect(await axeScan(page)).toEqual([]);
    await erase.click();
    await dialog
      .getByRole('alert')
      .getByText(/under legal hold \(Dispute 2026-41\)/)
      .waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: 'Privacy', exact: true }).click();
    await page.getByRole('menuitem', { name: 'Lift legal hold' }).click();
    await page.getByText('Legal hold', { exact: true }).waitFor({ state: 'detached' });

    // Erased: gone from the list and from search; the register says what was done.
    await page.getByRole('button', { name: 'Privacy', exact: true }).click();
    await page.getByRole('menuitem', { name: 'Erase this person…' }).click();
    dialog = page.getByRole('dialog', { name: 'Erase Erika Mustermann for good?' });
    await dialog.getByLabel('Reason (kept in the privacy register)').fill('Asked by letter');
    await dialog.getByLabel('Type “Erika Mustermann” to confirm').fill('Erika Mustermann');
    await dialog.getByRole('button', { name: 'Erase for good' }).click();
    await page.getByText('Erika Mustermann was erased.').waitFor();
    await page.waitForURL(`${server.url}/contacts`);
    expect((await pageApi(page, 'GET', `/contacts/${id}`)).status).toBe(404);
    expect(((await pageApi(page, 'GET', '/search?q=Mustermann')).body as { data: unknown[] }).data).toEqual([]);
    const register = (await pageApi(page, 'GET', '/privacy/requests')).body as { data: { kind: string; reason: string | null }[] };
    expect(register.data.map((r) => [r.kind, r.reason])).toEqual([
      ['erasure', 'Asked by letter'],
      ['export', null],
    ]);
    // The failed requests the browser saw: the refused erasure, and this test's own check that the contact is gone.
    expect(errors.filter((e) => !(e.includes('409') && e.includes('/erasure')) && !e.endsWith(`/api/v1/contacts/${id})`))).toEqual([]);
  });
});
