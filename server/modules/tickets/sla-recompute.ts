import { and, asc, eq, gt, inArray, isNull, or, sql } from 'drizzle-orm';
import { openTicketStatuses } from '../../../contract/support.ts';
import type { Db } from '../../db/client.ts';
import { dueTimes, readsTier, slaPolicyOf, slaStateAt, tiersFor } from './sla.ts';
import { tickets } from './tickets.table.ts';

/** Open tickets recomputed per transaction: a calendar change over 100k tickets commits as it goes. */
const BATCH = 500;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * Recomputes the due times and SLA state of a workspace's open tickets under the policy as it now
 * is (after an admin changed targets, overrides or the calendar), in batches by id, each written in
 * one statement; each ticket under the terms its channel and customer tier select. A ticket's clock inputs (creation, answers, pauses) are its own and stay; only what
 * the policy derives from them changes. Safe to run again: it writes what the policy says.
 *
 * With `customers`, only the tickets of those companies and requesters, whose tier changed: and
 * nothing at all when no override looks at tiers.
 */
export async function recomputeSla(db: Db, workspaceId: string, at: Date, customers?: { companyIds: string[]; contactIds: string[] }) {
  const policy = await slaPolicyOf(db, workspaceId);
  if (customers && !readsTier(policy)) return { recomputed: 0 };
  const theirs = customers
    ? or(
        customers.companyIds.length ? inArray(tickets.companyId, customers.companyIds) : undefined,
        customers.contactIds.length ? inArray(tickets.requesterId, customers.contactIds) : undefined,
        sql`false`,
      )
    : undefined;
  let after = '00000000-0000-0000-0000-000000000000';
  let recomputed = 0;
  for (;;) {
    const done = await db.transaction(async (tx) => {
      const rows = await tx
        .select({
          id: tickets.id,
          priority: tickets.priority,
          channel: tickets.channel,
          companyId: tickets.companyId,
          requesterId: tickets.requesterId,
          status: tickets.status,
          createdAt: tickets.createdAt,
          firstRespondedAt: tickets.firstRespondedAt,
          awaitingSince: tickets.awaitingSince,
          solvedAt: tickets.solvedAt,
          slaPauses: tickets.slaPauses,
        })
        .from(tickets)
        .where(
          and(
            eq(tickets.workspaceId, workspaceId),
            isNull(tickets.deletedAt),
            inArray(tickets.status, [...openTicketStatuses]),
            gt(tickets.id, after),
            theirs,
          ),
        )
        .orderBy(asc(tickets.id))
        .limit(BATCH);
      if (!rows.length) return true;
      // The batch's customer tiers in two reads by key, and only when an override names tiers.
      const tiers = await tiersFor(tx, workspaceId, policy, rows);
      const due = rows.map((r, i) => dueTimes(policy, { ...r, tier: tiers[i] }));
      await tx.execute(sql`update tickets t set
          first_response_due_at = v.fr, next_response_due_at = v.nr, resolution_due_at = v.res, sla_state = v.state
        from (select * from jsonb_to_recordset(${JSON.stringify(
          rows.map((r, i) => ({
            id: r.id,
            fr: iso(due[i].firstResponseDueAt),
            nr: iso(due[i].nextResponseDueAt),
            res: iso(due[i].resolutionDueAt),
            state: slaStateAt(due[i], at),
          })),
        )}::jsonb) as x(id uuid, fr timestamptz, nr timestamptz, res timestamptz, state text)) v
        where t.workspace_id = ${workspaceId} and t.id = v.id`);
      recomputed += rows.length;
      after = rows[rows.length - 1].id;
      return rows.length < BATCH;
    });
    if (done) return { recomputed };
  }
}
