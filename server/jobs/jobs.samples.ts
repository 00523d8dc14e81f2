import { testDatabase } from '../test/harness.ts';
import type { Samples } from '../test/samples.ts';

/** A job of the workspace that has used up its tries, as the jobs page shows it. */
async function deadJob(s: { workspaceId: string }) {
  const { uuidv7 } = await import('uuidv7');
  const id = uuidv7();
  // A kind no worker knows, so that a retried sample job waits instead of running.
  await (await testDatabase()).query(
    `insert into jobs (id, name, workspace_id, input, status, attempts, max_attempts, last_error, finished_at)
     values ($1, 'sample.unknown', $2, '{}', 'dead', 3, 3, 'it broke', now())`,
    [id, s.workspaceId],
  );
  return { id };
}

export const samples: Samples = {
  'GET /api/v1/jobs': { setup: async (s) => ({ jobId: (await deadJob(s)).id }) },
  'POST /api/v1/jobs/:id/retry': { setup: deadJob, body: () => ({}) },
  'DELETE /api/v1/jobs/:id': { setup: deadJob },
};
