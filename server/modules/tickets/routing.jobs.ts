import { and, eq, inArray, isNull } from 'drizzle-orm';
import Type from 'typebox';
import { openTicketStatuses } from '../../../contract/support.ts';
import { systemCtx } from '../../http/context.ts';
import { defineJob } from '../../jobs/define.ts';
import { supportAgents, teamRouting } from './routing.table.ts';
import { pickAgent } from './routing.ts';
import { updateTicket } from './tickets.service.ts';
import { tickets } from './tickets.table.ts';

/**
 * Hands the open tickets of an agent who went away or off to the next available agent of each
 * ticket's team, in the teams with "reassign when away" on; with nobody available the ticket goes
 * back to the team queue unassigned, where the team sees it, rather than waiting on someone absent.
 * One transaction per ticket: a long list never holds a team's routing lock for long. Safe to run
 * again: it reads the status and the tickets anew, and does nothing once the agent is back online.
 * The rule's skill that first routed a ticket is not kept, so the move picks among the whole team.
 */
export const reassignAwayJob = defineJob({
  name: 'tickets.reassign_away',
  input: Type.Object({ memberId: Type.String({ format: 'uuid' }) }, { additionalProperties: false }),
  retry: { attempts: 3 },
  run: async ({ db, input, workspaceId }) => {
    if (!workspaceId) throw new Error('tickets.reassign_away needs a workspace');
    const ctx = systemCtx(workspaceId, input.memberId);
    const [agent] = await db
      .select({ status: supportAgents.status })
      .from(supportAgents)
      .where(and(eq(supportAgents.workspaceId, workspaceId), eq(supportAgents.memberId, input.memberId)));
    if (agent?.status === 'online') return { moved: 0 };
    const open = and(
      eq(tickets.workspaceId, workspaceId),
      eq(tickets.assigneeId, input.memberId),
      inArray(tickets.status, [...openTicketStatuses]),
      isNull(tickets.deletedAt),
    );
    const found = await db
      .select({ id: tickets.id, teamId: tickets.teamId })
      .from(tickets)
      .innerJoin(
        teamRouting,
        and(
          eq(teamRouting.workspaceId, tickets.workspaceId),
          eq(teamRouting.teamId, tickets.teamId),
          eq(teamRouting.reassignWhenAway, true),
        ),
      )
      .where(open);
    let moved = 0;
    for (const t of found) {
      await db.transaction(async (tx) => {
        const [row] = await tx
          .select({ version: tickets.version })
          .from(tickets)
          .where(and(open, eq(tickets.id, t.id)))
          .for('update');
        if (!row || !t.teamId) return; // Solved or handed on by someone meanwhile.
        const next = await pickAgent(tx, ctx, t.teamId, null);
        await updateTicket(tx, ctx, t.id, row.version, { assigneeId: next });
        moved++;
      });
    }
    return { moved };
  },
});
