import Type from 'typebox';
import { Uuid } from '../../../contract/common.ts';
import { defineJob } from '../../jobs/define.ts';
import { purgeBatch, workspacesWithRetention } from './audit.service.ts';

/** Rows deleted per transaction: small enough that a purge of years of sign-ins never holds locks for long. */
export const PURGE_BATCH = 1_000;

/**
 * Deletes the security events and sign-ins older than each workspace's retention setting, a batch
 * per transaction, every night (or one workspace, when `workspaceId` is given). Deleting what is
 * already gone deletes nothing, so a run stopped halfway and run again does no harm.
 */
export const auditPurgeJob = defineJob({
  name: 'audit.purge',
  input: Type.Object({ workspaceId: Type.Optional(Uuid) }, { additionalProperties: false }),
  retry: { attempts: 3, baseMs: 5_000 },
  schedule: { cron: '29 4 * * *', input: {} },
  run: async ({ db, input, signal, progress }) => {
    const all = await workspacesWithRetention(db);
    const targets = input.workspaceId ? all.filter((w) => w.workspaceId === input.workspaceId) : all;
    let events = 0;
    let signIns = 0;
    for (const { workspaceId, days } of targets) {
      if (days === null) continue;
      for (;;) {
        if (signal.aborted) throw new Error('stopped');
        const done = await db.transaction((tx) => purgeBatch(tx, workspaceId, days, PURGE_BATCH));
        events += done.events;
        signIns += done.signIns;
        await progress({ events, signIns });
        if (done.events < PURGE_BATCH && done.signIns < PURGE_BATCH) break;
      }
    }
    return { workspaces: targets.length, events, signIns };
  },
});
