import { and, sql } from 'drizzle-orm';
import type { Conn } from '../db/client.ts';
import type { Ctx } from '../http/context.ts';
import { fieldsFor, type ListInput, listConditions } from './list.ts';
import type { ObjectDef } from './object-def.ts';

/** How many records a list holds: exact up to the cap, else the planner's estimate. */
export interface ListTotal {
  total: number;
  totalIsEstimate: boolean;
}

/**
 * Counts a list's records with the list's own conditions (workspace, trash, scope, filter; the
 * cursor and sort do not change how many there are). Counting stops at `cap + 1` rows (10,000 by
 * default, RAPPORT_LIST_COUNT_CAP), so a
 * workspace with millions of contacts pays for reading ten thousand index entries, not millions.
 *
 * Past the cap the number comes from the planner: `EXPLAIN` of the same query gives the rows
 * PostgreSQL expects it to return, from the statistics of the columns it filters on (how common
 * this workspace's id is, how many rows are in the trash, how selective each condition is).
 * pg_class.reltuples would be cheaper still, but it counts the whole table — every workspace,
 * every custom object, the trash — which in a shared table can be wrong by orders of magnitude
 * for one workspace's filtered list. The estimate is never below what was counted.
 */
export async function countList(conn: Conn, ctx: Ctx, def: ObjectDef, input: ListInput, cap: number): Promise<ListTotal> {
  const field = await fieldsFor(conn, ctx, def, input);
  const where = and(...listConditions(ctx, def, input, field));
  const capped = conn
    .select({ one: sql`1` })
    .from(def.table)
    .where(where)
    .limit(cap + 1)
    .as('capped');
  const [{ n }] = await conn.select({ n: sql<number>`count(*)::int` }).from(capped);
  if (n <= cap) return { total: n, totalIsEstimate: false };
  const planned = await plannedRows(conn, sql`${conn.select({ one: sql`1` }).from(def.table).where(where)}`);
  return { total: roughly(Math.max(planned, n)), totalIsEstimate: true };
}

/** The rows the planner expects a query to return (top plan node's "Plan Rows"). */
export async function plannedRows(conn: Conn, query: ReturnType<typeof sql>) {
  const res = (await conn.execute(sql`explain (format json) ${query}`)) as unknown as { rows: Record<string, unknown>[] };
  const cell = Object.values(res.rows[0] ?? {})[0];
  const plan = (typeof cell === 'string' ? JSON.parse(cell) : cell) as { Plan?: { 'Plan Rows'?: number } }[];
  return Number(plan?.[0]?.Plan?.['Plan Rows'] ?? 0);
}

/** Two significant digits: an estimate that shows more precision than it has would mislead. */
export function roughly(n: number) {
  if (n < 100) return Math.round(n);
  const step = 10 ** (Math.floor(Math.log10(n)) - 1);
  return Math.round(n / step) * step;
}
