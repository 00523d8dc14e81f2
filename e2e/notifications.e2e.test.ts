import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeScan, hasChromium, launch, type Page, pageApi, type Server, signUpInBrowser, startServer, watchConsole } from './harness.ts';

// The notification centre (issue 11): a member's bell counts what is new for them, live; the list
// opens the record a notice is about and marks it read. Two browsers: Lena writes, Max is told.

describe.runIf(hasChromium)('notification centre', () => {
  let server: Server;
  let owner: Awaited<ReturnType<typeof launch>>;
  let guest: Awaited<ReturnType<typeof launch>>;
  let a: Page;
  let b: Page;
  let errors: string[];
  let maxId = '';

  beforeAll(async () => {
    server = await startServer();
    owner = await launch();
    guest = await launch();
    a = owner.context.pages()[0] ?? (await owner.context.newPage());
    b = guest.context.pages()[0] ?? (await guest.context.newPage());
    errors = watchConsole(b);
    await signUpInBrowser(a, server.url, {
      name: 'Lena Lead',
      email: `lena.${Date.now()}@example.test`,
      password: 'a notifying passphrase',
      workspace: 'Notice GmbH',
    });
    const invite = await pageApi(a, 'POST', '/invitations', { email: `max.${Date.now()}@example.test`, role: 'member' });
    await b.goto(`${server.url}/invite?token=${encodeURIComponent(invite.body.token)}`);
    await b.getByLabel('Your name').fill('Max Member');
    await b.getByRole('textbox', { name: 'Password' }).fill('a members passphrase');
    await b.getByRole('button', { name: 'Join the workspace' }).click();
    await b.getByRole('heading', { name: 'Home · Max Member' }).waitFor();
    maxId = (await pageApi(b, 'GET', '/auth/session')).body.member.id;
  }, 120_000);
  afterAll(async () => {
    await guest?.close();
    await owner?.close();
    await server?.stop();
  });

  const bell = (p: Page) => p.getByRole('button', { name: /^Notifications/ });
  /** Waits until the list has finished opening (its fade-in), so a screenshot shows it whole. */
  const settled = (p: Page) =>
    expect
      .poll(() =>
        p
          .getByRole('dialog', { name: 'Notifications' })
          .evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { opacity: string } }).getComputedStyle(el).opacity),
      )
      .toBe('1');

  it('raises the bell live when another member mentions you, and opening the notice goes to the record and marks it read', async () => {
    await expect.poll(() => bell(b).getAttribute('aria-label')).toBe('Notifications');
    const contact = await pageApi(a, 'POST', '/contacts', { firstName: 'Grace', lastName: 'Hopper' });
    // Lena writes the note on Grace's timeline, picking Max from the @ list with the keyboard.
    await a.goto(`${server.url}/contacts/${contact.body.id}`);
    const text = a.getByRole('textbox', { name: 'What happened?' });
    await text.click();
    await text.pressSequentially('@Ma');
    const options = a.getByRole('listbox', { name: 'Members to mention' });
    await options.getByRole('option', { name: 'Max Member' }).waitFor();
    expect(await options.getByRole('option').allTextContents()).toEqual(['Max Member']);
    await a.screenshot({ path: 'e2e/screenshots/notifications-mention-picker.png' });
    await a.keyboard.press('Enter');
    await text.pressSequentially('could you send Grace the offer?');
    expect(await text.inputValue()).toBe('@Max Member could you send Grace the offer?');
    await a.getByRole('button', { name: 'Log Note' }).click();
    await a.getByText('@Max Member could you send Grace the offer?').last().waitFor();
    const timeline = await pageApi(a, 'GET', `/contacts/${contact.body.id}/timeline`);
    expect(timeline.body.data[0].mentions).toEqual([maxId]);
    // Live, without a reload: the badge and the announced count.
    await expect.poll(() => bell(b).getAttribute('aria-label'), { timeout: 5_000 }).toBe('Notifications, 1 unread');
    expect(await b.getByTestId('unread-announcer').textContent()).toBe('1 unread notification');
    // Lena, who wrote it, is told nothing.
    expect(await bell(a).getAttribute('aria-label')).toBe('Notifications');

    await bell(b).click();
    const dialog = b.getByRole('dialog', { name: 'Notifications' });
    await dialog.getByText('Lena Lead mentioned you').waitFor();
    await dialog.getByText('@Max Member could you send Grace the offer?').waitFor();
    await settled(b);
    await b.screenshot({ path: 'e2e/screenshots/notifications-list.png' });
    expect(await axeScan(b)).toEqual([]);
    await dialog.getByRole('button', { name: /Lena Lead mentioned you/ }).click();
    await b.waitForURL(`${server.url}/contacts/${contact.body.id}`);
    await b.getByRole('heading', { name: 'Grace Hopper' }).waitFor();
    await expect.poll(() => bell(b).getAttribute('aria-label')).toBe('Notifications');
    const listed = await pageApi(b, 'GET', '/notifications');
    expect(listed.body.data[0].readAt).not.toBeNull();
  });

  it('shows a task reminder once its time has passed, marks all read, and pages with load more', async () => {
    // Max adds a task on a contact's page, due a minute ago, reminded at the due time: the next scan
    // (every 30 s) sends it. His own task: one someone else gave him would add an "assigned to you" notice.
    const hopper = await pageApi(b, 'POST', '/contacts', { firstName: 'Rear', lastName: 'Admiral' });
    await b.goto(`${server.url}/contacts/${hopper.body.id}`);
    await b.getByRole('tab', { name: 'Tasks' }).click();
    await b.getByLabel('Task title').fill('Prepare the Hopper contract');
    const local = (await b.evaluate(
      '(() => { const d = new Date(Date.now() - 60000); d.setMinutes(d.getMinutes() - d.getTimezoneOffset()); return d.toISOString().slice(0, 16); })()',
    )) as string;
    await b.getByLabel('Due').fill(local);
    await b.getByRole('combobox', { name: 'Reminder' }).click();
    await b.getByRole('option', { name: 'At the due time' }).click();
    await b.getByRole('button', { name: 'Add task' }).click();
    await b.getByText(/^Reminder /).waitFor();
    await b.screenshot({ path: 'e2e/screenshots/task-reminder.png' });
    const [task] = (await pageApi(b, 'GET', `/contacts/${hopper.body.id}/tasks`)).body.data;
    expect(task).toMatchObject({ title: 'Prepare the Hopper contract', reminderMinutes: 0 });
    expect(task.remindAt).toBe(task.dueAt);
    await expect.poll(() => bell(b).getAttribute('aria-label'), { timeout: 45_000, interval: 500 }).toBe('Notifications, 1 unread');
    // Enough notices for a second page.
    const contact = await pageApi(a, 'POST', '/contacts', { firstName: 'Many', lastName: 'Notes' });
    for (let i = 1; i <= 20; i++) {
      await pageApi(a, 'POST', '/activities', {
        type: 'note',
        body: `Note ${i} for @Max Member`,
        mentions: [maxId],
        links: [{ recordType: 'contact', recordId: contact.body.id }],
      });
    }
    await expect.poll(() => bell(b).getAttribute('aria-label'), { timeout: 10_000 }).toBe('Notifications, 21 unread');
    await bell(b).click();
    const dialog = b.getByRole('dialog', { name: 'Notifications' });
    await dialog.getByText('Note 20 for @Max Member').waitFor();
    expect(await dialog.getByText('Prepare the Hopper contract').count()).toBe(0);
    await dialog.getByRole('button', { name: 'Load more' }).click();
    await dialog.getByText('Prepare the Hopper contract').waitFor();
    await dialog.getByText('Task due').first().waitFor();
    await dialog.getByRole('button', { name: 'Mark all read' }).click();
    await expect.poll(() => bell(b).getAttribute('aria-label')).toBe('Notifications');
    // Keyboard: Escape closes the list and focus returns to the bell.
    await dialog.getByRole('button', { name: 'Mark all read' }).focus();
    await b.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(
      await b.evaluate(() =>
        (
          globalThis as unknown as { document: { activeElement: { getAttribute(n: string): string | null } | null } }
        ).document.activeElement?.getAttribute('aria-label'),
      ),
    ).toBe('Notifications');
    expect(errors).toEqual([]);
  }, 90_000);

  it('tells a member of a task someone else assigned them', async () => {
    await b.goto(`${server.url}/`);
    await expect.poll(() => bell(b).getAttribute('aria-label')).toBe('Notifications');
    await pageApi(a, 'POST', '/tasks', { title: 'Review the Hopper offer', assigneeId: maxId });
    await expect.poll(() => bell(b).getAttribute('aria-label'), { timeout: 15_000 }).toBe('Notifications, 1 unread');
    await bell(b).click();
    const dialog = b.getByRole('dialog', { name: 'Notifications' });
    await dialog.getByText('Assigned to you').waitFor();
    await dialog.getByRole('button', { name: /Review the Hopper offer/ }).click();
    await b.waitForURL(/\/tasks\/[0-9a-f-]+$/);
    await expect.poll(() => bell(b).getAttribute('aria-label')).toBe('Notifications');
  });

  it('counts a notice that came while the page was still connecting to the live stream', async () => {
    // The stream opens late (held here): the page read its count before, the notice came in between,
    // and the stream replays nothing from before it started. The page must still show it.
    let release = () => {};
    const held = new Promise<void>((r) => {
      release = r;
    });
    await b.route('**/api/v1/live', async (route) => {
      await held;
      await route.continue();
    });
    try {
      // The page has read its count (nothing unread) before the notice is made.
      const counted = b.waitForResponse((r) => r.url().endsWith('/api/v1/notifications/unread-count'));
      await b.goto(`${server.url}/`);
      await counted;
      await expect.poll(() => bell(b).getAttribute('aria-label')).toBe('Notifications');
      await pageApi(a, 'POST', '/tasks', { title: 'Check the Hopper invoice', assigneeId: maxId });
      await expect.poll(async () => (await pageApi(b, 'GET', '/notifications/unread-count')).body.count, { timeout: 15_000 }).toBe(1);
      // Held past the notice: the bell has not heard of it yet.
      await new Promise((r) => setTimeout(r, 1_000));
      expect(await bell(b).getAttribute('aria-label')).toBe('Notifications');
      release();
      await expect.poll(() => bell(b).getAttribute('aria-label'), { timeout: 15_000 }).toBe('Notifications, 1 unread');
    } finally {
      release();
      await b.unroute('**/api/v1/live');
    }
    await bell(b).click();
    await b.getByRole('dialog', { name: 'Notifications' }).getByRole('button', { name: 'Mark all read' }).click();
    await expect.poll(() => bell(b).getAttribute('aria-label')).toBe('Notifications');
    await b.keyboard.press('Escape');
  });

  it('notifies a member mentioned when a note is edited, picked from the @ list in the edit form', async () => {
    await b.goto(`${server.url}/`);
    await expect.poll(() => bell(b).getAttribute('aria-label')).toBe('Notifications');
    const contact = await pageApi(a, 'POST', '/contacts', { firstName: 'Edith', lastName: 'Edit' });
    await pageApi(a, 'POST', '/activities', {
      type: 'note',
      body: 'Call back on Monday.',
      links: [{ recordType: 'contact', recordId: contact.body.id }],
    });
    await a.goto(`${server.url}/contacts/${contact.body.id}`);
    const note = a.getByTestId('activity').filter({ hasText: 'Call back on Monday.' });
    await note.getByRole('button', { name: 'Edit' }).click();
    const form = a.getByRole('form', { name: 'Edit activity' });
    const text = form.getByLabel('What happened?');
    await text.click();
    await a.keyboard.press('End');
    await text.pressSequentially(' @Ma');
    await a.getByRole('listbox', { name: 'Members to mention' }).getByRole('option', { name: 'Max Member' }).waitFor();
    await a.keyboard.press('Enter');
    await form.getByRole('button', { name: 'Save' }).click();
    await a.getByText('Call back on Monday. @Max Member').waitFor();
    await expect.poll(() => bell(b).getAttribute('aria-label'), { timeout: 5_000 }).toBe('Notifications, 1 unread');
    await pageApi(b, 'POST', '/notifications/read-all', {});
  });

  it('lets a member turn mentions off in My profile, and then a mention does not reach them', async () => {
    await b.goto(`${server.url}/settings?tab=profile`);
    const mentions = b.getByRole('switch', { name: 'Mentions in notes' });
    // The switches are off and disabled until the preferences have loaded.
    await expect.poll(() => mentions.isEnabled()).toBe(true);
    expect(await mentions.isChecked()).toBe(true);
    expect(await b.getByRole('switch', { name: 'Daily digest' }).isChecked()).toBe(false);
    await mentions.click();
    await expect.poll(async () => (await pageApi(b, 'GET', '/notifications/preferences')).body.mentions).toBe(false);
    expect(await axeScan(b)).toEqual([]);
    await b.screenshot({ path: 'e2e/screenshots/notifications-preferences.png' });
    const before = (await pageApi(b, 'GET', '/notifications/unread-count')).body.count;
    await pageApi(a, 'POST', '/activities', {
      type: 'note',
      body: '@Max Member you will not hear of this',
      mentions: [maxId],
      links: [{ recordType: 'contact', recordId: (await pageApi(a, 'POST', '/contacts', { firstName: 'Silent' })).body.id }],
    });
    // The note's notices are written with it, so the count is final when its answer comes.
    expect((await pageApi(b, 'GET', '/notifications/unread-count')).body.count).toBe(before);
    await mentions.click();
    await expect.poll(async () => (await pageApi(b, 'GET', '/notifications/preferences')).body.mentions).toBe(true);
  });

  it('fits a phone screen (390 px)', async () => {
    await b.setViewportSize({ width: 390, height: 800 });
    await pageApi(a, 'POST', '/activities', {
      type: 'note',
      body: 'A phone-sized @Max Member mention',
      mentions: [maxId],
      links: [{ recordType: 'contact', recordId: (await pageApi(a, 'POST', '/contacts', { firstName: 'Phone' })).body.id }],
    });
    await expect.poll(() => bell(b).getAttribute('aria-label'), { timeout: 5_000 }).toBe('Notifications, 1 unread');
    await b.screenshot({ path: 'e2e/screenshots/notifications-bell-mobile.png' });
    await bell(b).click();
    await b.getByRole('dialog', { name: 'Notifications' }).getByText('A phone-sized @Max Member mention').waitFor();
    await settled(b);
    await b.screenshot({ path: 'e2e/screenshots/notifications-list-mobile.png' });
    const box = await b.getByRole('dialog', { name: 'Notifications' }).boundingBox();
    expect(box && box.x >= 0 && box.x + box.width <= 390).toBe(true);
    expect(await axeScan(b)).toEqual([]);
  });
});
