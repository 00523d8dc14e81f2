import { and, eq, sql } from 'drizzle-orm';
import Type from 'typebox';
import { Uuid } from '../../../contract/common.ts';
import { defineJob } from '../../jobs/define.ts';
import { automationRuns } from './automation.table.ts';
import { now } from './clock.ts';
import { errorWords, executeRun } from './engine.ts';
import { scan } from './scanner.ts';

/**
 * Carries out one run from where it stands (engine.ts). Enqueued with the run by whatever started
 * it, and again, delayed, when the run parks on a wait. Safe to run twice or late: the run row says
 * what is left to do.
 */
export const runJob = defineJob({
  name: 'automation.run',
  input: Type.Object({ workspaceId: Uuid, runId: Uuid }, { additionalProperties: false }),
  retry: { attempts: 5, baseMs: 500, maxMs: 60_000 },
  run: async ({ db, input, signal, attempt, maxAttempts }) => {
    await executeRun(db, input.workspaceId, input.runId, { signal, lastTry: attempt >= maxAttempts });
  },
  onDead: async ({ db, input }, error) => {
    await db
      .update(automationRuns)
      .set({ status: 'failed', error: `Gave up after several tries: ${errorWords(error)}`, finishedAt: now(), updatedAt: now() })
      .where(
        and(
          eq(automationRuns.workspaceId, input.workspaceId),
          eq(automationRuns.id, input.runId),
          sql`${automationRuns.status} in ('queued', 'running')`,
        ),
      );
  },
});

/**
 * What the clock starts: waits that are over, schedule ticks and date triggers that are due
 * (scanner.ts). Each fires once however many workers run: a tick is claimed by one worker, and
 * every firing is written to a table of fires that refuses a second.
 */
export const scanJob = defineJob({
  name: 'automation.scan',
  input: Type.Object({}, { additionalProperties: false }),
  retry: { attempts: 2 },
  schedule: { cron: '*/30 * * * * *', input: {} },
  run: async ({ db }) => scan(db),
});
