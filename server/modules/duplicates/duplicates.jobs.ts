import Type from 'typebox';
import { Uuid } from '../../../contract/common.ts';
import { duplicateTypes } from '../../../contract/duplicates.ts';
import { defineJob } from '../../jobs/define.ts';
import { enqueue } from '../../jobs/queue.ts';
import { allWorkspaceIds } from '../workspaces/workspaces.service.ts';
import { SCAN_BATCH, scanBatch } from './duplicates.service.ts';

/**
 * Compares every live record of a workspace with the others and fills the review queue, a batch of
 * records per transaction (set-based: scanBatch). Writing a pair is an upsert, so a scan that is stopped and run again
 * does no harm: it only finds the same pairs again (and keeps pairs called "not a duplicate" so).
 */
export const scanDuplicatesJob = defineJob({
  name: 'duplicates.scan',
  input: Type.Object({ workspaceId: Uuid, type: Type.Optional(Type.Enum(duplicateTypes)) }, { additionalProperties: false }),
  retry: { attempts: 3, baseMs: 5_000 },
  run: async (job) => {
    const types = job.input.type ? [job.input.type] : duplicateTypes;
    // Each batch reads the workspace's names afresh (a second at 100k contacts), so batches are
    // large; on the embedded database, which has one connection for every request, a fifth of that.
    // `after` is the last name a batch read.
    const size = job.database.kind === 'pglite' ? SCAN_BATCH / 5 : SCAN_BATCH;
    let batches = 0;
    for (const type of types) {
      let after: string | null = null;
      do {
        if (job.signal.aborted) throw new Error('stopped');
        const from: string | null = after;
        after = await job.db.transaction((tx) => scanBatch(tx, job.input.workspaceId, type, from, size));
        batches += 1;
        await job.progress({ type, batches });
      } while (after);
    }
    return { batches };
  },
});

/** Queues each workspace's scan every night: pairs that a create did not catch (an import, an edit) reach the queue within a day. */
export const scanAllDuplicatesJob = defineJob({
  name: 'duplicates.scan_all',
  input: Type.Object({}, { additionalProperties: false }),
  retry: { attempts: 3 },
  schedule: { cron: '17 3 * * *', input: {} },
  run: async ({ db }) => {
    const ids = await allWorkspaceIds(db);
    for (const workspaceId of ids) {
      await enqueue(db, scanDuplicatesJob, { workspaceId }, { workspaceId, singletonKey: `duplicates.scan:${workspaceId}` });
    }
    return { workspaces: ids.length };
  },
});
