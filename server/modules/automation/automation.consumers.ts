import { sql } from 'drizzle-orm';
import type { RuleDefinition } from '../../../contract/automation.ts';
import { selectRows, type Tx } from '../../db/client.ts';
import { defineConsumer } from '../../jobs/consumers.ts';
import { enqueue } from '../../jobs/queue.ts';
import type { OutboxEvent } from '../history/outbox.ts';
import { runJob } from './automation.jobs.ts';
import { evaluateFilter } from './evaluate.ts';
import { type ObjectFields, objectFields, objectOfEvent, resolveObject } from './objects.ts';
import { conditionEnv } from './run-context.ts';
import { RateGuard, ruleMarker, startRun } from './runs.service.ts';
import { ruleCtx } from './scanner.ts';
import { eventTriggerTypes, triggerOf } from './triggers.ts';

interface EventRule {
  workspace_id: string;
  id: string;
  version: number;
  definition: RuleDefinition | string;
  saved_by: string | null;
}

/**
 * Turns events into runs: for each record event of the outbox, each enabled rule of its workspace
 * whose trigger matches and whose conditions hold gets a run and the job that carries it out, in the
 * transaction that moves this consumer's cursor — so each event starts each rule's run exactly once,
 * however many workers feed the outbox. A rule never reacts to an event its own runs caused (the
 * event's causes carry the rule's marker). Runs waiting on a condition about the event's record are
 * woken to look again.
 */
export const automationConsumer = defineConsumer({
  name: 'automation',
  batch: 200,
  handle: async (tx, events) => {
    const relevant = events.flatMap((e) => {
      const object = objectOfEvent(e.recordType, e.payload);
      return object ? [{ e, object }] : [];
    });
    if (!relevant.length) return;
    await wakeConditionWaits(
      tx,
      relevant.map((r) => r.e),
    );
    const workspaces = [...new Set(relevant.map((r) => r.e.workspaceId))];
    const rules = await selectRows<EventRule>(
      tx,
      sql`select r.workspace_id, r.id, r.version, r.definition, v.created_by as saved_by
        from automation_rules r join automation_rule_versions v on v.workspace_id = r.workspace_id and v.rule_id = r.id and v.version = r.version
        where r.workspace_id = any(${`{${workspaces.join(',')}}`}::uuid[]) and r.enabled and r.deleted_at is null
          and r.trigger_type = any(${`{${eventTriggerTypes().join(',')}}`}::text[])
        order by r.id`,
    );
    if (!rules.length) return;
    const byWorkspace = new Map<string, EventRule[]>();
    for (const r of rules) byWorkspace.set(r.workspace_id, [...(byWorkspace.get(r.workspace_id) ?? []), r]);
    const guard = new RateGuard();
    const fieldsOf = new Map<string, Promise<ObjectFields | null>>();
    for (const { e, object } of relevant) {
      for (const rule of byWorkspace.get(e.workspaceId) ?? []) {
        if (e.causes.includes(ruleMarker(rule.id))) continue;
        const def: RuleDefinition = typeof rule.definition === 'string' ? JSON.parse(rule.definition) : rule.definition;
        const trigger = triggerOf(def.trigger.type);
        const match = trigger?.match?.(e, object, def.trigger.config ?? {});
        if (!match) continue;
        const ctx = ruleCtx(e.workspaceId, rule.saved_by);
        if (def.conditions) {
          const key = `${e.workspaceId}:${object}`;
          if (!fieldsOf.has(key)) {
            fieldsOf.set(
              key,
              resolveObject(tx, ctx, object).then((obj) => (obj ? objectFields(tx, ctx, obj) : null)),
            );
          }
          const fields = await fieldsOf.get(key);
          if (!fields || !evaluateFilter(def.conditions, conditionEnv({ fields, record: match.record, previous: match.previous, ctx })))
            continue;
        }
        await startRun(
          tx,
          ctx,
          {
            rule: { id: rule.id, version: rule.version, definition: def },
            objectType: object,
            recordId: match.recordId,
            trigger: { type: def.trigger.type, eventId: e.id, eventType: e.type, at: e.at, ...match.info, record: match.record },
            causes: [...e.causes, e.id],
          },
          guard,
        );
      }
    }
  },
});

/** Runs parked until a condition about a record holds look again when that record changes: one statement per batch. */
async function wakeConditionWaits(tx: Tx, events: OutboxEvent[]) {
  const pairs = [...new Map(events.map((e) => [`${e.workspaceId}:${e.recordId}`, e])).values()];
  const woken = await selectRows<{ workspace_id: string; id: string }>(
    tx,
    sql`update automation_runs set status = 'queued'
      where (workspace_id, record_id) in (
          select * from unnest(${`{${pairs.map((e) => e.workspaceId).join(',')}}`}::uuid[], ${`{${pairs.map((e) => e.recordId).join(',')}}`}::uuid[]))
        and status = 'waiting' and state->>'condition' = 'true'
      returning workspace_id, id`,
  );
  for (const r of woken) await enqueue(tx, runJob, { workspaceId: r.workspace_id, runId: r.id }, { workspaceId: r.workspace_id });
}
