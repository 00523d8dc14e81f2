import { sql } from 'drizzle-orm';
import type { PipelineReport, WinRate } from '../../../contract/reports.ts';
import { type Conn, selectRows } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { invalid } from '../../http/errors.ts';
import { hiddenFields } from '../../records/field-rules.ts';
import { visibleWhere } from '../../records/visibility.ts';
import { assertMembers } from '../auth/members.service.ts';

/**
 * The deals `d` the request may see (records/visibility.ts): a report sums only those, so a
 * member narrowed to their team sees their team's pipeline, not the company's.
 */
async function seesDeals(ctx: Ctx) {
  // Imported when called: the registry imports the modules.
  const { objectDefs } = await import('../registry.ts');
  const where = objectDefs.deal && visibleWhere(ctx, objectDefs.deal, 'read', 'd');
  return where ? sql`and ${where}` : sql``;
}

interface StageRow {
  pipelineId: string;
  stageId: string | null;
  name: string | null;
  position: number | null;
  kind: 'open' | 'won' | 'lost' | null;
}

/**
 * The pipeline a report is about, with its stages in board order: the one asked for, or the
 * workspace's first (by position). Pipelines in the trash are not reported on; an id that names
 * no live pipeline of this workspace is a 422. No pipeline at all gives null.
 */
async function pipelineStages(conn: Conn, ctx: Ctx, pipelineId: string | undefined) {
  const rows = await selectRows<StageRow>(
    conn,
    sql`
    with p as (
      select id from pipelines
      where workspace_id = ${ctx.workspaceId} and deleted_at is null ${pipelineId ? sql`and id = ${pipelineId}` : sql``}
      order by position, created_at, id limit 1
    )
    select p.id as "pipelineId", s.id as "stageId", s.name, s.position, s.kind
    from p left join pipeline_stages s on s.workspace_id = ${ctx.workspaceId} and s.pipeline_id = p.id
    order by s.position, s.id`,
  );
  if (!rows.length && pipelineId) {
    throw invalid([{ field: 'query.pipelineId', code: 'unknown_record', message: 'is not a pipeline of this workspace' }]);
  }
  return { pipelineId: rows[0]?.pipelineId ?? null, stages: rows.filter((r) => r.stageId !== null) };
}

/**
 * The member a report is narrowed to, checked to be of this workspace: a foreign or unknown id is a
 * 422 naming the field rather than an empty report that looks like "no deals". Ids are compared in
 * lower case, the form PostgreSQL answers uuids in.
 */
async function reportOwner(conn: Conn, ctx: Ctx, ownerId: string | undefined) {
  const id = ownerId?.toLowerCase();
  await assertMembers(conn, ctx, [{ field: 'query.ownerId', id }]);
  return id;
}

// Sums are read as text: a sum may pass the int8 range, and numeric text never overflows on the way out.
interface GroupRow {
  byStage: boolean;
  stageId: string | null;
  ownerId: string | null;
  ownerName: string | null;
  currency: string;
  count: number;
  amount: string;
  weighted: string;
}

type Amount = { currency: string; amountMinor: number; weightedMinor: number };

/** Adds one (key, currency) group to its key's count and amounts. */
/**
 * Whether the request's role hides what the amounts are made of (a deal's amount or probability):
 * then the reports count deals but sum nothing, since a stage or month of one deal would show it.
 */
const amountsHidden = (ctx: Ctx) => hiddenFields(ctx, 'deal').some((f) => f === 'amountMinor' || f === 'probability');

function gather<T extends { count: number; amounts: Amount[] }>(
  into: Map<string | null, T>,
  key: string | null,
  g: GroupRow,
  make: () => T,
  hidden: boolean,
) {
  let entry = into.get(key);
  if (!entry) {
    entry = make();
    into.set(key, entry);
  }
  entry.count += g.count;
  if (!hidden) entry.amounts.push({ currency: g.currency, amountMinor: Number(g.amount), weightedMinor: Number(g.weighted) });
}

/**
 * Open deals of a pipeline (not in the trash) per stage and per owner, each per currency. One
 * grouped scan with two grouping sets. The weighted sum uses each deal's own probability (it may
 * differ from its stage's) and is rounded once per sum, as the board's column headers are.
 */
export async function pipelineReport(conn: Conn, ctx: Ctx, q: { pipelineId?: string; ownerId?: string }): Promise<PipelineReport> {
  const { pipelineId, stages } = await pipelineStages(conn, ctx, q.pipelineId);
  const ownerId = await reportOwner(conn, ctx, q.ownerId);
  if (!pipelineId) return { pipelineId: null, byStage: [], byOwner: [] };
  const groups = await selectRows<GroupRow>(
    conn,
    sql`
    select grouping(d.stage_id) = 0 as "byStage", d.stage_id as "stageId", d.owner_id as "ownerId",
      max(m.name) as "ownerName", d.currency, count(*)::int as count,
      coalesce(sum(d.amount_minor), 0)::text as amount,
      coalesce(round(sum(d.amount_minor::numeric * d.probability / 100)), 0)::text as weighted
    from deals d
    left join members m on m.workspace_id = d.workspace_id and m.id = d.owner_id
    where d.workspace_id = ${ctx.workspaceId} and d.pipeline_id = ${pipelineId} and d.status = 'open' and d.deleted_at is null
      ${ownerId ? sql`and d.owner_id = ${ownerId}` : sql``} ${await seesDeals(ctx)}
    group by grouping sets ((d.stage_id, d.currency), (d.owner_id, d.currency))
    order by d.currency`,
  );
  const byStage = new Map(
    stages.map((s) => [
      s.stageId,
      {
        stageId: s.stageId as string,
        name: s.name as string,
        position: s.position as number,
        kind: s.kind as 'open',
        count: 0,
        amounts: [] as Amount[],
      },
    ]),
  );
  const byOwner = new Map<string | null, PipelineReport['byOwner'][number]>();
  const hidden = amountsHidden(ctx);
  for (const g of groups) {
    if (g.byStage) {
      // A deal always sits on a stage of its pipeline (foreign key and deal checks), so its stage is listed.
      const stage = byStage.get(g.stageId);
      if (stage) {
        stage.count += g.count;
        if (!hidden) stage.amounts.push({ currency: g.currency, amountMinor: Number(g.amount), weightedMinor: Number(g.weighted) });
      }
    } else {
      gather(byOwner, g.ownerId, g, () => ({ ownerId: g.ownerId, name: g.ownerName, count: 0, amounts: [] }), hidden);
    }
  }
  const owners = [...byOwner.values()].sort(
    (a, b) =>
      b.count - a.count || (a.name ?? '\uffff').localeCompare(b.name ?? '\uffff') || String(a.ownerId).localeCompare(String(b.ownerId)),
  );
  return { pipelineId, byStage: [...byStage.values()], byOwner: owners };
}

interface MonthRow {
  month: string;
  currency: string | null;
  won: number;
  lost: number;
  wonAmount: string | null;
}

/**
 * Won and lost deals of a pipeline per calendar month (UTC) of their close, over the last `months`
 * months including the current one, every month present; `ownerId` narrows them to one owner's.
 * One grouped query over the closed-deals index (workspace, pipeline, status, closed_at); deals in
 * the trash are left out.
 */
export async function winRate(conn: Conn, ctx: Ctx, q: { pipelineId?: string; ownerId?: string; months?: number }): Promise<WinRate> {
  const months = q.months ?? 12;
  const { pipelineId } = await pipelineStages(conn, ctx, q.pipelineId);
  const ownerId = await reportOwner(conn, ctx, q.ownerId);
  if (!pipelineId) return { pipelineId: null, months: [] };
  const rows = await selectRows<MonthRow>(
    conn,
    sql`
    with span as (
      select date_trunc('month', now() at time zone 'UTC') - make_interval(months => ${months - 1}::int) as first,
        date_trunc('month', now() at time zone 'UTC') + interval '1 month' as next
    ), closed as (
      select date_trunc('month', d.closed_at at time zone 'UTC') as month, d.currency,
        count(*) filter (where d.status = 'won')::int as won,
        count(*) filter (where d.status = 'lost')::int as lost,
        sum(d.amount_minor) filter (where d.status = 'won')::text as "wonAmount"
      from deals d, span
      where d.workspace_id = ${ctx.workspaceId} and d.pipeline_id = ${pipelineId} and d.status in ('won', 'lost')
        and d.closed_at >= span.first at time zone 'UTC' and d.closed_at < span.next at time zone 'UTC' and d.deleted_at is null
        ${ownerId ? sql`and d.owner_id = ${ownerId}` : sql``} ${await seesDeals(ctx)}
      group by 1, 2
    )
    select to_char(m, 'YYYY-MM') as month, c.currency, coalesce(c.won, 0) as won, coalesce(c.lost, 0) as lost, c."wonAmount"
    from span, generate_series(span.first, span.next - interval '1 month', interval '1 month') m
    left join closed c on c.month = m
    order by m, c.currency`,
  );
  const byMonth = new Map<string, WinRate['months'][number]>();
  const hidden = amountsHidden(ctx);
  for (const r of rows) {
    let m = byMonth.get(r.month);
    if (!m) {
      m = { month: r.month, won: 0, lost: 0, winRate: null, wonAmounts: [] };
      byMonth.set(r.month, m);
    }
    m.won += r.won;
    m.lost += r.lost;
    if (r.currency && r.won > 0 && !hidden) m.wonAmounts.push({ currency: r.currency, amountMinor: Number(r.wonAmount ?? 0) });
  }
  for (const m of byMonth.values()) m.winRate = m.won + m.lost ? m.won / (m.won + m.lost) : null;
  return { pipelineId, months: [...byMonth.values()] };
}
