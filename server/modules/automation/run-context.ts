import { sql } from 'drizzle-orm';
import type { Wait } from '../../../contract/automation.ts';
import { type Conn, selectRows } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { AppError } from '../../http/errors.ts';
import type { EvalEnv } from './evaluate.ts';
import type { AutomationObject, ObjectFields, Rec } from './objects.ts';
import { durationMs } from './templates.ts';

/** What a condition reads in a run: the record as it is now, and `previous.<field>` as it was before the triggering change. */
export function conditionEnv(sc: { fields: ObjectFields | null; record: Rec | null; previous: Rec | null; ctx: Ctx }): EvalEnv {
  const bare = (f: string) => (f.startsWith('previous.') ? f.slice('previous.'.length) : f);
  return {
    kind: (f) => sc.fields?.spec(bare(f)),
    read: (f) => (f.startsWith('previous.') ? (sc.fields?.read(sc.previous, bare(f)) ?? null) : (sc.fields?.read(sc.record, f) ?? null)),
    memberId: sc.ctx.memberId,
  };
}

/** The run's record as it is now, or null when it no longer exists (deleted for good). */
export async function recordOf(conn: Conn, ctx: Ctx, obj: AutomationObject, id: string): Promise<Rec | null> {
  try {
    return await obj.get(conn, ctx, id);
  } catch (err) {
    if (err instanceof AppError && err.status === 404) return null;
    throw err;
  }
}

/**
 * When a wait for a date field is over: a date-time field's instant, or a date field's day from
 * midnight in the rule's time zone, moved by the offset; null when the field is empty.
 */
export async function waitTarget(
  sc: { conn: Conn; fields: ObjectFields | null; record: Rec | null; def: { timeZone?: string } },
  wait: Wait,
): Promise<Date | null> {
  const field = wait.field ?? '';
  const value = sc.fields?.read(sc.record, field);
  if (value === null || value === undefined || value === '') return null;
  const kind = sc.fields?.spec(field)?.kind;
  let base: number;
  if (kind === 'date') {
    const [row] = await selectRows<{ at: string | Date }>(
      sc.conn,
      sql`select (${String(value)}::date::timestamp at time zone ${sc.def.timeZone ?? 'UTC'}) as at`,
    );
    base = new Date(row.at).getTime();
  } else {
    base = Date.parse(String(value));
  }
  if (Number.isNaN(base)) return null;
  return new Date(base + (wait.offset ? durationMs(wait.offset) : 0));
}
