import { sql } from 'drizzle-orm';
import { openTicketStatuses, type TicketQueueCounts } from '../../../contract/support.ts';
import { type Conn, pgArray, selectRows } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { visibleWhere } from '../../records/visibility.ts';
import { listTeams } from '../teams/teams.service.ts';
import { ticketDef } from './tickets.service.ts';

/**
 * The agent's queues over the open tickets the request may read, counted in one scan: unassigned,
 * assigned to them, to a team they are in (or lead), breaching soon or breached, and all. The web
 * app lists each queue with the same conditions as a filter (queueFilter in the app).
 */
export async function queueCounts(conn: Conn, ctx: Ctx): Promise<TicketQueueCounts> {
  const teamIds = (await listTeams(conn, ctx))
    .filter((t) => t.managerId === ctx.memberId || t.memberIds.includes(ctx.memberId))
    .map((t) => t.id);
  const visible = visibleWhere(ctx, ticketDef, 'read', 't') ?? sql`true`;
  const [row] = await selectRows<Record<keyof TicketQueueCounts, number | string>>(
    conn,
    sql`select
        count(*) filter (where t.assignee_id is null) as unassigned,
        count(*) filter (where t.assignee_id = ${ctx.memberId}::uuid) as mine,
        count(*) filter (where t.team_id = any(${pgArray(teamIds, 'uuid')})) as my_team,
        count(*) filter (where t.sla_state in ('breaching_soon', 'breached')) as breaching_soon,
        count(*) as all
      from tickets t
      where t.workspace_id = ${ctx.workspaceId} and t.deleted_at is null
        and t.status = any(${pgArray([...openTicketStatuses], 'text')}) and ${visible}`,
  );
  return {
    unassigned: Number(row.unassigned),
    mine: Number(row.mine),
    my_team: Number(row.my_team),
    breaching_soon: Number(row.breaching_soon),
    all: Number(row.all),
  };
}
