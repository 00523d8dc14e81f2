import { and, eq, inArray } from 'drizzle-orm';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileFilter, operatorsByKind } from '../../records/filter.ts';
import { api, type Session, signUp, testApp, testDatabase } from '../../test/harness.ts';
import { createOk } from '../../test/samples.ts';
import { deals } from '../deals/deals.table.ts';
import { evaluateFilter } from './evaluate.ts';
import { builtInObjects, objectFields, type Rec } from './objects.ts';

// The JavaScript evaluator of the filter language against its reference: the SQL compileFilter
// makes of the same filter, run by the database against the same records. Random filters over
// every kind of field (built-in and custom), with values drawn from those the records hold so that
// comparisons land on both sides. Text is drawn from ASCII letters (both cases) and the LIKE
// wildcards `%`, `_` and `\`: case folding of other letters depends on the database's collation.

const seed = Number(process.env.FUZZ_SEED ?? 20261122);
const runs = Number(process.env.FUZZ_RUNS ?? 300);

const letters = fc.constantFrom('a', 'A', 'b', 'B', '%', '_', '\\', ' ');
const text = fc.string({ unit: letters, maxLength: 4 });
const date = fc.constantFrom('2026-01-01', '2026-01-02', '2026-06-30', '2027-12-31');
const options = ['gold', 'silver', 'bronze'];

interface World {
  s: Session;
  members: string[];
  records: Rec[];
}

async function world(): Promise<World> {
  const s = await signUp();
  const field = (key: string, type: string, extra: object = {}) =>
    createOk(s, '/fields', { objectType: 'deal', key, label: key, type, ...extra });
  await field('note', 'text');
  await field('score', 'number');
  await field('renewal', 'date');
  await field('vip', 'boolean');
  await field('tier', 'select', { options });
  await field('tags', 'multiSelect', { options });
  await field('budget', 'currency');
  const pipeline = (await api(s).get('/pipelines')).json().data[0];
  const stages: { id: string }[] = pipeline.stages;
  const company = await createOk(s, '/companies', { name: 'Globex' });
  const deal = fc.record({
    name: fc.string({ unit: letters, minLength: 1, maxLength: 5 }),
    amountMinor: fc.option(fc.constantFrom(0, 1, 5000, 1_000_000, 1_000_001), { nil: null }),
    probability: fc.constantFrom(0, 10, 50, 100),
    expectedCloseDate: fc.option(date, { nil: null }),
    stage: fc.nat({ max: stages.length - 1 }),
    company: fc.boolean(),
    owner: fc.boolean(),
    custom: fc.record(
      {
        note: text,
        score: fc.constantFrom(-1, 0, 2.5, 10),
        renewal: date,
        vip: fc.boolean(),
        tier: fc.constantFrom(...options),
        tags: fc.subarray(options),
        budget: fc.constantFrom(0, 100, 99_999).map((amountMinor) => ({ amountMinor, currency: 'EUR' })),
      },
      { requiredKeys: [] },
    ),
  });
  const records: Rec[] = [];
  for (const d of fc.sample(deal, { numRuns: 14, seed })) {
    const made = await createOk(s, '/deals', {
      name: d.name,
      amountMinor: d.amountMinor,
      probability: d.probability,
      expectedCloseDate: d.expectedCloseDate,
      stageId: stages[d.stage].id,
      companyId: d.company ? company.id : null,
      ownerId: d.owner ? s.memberId : null,
      custom: d.custom,
    });
    records.push((await api(s).get(`/deals/${made.id}`)).json());
  }
  return { s, members: [s.memberId], records };
}

/** Values a filter on a field of this kind may compare with: those the records hold, and a few more. */
function valuesOf(kind: string, field: string, w: World, read: (r: Rec, f: string) => unknown) {
  let held = w.records.map((r) => read(r, field)).filter((v) => v !== null && v !== undefined);
  // The database keeps times to the microsecond and the API shows milliseconds, which is what a
  // condition in JavaScript sees: a bound a millisecond either side of a record's time splits
  // records the same way in both, the record's own (rounded) time would not.
  if (kind === 'datetime') held = held.flatMap((v) => [-1, 1].map((d) => new Date(Date.parse(String(v)) + d).toISOString()));
  const extra: Record<string, unknown[]> = {
    text: ['', 'a', 'A', '%', '_', '\\', 'ab'],
    number: [0, 1, 50, 1_000_000, -5, 2.5],
    date: ['2026-01-01', '2026-06-30', '2030-01-01'],
    datetime: ['2026-01-01T00:00:00Z', '2999-01-01T00:00:00.000Z'],
    boolean: [true, false],
    uuid: ['$me', '00000000-0000-7000-8000-000000000000'],
    enum: ['open', 'won', 'lost', ...options],
    multiselect: options,
  };
  const pool = [...held.flatMap((v) => (Array.isArray(v) ? v : [v])), ...(extra[kind] ?? [])];
  return pool.length ? pool : [null];
}

// The app (and its worker) start once, before the first test's clock runs.
beforeAll(() => testApp());

describe('the JavaScript filter evaluator', () => {
  it('agrees with the SQL the same filter compiles to, on the same records', async () => {
    const w = await world();
    const { db } = await testDatabase();
    const ctx = {
      workspaceId: w.s.workspaceId,
      memberId: w.s.memberId,
      actor: { type: 'member' as const, id: w.s.memberId },
      role: 'owner' as const,
      requestId: null,
    };
    const obj = builtInObjects.deal;
    const fields = await objectFields(db, ctx, obj);
    const names = [
      'name',
      'amountMinor',
      'probability',
      'expectedCloseDate',
      'status',
      'ownerId',
      'companyId',
      'closedAt',
      'stageId',
      ...['note', 'score', 'renewal', 'vip', 'tier', 'tags', 'budget'].map((k) => `custom.${k}`),
    ];
    const leaf = fc.constantFrom(...names).chain((field) => {
      const spec = fields.spec(field);
      if (!spec) throw new Error(`no field ${field}`);
      const pool = valuesOf(spec.kind, field, w, (r, f) => fields.read(r, f));
      const one = fc.constantFrom(...pool);
      return fc.constantFrom(...operatorsByKind[spec.kind]).chain((op) => {
        const value =
          op === 'in' || op === 'notIn' || spec.kind === 'multiselect'
            ? fc.uniqueArray(one, { minLength: 1, maxLength: 3 })
            : op === 'between'
              ? fc.tuple(one, one)
              : op === 'isEmpty' || op === 'isNotEmpty'
                ? fc.constant(undefined)
                : one;
        return value.map((v) => (v === undefined ? { field, op } : { field, op, value: v }));
      });
    });
    const tree = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        leaf,
        fc.record({ and: fc.array(tie('node'), { minLength: 1, maxLength: 3 }) }),
        fc.record({ or: fc.array(tie('node'), { minLength: 1, maxLength: 3 }) }),
        fc.record({ not: tie('node') }),
      ),
    })).node;
    const ids = w.records.map((r) => r.id);
    let compiled = 0;
    let bothSides = 0;
    await fc.assert(
      fc.asyncProperty(tree, async (filter) => {
        let where: ReturnType<typeof compileFilter>;
        try {
          where = compileFilter(filter, { field: fields.spec, memberId: w.s.memberId });
        } catch {
          return; // a filter the language refuses (too deep, a value of the wrong shape) is not evaluated at all
        }
        compiled++;
        const rows = await db
          .select({ id: deals.id })
          .from(deals)
          .where(and(eq(deals.workspaceId, w.s.workspaceId), inArray(deals.id, ids), where));
        const bySql = new Set(rows.map((r) => r.id));
        const byJs = new Set(
          w.records
            .filter((r) => evaluateFilter(filter, { kind: (f) => fields.spec(f), read: (f) => fields.read(r, f), memberId: w.s.memberId }))
            .map((r) => r.id),
        );
        if (bySql.size > 0 && bySql.size < ids.length) bothSides++;
        expect([...byJs].sort(), JSON.stringify(filter)).toEqual([...bySql].sort());
      }),
      { numRuns: runs, seed },
    );
    // The property is worth something only if most filters compiled and many split the records.
    expect(compiled).toBeGreaterThan(runs * 0.8);
    expect(bothSides).toBeGreaterThan(runs * 0.2);
  }, 120_000);
});
