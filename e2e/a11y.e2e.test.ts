import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeScan, hasChromium, launch, type Page, pageApi, type Server, signUpInBrowser, startServer, watchConsole } from './harness.ts';

// Every page a person sees, scanned by axe-core in light and dark mode, on a desktop and on a
// 375 px phone (issue 9): no serious or critical violation anywhere, and on the phone no page wider
// than the screen. One run collects every finding before it fails. A new page is one more entry in
// `pages` below; a record page's tabs are scanned one by one.

const user = {
  name: 'Alex Access',
  email: `alex.${Date.now()}@example.test`,
  password: 'an accessible passphrase',
  workspace: 'Access AG',
};

const modes = [
  { name: 'light-1280', viewport: { width: 1280, height: 860 }, scheme: 'light' },
  { name: 'dark-1280', viewport: { width: 1280, height: 860 }, scheme: 'dark' },
  { name: 'light-375', viewport: { width: 375, height: 800 }, scheme: 'light' },
  { name: 'dark-375', viewport: { width: 375, height: 800 }, scheme: 'dark' },
] as const;

/** Tabs of RecordPage.tsx. */
const recordTabs = ['Timeline', 'Tasks', 'History'];
/** Tabs of SettingsPage.tsx that an owner sees. */
const settingsTabs = [
  'workspace',
  'members',
  'sla',
  'portal',
  'invitations',
  'pipelines',
  'objects',
  'fields',
  'apiKeys',
  'webhooks',
  'jobs',
  'profile',
];

interface Target {
  path: string;
  /** The page's h1: how to tell it has replaced the page before it. */
  heading: string;
  /** Text that shows once its data has arrived. */
  text?: string;
  tabs?: string[];
  /** The settings tab that must be the selected one. */
  settingsTab?: string;
}

const pages = (ids: Record<string, string>): Target[] => [
  { path: '/', heading: `Home · ${user.name}`, text: 'Send the proposal' },
  { path: '/contacts', heading: 'Contacts', text: 'ada@initech.example' },
  { path: '/companies', heading: 'Companies', text: 'initech.example' },
  { path: '/leads', heading: 'Leads', text: 'Hopper' },
  { path: '/deals', heading: 'Deals', text: 'Initech rollout' },
  { path: '/deals/board', heading: 'Deals board', text: 'Initech rollout' },
  { path: '/tasks', heading: 'Tasks', text: 'Send the proposal' },
  { path: '/o/project', heading: 'Projects', text: 'Moon base' },
  { path: '/reports', heading: 'Reports' },
  { path: '/lists', heading: 'Lists' },
  { path: '/trash', heading: 'Trash' },
  { path: '/automation', heading: 'Automation' },
  { path: '/automation/rules/new', heading: 'New rule', text: 'No steps yet.' },
  { path: `/contacts/${ids.contact}`, heading: 'Ada Lovelace', tabs: recordTabs },
  { path: `/companies/${ids.company}`, heading: 'Initech', tabs: recordTabs },
  { path: `/deals/${ids.deal}`, heading: 'Initech rollout', tabs: recordTabs },
  { path: `/leads/${ids.lead}`, heading: 'Grace Hopper', tabs: recordTabs },
  { path: `/o/project/${ids.project}`, heading: 'Moon base', tabs: recordTabs },
  ...settingsTabs.map((tab) => ({ path: `/settings?tab=${tab}`, heading: 'Settings', settingsTab: tab })),
];

/** Pages photographed in every mode, for a person to look at (e2e/.tmp is not tracked). */
const photographed = ['/contacts', '/deals/board', '/settings?tab=members'];
const shotDir = join(import.meta.dirname, '.tmp', 'a11y');

describe.runIf(hasChromium)('accessibility of every page', () => {
  let server: Server;

  beforeAll(async () => {
    server = await startServer();
    mkdirSync(shotDir, { recursive: true });
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });

  /** A call to the API with the page's own session, as the web app makes it. */
  const apiCall = async (page: Page, method: string, path: string, body?: unknown) => {
    const out = (await pageApi(page, method, path, body)) as { status: number; body: Record<string, unknown> };
    if (out.status >= 300) throw new Error(`${method} ${path}: ${out.status} ${JSON.stringify(out.body)}`);
    return out.body;
  };

  /** A little of everything: a company, a contact at it, a deal, a lead, a task, a note, an edit, a custom object's record. */
  async function makeData(page: Page) {
    const ids: Record<string, string> = {};
    const company = await apiCall(page, 'POST', '/companies', { name: 'Initech', domain: 'initech.example', industry: 'Software' });
    ids.company = String(company.id);
    const contact = await apiCall(page, 'POST', '/contacts', {
      firstName: 'Ada',
      lastName: 'Lovelace',
      emails: [{ value: 'ada@initech.example' }],
      companies: [{ companyId: ids.company, isPrimary: true }],
    });
    ids.contact = String(contact.id);
    const pipelines = (await apiCall(page, 'GET', '/pipelines')) as { data: { stages: { id: string }[] }[] };
    const deal = await apiCall(page, 'POST', '/deals', {
      name: 'Initech rollout',
      amountMinor: 1_250_000,
      stageId: pipelines.data[0].stages[0].id,
      companyId: ids.company,
    });
    ids.deal = String(deal.id);
    const lead = await apiCall(page, 'POST', '/leads', { firstName: 'Grace', lastName: 'Hopper', companyName: 'Navy Labs' });
    ids.lead = String(lead.id);
    const links = [
      { recordType: 'contact', recordId: ids.contact },
      { recordType: 'deal', recordId: ids.deal },
    ];
    // Overdue and assigned to the signed-in person, so that Home lists it (in its overdue colour).
    const session = (await apiCall(page, 'GET', '/auth/session')) as { member: { id: string } };
    const dueAt = new Date(Date.now() - 3_600_000).toISOString();
    await apiCall(page, 'POST', '/tasks', { title: 'Send the proposal', dueAt, assigneeId: session.member.id, links });
    await apiCall(page, 'POST', '/activities', { type: 'note', body: 'Wants a rollout plan by Friday.', links });
    // An edit, so that History has an entry to show.
    await apiCall(page, 'PATCH', `/companies/${ids.company}`, { industry: 'Consulting', version: company.version });
    // Rows in every settings table: a custom field, an invitation, an API key.
    await apiCall(page, 'POST', '/fields', { objectType: 'contact', key: 'linkedin', label: 'LinkedIn profile', type: 'url' });
    await apiCall(page, 'POST', '/invitations', { email: 'new.colleague@example.test', role: 'member' });
    await apiCall(page, 'POST', '/api-keys', { name: 'Zapier', role: 'read-only' });
    await apiCall(page, 'POST', '/objects', { key: 'project', label: 'Project', labelPlural: 'Projects' });
    const project = await apiCall(page, 'POST', '/objects/project/records', { name: 'Moon base' });
    ids.project = String(project.id);
    return ids;
  }

  /** Goes to a path the way the app's own links do (no reload), and waits until the page has its data. */
  async function visit(page: Page, target: Target) {
    await page.evaluate(`history.pushState(null, '', ${JSON.stringify(target.path)}); dispatchEvent(new PopStateEvent('popstate'))`);
    await page.getByRole('heading', { level: 1, name: target.heading }).waitFor();
    if (target.text) await page.getByText(target.text).first().waitFor();
    if (target.settingsTab) await page.locator(`[role="tab"][aria-selected="true"][id$="-tab-${target.settingsTab}"]`).waitFor();
    await settle(page);
  }

  /** Waits until nothing on the page is loading, and two frames more for transitions begun by the last render. */
  async function settle(page: Page) {
    await page.locator('[aria-busy="true"], .mantine-Loader-root, .mantine-Skeleton-root').first().waitFor({ state: 'detached' });
    await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
  }

  // One test per mode, each with its own time: the walk grows with every page added, and a single
  // budget for all four modes ran out on a busy machine. The first mode makes the workspace and its
  // data; the others sign in to it (tests of a file run in order).
  let ids: Record<string, string> = {};
  for (const [i, mode] of modes.entries()) {
    it(`has no serious or critical axe violation on any page (${mode.name})`, async () => {
      const found: string[] = [];
      const check = async (page: Page, mode: (typeof modes)[number], where: string) => {
        for (const v of await axeScan(page)) found.push(`[${mode.name}] ${where}: ${v}`);
        // A table or board wider than the phone scrolls inside its own box; the page itself never scrolls sideways.
        const [scrollWidth, innerWidth] = (await page.evaluate('[document.documentElement.scrollWidth, innerWidth]')) as number[];
        if (scrollWidth > innerWidth)
          found.push(`[${mode.name}] ${where}: the page is ${scrollWidth} px wide on a ${innerWidth} px screen`);
      };

      const started = performance.now();
      const browser = await launch(mode.viewport);
      try {
        // Mantine's localStorageColorSchemeManager keeps the header toggle's choice under this key.
        await browser.context.addInitScript(`localStorage.setItem('rapport-color-scheme', '${mode.scheme}')`);
        const page = browser.context.pages()[0] ?? (await browser.context.newPage());
        const errors = watchConsole(page);

        await page.goto(`${server.url}/signin`);
        // A fresh browser: nobody has signed in on it, so it is not welcomed back.
        await page.getByRole('heading', { name: 'Sign in to Rapport' }).waitFor();
        await check(page, mode, '/signin');
        await page.getByRole('link', { name: 'Create a workspace' }).click();
        await page.getByRole('heading', { name: 'Create your workspace' }).waitFor();
        await check(page, mode, '/signup');
        if (i === 0) {
          await signUpInBrowser(page, server.url, user);
          ids = await makeData(page);
          // A fresh load, so that no list cached before the data was made is shown.
          await page.reload();
        } else {
          await page.goto(`${server.url}/signin`);
          await page.getByLabel('Email').fill(user.email);
          await page.getByRole('textbox', { name: 'Password' }).fill(user.password);
          await page.getByRole('button', { name: 'Sign in' }).click();
          await page.getByRole('heading', { name: `Home · ${user.name}` }).waitFor();
        }
        expect(await page.evaluate('document.documentElement.dataset.mantineColorScheme')).toBe(mode.scheme);
        if (mode.viewport.width < 768) {
          // On a phone the navigation sits behind the header's menu button, and takes a person where they tap.
          const nav = page.getByRole('navigation', { name: 'Main' });
          expect(await nav.getByRole('link', { name: 'Contacts' }).isVisible()).toBe(false);
          await page.getByRole('button', { name: 'Open navigation' }).click();
          await nav.getByRole('link', { name: 'Contacts' }).waitFor();
          await check(page, mode, '/ (navigation open)');
          await nav.getByRole('link', { name: 'Contacts' }).click();
          await page.getByRole('heading', { level: 1, name: 'Contacts' }).waitFor();
          await nav.getByRole('link', { name: 'Contacts' }).waitFor({ state: 'hidden' });
        }

        for (const target of pages(ids)) {
          await visit(page, target);
          if (!target.tabs) await check(page, mode, target.path);
          for (const tab of target.tabs ?? []) {
            await page.getByRole('tab', { name: tab }).click();
            await page.getByRole('tab', { name: tab, selected: true }).waitFor();
            await settle(page);
            await check(page, mode, `${target.path} (${tab})`);
          }
          if (photographed.includes(target.path) || target.path === `/deals/${ids.deal}`) {
            const name = `${mode.name}${target.path.replace(/\/[0-9a-f-]{36}$/, '-record').replace(/[/?=]+/g, '-')}.png`;
            await page.screenshot({ path: join(shotDir, name) });
          }
        }
        expect(errors, mode.name).toEqual([]);
      } finally {
        await browser.close();
      }
      console.log(`a11y: ${mode.name} in ${Math.round((performance.now() - started) / 100) / 10} s`);
      expect(found).toEqual([]);
    }, 180_000);
  }
});
