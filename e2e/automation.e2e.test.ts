import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeScan, hasChromium, launch, type Page, pageApi, type Server, signUpInBrowser, startServer, watchConsole } from './harness.ts';

// Automation in the web app (issue 11): an admin builds a rule in the step editor, a deal moved on
// the board runs it, and the deal's owner sees the task appear on the deal's page in another
// browser without reloading; bad rules are refused at the step they name; the run log shows a
// failed run and retries it; a dry run says what would happen.

describe.runIf(hasChromium)('automation', () => {
  let server: Server;
  let admin: Awaited<ReturnType<typeof launch>>;
  let owner: Awaited<ReturnType<typeof launch>>;
  let a: Page;
  let b: Page;
  let errorsA: string[];
  let errorsB: string[];
  let pipeline: { id: string; stages: { id: string; name: string }[] };
  let ownerId: string;

  beforeAll(async () => {
    server = await startServer();
    admin = await launch();
    owner = await launch();
    a = admin.context.pages()[0] ?? (await admin.context.newPage());
    b = owner.context.pages()[0] ?? (await owner.context.newPage());
    errorsA = watchConsole(a);
    errorsB = watchConsole(b);
    await signUpInBrowser(a, server.url, {
      name: 'Ada Admin',
      email: `ada.${Date.now()}@example.test`,
      password: 'an automating passphrase',
      workspace: 'Rules GmbH',
    });
    const invite = await pageApi(a, 'POST', '/invitations', { email: `olli.${Date.now()}@example.test`, role: 'member' });
    await b.goto(`${server.url}/invite?token=${encodeURIComponent(invite.body.token)}`);
    await b.getByLabel('Your name').fill('Olli Owner');
    await b.getByRole('textbox', { name: 'Password' }).fill('an owners passphrase');
    await b.getByRole('button', { name: 'Join the workspace' }).click();
    await b.getByRole('heading', { name: 'Home · Olli Owner' }).waitFor();
    const members = await pageApi(a, 'GET', '/members');
    ownerId = members.body.data.find((m: { name: string }) => m.name === 'Olli Owner').id;
    pipeline = (await pageApi(a, 'GET', '/pipelines')).body.data[0];
  }, 120_000);
  afterAll(async () => {
    await owner?.close();
    await admin?.close();
    await server?.stop();
  });

  const stage = (name: string) => pipeline.stages.find((s) => s.name === name)?.id as string;
  /** Picks an option of a Mantine select (a combobox) by the select's name. */
  const pick = async (name: string | RegExp, option: string | RegExp, scope: Page | ReturnType<Page['locator']> = a) => {
    await scope
      .getByRole('combobox', { name, exact: typeof name === 'string' })
      .click({ timeout: 10_000 })
      .catch(async (e) => {
        await a.screenshot({ path: '/tmp/rulesui-fail.png' });
        throw e;
      });
    await a.getByRole('option', { name: option, exact: typeof option === 'string' }).click();
  };
  const shot = (p: Page, name: string) => p.screenshot({ path: `e2e/screenshots/${name}.png` });

  it('builds "big deal in negotiation" in the editor; a move on the board makes a task the owner sees live, and notifies the manager', async () => {
    await a.goto(`${server.url}/`);
    await a.getByRole('link', { name: 'Automation' }).click();
    await a.getByRole('heading', { name: 'Automation' }).waitFor();
    await a.getByRole('button', { name: 'New rule' }).click();
    await a.getByRole('heading', { name: 'New rule' }).waitFor();
    await a.getByLabel('Name').fill('Big deal in negotiation');
    await pick('Trigger', 'A deal moves to another stage');
    await pick('To stage', 'Negotiation');
    // Conditions: the list page's filter rows.
    const conditions = a.getByRole('region', { name: 'Only if' });
    await conditions.getByRole('button', { name: 'Add condition' }).click();
    await pick('Field', 'Amount', conditions);
    await pick('Operator', 'greater than', conditions);
    await conditions.getByRole('spinbutton', { name: 'Value' }).fill('10000');
    // Step 1: a task for the owner, due in two days.
    await a.getByRole('button', { name: 'Add a step' }).click();
    await a.getByRole('menuitem', { name: 'Create a task' }).click();
    const task = a.getByRole('region', { name: 'Step 1: Create a task' });
    await task.getByLabel('Title').fill('Follow up on {{record.name}}');
    expect(await task.getByLabel('Due').inputValue()).toBe('+2d');
    expect(await task.getByRole('combobox', { name: 'Assignee' }).inputValue()).toBe('The record’s owner');
    // Step 2: notify the manager (the admin).
    await a.getByRole('button', { name: 'Add a step' }).click();
    await a.getByRole('menuitem', { name: 'Notify a member' }).click();
    const notify = a.getByRole('region', { name: 'Step 2: Notify a member' });
    await pick('Notify', 'A member', notify);
    await pick('Member', 'Ada Admin', notify);
    await notify.getByLabel('Title').fill('{{record.name}} is in negotiation');
    await shot(a, 'automation-editor');
    await a.getByRole('button', { name: 'Create rule' }).click();
    await a.waitForURL(/\/automation\/rules\/[0-9a-f-]{36}$/);
    await a.getByRole('heading', { name: 'Big deal in negotiation' }).waitFor();
    await a.getByText('Active', { exact: true }).waitFor();
    const ruleId = a.url().split('/').pop() as string;
    const saved = (await pageApi(a, 'GET', `/automation/rules/${ruleId}`)).body;
    expect(saved.definition).toMatchObject({
      trigger: { type: 'stage_changed', config: { toStageId: stage('Negotiation') } },
      conditions: { and: [{ field: 'amountMinor', op: 'gt', value: 1_000_000 }] },
      steps: [
        {
          type: 'action',
          action: 'create_task',
          input: { title: 'Follow up on {{record.name}}', due: '+2d', assignee: { kind: 'owner' } },
        },
        { type: 'action', action: 'notify', input: { to: { kind: 'member' }, title: '{{record.name}} is in negotiation' } },
      ],
    });
    expect(await axeScan(a)).toEqual([]);

    // The owner has the deal open; the admin moves it on the board.
    const deal = await pageApi(a, 'POST', '/deals', {
      name: 'Umbrella Corp renewal',
      pipelineId: pipeline.id,
      stageId: stage('Proposal'),
      amountMinor: 2_500_000,
      currency: 'EUR',
      ownerId,
    });
    expect(deal.status).toBe(201);
    await b.goto(`${server.url}/deals/${deal.body.id}`);
    await b.getByRole('heading', { name: 'Umbrella Corp renewal' }).waitFor();
    await b.getByRole('tab', { name: 'Tasks' }).click();
    await b.evaluate('window.__notReloaded = true');
    expect(await b.getByText('Follow up on Umbrella Corp renewal').count()).toBe(0);

    await a.goto(`${server.url}/deals/board`);
    // The keyboard moves a card a stage per arrow press (as a screen reader user would).
    const said = (text: string) => a.getByRole('status').filter({ hasText: text }).waitFor({ state: 'attached' });
    await a.getByTestId('deal-card').filter({ hasText: 'Umbrella Corp renewal' }).waitFor();
    await a.getByRole('button', { name: 'Move: Umbrella Corp renewal' }).focus();
    await a.keyboard.press('Space');
    await said('Umbrella Corp renewal is over Proposal.');
    await a.keyboard.press('ArrowRight');
    await said('Umbrella Corp renewal is over Negotiation.');
    await a.keyboard.press('Space');
    await a.getByText('Moved to Negotiation').waitFor();

    await b.getByText('Follow up on Umbrella Corp renewal').waitFor({ timeout: 10_000 });
    expect(await b.evaluate('window.__notReloaded === true')).toBe(true);
    const notices = await pageApi(a, 'GET', '/notifications');
    expect(notices.body.data).toEqual([
      expect.objectContaining({ title: 'Umbrella Corp renewal is in negotiation', recordId: deal.body.id }),
    ]);

    // The rules list says the rule ran, and in words when it runs.
    await a.goto(`${server.url}/automation`);
    const row = a.getByRole('row', { name: /Big deal in negotiation/ });
    await row.getByText('When a deal moves to Negotiation').waitFor();
    await row.getByText('1 runs, 0 failed').waitFor();
    expect(errorsA).toEqual([]);
    expect(errorsB).toEqual([]);
  }, 120_000);

  it('refuses a bad rule at save and shows the problem on the step it names', async () => {
    await a.goto(`${server.url}/automation/rules/new`);
    await a.getByLabel('Name').fill('Waits forever');
    await pick('Trigger', 'Run by hand');
    await pick('Object', 'Deal');
    await a.getByRole('button', { name: 'Add a step' }).click();
    await a.getByRole('menuitem', { name: 'Create a task' }).click();
    await a.getByRole('region', { name: 'Step 1: Create a task' }).getByLabel('Title').fill('Call them');
    await a.getByRole('button', { name: 'Add a step' }).click();
    await a.getByRole('menuitem', { name: 'Wait' }).click();
    const wait = a.getByRole('region', { name: 'Step 2: Wait' });
    await wait.getByText('Until a condition holds').click();
    await wait.getByRole('button', { name: 'Add condition' }).click();
    await pick('Field', 'Status', wait);
    await pick('Operator', 'is', wait);
    await pick('Value', 'Won', wait);
    // No time-out: the server refuses a wait that might never end.
    await a.getByRole('button', { name: 'Create rule' }).click();
    await a.getByRole('alert').filter({ hasText: 'The rule cannot be saved: 1 problem' }).waitFor();
    const problem = wait.getByRole('alert');
    await problem.getByText(/Time-out/).waitFor();
    expect(await a.getByRole('region', { name: 'Step 1: Create a task' }).getByRole('alert').count()).toBe(0);
    expect(a.url()).toMatch(/\/automation\/rules\/new$/);
    // The browser notes the refused request (422) in its console; that one is expected.
    expect(errorsA.splice(0)).toEqual([expect.stringContaining('422')]);
    await shot(a, 'automation-refused');
    expect(await axeScan(a)).toEqual([]);
    // With a time-out the same rule saves.
    await wait.getByRole('textbox', { name: 'Give up after' }).fill('3');
    await a.getByRole('button', { name: 'Create rule' }).click();
    await a.waitForURL(/\/automation\/rules\/[0-9a-f-]{36}$/);
    await a.getByRole('heading', { name: 'Waits forever' }).waitFor();
    const id = a.url().split('/').pop();
    const saved = (await pageApi(a, 'GET', `/automation/rules/${id}`)).body;
    expect(saved.definition.steps[1]).toEqual({
      type: 'wait',
      wait: {
        kind: 'condition',
        condition: { and: [{ field: 'status', op: 'eq', value: 'won' }] },
        timeout: { amount: 3, unit: 'days' },
      },
    });
    expect(errorsA).toEqual([]);
  }, 120_000);

  it('dry-runs a rule on a chosen record, runs it now, shows the failed run in the log and retries it from the failed step', async () => {
    const company = await pageApi(a, 'POST', '/companies', { name: 'Gone Inc' });
    const deal = await pageApi(a, 'POST', '/deals', {
      name: 'Gone Inc expansion',
      pipelineId: pipeline.id,
      stageId: stage('Qualification'),
      amountMinor: 100_000,
      currency: 'EUR',
      companyId: company.body.id,
    });
    const rule = await pageApi(a, 'POST', '/automation/rules', {
      name: 'Tag the company',
      definition: {
        trigger: { type: 'manual', config: { object: 'deal' } },
        steps: [
          { type: 'action', action: 'create_task', input: { title: 'Before the failure' } },
          {
            type: 'action',
            action: 'update_record',
            input: { object: 'company', recordId: '{{record.companyId}}', fields: { industry: 'Logistics' } },
          },
        ],
      },
    });
    expect(rule.status).toBe(201);
    // The company goes to the trash: the second step will fail.
    expect((await pageApi(a, 'DELETE', `/companies/${company.body.id}`)).status).toBe(200);

    await a.goto(`${server.url}/automation/rules/${rule.body.id}`);
    const tryIt = a.getByRole('region', { name: 'Try it' });
    await tryIt.getByRole('combobox', { name: 'Record' }).fill('Gone Inc');
    await a.getByRole('option', { name: 'Gone Inc expansion' }).click();
    await tryIt.getByRole('button', { name: 'Dry run' }).click();
    const result = tryIt.getByRole('region', { name: 'Dry run result' });
    await result.getByText('The conditions hold: the rule would run').waitFor();
    expect(await result.getByRole('row').count()).toBe(3);
    await result
      .getByRole('row', { name: /Create a task/ })
      .getByText('Would run')
      .waitFor();
    // The company is in the trash: the dry run says the update would fail, as the run will.
    await result
      .getByRole('row', { name: /Update fields/ })
      .getByText('Would fail', { exact: true })
      .waitFor();
    await result
      .getByRole('row', { name: /Update fields/ })
      .getByText(/in the trash/)
      .waitFor();
    // A dry run does nothing.
    expect((await pageApi(a, 'GET', `/deals/${deal.body.id}/tasks`)).body.data).toEqual([]);
    expect((await pageApi(a, 'GET', `/automation/runs?ruleId=${rule.body.id}`)).body.data).toEqual([]);
    await result.scrollIntoViewIfNeeded();
    await shot(a, 'automation-dry-run');

    await tryIt.getByRole('button', { name: 'Run now' }).click();
    await tryIt.getByRole('link', { name: 'Open the run' }).click();
    await a.getByRole('heading', { name: 'Run of “Tag the company”' }).waitFor();
    await a.getByText('Failed', { exact: true }).first().waitFor({ timeout: 15_000 });
    const steps = a.getByRole('table', { name: 'Steps' });
    await steps
      .getByRole('row', { name: /Create a task/ })
      .getByText('Done', { exact: true })
      .waitFor();
    await steps
      .getByRole('row', { name: /Update fields/ })
      .getByText('Failed', { exact: true })
      .waitFor();
    await steps
      .getByRole('row', { name: /Update fields/ })
      .getByText(/trash/)
      .waitFor();
    await shot(a, 'automation-run');
    expect(await axeScan(a)).toEqual([]);

    // The rule's run log lists it as failed.
    await a.getByRole('link', { name: 'Runs of “Tag the company”' }).click();
    const log = a.getByRole('table', { name: 'Run log' });
    await log.getByRole('row').nth(1).getByText('Failed').waitFor();
    await shot(a, 'automation-run-log');
    expect(await axeScan(a)).toEqual([]);
    await log.getByRole('row').nth(1).getByRole('link').first().click();

    // The company comes back; the retry goes on from the failed step, without a second task.
    expect((await pageApi(a, 'POST', `/companies/${company.body.id}/restore`, {})).status).toBe(200);
    await a.getByRole('button', { name: 'Retry from the failed step' }).click();
    await a.getByText('Completed', { exact: true }).first().waitFor({ timeout: 15_000 });
    expect((await pageApi(a, 'GET', `/companies/${company.body.id}`)).body.industry).toBe('Logistics');
    expect((await pageApi(a, 'GET', `/deals/${deal.body.id}/tasks`)).body.data.map((t: { title: string }) => t.title)).toEqual([
      'Before the failure',
    ]);
    expect(errorsA).toEqual([]);
  }, 120_000);

  it("runs a manual rule on a selection from the list's bulk bar", async () => {
    await a.goto(`${server.url}/deals`);
    const row = a.getByRole('row', { name: /Gone Inc expansion/ });
    await row.getByRole('checkbox').check();
    await pick('Run rule…', 'Tag the company');
    await a.getByText('Started 1 run').waitFor();
    const rule = ((await pageApi(a, 'GET', '/automation/rules')).body.data as { id: string; name: string }[]).find(
      (r) => r.name === 'Tag the company',
    ) as { id: string };
    const runs = (await pageApi(a, 'GET', `/automation/runs?ruleId=${rule.id}`)).body.data;
    expect(runs).toHaveLength(2);
    expect(runs[0]).toMatchObject({ recordId: expect.any(String), objectType: 'deal' });
    expect(errorsA).toEqual([]);
  }, 60_000);

  it('pauses, resumes and deletes a rule from the list (after asking); a member reads rules without changing them', async () => {
    await a.goto(`${server.url}/automation`);
    const row = a.getByRole('row', { name: /Waits forever/ });
    await row.getByText('Active', { exact: true }).waitFor();
    await row.getByRole('button', { name: 'Pause: Waits forever' }).click();
    await row.getByText('Paused', { exact: true }).waitFor();
    await row.getByRole('button', { name: 'Resume: Waits forever' }).click();
    await row.getByText('Active', { exact: true }).waitFor();
    await row.getByRole('button', { name: 'Delete rule: Waits forever' }).click();
    const dialog = a.getByRole('dialog', { name: 'Delete this rule?' });
    await dialog.getByText('“Waits forever” stops running').waitFor();
    await dialog.getByRole('button', { name: 'Delete rule' }).click();
    await a.getByRole('row', { name: /Waits forever/ }).waitFor({ state: 'detached' });
    expect((await pageApi(a, 'GET', '/automation/rules')).body.data.map((r: { name: string }) => r.name)).not.toContain('Waits forever');

    // The member sees the rules and their runs, and the editor as text they cannot change.
    await b.goto(`${server.url}/automation`);
    await b.getByRole('row', { name: /Big deal in negotiation/ }).waitFor();
    expect(await b.getByRole('button', { name: 'New rule' }).count()).toBe(0);
    expect(await b.getByRole('button', { name: /^Pause:/ }).count()).toBe(0);
    await b.getByRole('link', { name: 'Big deal in negotiation' }).click();
    await b.getByRole('region', { name: 'Step 1: Create a task' }).waitFor();
    expect(await b.getByLabel('Name').isDisabled()).toBe(true);
    expect(await b.getByRole('button', { name: /Save as a new version/ }).count()).toBe(0);
    expect(await b.getByRole('button', { name: 'Add a step' }).count()).toBe(0);
    expect(await axeScan(b)).toEqual([]);
    expect(errorsA).toEqual([]);
    expect(errorsB).toEqual([]);
  }, 60_000);

  it('adds the ready-made "follow up when nothing happens" rule in one step, opened in the editor', async () => {
    await a.goto(`${server.url}/automation`);
    await a.getByRole('button', { name: 'Follow-up rule…' }).click();
    const dialog = a.getByRole('dialog', { name: 'Follow up when nothing happens' });
    await pick('Records', 'Contact', dialog);
    await dialog.getByRole('textbox', { name: 'Days without activity' }).fill('10');
    await dialog.getByRole('button', { name: 'Add the rule' }).click();
    await a.waitForURL(/\/automation\/rules\/[0-9a-f-]+$/);
    const id = a.url().split('/').pop() as string;
    const rule = (await pageApi(a, 'GET', `/automation/rules/${id}`)).body;
    expect(rule.definition.trigger).toMatchObject({ type: 'date_reached', config: { object: 'contact', field: 'lastActivityAt' } });
    expect(JSON.stringify(rule.definition.steps)).toContain('Follow up with {{record.name}}');
    await a.getByRole('region', { name: /Step 1/ }).waitFor();
    expect(await axeScan(a)).toEqual([]);
    expect(errorsA).toEqual([]);
  });

  it('fits a phone: the editor and the run log at 390 px, with nothing for axe to find', async () => {
    await a.setViewportSize({ width: 390, height: 844 });
    const rules = (await pageApi(a, 'GET', '/automation/rules')).body.data as { id: string; name: string }[];
    const big = rules.find((r) => r.name === 'Big deal in negotiation') as { id: string };
    await a.goto(`${server.url}/automation/rules/${big.id}`);
    await a.getByRole('region', { name: 'Step 2: Notify a member' }).waitFor();
    const overflow = await a.evaluate('document.documentElement.scrollWidth > document.documentElement.clientWidth + 1');
    expect(overflow).toBe(false);
    await shot(a, 'automation-editor-phone');
    expect(await axeScan(a)).toEqual([]);
    await a.goto(`${server.url}/automation?tab=runs`);
    await a.getByRole('table', { name: 'Run log' }).waitFor();
    await shot(a, 'automation-run-log-phone');
    expect(await axeScan(a)).toEqual([]);
    await a.goto(`${server.url}/automation`);
    await a.getByRole('table', { name: 'Rules' }).waitFor();
    await shot(a, 'automation-rules-phone');
    expect(await axeScan(a)).toEqual([]);
    await a.setViewportSize({ width: 1280, height: 860 });
    expect(errorsA).toEqual([]);
  }, 120_000);
});
