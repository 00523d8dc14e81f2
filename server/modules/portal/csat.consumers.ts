import { defineConsumer } from '../../jobs/consumers.ts';
import { enqueue } from '../../jobs/queue.ts';
import type { FieldChange } from '../../records/changes.ts';
import { csatSurveyJob } from './csat.jobs.ts';

/** When a ticket becomes solved, its requester is asked how it went (by a job: mail is slow and may fail). */
export const csatConsumer = defineConsumer({
  name: 'csat',
  batch: 200,
  async handle(tx, events) {
    for (const e of events) {
      if (e.type !== 'ticket.updated') continue;
      const changes = (e.payload.changes ?? []) as FieldChange[];
      if (!changes.some((c) => c.field === 'status' && c.new === 'solved')) continue;
      await enqueue(tx, csatSurveyJob, { ticketId: e.recordId }, { workspaceId: e.workspaceId });
    }
  },
});
