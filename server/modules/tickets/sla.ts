import { eq } from 'drizzle-orm';
import {
  pausedTicketStatuses,
  type SlaPolicy,
  type slaStates,
  type ticketPriorities,
  type ticketStatuses,
} from '../../../contract/support.ts';
import type { Conn } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { addBusinessMinutes, isTimeZone, type Pause } from './sla-clock.ts';
import { type StoredPause, slaPolicies } from './tickets.table.ts';

// What an SLA policy means for one ticket: its due times (business minutes on the policy's
// calendar, with the clock stopped while the ticket is pending or on hold) and where it stands.

/** How long before a target a ticket counts as "breaching soon". */
export const BREACHING_SOON_MS = 30 * 60_000;

type Status = (typeof ticketStatuses)[number];
type SlaState = (typeof slaStates)[number];

export interface SlaInput {
  priority: (typeof ticketPriorities)[number];
  status: Status;
  createdAt: Date;
  firstRespondedAt: Date | null;
  awaitingSince: Date | null;
  solvedAt: Date | null;
  slaPauses: StoredPause[];
}

export interface SlaDue {
  firstResponseDueAt: Date | null;
  nextResponseDueAt: Date | null;
  resolutionDueAt: Date | null;
}

const isPaused = (s: Status) => (pausedTicketStatuses as readonly string[]).includes(s);

/**
 * The pauses after a status change at `at`: entering pending or on hold opens one, leaving them
 * closes it. Moving between the two paused statuses keeps the same pause.
 */
export function pausesAfter(pauses: StoredPause[], to: Status, at: Date): StoredPause[] {
  const open = pauses.length > 0 && pauses[pauses.length - 1].to === null;
  if (isPaused(to) && !open) return [...pauses, { from: at.toISOString(), to: null }];
  if (!isPaused(to) && open) return [...pauses.slice(0, -1), { ...pauses[pauses.length - 1], to: at.toISOString() }];
  return pauses;
}

const toPauses = (stored: StoredPause[]): Pause[] => stored.map((p) => ({ from: new Date(p.from), to: p.to ? new Date(p.to) : null }));

/** The ticket's due times under the policy: a target already met (or absent) has none. */
export function dueTimes(policy: SlaPolicy | null, t: SlaInput): SlaDue {
  const none = { firstResponseDueAt: null, nextResponseDueAt: null, resolutionDueAt: null };
  if (!policy || t.status === 'solved' || t.status === 'closed') return none;
  const targets = policy.targets[t.priority];
  const pauses = toPauses(t.slaPauses);
  const add = (from: Date, minutes: number | null) => (minutes ? addBusinessMinutes(policy.calendar, from, minutes, pauses) : null);
  return {
    firstResponseDueAt: t.firstRespondedAt ? null : add(t.createdAt, targets.firstResponse),
    nextResponseDueAt: t.firstRespondedAt && t.awaitingSince ? add(t.awaitingSince, targets.nextResponse) : null,
    resolutionDueAt: t.solvedAt ? null : add(t.createdAt, targets.resolution),
  };
}

/** The earliest target still to meet, and its name. */
export function nextTarget(due: SlaDue): { target: keyof SlaDue; dueAt: Date } | null {
  let best: { target: keyof SlaDue; dueAt: Date } | null = null;
  for (const target of ['firstResponseDueAt', 'nextResponseDueAt', 'resolutionDueAt'] as const) {
    const at = due[target];
    if (at && (!best || at < best.dueAt)) best = { target, dueAt: at };
  }
  return best;
}

/** Where a ticket stands at `now`: none without a target, ok, breaching soon (30 min), breached. */
export function slaStateAt(due: SlaDue, now: Date): SlaState {
  const next = nextTarget(due);
  if (!next) return 'none';
  const left = next.dueAt.getTime() - now.getTime();
  if (left <= 0) return 'breached';
  return left <= BREACHING_SOON_MS ? 'breaching_soon' : 'ok';
}

export const getSlaPolicy = (conn: Conn, ctx: Ctx) => slaPolicyOf(conn, ctx.workspaceId);

/** A workspace's SLA policy as the system reads it (a job of the workspace), or null. */
export async function slaPolicyOf(conn: Conn, workspaceId: string): Promise<SlaPolicy | null> {
  const [row] = await conn.select({ policy: slaPolicies.policy }).from(slaPolicies).where(eq(slaPolicies.workspaceId, workspaceId));
  return row?.policy ?? null;
}

/** Checks what the schema cannot: a real time zone, and opening hours that end after they start. */
export function checkPolicy(policy: SlaPolicy) {
  const errors: { field: string; code: string; message: string }[] = [];
  if (!isTimeZone(policy.calendar.timeZone)) {
    errors.push({ field: 'body.calendar.timeZone', code: 'unknown_time_zone', message: 'is not an IANA time zone' });
  }
  for (const [day, hours] of Object.entries(policy.calendar.week)) {
    for (const [i, h] of (hours ?? []).entries()) {
      if (h.to <= h.from) errors.push({ field: `body.calendar.week.${day}.${i}.to`, code: 'before_from', message: 'must be after from' });
    }
  }
  return errors;
}

export async function putSlaPolicy(conn: Conn, ctx: Ctx, id: string, policy: SlaPolicy) {
  await conn
    .insert(slaPolicies)
    .values({ workspaceId: ctx.workspaceId, id, policy })
    .onConflictDoUpdate({ target: [slaPolicies.workspaceId], set: { policy, updatedAt: new Date() } });
  return policy;
}
