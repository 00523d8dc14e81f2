import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Module boundaries (STYLE.md §2): a module's tables are its own. Another module's code reads or
// writes them only through that module's service; the record engine (server/records) imports no
// module. Table files may reference other tables (foreign keys are part of the schema). What still
// crosses a boundary is listed below with why, so that the list can only shrink: a new crossing
// fails, and so does a listed one that is gone (take it off the list).

const server = fileURLToPath(new URL('..', import.meta.url));

/** Crossings that exist today, each awaiting the object registry (issue 10) that removes it. */
const known = new Set([
  // activities stamp last_activity_at on the records they are linked to
  'modules/activities/activities.service.ts → modules/companies/companies.table.ts',
  'modules/activities/activities.service.ts → modules/contacts/contacts.table.ts',
  'modules/activities/activities.service.ts → modules/deals/deals.table.ts',
  'modules/activities/activities.service.ts → modules/objects/objects.table.ts',
  // workspace rows are written at sign-up and in settings; the workspaces module has no service yet
  'modules/auth/admin.service.ts → modules/workspaces/workspaces.table.ts',
  'modules/auth/auth.service.ts → modules/workspaces/workspaces.table.ts',
  // a contact's projection names its companies; a deal's, its contacts
  'modules/contacts/contacts.service.ts → modules/companies/companies.table.ts',
  'modules/deals/deals.service.ts → modules/contacts/contacts.table.ts',
  // the shape of contact rows the import writes set-based
  'modules/imports/imports.queries.ts → modules/contacts/contacts.table.ts',
  'modules/imports/rows.ts → modules/contacts/contacts.table.ts',
  // members are auth's rows, read by the members module
  'modules/members/members.service.ts → modules/auth/auth.table.ts',
  // a pipeline counts the deals on a stage before recasting or removing it
  'modules/pipelines/pipelines.service.ts → modules/deals/deals.table.ts',
  // purging a record for good clears, in one transaction, what hangs off it in other modules'
  // tables (links, search terms, archived custom values, references), until each module offers a
  // purge step through the object registry
  'modules/trash/trash.service.ts → modules/activities/activities.table.ts',
  'modules/trash/trash.service.ts → modules/deals/deals.table.ts',
  'modules/trash/trash.service.ts → modules/fields/fields.table.ts',
  'modules/trash/trash.service.ts → modules/leads/leads.table.ts',
  'modules/trash/trash.service.ts → modules/search/search.table.ts',
  'modules/trash/trash.service.ts → modules/tasks/tasks.table.ts',
  // the record engine still reaches into modules
  // (a task's related records are named as search names them: one rule for a record's title)
  'records/links.ts → modules/search/search.service.ts',
  'records/bulk.ts → modules/contacts/contacts.table.ts',
  'records/bulk.ts → modules/deals/deals.table.ts',
  'records/bulk.ts → modules/fields/fields.service.ts',
  'records/bulk.ts → modules/history/history.service.ts',
  'records/bulk.ts → modules/leads/leads.table.ts',
  'records/bulk.ts → modules/tasks/tasks.table.ts',
  'records/crud.ts → modules/history/history.service.ts',
  'records/crud.ts → modules/search/search.service.ts',
  'records/idempotency.ts → modules/auth/tokens.ts',
  'records/idempotency.ts → modules/history/history.table.ts',
  'records/list.ts → modules/fields/fields.service.ts',
  'records/routes.ts → modules/history/history.service.ts',
  'records/routes.ts → modules/views/views.service.ts',
]);

/** The imports of one file that cross a boundary, as `from → to` paths relative to server/. */
function crossings(file: string, source: string): string[] {
  const out: string[] = [];
  const from = relative(server, file);
  for (const m of source.matchAll(/^import\s[^;]*?from\s+'(\.[^']+)'/gms)) {
    const to = relative(server, join(file, '..', m[1]));
    const [fromTop, fromModule] = from.split('/');
    const [toTop, toModule] = to.split('/');
    const ownModule = fromTop === 'modules' && toTop === 'modules' && fromModule === toModule;
    if (fromTop === 'modules' && toTop === 'modules' && !ownModule && to.endsWith('.table.ts') && !from.endsWith('.table.ts')) {
      out.push(`${from} → ${to}`);
    }
    if (fromTop === 'records' && toTop === 'modules') out.push(`${from} → ${to}`);
  }
  return out;
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') && !name.includes('.test.') && !name.endsWith('.samples.ts') ? [path] : [];
  });
}

describe('module boundaries', () => {
  it('are crossed only where listed, and every listed crossing still exists', () => {
    const found = [join(server, 'modules'), join(server, 'records')].flatMap(sources).flatMap((f) => crossings(f, readFileSync(f, 'utf8')));
    expect(found.filter((c) => !known.has(c))).toEqual([]);
    expect([...known].filter((c) => !found.includes(c))).toEqual([]);
  });

  it('catches a module that reads another module’s table, and the engine importing a module', () => {
    const service = join(server, 'modules/tasks/tasks.service.ts');
    expect(crossings(service, "import { deals } from '../deals/deals.table.ts';\nimport { tasks } from './tasks.table.ts';")).toEqual([
      'modules/tasks/tasks.service.ts → modules/deals/deals.table.ts',
    ]);
    expect(crossings(join(server, 'records/list.ts'), "import { x } from '../modules/search/search.service.ts';")).toEqual([
      'records/list.ts → modules/search/search.service.ts',
    ]);
    // A table referencing another table (a foreign key) is schema, not a crossing.
    expect(crossings(join(server, 'modules/deals/deals.table.ts'), "import { contacts } from '../contacts/contacts.table.ts';")).toEqual(
      [],
    );
  });
});
