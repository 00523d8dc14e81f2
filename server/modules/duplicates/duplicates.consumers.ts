import type { DuplicateType } from '../../../contract/duplicates.ts';
import { defineConsumer } from '../../jobs/consumers.ts';
import { enqueue } from '../../jobs/queue.ts';
import { scanDuplicatesJob } from './duplicates.jobs.ts';
import { queueDuplicatesOf } from './duplicates.service.ts';

const watched = new Map<string, DuplicateType>([
  ['contact.created', 'contact'],
  ['company.created', 'company'],
  ['lead.created', 'lead'],
  ['deal.created', 'deal'],
]);

/** More new records than this in one batch of events (an import) are left to a scan job. */
const ONE_BY_ONE = 50;
/**
 * How long that scan waits: an import writes a batch every few hundred milliseconds, and a scan
 * compares every record of the workspace with the rest, one probe each. Started at once, it competed
 * with the import it was about (on the embedded database, which runs one query at a time, a 5,500-row
 * import with companies went from 20 s to minutes); later batches find the waiting job and add none.
 */
const SCAN_AFTER_MS = 10 * 60_000;

/**
 * Puts a new record and the records it looks like into the review queue, off the request's path:
 * the person creating it was warned already (duplicates-check); the queue is for whoever reviews.
 * An import's thousands of records are handed to one scan of the workspace instead.
 */
export const duplicatesConsumer = defineConsumer({
  name: 'duplicates',
  batch: 200,
  async handle(tx, events) {
    const groups = new Map<string, { workspaceId: string; type: DuplicateType; ids: string[] }>();
    for (const e of events) {
      const type = watched.get(e.type);
      if (!type) continue;
      const key = `${e.workspaceId}:${type}`;
      const g = groups.get(key) ?? { workspaceId: e.workspaceId, type, ids: [] };
      g.ids.push(e.recordId);
      groups.set(key, g);
    }
    // A burst is judged on the whole batch: an import's contacts and the companies it makes for them
    // arrive mixed, and each type alone may stay under the limit while together they are thousands.
    const burst = [...groups.values()].reduce((n, g) => n + g.ids.length, 0) > ONE_BY_ONE;
    for (const g of groups.values()) {
      if (burst) {
        await enqueue(
          tx,
          scanDuplicatesJob,
          { workspaceId: g.workspaceId, type: g.type },
          {
            workspaceId: g.workspaceId,
            runAt: new Date(Date.now() + SCAN_AFTER_MS),
            singletonKey: `duplicates.scan:${g.workspaceId}:${g.type}`,
          },
        );
      } else {
        await queueDuplicatesOf(tx, g.workspaceId, g.type, g.ids);
      }
    }
  },
});
