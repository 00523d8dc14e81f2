import { expect } from 'vitest';

/**
 * A harness for check-then-act rules under concurrency: in each round, `setup` makes a fresh
 * state, every action runs at the same moment, and `check` asserts the invariant afterwards, given
 * each action's outcome. On PostgreSQL the actions really run side by side (one pooled connection
 * each); on PGlite they interleave between statements on its one connection. A rule that holds
 * only when requests come one at a time fails here within a few rounds.
 */
export async function race<S, R>(opts: {
  rounds: number;
  setup: (round: number) => Promise<S>;
  actions: ((state: S) => Promise<R>)[];
  check: (state: S, results: PromiseSettledResult<R>[]) => Promise<void> | void;
}) {
  for (let round = 0; round < opts.rounds; round++) {
    const state = await opts.setup(round);
    // All actions are created before any is awaited, so they are in flight together.
    const results = await Promise.allSettled(opts.actions.map((act) => act(state)));
    await opts.check(state, results);
  }
}

/** Status codes of settled inject() calls; a rejected call (a thrown error) fails the test. */
export function statuses(results: PromiseSettledResult<{ statusCode: number }>[]) {
  return results.map((r) => {
    if (r.status === 'rejected') throw r.reason;
    return r.value.statusCode;
  });
}

/** Every status is one of `allowed` (never a 5xx). */
export function expectStatuses(codes: number[], allowed: number[]) {
  for (const c of codes) expect(allowed, `status ${c} among ${codes}`).toContain(c);
}
