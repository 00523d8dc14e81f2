import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { selectRows } from '../db/client.ts';
import { enqueue } from '../jobs/queue.ts';
import { authCleanupJob } from '../modules/auth/auth.jobs.ts';
import { databaseEnv, dbKind, testDatabase } from '../test/harness.ts';

const root = path.resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(path.join(tmpdir(), 'rapport-cli-import-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const env: Record<string, string> = dbKind === 'postgres' ? databaseEnv() : { RAPPORT_DATA_DIR: path.join(dir, 'data') };

/** Runs `rapport …` against the test database; resolves with its exit code and output. */
function rapport(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(root, 'bin/rapport.mjs'), ...args], {
      cwd: root,
      env: { ...process.env, ...env, RAPPORT_SCRYPT_LOG_N: '10', LOG_LEVEL: 'warn' },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

describe('rapport import', () => {
  const workspace = `CLI import ${Date.now().toString(36)}${process.pid}`;

  it('imports a file into a workspace with a mapping file, printing progress and a summary', async () => {
    const user = await rapport([
      'create-user',
      '--email',
      `cli.${Date.now()}@example.test`,
      '--password',
      'a long and unusual passphrase 4711',
      '--workspace',
      workspace,
    ]);
    expect(user.code, user.err).toBe(0);
    // On a server the queue may hold other work, due now; the command runs its import, not that backlog.
    const { db } = await testDatabase();
    const backlog = dbKind === 'postgres' ? await enqueue(db, authCleanupJob, {}) : null;
    const file = path.join(dir, 'people.csv');
    writeFileSync(file, 'Who,Mail,Group\r\nAda Lovelace,ada@example.com,vip\r\n,,nobody\r\nGrace Hopper,grace@example.com,navy\r\n');
    const mapping = path.join(dir, 'mapping.json');
    writeFileSync(
      mapping,
      JSON.stringify({
        columns: [
          { index: 0, field: 'name' },
          { index: 1, field: 'email' },
          { index: 2, field: 'title' },
        ],
        constants: [{ field: 'source', value: 'CLI' }],
      }),
    );
    const r = await rapport(['import', file, '--object', 'contacts', '--workspace', workspace, '--mapping', mapping]);
    expect(r.code, r.err + r.out).toBe(0); // completed (a refused row is reported, not a failure)
    expect(r.out).toContain(`Importing people.csv into ${workspace} as contacts`);
    // Progress lines, each printed once, ending at the whole file.
    const progress = r.out.split('\n').filter((l) => / of 3 rows/.test(l));
    expect(progress.at(-1)).toMatch(/^3 of 3 rows \(100%\)/);
    expect(new Set(progress).size).toBe(progress.length);
    expect(r.out).toMatch(/completed: 3 rows read/);
    expect(r.out).toMatch(/created 2, updated 0, duplicates skipped 0, refused 1/);
    expect(r.out).toMatch(/row 3: Who: a contact needs a first name, a last name or an email/);
    if (backlog) {
      const [job] = await selectRows<{ status: string }>(db, sql`select status from jobs where id = ${backlog}`);
      expect(job.status).toBe('queued');
      await db.execute(sql`delete from jobs where id = ${backlog}`);
    }

    // The same file again, updating: the contacts written the first time are found by their emails.
    const again = await rapport([
      'import',
      file,
      '--object',
      'contacts',
      '--workspace',
      workspace,
      '--mapping',
      mapping,
      '--dedupe',
      'update',
    ]);
    expect(again.out).toMatch(/created 0, updated \d+, duplicates skipped \d+, refused 1/);
    const skip = await rapport(['import', file, '--object', 'contacts', '--workspace', workspace, '--mapping', mapping]);
    expect(skip.out).toMatch(/created 0, updated 0, duplicates skipped 2, refused 1/);
  }, 240_000);

  it('imports deals (any object of the registry) with --object deals', async () => {
    const file = path.join(dir, 'deals.csv');
    writeFileSync(file, 'Deal Name,Deal Stage,Amount\r\nAnvil order,Proposal,"1,250.00"\r\nSkates,Nowhere,abc\r\n');
    const r = await rapport(['import', file, '--object', 'deals', '--workspace', workspace]);
    expect(r.code, r.err + r.out).toBe(0);
    expect(r.out).toContain(`Importing deals.csv into ${workspace} as deals`);
    expect(r.out).toMatch(/created 2, updated 0, duplicates skipped 0, refused 0, with warnings 1/);
    expect(r.out).toMatch(/row 3 \(warning\): Deal Stage: no stage named "Nowhere"/);
    // On the embedded database the command wrote to a data directory of its own; on a server, to the test database.
    if (dbKind !== 'postgres') return;
    const { db } = await testDatabase();
    // The workspace first (a reference table), then its deals on its own shard (on Citus, a join on the
    // name alone would read every shard).
    const [ws] = await selectRows<{ id: string }>(db, sql`select id from workspaces where name = ${workspace}`);
    const rows = await selectRows<{ name: string; amount_minor: string | null; stage: string }>(
      db,
      sql`select d.name, d.amount_minor, s.name as stage from deals d join pipeline_stages s on s.workspace_id = d.workspace_id and s.id = d.stage_id
        where d.workspace_id = ${ws.id} and s.workspace_id = ${ws.id} order by d.name`,
    );
    expect(rows.map((d) => [d.name, d.amount_minor === null ? null : Number(d.amount_minor), d.stage])).toEqual([
      ['Anvil order', 125_000, 'Proposal'],
      ['Skates', null, 'Qualification'],
    ]);
  }, 240_000);

  it('says what is wrong with its arguments, the file or the mapping, with exit code 2 or 1', async () => {
    const file = path.join(dir, 'one.csv');
    writeFileSync(file, 'Email\r\nx@example.com\r\n');
    const bad = await rapport(['import', file, '--object', 'invoices', '--workspace', workspace]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--object must be contacts, companies, leads, deals, tasks, activities or custom:<key>');
    const missing = await rapport(['import', path.join(dir, 'nope.csv'), '--object', 'contacts', '--workspace', workspace]);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('cannot read');
    const unknown = await rapport(['import', file, '--object', 'contacts', '--workspace', 'no such workspace']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('no workspace is named no such workspace');
    const mapping = path.join(dir, 'bad-mapping.json');
    writeFileSync(mapping, JSON.stringify({ columns: [{ index: 0, field: 'shoeSize' }] }));
    const wrong = await rapport(['import', file, '--object', 'contacts', '--workspace', workspace, '--mapping', mapping]);
    expect(wrong.code).toBe(1);
    expect(wrong.err).toContain('query.mapping.columns.0.field');
  }, 240_000);
});
