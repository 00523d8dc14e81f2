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

// Ticket routing (issue 14): an admin sets a team to round-robin and adds a rule that sends printer
// tickets to it; two agents go online; new tickets are assigned to them in turn; one agent goes away
// and, the team reassigning, their ticket moves to the other.

const admin = { name: 'Rita Router', email: `rita.${Date.now()}@example.test`, password: 'a routing passphrase', workspace: 'Route GmbH' };

describe.runIf(hasChromium)('ticket routing', () => {
  let server: Server;
  const browsers: Awaited<ReturnType<typeof launch>>[] = [];

  beforeAll(async () => {
    server = await startServer();
  }, 120_000);
  afterAll(async () => {
    for (const b of browsers) await b.close();
    await server?.stop();
  });

  const open = async () => {
    const b = await launch();
    browsers.push(b);
    const page = b.context.pages()[0] ?? (await b.context.newPage());
    return { page, errors: watchConsole(page) };
  };
  const goOnline = async (page: Page, status: 'Online' | 'Away') => {
    await page.getByRole('link', { name: 'Tickets', exact: true }).click();
    await page.getByRole('heading', { name: 'Tickets' }).waitFor();
    await page.getByTestId('agent-availability').getByText(status, { exact: true }).click();
    await page.getByText(`Your status is now ${status}.`).waitFor();
  };
  /** Subject → assignee of each row, the columns found by their headings (a selection column comes first for those who may edit). */
  const assignees = async (page: Page) => {
    const table = page.getByTestId('tickets-table');
    const headings = (await table.locator('thead th').allInnerTexts()).map((h) => h.trim());
    const [subject, assignee] = [headings.indexOf('Subject'), headings.indexOf('Assignee')];
    expect(subject).toBeGreaterThanOrEqual(0);
    expect(assignee).toBeGreaterThanOrEqual(0);
    const out: [string, string][] = [];
    for (const r of await table.locator('tbody tr').all())
      out.push([(await r.locator('td').nth(subject).innerText()).trim(), (await r.locator('td').nth(assignee).innerText()).trim()]);
    return out.sort();
  };

  it('assigns new tickets to the online agents in turn, and moves an agent’s ticket when they go away', async () => {
    const a = await open();
    const ada = await open();
    const bo = await open();
    await signUpInBrowser(a.page, server.url, admin);
    await joinByInvitation(a.page, ada.page, server.url, { name: 'Ada Agent', role: 'member' });
    await joinByInvitation(a.page, bo.page, server.url, { name: 'Bo Agent', role: 'member' });
    const members = (await pageApi(a.page, 'GET', '/members')).body.data as { id: string; name: string }[];
    const team = await pageApi(a.page, 'POST', '/teams', { name: 'First line' });
    expect(team.status).toBe(201);
    const ids = members.filter((m) => m.name.endsWith('Agent')).map((m) => m.id);
    expect((await pageApi(a.page, 'POST', `/teams/${team.body.id}/members`, { ids })).status).toBe(200);

    // The admin sets the team to round-robin, reassigning when away, and routes printer tickets to it.
    await a.page.goto(`${server.url}/settings?tab=routing`);
    await a.page.getByRole('combobox', { name: 'Team', exact: true }).click();
    await a.page.getByRole('option', { name: 'First line' }).click();
    await a.page.getByRole('combobox', { name: 'Routing method' }).click();
    await a.page.getByRole('option', { name: 'Round-robin' }).click();
    await a.page.getByLabel('Reassign when away').check();
    await a.page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect
      .poll(async () => (await pageApi(a.page, 'GET', `/teams/${team.body.id}/routing`)).body)
      .toEqual({
        teamId: team.body.id,
        method: 'round_robin',
        reassignWhenAway: true,
      });
    await a.page.getByRole('button', { name: 'Add rule' }).click();
    await a.page.getByLabel('Rule name').fill('Printers');
    await a.page.getByRole('combobox', { name: 'Goes to team' }).click();
    await a.page.getByRole('option', { name: 'First line' }).click();
    await a.page.getByRole('combobox', { name: 'Keywords in subject or description' }).fill('printer');
    await a.page.getByRole('combobox', { name: 'Keywords in subject or description' }).press('Enter');
    await a.page.getByRole('button', { name: 'Save rules' }).click();
    await expect.poll(async () => (await pageApi(a.page, 'GET', '/routing-rules')).body.rules.length).toBe(1);
    expect((await pageApi(a.page, 'GET', '/routing-rules')).body.rules[0]).toMatchObject({ name: 'Printers', keywords: ['printer'] });
    await a.page.getByTestId('routing-agents').getByText('Ada Agent').waitFor();
    expect(await axeScan(a.page)).toEqual([]);
    await a.page.evaluate('window.scrollTo(0, 0)');
    await a.page.screenshot({ path: join(screenshotDir, 'ticket-routing-settings.png'), fullPage: true });

    await goOnline(ada.page, 'Online');
    await goOnline(bo.page, 'Online');

    // Four printer tickets, typed in by the admin: Ada and Bo take turns.
    for (const subject of ['Printer jams', 'Printer offline', 'Printer prints blank', 'Printer smokes']) {
      await a.page.getByRole('link', { name: 'Tickets', exact: true }).click();
      await a.page.getByRole('button', { name: 'New ticket' }).click();
      await a.page.getByLabel('Subject').fill(subject);
      await a.page.getByRole('button', { name: 'Create ticket' }).click();
      await a.page.getByRole('heading', { name: new RegExp(`#\\d+ ${subject}`) }).waitFor();
    }
    await a.page.getByRole('link', { name: 'Tickets', exact: true }).click();
    await a.page.getByTestId('tickets-table').getByText('Printer smokes').waitFor();
    const before = await assignees(a.page);
    // By number: 1 and 3 to one agent, 2 and 4 to the other.
    const byNumber = new Map(before);
    const first = byNumber.get('Printer jams');
    const second = byNumber.get('Printer offline');
    expect(new Set([first, second])).toEqual(new Set(['Ada Agent', 'Bo Agent']));
    expect(byNumber.get('Printer prints blank')).toBe(first);
    expect(byNumber.get('Printer smokes')).toBe(second);
    // Bo sees Ada online beside his own status.
    await bo.page.reload();
    await bo.page.getByTestId('agent-availability').getByText('Ada Agent: Online').waitFor();

    // Ada goes away: her two tickets move to Bo.
    await goOnline(ada.page, 'Away');
    await expect
      .poll(
        async () => ((await pageApi(a.page, 'GET', '/tickets?limit=10')).body.data as { assigneeId: string }[]).map((t) => t.assigneeId),
        {
          timeout: 20_000,
        },
      )
      .toEqual(Array(4).fill(members.find((m) => m.name === 'Bo Agent')?.id));
    await a.page.reload();
    await a.page.getByTestId('tickets-table').getByText('Printer smokes').waitFor();
    expect((await assignees(a.page)).map(([, who]) => who)).toEqual(Array(4).fill('Bo Agent'));
    await a.page.getByTestId('agent-availability').getByText('Ada Agent: Away').waitFor();
    expect(await axeScan(a.page)).toEqual([]);
    await a.page.screenshot({ path: join(screenshotDir, 'ticket-routing-queue.png'), fullPage: true });
    expect([...a.errors, ...ada.errors, ...bo.errors]).toEqual([]);
  }, 240_000);
});
