import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase, selectRows } from '../../db/client.ts';
import { api, databaseEnv, signUp } from '../../test/harness.ts';
import { sendDigests } from '../notifications/digest.ts';
import { sendDueReminders } from './reminders.ts';

// Two workers, each with its own connections to one PostgreSQL server, scan at the same moment:
// every task is reminded once, and every member gets one digest a day.

const opened: Database[] = [];
const worker = async () => {
  const d = await openDatabase({ databaseUrl: process.env.TEST_DATABASE_URL, directUrl: databaseEnv().DATABASE_DIRECT_URL, poolSize: 3 });
  opened.push(d);
  return d.db;
};
afterAll(async () => {
  for (const d of opened) await d.close();
});

describe('reminders and digests with two workers', () => {
  it('reminds each task once and sends one digest per member and day however the scans interleave', async () => {
    const [one, two] = [await worker(), await worker()];
    const s = await signUp();
    const due = '2034-02-01T09:00:00.000Z';
    for (let i = 0; i < 40; i++) {
      expect((await api(s).post('/tasks', { title: `Task ${i}`, dueAt: due, reminderMinutes: i % 2 ? 0 : 15 })).statusCode).toBe(201);
    }
    await api(s).patch('/notifications/preferences', { dailyDigest: true });
    const at = new Date(Date.parse(due) + 60_000);
    for (let round = 0; round < 3; round++) {
      await Promise.all([sendDueReminders(one, at), sendDueReminders(two, at), sendDigests(one, at), sendDigests(two, at)]);
    }
    const counts = await selectRows<{ kind: string; title: string; n: number }>(
      one,
      sql`select kind, title, count(*)::int as n from notifications where workspace_id = ${s.workspaceId} group by kind, title`,
    );
    const reminders = counts.filter((c) => c.kind === 'task_reminder');
    expect(reminders).toHaveLength(40);
    expect(reminders.every((c) => c.n === 1)).toBe(true);
    expect(counts.filter((c) => c.kind === 'digest').map((c) => c.n)).toEqual([1]);
  });
});
