import { IdParams, Page } from '../../contract/common.ts';
import { Job, JobListQuery } from '../../contract/jobs.ts';
import type { App } from '../http/typed-app.ts';
import { jobDefs } from '../modules/jobs.ts';
import { errorResponses } from '../records/routes.ts';
import { discardJob, listJobs, retryJob } from './jobs.service.ts';
import { wakeWorkers } from './queue.ts';

export async function jobRoutes(app: App) {
  const tags = ['Jobs'];
  const hidden = jobDefs.filter((d) => d.hidden).map((d) => d.name);
  app.get('/jobs', {
    config: { permission: 'admin' },
    schema: {
      tags,
      summary: 'Background jobs of this workspace (imports …), newest first; webhook deliveries are in each webhook’s log instead',
      querystring: JobListQuery,
      response: { 200: Page(Job), ...errorResponses },
    },
    handler: async (req) => listJobs(app.db, req.ctx, req.query, hidden),
  });
  app.post('/jobs/:id/retry', {
    config: { permission: 'admin' },
    schema: {
      tags,
      summary: 'Run a dead job again, with a fresh set of tries',
      params: IdParams,
      response: { 200: Job, ...errorResponses },
    },
    handler: async (req) => {
      const job = await app.db.transaction((tx) => retryJob(tx, req.ctx, req.params.id));
      wakeWorkers();
      return job;
    },
  });
  app.delete('/jobs/:id', {
    config: { permission: 'admin' },
    schema: { tags, summary: 'Discard a queued or dead job: it will not run', params: IdParams, response: { 200: Job, ...errorResponses } },
    handler: async (req) => app.db.transaction((tx) => discardJob(app.database, tx, req.ctx, req.params.id, jobDefs)),
  });
}
