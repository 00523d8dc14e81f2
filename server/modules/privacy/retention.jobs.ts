import Type from 'typebox';
import { Uuid } from '../../../contract/common.ts';
import { defineJob } from '../../jobs/define.ts';
import { allRetentionRules, purgeExpired } from './retention.ts';

/** Records deleted for good per transaction: each clears references and writes history, so batches stay small. */
export const RETENTION_BATCH = 200;

/**
 * Applies every workspace's retention rules (or one workspace's): records in the trash past their
 * object's days are deleted for good, a batch per transaction, every night. A run stopped halfway
 * and run again finds only what is left.
 */
export const retentionJob = defineJob({
  name: 'privacy.retention',
  input: Type.Object({ workspaceId: Type.Optional(Uuid) }, { additionalProperties: false }),
  retry: { attempts: 3, baseMs: 5_000 },
  schedule: { cron: '41 3 * * *', input: {} },
  run: async ({ db, input, signal, progress }) => {
    const rules = (await allRetentionRules(db)).filter((r) => !input.workspaceId || r.workspaceId === input.workspaceId);
    let purged = 0;
    for (const rule of rules) {
      for (;;) {
        if (signal.aborted) throw new Error('stopped');
        const n = await db.transaction((tx) => purgeExpired(tx, rule, RETENTION_BATCH));
        purged += n;
        await progress({ purged });
        if (n < RETENTION_BATCH) break;
      }
    }
    return { rules: rules.length, purged };
  },
});
