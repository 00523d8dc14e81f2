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

// The Reports page (issue 9): the open pipeline by stage and by owner and the win rate, as charts
// with the figures in tables beside them, filtered by pipeline, owner and period in the address;
// and the same figures for the signed-in member on Home.

const user = { name: 'Rhea Report', email: `rhea.${Date.now()}@example.test`, password: 'a reports passphrase', workspace: 'Figures AG' };

type Json = Record<string, unknown> & { id: string; data: Json[]; stages: { id: string; name: string }[]; token: string };

describe.runIf(hasChromium)('reports', () => {
  let server: Server;
  let browser: Awaited<ReturnType<typeof launch>>;
  let page: Page;
  let errors: string[];
  let samId: string;
  let partnersId: string;

  /** A call to the API with the page's own session, as the web app makes it. */
  const apiCall = async (method: string, path: string, body?: unknown) => {
    const r = (await pageApi(page, method, path, body)) as { status: number; body: Json };
    expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
    return r.body;
  };

  /** The body rows of a table, each as the texts of its cells. */
  const rows = async (table: ReturnType<Page['getByRole']>) => {
    const out: string[][] = [];
    for (const row of await table.locator('tbody tr').all()) out.push((await row.locator('th, td').allInnerTexts()).map((s) => s.trim()));
    return out;
  };
  const section = (name: string) => page.getByRole('region', { name });
  const stageTable = () => section('Open pipeline').getByRole('table', { name: 'By stage' });
  const ownerTable = () => section('Open pipeline').getByRole('table', { name: 'By owner' });
  const monthTable = () => section('Win rate').getByRole('table', { name: 'Win rate' });
  const bars = (chart: string) => page.locator(`[role="img"][aria-label^="${chart}"] .recharts-bar-rectangle path`);
  const shot = (name: string) => page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });
  const pick = async (label: string, option: string) => {
    await page.getByRole('combobox', { name: label }).click();
    await page.getByRole('option', { name: option, exact: true }).click();
  };

  beforeAll(async () => {
    server = await startServer();
    browser = await launch();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    errors = watchConsole(page);
    await signUpInBrowser(page, server.url, user);

    // A second salesperson joins through an invitation (outside the browser, which keeps Rhea's session).
    const invitation = await apiCall('POST', '/invitations', { email: `sam.${Date.now()}@example.test`, role: 'member' });
    const joined = await fetch(`${server.url}/api/v1/auth/accept-invitation`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: invitation.token, name: 'Sam Seller', password: 'a sellers passphrase' }),
    });
    expect(joined.status, await joined.clone().text()).toBe(200);
    samId = ((await joined.json()) as { member: { id: string } }).member.id;
    const me = (await apiCall('GET', '/auth/session')) as unknown as { member: { id: string } };

    const sales = (await apiCall('GET', '/pipelines')).data[0];
    const stage = (name: string) => sales.stages.find((s) => s.name === name)?.id as string;
    const deal = (name: string, stageName: string, amountMinor: number, currency: string, ownerId: string, probability = 10) =>
      apiCall('POST', '/deals', { name, stageId: stage(stageName), amountMinor, currency, ownerId, probability });
    // Open: Rhea has two in Qualification (EUR) and one in Proposal (USD); Sam one in Qualification and one in Negotiation.
    await deal('Rhea one', 'Qualification', 100_000, 'EUR', me.member.id);
    await deal('Rhea two', 'Qualification', 50_000, 'EUR', me.member.id);
    await deal('Rhea dollars', 'Proposal', 200_000, 'USD', me.member.id, 50);
    await deal('Sam one', 'Qualification', 30_000, 'EUR', samId);
    await deal('Sam big', 'Negotiation', 400_000, 'EUR', samId, 80);
    // Closed this month: Rhea won one and lost one, Sam won two.
    await deal('Rhea won', 'Won', 70_000, 'EUR', me.member.id, 100);
    await deal('Rhea lost', 'Lost', 10_000, 'EUR', me.member.id, 0);
    await deal('Sam won', 'Won', 20_000, 'EUR', samId, 100);
    await deal('Sam won too', 'Won', 5_000, 'USD', samId, 100);
    // Another pipeline with one open deal of Sam's.
    const partners = await apiCall('POST', '/pipelines', {
      name: 'Partners',
      position: 5,
      stages: [
        { name: 'Talk', probability: 20 },
        { name: 'Signed', probability: 100, kind: 'won' },
        { name: 'Gone', probability: 0, kind: 'lost' },
      ],
    });
    partnersId = partners.id;
    await apiCall('POST', '/deals', {
      name: 'Partner deal',
      stageId: partners.stages[0].id,
      amountMinor: 7_000,
      currency: 'GBP',
      ownerId: samId,
    });
    // The app read the pipelines and members when Rhea signed up: a reload shows those made since.
    await page.reload();
    await page.getByRole('heading', { name: `Home · ${user.name}` }).waitFor();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('charts the open pipeline by stage and by owner, with the figures in tables', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Reports' }).click();
    await page.getByRole('heading', { name: 'Reports', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/reports');
    await stageTable().waitFor();
    expect(await rows(stageTable())).toEqual([
      ['Qualification', '3', '€1,800.00', '€180.00'],
      ['Discovery', '0', '–', '–'],
      ['Proposal', '1', '$2,000.00', '$1,000.00'],
      ['Negotiation', '1', '€4,000.00', '€3,200.00'],
    ]);
    expect(await stageTable().locator('tfoot tr').locator('th, td').allInnerTexts()).toEqual([
      'Total',
      '5',
      '€5,800.00\n$2,000.00',
      '€3,380.00\n$1,000.00',
    ]);
    expect(await rows(ownerTable())).toEqual([
      ['Rhea Report', '3', '€1,500.00\n$2,000.00', '€150.00\n$1,000.00'],
      ['Sam Seller', '2', '€4,300.00', '€3,230.00'],
    ]);
    // The bars count deals: one bar for each stage that has any, one for each owner.
    await expect.poll(() => bars('Bar chart of open deals by stage').count()).toBe(3);
    await expect.poll(() => bars('Bar chart of open deals by owner').count()).toBe(2);
    const stageChart = page.getByRole('img', { name: /^Bar chart of open deals by stage: number of open deals/ });
    await stageChart.waitFor();
    // Bar heights follow the counts: Qualification's (3) is three times Proposal's (1).
    const heights = await bars('Bar chart of open deals by stage').evaluateAll((els) =>
      els.map((e) => Math.round((e as unknown as { getBBox: () => { height: number } }).getBBox().height)),
    );
    expect(heights[0]).toBeGreaterThan(heights[1] * 2.5);

    // Bars in one currency at a time, never added up: euros leave out the dollar deal.
    await section('Open pipeline').getByText('EUR', { exact: true }).click();
    await page.getByRole('img', { name: /^Bar chart of open deals by stage: Amount in EUR/ }).waitFor();
    await expect.poll(() => bars('Bar chart of open deals by stage').count()).toBe(4); // amount and weighted, two stages in euros
    await section('Open pipeline').getByText('USD', { exact: true }).click();
    await page.getByRole('img', { name: /^Bar chart of open deals by stage: Amount in USD/ }).waitFor();
    await expect.poll(() => bars('Bar chart of open deals by stage').count()).toBe(2);

    expect(await rows(monthTable()).then((r) => r.length)).toBe(12);
    expect((await rows(monthTable()))[0].slice(1)).toEqual(['3', '1', '75%', '€900.00\n$50.00']);
    await section('Win rate').getByText('Last 12 months: 3 won, 1 lost, win rate 75%').waitFor();
    await expect.poll(() => bars('Bar chart of deals won and lost').count()).toBe(2);
    await shot('reports');
    expect(await axeScan(page)).toEqual([]);
  });

  it('narrows the figures by owner, pipeline and period, and keeps them in the address', async () => {
    await pick('Owner', 'Sam Seller');
    await expect.poll(() => new URL(page.url()).searchParams.get('owner')).toBe(samId);
    await expect.poll(() => rows(ownerTable())).toEqual([['Sam Seller', '2', '€4,300.00', '€3,230.00']]);
    expect((await rows(stageTable())).map((r) => r.slice(0, 3))).toEqual([
      ['Qualification', '1', '€300.00'],
      ['Discovery', '0', '–'],
      ['Proposal', '0', '–'],
      ['Negotiation', '1', '€4,000.00'],
    ]);
    await section('Win rate').getByText('Last 12 months: 2 won, 0 lost, win rate 100%').waitFor();

    await pick('Owner', 'Me');
    await expect.poll(() => new URL(page.url()).searchParams.get('owner')).toBe('me');
    await expect.poll(() => rows(ownerTable())).toEqual([['Rhea Report', '3', '€1,500.00\n$2,000.00', '€150.00\n$1,000.00']]);
    await section('Win rate').getByText('Last 12 months: 1 won, 1 lost, win rate 50%').waitFor();

    await page.getByText('3 months', { exact: true }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('months')).toBe('3');
    await expect.poll(() => rows(monthTable()).then((r) => r.length)).toBe(3);
    await section('Win rate').getByText('Last 3 months: 1 won, 1 lost, win rate 50%').waitFor();

    await pick('Pipeline', 'Partners');
    await expect.poll(() => new URL(page.url()).searchParams.get('pipeline')).toBe(partnersId);
    // Rhea has no deal in Partners: no owner row, and nothing closed.
    await expect.poll(() => rows(stageTable())).toEqual([['Talk', '0', '–', '–']]);
    await section('Win rate').getByText('No deal was won or lost in the last 3 months.').waitFor();
    await pick('Owner', 'Everyone');
    await expect.poll(() => rows(stageTable())).toEqual([['Talk', '1', '£70.00', '£14.00']]);
    expect(await rows(ownerTable())).toEqual([['Sam Seller', '1', '£70.00', '£14.00']]);
    expect(new URL(page.url()).searchParams.has('owner')).toBe(false);

    // A reload brings the same filters and figures.
    const url = page.url();
    await page.reload();
    await stageTable().waitFor();
    expect(page.url()).toBe(url);
    expect(await rows(stageTable())).toEqual([['Talk', '1', '£70.00', '£14.00']]);
    expect(await page.getByRole('combobox', { name: 'Pipeline' }).inputValue()).toBe('Partners');
    expect(await page.getByRole('combobox', { name: 'Owner' }).inputValue()).toBe('Everyone');
    expect(await page.getByRole('radio', { name: '3 months' }).isChecked()).toBe(true);
    expect(await rows(monthTable()).then((r) => r.length)).toBe(3);
    expect(errors).toEqual([]);
  });

  it("shows the member's own figures on Home, linking to the Reports page narrowed to them", async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Home' }).click();
    const pipeline = section('My open pipeline');
    // Home was first shown before these deals existed: its figures are asked for again on each visit.
    await expect
      .poll(() => rows(pipeline.getByRole('table', { name: 'By stage' })))
      .toEqual([
        ['Qualification', '2', '€1,500.00', '€150.00'],
        ['Discovery', '0', '–', '–'],
        ['Proposal', '1', '$2,000.00', '$1,000.00'],
        ['Negotiation', '0', '–', '–'],
      ]);
    expect(await pipeline.getByRole('table', { name: 'By owner' }).count()).toBe(0);
    await expect.poll(() => bars('Bar chart of open deals by stage').count()).toBe(2);
    const winRate = section('My win rate');
    await winRate.getByText('Last 6 months: 1 won, 1 lost, win rate 50%').waitFor();
    expect(await rows(winRate.getByRole('table', { name: 'My win rate' })).then((r) => r.length)).toBe(6);
    await expect.poll(() => bars('Bar chart of deals won and lost').count()).toBe(2);
    await shot('reports-home');
    expect(await axeScan(page)).toEqual([]);

    await winRate.getByRole('link', { name: 'Open in Reports: My win rate' }).click();
    await page.getByRole('heading', { name: 'Reports', level: 1 }).waitFor();
    expect(new URL(page.url()).search).toBe('?owner=me&months=6');
    await section('Win rate').getByText('Last 6 months: 1 won, 1 lost, win rate 50%').waitFor();
    expect(errors).toEqual([]);
  });

  it('reads well in dark mode and at a phone width', async () => {
    await page.goto(`${server.url}/reports`);
    await stageTable().waitFor();
    await page.getByRole('button', { name: 'Toggle dark mode' }).click();
    await expect.poll(() => page.evaluate('document.documentElement.dataset.mantineColorScheme')).toBe('dark');
    await expect.poll(() => bars('Bar chart of open deals by stage').count()).toBe(3);
    await shot('reports-dark');
    expect(await axeScan(page)).toEqual([]);

    await page.setViewportSize({ width: 375, height: 812 });
    await page.getByRole('button', { name: 'Open navigation' }).waitFor();
    await expect.poll(() => bars('Bar chart of open deals by stage').count()).toBe(3);
    // The chart and its table stack; the page itself never scrolls sideways.
    const chart = await page.getByRole('img', { name: /^Bar chart of open deals by stage/ }).boundingBox();
    const table = await stageTable().boundingBox();
    expect(chart && table && table.y >= chart.y + chart.height).toBe(true);
    expect(chart && chart.width <= 375).toBe(true);
    expect(await page.evaluate('document.documentElement.scrollWidth > window.innerWidth + 1')).toBe(false);
    await shot('reports-phone');
    expect(await axeScan(page)).toEqual([]);
    await page.getByRole('button', { name: 'Toggle dark mode' }).click();
    await expect.poll(() => page.evaluate('document.documentElement.dataset.mantineColorScheme')).toBe('light');
    expect(await axeScan(page)).toEqual([]);
    expect(errors).toEqual([]);
  });
});
