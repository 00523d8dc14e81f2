import type { Conn } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import type { FieldError } from '../../http/errors.ts';
import type { OutboxEvent } from '../history/outbox.ts';
import { checkCondition, problem } from './checks.ts';
import { evaluateFilter } from './evaluate.ts';
import { type ObjectFields, objectFields, objectOfEvent, type Rec, resolveObject } from './objects.ts';
import { checkEnv } from './rules.service.ts';
import { conditionEnv } from './run-context.ts';
import { ruleCtx } from './scanner.ts';

// Conditions on an event's record, in the filter language of views and rules, for other modules
// (a webhook endpoint that only wants big deals): checked when saved, evaluated as events come.

/** Checks `object` names an object of the workspace and `conditions` fit its fields; errors named under `at`. */
export async function checkEventCondition(conn: Conn, ctx: Ctx, object: string, conditions: unknown, at: string): Promise<FieldError[]> {
  const env = checkEnv(conn, ctx);
  const obj = await env.object(object);
  if (!obj) return [problem(`${at}.object`, 'unknown_object', `"${object}" is not an object of this workspace`)];
  return checkCondition(conditions, env, obj, false, `${at}.conditions`);
}

/**
 * Evaluates conditions on events' records, for a batch: each (workspace, object)'s fields are read
 * once. An event matches when it is about `object` and its record (after the change; before it for
 * a deletion) meets the conditions; `$me` in them stands for `memberId`.
 */
export class EventConditions {
  private readonly fields = new Map<string, Promise<ObjectFields | null>>();
  constructor(private readonly conn: Conn) {}

  async matches(event: OutboxEvent, filter: { object: string; conditions?: unknown }, memberId: string | null): Promise<boolean> {
    if (objectOfEvent(event.recordType, event.payload) !== filter.object) return false;
    if (filter.conditions === undefined || filter.conditions === null) return true;
    const ctx = ruleCtx(event.workspaceId, memberId);
    const key = `${event.workspaceId}:${filter.object}`;
    if (!this.fields.has(key)) {
      this.fields.set(
        key,
        resolveObject(this.conn, ctx, filter.object).then((obj) => (obj ? objectFields(this.conn, ctx, obj) : null)),
      );
    }
    const fields = await this.fields.get(key);
    const record = (event.payload.after ?? event.payload.before ?? null) as Rec | null;
    if (!fields || !record) return false;
    return evaluateFilter(filter.conditions, conditionEnv({ fields, record, previous: null, ctx }));
  }
}
