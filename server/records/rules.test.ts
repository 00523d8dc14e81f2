import { type SQL, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { selectRows } from '../db/client.ts';
import { objectDefs } from '../modules/registry.ts';
import { testDatabase } from '../test/harness.ts';
import { setValue } from './bulk.ts';
import { columnsOf, type ObjectDef } from './object-def.ts';
import { type AnyRule, ruleSql, valueOps } from './rules.ts';

// Every domain rule is one function read two ways (rules.ts): over values when one record changes,
// over SQL when a bulk update changes many. Here both readings run on the same cases and must agree
// on what follows and on what is refused.

type Case = { before: Record<string, unknown>; input: Record<string, unknown> };

const at = new Date('2024-03-01T10:00:00.000Z');
const product = <T>(...lists: T[][]): T[][] => lists.reduce<T[][]>((acc, l) => acc.flatMap((a) => l.map((x) => [...a, x])), [[]]);

const stage = { a: '0190a000-0000-7000-8000-00000000000a', b: '0190a000-0000-7000-8000-00000000000b' };
const pipeline = '0190a000-0000-7000-8000-0000000000ff';

/** Cases per rule, by `<type>.<field>`; a rule without cases fails the test below. */
const cases: Record<string, Case[]> = {
  'task.done': product<unknown>([false, true], [true, false]).map(([was, done]) => ({
    before: { done: was, doneAt: was ? at : null },
    input: { done },
  })),
  'deal.stageId': product<unknown>(['open', 'won', 'lost'], ['open', 'won', 'lost'], [stage.a, stage.b], [null, 35]).map(
    ([status, kind, stageId, probability]) => ({
      before: {
        pipelineId: pipeline,
        stageId: stage.a,
        status,
        closedAt: status === 'open' ? null : at,
        closeReason: status === 'open' ? null : 'Budget',
        probability: 20,
      },
      input: { stageId, stageKind: kind, stagePipelineId: pipeline, stageProbability: 60, probability },
    }),
  ),
  'lead.status': product<unknown>(['new', 'qualified', 'converted'], ['new', 'disqualified']).map(([status, next]) => ({
    before: { status },
    input: { status: next },
  })),
};

const now = 'now()';
/** A value as both readings are compared: timestamps as ISO text, the change's time as `now()`. */
const plain = (v: unknown) => (v === valueOps.now ? now : v instanceof Date ? v.toISOString() : (v ?? null));

/** The rule read over values. */
function byValues(rule: AnyRule, c: Case) {
  const follow = Object.fromEntries(Object.entries(rule.follow?.(valueOps, c.before, c.input) ?? {}).map(([k, v]) => [k, plain(v)]));
  return { follow, refused: Boolean(rule.refuse?.when(valueOps, c.before, c.input)) };
}

/** The rule read as SQL, as a bulk update renders it, run over a one-row `t` holding the case's row before. */
async function bySql(def: ObjectDef, rule: AnyRule, c: Case) {
  const reads = new Set<string>();
  const given = { [rule.field]: setValue(def, rule.field, c.input[rule.field]) };
  // As in a bulk update: the set value as given, and what a rule's `input` reads as facts beside it.
  const facts = rule.input ? c.input : Object.fromEntries(Object.entries(c.input).filter(([k]) => k !== rule.field));
  const read = ruleSql(def, rule, given, facts, reads);
  const columns = Object.values(columnsOf(def)).filter((col) => reads.has(col.name));
  const byName = Object.fromEntries(Object.entries(columnsOf(def)).map(([k, col]) => [col.name, k]));
  const row = sql.join(
    columns.map((col) => sql`${plain(c.before[byName[col.name]])}::${sql.raw(col.getSQLType())} as ${sql.identifier(col.name)}`),
    sql`, `,
  );
  // Each value as the column it is written to takes it (a bulk update assigns it there).
  const json = (key: string, e: SQL) => {
    const typed = sql`(${e})::${sql.raw(columnsOf(def)[key].getSQLType())}`;
    return sql`case when ${typed}::text = now()::text then to_jsonb('now()'::text) else to_jsonb(${typed}) end`;
  };
  const follow = Object.entries(read.follow).flatMap(([k, e]) => [sql.raw(`'${k}'`), json(k, e)]);
  const [out] = await selectRows<{ follow: Record<string, unknown>; refused: boolean }>(
    (await testDatabase()).db,
    sql`select jsonb_build_object(${sql.join(follow, sql`, `)}) as follow, coalesce(${read.refuse ?? sql`false`}, false) as refused
      from (select ${columns.length ? row : sql`1 as one`}) t`,
  );
  const timestamps = new Set(Object.entries(columnsOf(def)).flatMap(([k, col]) => (col.columnType === 'PgTimestamp' ? [k] : [])));
  const plainFollow = Object.fromEntries(
    Object.entries(out.follow).map(([k, v]) => [
      k,
      timestamps.has(k) && typeof v === 'string' && v !== now ? new Date(v).toISOString() : v,
    ]),
  );
  return { follow: plainFollow, refused: out.refused };
}

describe('domain rules', () => {
  const rules = Object.values(objectDefs).flatMap((def) =>
    (def.rules ?? []).map((rule) => ({ def, rule, key: `${def.type}.${rule.field}` })),
  );

  it('each have cases here', () => {
    expect(rules.map((r) => r.key).sort()).toEqual(Object.keys(cases).sort());
  });

  for (const { def, rule, key } of rules) {
    it(`${key} reads the same over values and as SQL`, async () => {
      for (const c of cases[key] ?? []) {
        expect(await bySql(def, rule, c), JSON.stringify(c)).toEqual(byValues(rule, c));
      }
    });
  }

  it('tell the stage rule’s outcomes apart (the cases are not all alike)', () => {
    const rule = objectDefs.deal?.rules?.[0] as AnyRule;
    const outcomes = new Set(cases['deal.stageId'].map((c) => JSON.stringify(byValues(rule, c).follow)));
    expect(outcomes.size).toBeGreaterThan(8);
    // Reopening a lost deal clears its reason and closedAt; winning a lost one stamps now.
    const lostToOpen = byValues(
      rule,
      cases['deal.stageId'].find((c) => c.before.status === 'lost' && c.input.stageKind === 'open') as Case,
    );
    expect(lostToOpen.follow).toMatchObject({ status: 'open', closedAt: null, closeReason: null });
    const lostToWon = byValues(rule, cases['deal.stageId'].find((c) => c.before.status === 'lost' && c.input.stageKind === 'won') as Case);
    expect(lostToWon.follow).toMatchObject({ status: 'won', closedAt: now, closeReason: 'Budget' });
  });
});
