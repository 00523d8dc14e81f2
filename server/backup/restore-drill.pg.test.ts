import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';
import { openDatabase } from '../db/client.ts';
import { startWorker } from '../jobs/start.ts';
import { tinyPng } from '../modules/contacts/photos.fixture.ts';
import { directUrlOf } from '../test/db-kind.ts';
import { databaseEnv, dbKind, testConfig } from '../test/harness.ts';
import { freshDatabase } from '../test/processes.ts';
import { type DatabaseDigest, digestDatabase, filledTables } from './digest.ts';
import { type DrillSession, fillThroughApp, rapport } from './drill.fixture.ts';

// The restore drill on PostgreSQL: a database filled through the app is backed up by `rapport
// backup` (pg_dump -Fc), restored by `rapport restore` into a new, empty database, and the two are
// compared table by table, row by row, sequence by sequence. Then the app runs on the restored one.
// Databases of its own (`<test database>_backup_src`, `_backup_dst`), made afresh each run.

const dir = mkdtempSync(path.join(tmpdir(), 'rapport-drill-'));
const dumpFile = path.join(dir, 'drill.dump');
let sourceUrl = '';
let targetUrl = '';
let alpha: DrillSession;
let photoContactId = '';

async function digestOf(url: string): Promise<DatabaseDigest> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await digestDatabase(async (text) => (await client.query(text)).rows);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  sourceUrl = await freshDatabase('backup_src');
  targetUrl = await freshDatabase('backup_dst');
  const database = await openDatabase({ databaseUrl: sourceUrl, directUrl: directUrlOf(sourceUrl), poolSize: 3 });
  await database.migrate();
  const config = { ...testConfig(), databaseUrl: sourceUrl, databaseDirectUrl: directUrlOf(sourceUrl) ?? '' };
  const app = await buildApp(config, database, { logger: false });
  const quiet = { info() {}, warn() {}, error() {} };
  const worker = await startWorker(database, config, quiet);
  try {
    ({ alpha, photoContactId } = await fillThroughApp(app, database, config));
  } finally {
    // Nothing may write to the source once it is backed up, or it would differ from its backup.
    await worker.stop(5_000);
    await app.close();
    await database.close();
  }
}, 180_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('backup and restore on PostgreSQL', () => {
  it('runs on PostgreSQL (this file is in the postgres project only)', () => expect(dbKind).toBe('postgres'));

  it('restores a backup into an empty database identical to the original, every table, row and sequence', async () => {
    const backup = await rapport(['backup', '--out', dumpFile], databaseEnv(sourceUrl));
    expect(backup.stderr).toBe('');
    expect(backup.code).toBe(0);
    expect(backup.stdout).toContain(`backed up to ${dumpFile}`);
    // It holds every workspace's data: readable by its owner only.
    expect(statSync(dumpFile).mode & 0o777).toBe(0o600);

    const restored = await rapport(['restore', dumpFile], databaseEnv(targetUrl));
    expect(restored.stderr).toBe('');
    expect(restored.code).toBe(0);

    const [before, after] = [await digestOf(sourceUrl), await digestOf(targetUrl)];
    // The drill means something only over a database with data in most of its tables.
    expect(filledTables(before).length).toBeGreaterThan(50);
    expect(before.tables['public.contact_photos'].rows).toBe(2);
    expect(before.tables['public.ticket_attachments'].rows).toBe(2);
    expect(Object.keys(before.sequences).length).toBeGreaterThan(0);
    expect(after).toEqual(before);
  }, 120_000);

  it('refuses to restore into a database that is not empty, and changes nothing there', async () => {
    const before = await digestOf(sourceUrl);
    const r = await rapport(['restore', dumpFile], databaseEnv(sourceUrl));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/is not empty .*only restores into an empty database/);
    expect(await digestOf(sourceUrl)).toEqual(before);
  }, 60_000);

  it('tells a changed row apart: the comparison is not blind', async () => {
    const client = new pg.Client({ connectionString: targetUrl });
    await client.connect();
    try {
      await client.query('begin');
      await client.query(`update contact_photos set content = content || '\\x00'::bytea where contact_id = $1`, [photoContactId]);
      const changed = await digestDatabase(async (text) => (await client.query(text)).rows);
      const original = await digestOf(sourceUrl);
      const differing = Object.keys(original.tables).filter((t) => original.tables[t].hash !== changed.tables[t].hash);
      expect(differing).toEqual(['public.contact_photos']);
    } finally {
      await client.query('rollback');
      await client.end();
    }
  }, 60_000);

  it('serves the restored database: its people sign in and read their records and files', async () => {
    const database = await openDatabase({ databaseUrl: targetUrl, directUrl: directUrlOf(targetUrl), poolSize: 2 });
    try {
      // Already current: the restore carried the migrations' own bookkeeping.
      await database.migrate();
      const app = await buildApp({ ...testConfig(), databaseUrl: targetUrl, databaseDirectUrl: directUrlOf(targetUrl) ?? '' }, database, {
        logger: false,
      });
      try {
        expect((await app.inject({ method: 'GET', url: '/ready' })).statusCode).toBe(200);
        const login = await app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { email: alpha.email, password: alpha.password },
        });
        expect(login.statusCode).toBe(200);
        const cookie = String([login.headers['set-cookie']].flat()[0]).split(';')[0];
        const photo = await app.inject({ method: 'GET', url: `/api/v1/contacts/${photoContactId}/photo`, headers: { cookie } });
        expect(photo.statusCode).toBe(200);
        expect(photo.rawPayload.equals(tinyPng)).toBe(true);
        const history = await app.inject({ method: 'GET', url: `/api/v1/contacts/${photoContactId}/history`, headers: { cookie } });
        expect(JSON.stringify(history.json())).toContain('Analyst');
      } finally {
        await app.close();
      }
    } finally {
      await database.close();
    }
  }, 60_000);
});
