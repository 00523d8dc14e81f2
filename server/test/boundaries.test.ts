import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';

// Module boundaries (STYLE.md §2): a module's tables are its own. Another module's code reads or
// writes them only through that module's service; the record engine (server/records) imports no
// module: it declares ports (records/ports.ts) that the app wires the modules into. Table files may
// reference other tables (foreign keys are part of the schema). What still crosses a boundary is
// listed below with why, so that the list can only shrink: a new crossing fails, and so does a
// listed one that is gone (take it off the list).

const server = fileURLToPath(new URL('..', import.meta.url));

/** Crossings that exist today, each with why it is still there. */
const known = new Set([
  // a contact's projection names its companies, joined for their names and hidden when in the
  // trash; the contact list reads it on every page (measured against raw SQL in bench/)
  'modules/contacts/contacts.service.ts → modules/companies/companies.table.ts',
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
    if (fromTop === 'records' && toTop === 'modules' && !from.endsWith('.table.ts')) out.push(`${from} → ${to}`);
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
    // A table referencing another table (a foreign key) is schema, not a crossing, in a module or in the engine.
    expect(crossings(join(server, 'modules/deals/deals.table.ts'), "import { contacts } from '../contacts/contacts.table.ts';")).toEqual(
      [],
    );
    expect(
      crossings(join(server, 'records/idempotency.table.ts'), "import { workspaces } from '../modules/workspaces/workspaces.table.ts';"),
    ).toEqual([]);
  });
});

describe('module declarations', () => {
  // Object definitions are built when their module loads (a deal's projection asks contacts for a
  // condition): an import cycle through such a module makes whether it works depend on which
  // module a process loads first. Each service is loaded first here, in a fresh module graph.
  it('load whichever module a process imports first', async () => {
    const services = sources(join(server, 'modules')).filter((f) => f.endsWith('.service.ts') || f.endsWith('registry.ts'));
    expect(services.length).toBeGreaterThan(15);
    for (const file of services) {
      vi.resetModules();
      await expect(import(file), relative(server, file)).resolves.toBeDefined();
    }
  }, 120_000);
});
