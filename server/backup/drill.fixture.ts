import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { seedDemo } from '../cli/demo-data.ts';
import type { Config } from '../config.ts';
import type { Database } from '../db/client.ts';
import type { App } from '../http/typed-app.ts';
import { tinyPng } from '../modules/contacts/photos.fixture.ts';

/**
 * Fills a database through the app, for the restore drill: a demo workspace in bulk, and two
 * workspaces made through the API with records of every common kind, their edits (the field
 * history), links, custom fields and objects, views, lists, a photo (bytes stored in the
 * database), a record in the trash, an API key, an invitation and a finished import.
 */

export interface DrillSession {
  workspaceId: string;
  memberId: string;
  email: string;
  password: string;
  headers: Record<string, string>;
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

async function call(
  app: App,
  s: DrillSession | null,
  method: Method,
  url: string,
  payload?: unknown,
  headers: Record<string, string> = {},
) {
  return app.inject({ method, url: `/api/v1${url}`, headers: { ...(s?.headers ?? {}), ...headers }, payload: payload as never });
}

async function ok(app: App, s: DrillSession | null, method: Method, url: string, payload?: unknown, headers?: Record<string, string>) {
  const r = await call(app, s, method, url, payload, headers);
  if (r.statusCode >= 300) throw new Error(`${method} ${url} → ${r.statusCode} ${r.body}`);
  return r.body ? r.json() : null;
}

export async function signUpThrough(app: App, workspaceName: string, email: string): Promise<DrillSession> {
  const password = 'a drill of backups';
  const r = await call(app, null, 'POST', '/auth/signup', { name: 'Drill Owner', email, password, workspaceName });
  if (r.statusCode !== 201) throw new Error(`signup → ${r.statusCode} ${r.body}`);
  const body = r.json();
  const cookie = String([r.headers['set-cookie']].flat()[0]).split(';')[0];
  return { workspaceId: body.workspace.id, memberId: body.member.id, email, password, headers: { cookie, 'x-csrf-token': body.csrfToken } };
}

/** Records of every common kind in one workspace, with edits, links and bytes; the photo's contact id. */
async function recordsOfEveryKind(app: App, s: DrillSession, tag: string) {
  const company = await ok(app, s, 'POST', '/companies', { name: `${tag} Engines`, domain: `${tag.toLowerCase()}.example` });
  const contact = await ok(app, s, 'POST', '/contacts', {
    firstName: 'Ada',
    lastName: `${tag}lace`,
    emails: [{ label: 'work', value: `ada@${tag.toLowerCase()}.example` }],
    companies: [{ companyId: company.id, isPrimary: true }],
  });
  await ok(app, s, 'PUT', `/contacts/${contact.id}/photo`, tinyPng, { 'content-type': 'image/png' });
  await ok(app, s, 'PATCH', `/contacts/${contact.id}`, { title: 'Analyst', version: 1 });
  const stageId = (await ok(app, s, 'GET', '/pipelines')).data[0].stages[0].id;
  const deal = await ok(app, s, 'POST', '/deals', {
    name: `${tag} renewal`,
    amountMinor: 120_000,
    stageId,
    contacts: [{ contactId: contact.id }],
  });
  await ok(app, s, 'PATCH', `/deals/${deal.id}`, { probability: 40, version: 1 });
  const lead = await ok(app, s, 'POST', '/leads', {
    firstName: 'Lena',
    lastName: tag,
    email: `lena@${tag.toLowerCase()}-leads.example`,
    companyName: 'Leadco',
  });
  await ok(app, s, 'POST', `/leads/${lead.id}/convert`, { version: 1, deal: { name: `${tag} pilot`, amountMinor: 50_000 } });
  await ok(app, s, 'POST', '/tasks', { title: 'Send the proposal', dueAt: '2030-01-15T09:00:00Z' });
  await ok(app, s, 'POST', '/activities', {
    type: 'meeting',
    subject: 'Intro meeting',
    location: 'Room 1',
    attendees: [{ email: 'guest@initech.example.test', name: 'Gus Guest' }],
    links: [{ recordType: 'company', recordId: company.id }],
  });
  await ok(app, s, 'POST', '/fields', { objectType: 'company', key: 'tier', label: 'Tier', type: 'text' });
  await ok(app, s, 'PATCH', `/companies/${company.id}`, { custom: { tier: 'gold' }, version: 1 });
  await ok(app, s, 'POST', '/objects', { key: 'project', label: 'Project', labelPlural: 'Projects', icon: 'folder' });
  await ok(app, s, 'POST', '/fields', {
    objectType: 'project',
    key: 'phase',
    label: 'Phase',
    type: 'select',
    options: ['plan', 'build', 'done'],
  });
  await ok(app, s, 'POST', '/objects/project/records', { name: 'Website relaunch', custom: { phase: 'plan' } });
  await ok(app, s, 'POST', '/views', { objectType: 'company', name: 'Big ones', sort: '-updatedAt', visibility: 'shared' });
  const list = await ok(app, s, 'POST', '/lists', { name: 'VIP', objectType: 'contact' });
  await ok(app, s, 'POST', `/lists/${list.id}/members`, { ids: [contact.id] });
  const trashed = await ok(app, s, 'POST', '/contacts', { firstName: 'Trashed', lastName: tag });
  await ok(app, s, 'DELETE', `/contacts/${trashed.id}`);
  await ok(app, s, 'POST', '/api-keys', { name: 'Zapier', role: 'member', scopes: ['contacts:read'] });
  await ok(app, s, 'POST', '/invitations', { email: `invitee@${tag.toLowerCase()}.example`, role: 'member' });
  const ticket = await ok(app, s, 'POST', '/tickets', {
    subject: 'Printer on fire',
    description: 'It smokes.',
    priority: 'high',
    channel: 'phone',
  });
  await ok(app, s, 'POST', `/tickets/${ticket.id}/messages`, {
    kind: 'reply',
    body: 'Attached.',
    attachments: [{ filename: 'a.txt', contentType: 'text/plain', content: Buffer.from(`hello from ${tag}`).toString('base64') }],
  });
  const article = await ok(app, s, 'POST', '/knowledge/articles', {
    title: 'Paying an invoice',
    body: 'Open **Billing**.',
    language: 'en',
    tags: ['billing'],
  });
  await ok(app, s, 'POST', `/knowledge/articles/${article.id}/publish`);
  await ok(app, s, 'POST', '/knowledge/categories', { name: 'Billing' });
  await ok(app, s, 'POST', '/email-templates', { name: 'Intro', subject: 'Hello', body: 'Hi {{contact.firstName | "there"}}' });
  await ok(app, s, 'POST', '/automation/rules', {
    name: 'Big deals',
    definition: {
      trigger: { type: 'record_updated', config: { object: 'deal' } },
      conditions: { field: 'amountMinor', op: 'gt', value: 100 },
      steps: [{ type: 'action', action: 'update_record', input: { fields: { probability: 60 } } }],
    },
  });
  // `.test` names never resolve: nothing would leave the machine were a delivery sent.
  await ok(app, s, 'POST', '/webhooks', {
    url: 'https://hooks.example.test/rapport',
    eventTypes: ['deal.stage_changed'],
    description: 'Drill',
  });
  const team = await ok(app, s, 'POST', '/teams', { name: 'Sales' });
  await ok(app, s, 'POST', `/teams/${team.id}/members`, { ids: [s.memberId] });
  await ok(app, s, 'POST', `/contacts/${contact.id}/consents`, {
    purpose: 'Newsletter',
    status: 'granted',
    source: 'Web form',
    wordingVersion: 'v3',
  });
  await ok(app, s, 'PUT', `/contacts/${contact.id}/legal-hold`, { reason: 'Litigation' });
  await ok(app, s, 'PUT', '/privacy/retention-rules/lead', { days: 30 });
  await ok(app, s, 'PATCH', '/notifications/preferences', { mentions: false, dailyDigest: true });
  const csv = `First name,Last name,Email\r\nGrace,${tag},grace@${tag.toLowerCase()}.example\r\nCharles,${tag},charles@${tag.toLowerCase()}.example\r\n`;
  const imported = await call(app, s, 'POST', '/imports/contacts?wait=30', csv, { 'content-type': 'text/csv' });
  if (imported.statusCode !== 201) throw new Error(`import → ${imported.statusCode} ${imported.body}`);
  return contact.id as string;
}

/**
 * Fills the app's database. Jobs (the import) need a worker running beside the app: the caller
 * starts one, and stops it before backing up, so that nothing writes meanwhile.
 */
export async function fillThroughApp(app: App, database: Database, config: Config) {
  await seedDemo(database.db, config, { companies: 12, email: 'drill-demo@example.test' });
  const alpha = await signUpThrough(app, 'Alpha GmbH', 'owner@alpha.example');
  const beta = await signUpThrough(app, 'Beta Ltd', 'owner@beta.example');
  const photoContactId = await recordsOfEveryKind(app, alpha, 'Alpha');
  await recordsOfEveryKind(app, beta, 'Beta');
  return { alpha, photoContactId };
}

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Runs the `rapport` command as a person would, in a process of its own: its exit code and output. */
export function rapport(args: string[], env: Record<string, string>) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [`${root}bin/rapport.mjs`, ...args], {
      cwd: root,
      env: { ...process.env, LOG_LEVEL: 'error', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
