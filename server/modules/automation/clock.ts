/**
 * The time automation reads: when a wait is over, when a time trigger or a schedule is due, how many
 * runs the rate guard counts. Everything in the module asks `automationClock.now()`, never `new
 * Date()`, so that tests move time forward (two days in a line) instead of sleeping, and a test's
 * worker processes can be handed the same moved clock (see automation.fixture.ts).
 */
export const automationClock = { now: (): Date => new Date() };

export const now = () => automationClock.now();
