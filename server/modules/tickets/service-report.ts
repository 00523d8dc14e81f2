import { sql } from 'drizzle-orm';
import { openTicketStatuses, type ServiceReport, type ServiceReportQuery } from '../../../contract/support.ts';
import { type Conn, pgArray, selectRows } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { invalid } from '../../http/errors.ts';
import { visibleWhere } from '../../records/visibility.ts';
import { now } from '../automation/clock.ts';
import { ticketDef } from './tickets.service.ts';

const day = 86_400_000;
const num = (v: unknown) => (v === null || v === undefined ? null : Math.round(Number(v) * 10) / 10);

/**
 * The service dashboard's figures over the tickets created in a period that the caller may read:
 * volume by channel and type, first-response and resolution times (median and 90th percentile,
 * wall-clock minutes from creation), SLA compliance, the open backlog by age, and the same per
 * assignee and team. Each part is one grouped scan of the workspace's tickets.
 */
export async function serviceReport(conn: Conn, ctx: Ctx, q: ServiceReportQuery): Promise<ServiceReport> {
  const today = now().toISOString().slice(0, 10);
  const to = q.to ?? today;
  const from = q.from ?? new Date(Date.parse(to) - 29 * day).toISOString().slice(0, 10);
  if (from > to) throw invalid([{ field: 'query.from', code: 'after_to', message: 'is after `to`' }]);
  if (Date.parse(to) - Date.parse(from) > 366 * day)
    throw invalid([{ field: 'query.from', code: 'too_long', message: 'a period is at most a year' }]);
  const visible = visibleWhere(ctx, ticketDef, 'read', 't') ?? sql`true`;
  const period = sql`t.workspace_id = ${ctx.workspaceId} and t.deleted_at is null and ${visible}
    and t.created_at >= ${from}::date and t.created_at < (${to}::date + 1)`;
  const minutes = (col: string) => sql.raw(`extract(epoch from (t.${col} - t.created_at)) / 60`);

  const [totals] = await selectRows<Record<string, unknown>>(
    conn,
    sql`select count(*) as created,
        count(*) filter (where t.solved_at is not null) as solved,
        count(*) filter (where t.first_responded_at is not null) as responded,
        percentile_cont(0.5) within group (order by ${minutes('first_responded_at')}) filter (where t.first_responded_at is not null) as fr_median,
        percentile_cont(0.9) within group (order by ${minutes('first_responded_at')}) filter (where t.first_responded_at is not null) as fr_p90,
        percentile_cont(0.5) within group (order by ${minutes('solved_at')}) filter (where t.solved_at is not null) as res_median,
        percentile_cont(0.9) within group (order by ${minutes('solved_at')}) filter (where t.solved_at is not null) as res_p90,
        count(*) filter (where t.sla_state <> 'none') as sla_tickets,
        count(*) filter (where t.sla_state = 'breached') as sla_breached
      from tickets t where ${period}`,
  );
  const grouped = (col: 'channel' | 'type') =>
    selectRows<{ key: string | null; n: number }>(
      conn,
      sql`select t.${sql.raw(col)} as key, count(*)::int as n from tickets t where ${period} group by 1 order by 2 desc, 1 limit 50`,
    );
  const byPerson = (col: 'assignee_id' | 'team_id') =>
    selectRows<{ key: string | null; n: number; solved: number; fr: unknown }>(
      conn,
      sql`select t.${sql.raw(col)} as key, count(*)::int as n, count(*) filter (where t.solved_at is not null)::int as solved,
          percentile_cont(0.5) within group (order by ${minutes('first_responded_at')}) filter (where t.first_responded_at is not null) as fr
        from tickets t where ${period} group by 1 order by 2 desc limit 200`,
    );
  const at = now().getTime();
  const [backlog] = await selectRows<Record<string, number>>(
    conn,
    sql`select count(*) filter (where t.created_at > ${new Date(at - day).toISOString()}::timestamptz)::int as day,
        count(*) filter (where t.created_at <= ${new Date(at - day).toISOString()}::timestamptz and t.created_at > ${new Date(at - 3 * day).toISOString()}::timestamptz)::int as three_days,
        count(*) filter (where t.created_at <= ${new Date(at - 3 * day).toISOString()}::timestamptz and t.created_at > ${new Date(at - 7 * day).toISOString()}::timestamptz)::int as week,
        count(*) filter (where t.created_at <= ${new Date(at - 7 * day).toISOString()}::timestamptz)::int as older
      from tickets t
      where t.workspace_id = ${ctx.workspaceId} and t.deleted_at is null and ${visible}
        and t.status = any(${pgArray([...openTicketStatuses], 'text')})`,
  );
  const [channels, types, assignees, teams] = [
    await grouped('channel'),
    await grouped('type'),
    await byPerson('assignee_id'),
    await byPerson('team_id'),
  ];
  const slaTickets = Number(totals.sla_tickets);
  const breached = Number(totals.sla_breached);
  return {
    from,
    to,
    created: Number(totals.created),
    solved: Number(totals.solved),
    byChannel: channels.map((r) => ({ channel: r.key, tickets: Number(r.n) })),
    byType: types.map((r) => ({ type: r.key, tickets: Number(r.n) })),
    firstResponse: { tickets: Number(totals.responded), medianMinutes: num(totals.fr_median), p90Minutes: num(totals.fr_p90) },
    resolution: { tickets: Number(totals.solved), medianMinutes: num(totals.res_median), p90Minutes: num(totals.res_p90) },
    sla: { tickets: slaTickets, breached, metPercent: slaTickets ? Math.round(((slaTickets - breached) / slaTickets) * 1000) / 10 : null },
    backlog: { day: backlog.day, threeDays: backlog.three_days, week: backlog.week, older: backlog.older },
    byAssignee: assignees.map((r) => ({
      memberId: r.key,
      tickets: Number(r.n),
      solved: Number(r.solved),
      medianFirstResponseMinutes: num(r.fr),
    })),
    byTeam: teams.map((r) => ({ teamId: r.key, tickets: Number(r.n), solved: Number(r.solved), medianFirstResponseMinutes: num(r.fr) })),
  };
}
