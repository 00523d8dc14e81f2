import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeScan, hasChromium, launch, type Page, pageApi, type Server, signUpInBrowser, startServer, watchConsole } from './harness.ts';

// The calendar page (day, week, month) and the private .ics feed made and revoked in settings.

const user = {
  name: 'Cleo Calendar',
  email: `cleo.${Date.now()}@example.test`,
  password: 'a calendar keepers passphrase',
  workspace: 'Termine GmbH',
};

/** Today at `hour`:00 in Berlin (the browser's and so the member's time zone), as an instant. */
function berlinToday(hour: number) {
  const now = new Date();
  const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(now);
  const offset = new Intl.DateTimeFormat('en-US', { timeZone: 'Europe/Berlin', timeZoneName: 'longOffset' })
    .formatToParts(now)
    .find((p) => p.type === 'timeZoneName')
    ?.value.replace('GMT', '');
  return new Date(`${day}T${String(hour).padStart(2, '0')}:00:00${offset || 'Z'}`).toISOString();
}

describe.runIf(hasChromium)('calendar page and feed', () => {
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

  const apiCall = (method: string, path: string, body?: unknown) => pageApi(page, method, path, body);
  const event = (title: string) => page.locator('.rp-calendar').getByText(title, { exact: true });

  it('shows a meeting and a task in day, week and month views, and opens the meeting’s record', async () => {
    const company = await apiCall('POST', '/companies', { name: 'Kalender AG' });
    expect(company.status).toBe(201);
    const links = [{ recordType: 'company', recordId: company.body.id }];
    const meeting = await apiCall('POST', '/activities', {
      type: 'meeting',
      subject: 'Pipeline review',
      occurredAt: berlinToday(10),
      durationSeconds: 3600,
      links,
    });
    expect(meeting.status).toBe(201);
    expect((await apiCall('POST', '/tasks', { title: 'Send the proposal', dueAt: berlinToday(15), links })).status).toBe(201);

    const windows: number[] = [];
    page.on('request', (r) => {
      const u = new URL(r.url());
      if (u.pathname !== '/api/v1/calendar') return;
      windows.push((Date.parse(u.searchParams.get('to') ?? '') - Date.parse(u.searchParams.get('from') ?? '')) / 86_400_000);
    });
    await page.goto(`${server.url}/`);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Calendar' }).click();
    await page.getByRole('heading', { name: 'Calendar' }).waitFor();
    // Week view first.
    await event('Pipeline review').waitFor();
    await event('Send the proposal').waitFor();
    // The two kinds have different colours.
    const colourOf = (title: string) =>
      page
        .locator('.rp-calendar .rp-cal-meeting, .rp-calendar .rp-cal-task')
        .filter({ hasText: title })
        .first()
        .evaluate(
          // Runs in the page; this file is type-checked without the DOM library.
          (el) =>
            (globalThis as unknown as { getComputedStyle: (e: unknown) => { backgroundColor: string } }).getComputedStyle(el)
              .backgroundColor,
        );
    const [meetingColour, taskColour] = [await colourOf('Pipeline review'), await colourOf('Send the proposal')];
    expect(meetingColour).toBe('rgb(24, 100, 171)');
    expect(taskColour).toBe('rgb(134, 46, 156)');
    await page.screenshot({ path: '/tmp/calpage-week.png', fullPage: true });
    expect(await axeScan(page)).toEqual([]);

    expect(await page.getByRole('tab', { name: 'Week view' }).getAttribute('aria-selected')).toBe('true');
    await page.getByRole('tab', { name: 'Day view' }).click();
    await expect.poll(() => page.getByRole('tab', { name: 'Day view' }).getAttribute('aria-selected')).toBe('true');
    await event('Pipeline review').waitFor();
    await event('Send the proposal').waitFor();

    await page.getByRole('tab', { name: 'Month view' }).click();
    await expect.poll(() => page.getByRole('tab', { name: 'Month view' }).getAttribute('aria-selected')).toBe('true');
    await event('Pipeline review').waitFor();
    await event('Send the proposal').waitFor();
    await page.screenshot({ path: '/tmp/calpage-month.png', fullPage: true });
    expect(await axeScan(page)).toEqual([]);

    // Two months on has neither (next month's grid may still show this month's last days); back
    // to today has both again. Each view asked the API for its visible window only.
    await page.getByRole('button', { name: 'Next Month' }).click();
    await page.getByRole('button', { name: 'Next Month' }).click();
    await event('Pipeline review').waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Today (Month)' }).click();
    await event('Pipeline review').waitFor();

    // The week, then each month's grid (the day view lies inside the week already fetched): never
    // more than a grid shows.
    expect(windows[0]).toBe(7);
    expect(windows.length).toBeGreaterThanOrEqual(3);
    expect(Math.max(...windows)).toBeLessThanOrEqual(42);
    await event('Pipeline review').click();
    await page.waitForURL(`${server.url}/companies/${company.body.id}`);
    await page.getByRole('heading', { name: 'Kalender AG' }).waitFor();
    expect(errors).toEqual([]);
  });

  it('creates the feed URL in settings, reads it without a session, revokes it (404)', async () => {
    await page.goto(`${server.url}/settings?tab=profile`);
    await page.getByRole('heading', { name: 'Calendar feed' }).waitFor();
    await page.getByText('You have no feed address.').waitFor();
    await page.getByRole('button', { name: 'Create feed address' }).click();
    const box = page.getByRole('textbox', { name: 'Your feed address' });
    await box.waitFor();
    const url = await box.inputValue();
    await page.screenshot({ path: '/tmp/calpage-feed.png', fullPage: true });
    expect(url).toMatch(/\/ical\/[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}\.ics$/);
    expect(await axeScan(page)).toEqual([]);

    // As a calendar app reads it: no cookie.
    const before = await fetch(url.replace(/^https?:\/\/[^/]+/, server.url));
    expect(before.status).toBe(200);
    expect(before.headers.get('content-type')).toContain('text/calendar');
    const text = await before.text();
    expect(text).toContain('SUMMARY:Pipeline review');
    expect(text).toContain('SUMMARY:Send the proposal');

    await page.getByRole('button', { name: 'Revoke' }).click();
    await page.getByText('You have no feed address.').waitFor();
    const after = await fetch(url.replace(/^https?:\/\/[^/]+/, server.url));
    expect(after.status).toBe(404);
    expect(errors).toEqual([]);
  });

  it('lets an admin show a colleague’s calendar, and speaks German with Monday first', async () => {
    const invite = await apiCall('POST', '/invitations', { email: `max.${Date.now()}@example.test`, role: 'member' });
    expect(invite.status).toBe(201);
    // Accepted outside the page, so that the page keeps the owner's session.
    const accepted = await fetch(`${server.url}/api/v1/auth/accept-invitation`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: invite.body.token, name: 'Max Kollege', password: 'a colleagues passphrase' }),
    });
    expect(accepted.status).toBe(200);
    const colleagueId = ((await accepted.json()) as { member: { id: string } }).member.id;
    const company = await apiCall('POST', '/companies', { name: 'Kollegen KG' });
    const links = [{ recordType: 'company', recordId: company.body.id }];
    expect(
      (
        await apiCall('POST', '/activities', {
          type: 'meeting',
          subject: 'Colleague demo',
          occurredAt: berlinToday(12),
          ownerId: colleagueId,
          links,
        })
      ).status,
    ).toBe(201);

    expect(
      (await apiCall('POST', '/activities', { type: 'meeting', subject: 'My own demo', occurredAt: berlinToday(14), links })).status,
    ).toBe(201);

    await page.goto(`${server.url}/calendar`);
    await event('My own demo').waitFor();
    expect(await event('Colleague demo').count()).toBe(0);
    await page.getByRole('combobox', { name: 'Whose calendar' }).click();
    await page.getByRole('option', { name: 'Max Kollege' }).click();
    await event('Colleague demo').waitFor();
    await event('My own demo').waitFor({ state: 'detached' });

    expect((await apiCall('PATCH', '/me', { locale: 'de-DE' })).status).toBe(200);
    await page.goto(`${server.url}/calendar`);
    await page.getByRole('heading', { name: 'Kalender' }).waitFor();
    await page.getByRole('tab', { name: 'Woche (Ansicht)' }).waitFor();
    await page.getByRole('button', { name: /^Heute/ }).waitFor();
    await event('My own demo').waitFor();
    // The week starts on Monday in German: the first day column is a Monday.
    const firstHeader = await page.locator('.rp-calendar [role="columnheader"]').first().textContent();
    expect(firstHeader).toMatch(/Mo\. \d+$/);
    expect(await axeScan(page)).toEqual([]);
    expect(errors).toEqual([]);
  });
});
