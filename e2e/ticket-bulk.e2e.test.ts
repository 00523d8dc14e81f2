import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  axeScan,
  hasChromium,
  joinByInvitation,
  launch,
  type Page,
  pageApi,
  type Server,
  screenshotDir,
  signUpInBrowser,
  startServer,
  watchConsole,
} from './harness.ts';

// Bulk actions on the ticket queue (issue 14): an agent selects three tickets (a click, then a
// shift-click for the range), assigns them and applies a macro to them, and the queue counts move;
// a colleague whose role edits only their own tickets selects the whole page, and the summary
// names the ticket that was refused and why.

describe.runIf(hasChromium)('ticket queue bulk actions', () => {
  let server: Server;
  beforeAll(async () => {
    server = await startServer();
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });

  const row = (page: Page, subject: string) => page.getByTestId('tickets-table').getByRole('row').filter({ hasText: subject });
  const queue = (page: Page) => page.getByTestId('ticket-queues');

  it('selects three tickets, assigns them and applies a macro; a narrowed colleague sees which ticket was refused', async () => {
    const lead = await launch();
    const other = await launch();
    try {
      const page = lead.context.pages()[0] ?? (await lead.context.newPage());
      const ada = other.context.pages()[0] ?? (await other.context.newPage());
      const errors = watchConsole(page);
      const adaErrors = watchConsole(ada);
      await signUpInBrowser(page, server.url, {
        name: 'Bea Bulk',
        email: `bea.${Date.now()}@example.test`,
        password: 'a bulk passphrase of length',
        workspace: 'Bulk GmbH',
      });
      const adaId = await joinByInvitation(page, ada, server.url, { name: 'Ada Agent', role: 'member' });
      for (const subject of ['Printer jams', 'Scanner offline', 'Toner empty', 'Invoice missing']) {
        expect((await pageApi(page, 'POST', '/tickets', { subject })).status).toBe(201);
      }
      const macro = await pageApi(page, 'POST', '/ticket-macros', {
        name: 'Known issue',
        body: 'Hello, #{{ticket.number}} is a known issue; we are on it.',
        changes: { status: 'pending', addTags: ['known-issue'] },
      });
      expect(macro.status).toBe(201);

      // Loaded afresh, so that the member list has Ada, who joined after this page first read it.
      await page.goto(`${server.url}/tickets`);
      await row(page, 'Invoice missing').waitFor();
      await queue(page).getByText('Unassigned (4)').waitFor();
      // Newest first: #4 Invoice missing, #3 Toner empty, #2 Scanner offline, #1 Printer jams.
      await page.getByRole('checkbox', { name: 'Select ticket #4' }).click();
      await page.getByRole('checkbox', { name: 'Select ticket #2' }).click({ modifiers: ['Shift'] });
      const bar = page.getByTestId('ticket-bulk-bar');
      await bar.getByText('3 tickets selected').waitFor();
      expect(await page.getByRole('checkbox', { name: 'Select ticket #3' }).isChecked()).toBe(true);
      expect(await page.getByRole('checkbox', { name: 'Select ticket #1' }).isChecked()).toBe(false);
      expect(await axeScan(page)).toEqual([]);
      await page.screenshot({ path: join(screenshotDir, 'ticket-bulk-selected.png'), fullPage: true });

      // Assign the three to Ada: the summary says so, the rows and the queue counts follow.
      await bar.getByRole('combobox', { name: 'Assign to agent' }).click();
      await page.getByRole('option', { name: 'Ada Agent' }).click();
      const summary = page.getByTestId('bulk-summary');
      await summary.getByText('Changed: 3 · unchanged: 0 · refused: 0').waitFor();
      await queue(page).getByText('Unassigned (1)').waitFor();
      for (const subject of ['Invoice missing', 'Toner empty', 'Scanner offline'])
        await row(page, subject).getByText('Ada Agent').waitFor();
      await row(page, 'Printer jams').getByText('Unassigned').waitFor();
      await expect.poll(() => bar.count()).toBe(0);

      // The macro on the same three: a reply on each, then its status and tag.
      await page.getByRole('checkbox', { name: 'Select ticket #4' }).click();
      await page.getByRole('checkbox', { name: 'Select ticket #2' }).click({ modifiers: ['Shift'] });
      await bar.getByRole('combobox', { name: 'Apply macro' }).click();
      await page.getByRole('option', { name: 'Known issue' }).click();
      await summary.getByText('Changed: 3 · unchanged: 0 · refused: 0').waitFor();
      for (const subject of ['Invoice missing', 'Toner empty', 'Scanner offline']) {
        await row(page, subject).getByText('Pending').waitFor();
        await row(page, subject).getByText('known-issue').waitFor();
      }
      await row(page, 'Printer jams').getByText('New').waitFor();
      await page.screenshot({ path: join(screenshotDir, 'ticket-bulk-done.png'), fullPage: true });
      const tickets = (await pageApi(page, 'GET', '/tickets?sort=number')).body.data as { id: string; number: number }[];
      const scanner = tickets.find((x) => x.number === 2) as { id: string };
      const messages = (await pageApi(page, 'GET', `/tickets/${scanner.id}/messages`)).body.data;
      expect(messages.map((m: { body: string; kind: string }) => [m.kind, m.body])).toEqual([
        ['reply', 'Hello, #2 is a known issue; we are on it.'],
      ]);

      // Ada reads every ticket but edits only her own: selecting the whole page, one is refused.
      const own = { read: 'all', edit: 'own', delete: 'none', create: true, export: false, import: false, merge: false, bulkEdit: true };
      const role = await pageApi(page, 'POST', '/access-profiles', { name: 'Own tickets', rights: { ticket: own } });
      expect(role.status).toBe(201);
      expect((await pageApi(page, 'PUT', `/members/${adaId}/access-profile`, { profileId: role.body.id })).status).toBe(200);
      await ada.goto(`${server.url}/tickets`);
      await row(ada, 'Printer jams').waitFor();
      await ada.getByRole('checkbox', { name: 'Select all tickets on this page' }).click();
      const adaBar = ada.getByTestId('ticket-bulk-bar');
      await adaBar.getByText('4 tickets selected').waitFor();
      await adaBar.getByRole('combobox', { name: 'Set priority' }).click();
      await ada.getByRole('option', { name: 'High' }).click();
      const adaSummary = ada.getByTestId('bulk-summary');
      await adaSummary.getByText('Changed: 3 · unchanged: 0 · refused: 1').waitFor();
      await adaSummary.getByText('#1 Printer jams: your role does not let you edit it').waitFor();
      // The refused ticket stays selected, to act on again once its reason is dealt with.
      await adaBar.getByText('1 ticket selected').waitFor();
      expect(await ada.getByRole('checkbox', { name: 'Select ticket #1' }).isChecked()).toBe(true);
      await row(ada, 'Toner empty').getByText('High').waitFor();
      await row(ada, 'Printer jams').getByText('Normal').waitFor();
      expect(await axeScan(ada)).toEqual([]);
      await ada.screenshot({ path: join(screenshotDir, 'ticket-bulk-refused.png'), fullPage: true });
      expect(errors).toEqual([]);
      expect(adaErrors).toEqual([]);
    } finally {
      await lead.close();
      await other.close();
    }
  }, 240_000);
});
