import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Run } from '../../../contract/automation.ts';
import type { Conn } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { AppError, conflict, invalid, notFound } from '../../http/errors.ts';
import { now } from './clock.ts';
import { evaluateFilter } from './evaluate.ts';
import { objectFields, resolveObject } from './objects.ts';
import { findRule } from './rules.service.ts';
import { conditionEnv, recordOf } from './run-context.ts';
import { startRun, toRun } from './runs.service.ts';
import { claimFire, ruleCtx } from './scanner.ts';
import { openRuleSecret } from './secrets.ts';
import { triggerOf } from './triggers.ts';

// Runs started by a person (a manual trigger, on records chosen in a list) and by a signed call to a
// rule's webhook.

/** How far a webhook's timestamp may be from the server's clock. */
export const HOOK_TOLERANCE_MS = 5 * 60_000;
/** The most of a webhook's body a run keeps (templates read it as {{trigger.body.…}}). */
export const MAX_HOOK_BODY = 64 * 1024;

/**
 * Starts a manual rule on the records given (one run each), or once without a record. Records
 * that do not meet the rule's conditions get a run recorded as skipped, saying so.
 */
export async function runManually(conn: Conn, ctx: Ctx, ruleId: string, recordIds: string[] = []): Promise<Run[]> {
  const rule = await findRule(conn, ctx, ruleId);
  if (rule.triggerType !== 'manual') throw conflict('not_manual', 'Only a rule with a manual trigger can be run by hand; try a dry run');
  if (!rule.enabled) throw conflict('rule_paused', 'This rule is paused: enable it to run it');
  const def = rule.definition;
  const objectName = triggerOf('manual')?.objectOf(def.trigger.config ?? {}) ?? null;
  const start = { rule: { id: rule.id, version: rule.version, definition: def }, causes: [] as string[] };
  const trigger = { type: 'manual', by: ctx.memberId, at: now().toISOString() };
  const runCtx = { ...ruleCtx(ctx.workspaceId, ctx.memberId) };
  if (!objectName) {
    if (recordIds.length) throw invalid([{ field: 'body.recordIds', code: 'no_object', message: 'this rule runs without a record' }]);
    return [toRun(await startRun(conn, runCtx, { ...start, objectType: null, recordId: null, trigger }), rule.name)];
  }
  if (!recordIds.length) throw invalid([{ field: 'body.recordIds', code: 'required', message: 'choose the records to run the rule on' }]);
  const obj = await resolveObject(conn, ctx, objectName);
  if (!obj) throw conflict('unknown_object', `"${objectName}" is no longer an object of this workspace`);
  const fields = await objectFields(conn, ctx, obj);
  const records = await Promise.all(recordIds.map((id) => recordOf(conn, ctx, obj, id)));
  const missing = recordIds.flatMap((_id, i) =>
    records[i]
      ? []
      : [{ field: `body.recordIds.${i}`, code: 'unknown_record', message: `is not a ${obj.label.toLowerCase()} of this workspace` }],
  );
  if (missing.length) throw invalid(missing);
  const runs: Run[] = [];
  for (const record of records) {
    if (!record) continue;
    // A record that does not meet the conditions gets a run recorded as skipped, so that whoever ran it sees why.
    const meets = !def.conditions || evaluateFilter(def.conditions, conditionEnv({ fields, record, previous: null, ctx: runCtx }));
    const skip = meets ? undefined : "The record does not meet the rule's conditions";
    runs.push(
      toRun(
        await startRun(conn, runCtx, { ...start, objectType: obj.name, recordId: record.id, trigger: { ...trigger, record }, skip }),
        rule.name,
      ),
    );
  }
  return runs;
}

const unauthorizedHook = (why: string) => new AppError(401, 'bad_signature', why);

/** `v1=<hex>` of HMAC-SHA256 over `<timestamp>.<body>`, as a sender signs it. */
export const signHook = (secret: string, timestamp: string, body: string) =>
  `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;

/**
 * A call to a rule's webhook: the signature must be the rule's (HMAC-SHA256 of timestamp and body
 * with its secret), the timestamp within five minutes, and the signature not seen before (a replay
 * is refused). Starts one run, on the record the body names when the trigger has an object.
 */
export async function receiveHook(
  conn: Conn,
  workspaceId: string,
  ruleId: string,
  headers: { timestamp?: string; signature?: string },
  raw: string,
  body: unknown,
) {
  const lookup = ruleCtx(workspaceId, null);
  const rule = await findRule(conn, lookup, ruleId).catch((err) => {
    if (err instanceof AppError && err.status === 404) return null;
    throw err;
  });
  // One answer for every rule that cannot take calls, so that the path tells a stranger nothing.
  if (rule?.triggerType !== 'webhook' || !rule.webhookSecret) throw notFound('Webhook');
  const ts = headers.timestamp ?? '';
  if (!/^\d{1,12}$/.test(ts)) throw unauthorizedHook('Send X-Rapport-Timestamp: the Unix time in seconds');
  if (Math.abs(now().getTime() - Number(ts) * 1000) > HOOK_TOLERANCE_MS)
    throw unauthorizedHook('The timestamp is more than five minutes off');
  const expected = Buffer.from(signHook(openRuleSecret(workspaceId, rule.id, rule.webhookSecret), ts, raw));
  const given = Buffer.from(headers.signature ?? '');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw unauthorizedHook('The signature does not match');
  if (!rule.enabled) throw conflict('rule_paused', 'This rule is paused');
  if (raw.length > MAX_HOOK_BODY) throw new AppError(413, 'too_large', `A webhook body may be at most ${MAX_HOOK_BODY} bytes`);
  const ctx = ruleCtx(workspaceId, rule.createdBy);
  if (!(await claimFire(conn, workspaceId, rule.id, `hook:${headers.signature}`)))
    throw conflict('replayed', 'This call was received already');
  const def = rule.definition;
  const objectName = triggerOf('webhook')?.objectOf(def.trigger.config ?? {}) ?? null;
  const trigger = { type: 'webhook', at: now().toISOString(), body };
  const start = { rule: { id: rule.id, version: rule.version, definition: def }, causes: [] as string[], trigger };
  if (!objectName) return startRun(conn, ctx, { ...start, objectType: null, recordId: null });
  const recordId = (body as { recordId?: unknown } | null)?.recordId;
  const obj = await resolveObject(conn, ctx, objectName);
  const record =
    obj && typeof recordId === 'string' && /^[0-9a-f-]{36}$/i.test(recordId)
      ? await recordOf(conn, ctx, obj, recordId.toLowerCase())
      : null;
  if (!obj || !record)
    throw invalid([{ field: 'body.recordId', code: 'unknown_record', message: `must name a ${objectName} of this workspace` }]);
  if (def.conditions) {
    const fields = await objectFields(conn, ctx, obj);
    if (!evaluateFilter(def.conditions, conditionEnv({ fields, record, previous: null, ctx }))) return null;
  }
  return startRun(conn, ctx, { ...start, objectType: obj.name, recordId: record.id, trigger: { ...trigger, record } });
}
