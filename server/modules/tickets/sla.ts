import { eq } from 'drizzle-orm';
import {
  type BusinessCalendar,
  pausedTicketStatuses,
  type SlaPolicy,
  type SlaPolicyPut,
  type SlaPriorityTargets,
  type slaStates,
  type ticketChannels,
  type ticketPriorities,
  type ticketStatuses,
} from '../../../contract/support.ts';
import type { Conn } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { type Customer, customerTiers, fold } from './customer-tier.ts';
import { addBusinessMinutes, isTimeZone, type Pause } from './sla-clock.ts';
import { type StoredPause, slaPolicies } from './tickets.table.ts';

// What an SLA policy means for one ticket: the terms it falls under (the first override matching
// its channel and customer tier, else the base targets), its due times (business minutes on that
// calendar, with the clock stopped while the ticket is pending or on hold) and where it stands.

/** How long before a target a ticket counts as "breaching soon". */
export const BREACHING_SOON_MS = 30 * 60_000;

type Status = (typeof ticketStatuses)[number];
type SlaState = (typeof slaStates)[number];

export interface SlaInput {
  priority: (typeof ticketPriorities)[number];
  channel: (typeof ticketChannels)[number];
  /** The customer's tier, folded (customer-tier.ts), or null: no tier. */
  tier: string | null;
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

/** The targets and calendar that apply to a ticket. */
export interface SlaTerms {
  /** The override's name, or null: the policy's base targets. */
  override: string | null;
  calendar: BusinessCalendar;
  targets: SlaPriorityTargets;
}

/**
 * The terms of a ticket of `channel` from a customer of `tier`: the first override whose channels
 * (empty: any) hold the channel and whose tiers (empty: any, none included) hold the tier, else the
 * base targets. An override without its own calendar counts on the policy's.
 */
export function slaTerms(policy: SlaPolicy, channel: SlaInput['channel'], tier: string | null): SlaTerms {
  for (const o of policy.overrides) {
    if (o.channels.length && !o.channels.includes(channel)) continue;
    if (o.tiers.length && (tier === null || !o.tiers.some((x) => fold(x) === tier))) continue;
    return { override: o.name, calendar: o.calendar ?? policy.calendar, targets: o.targets };
  }
  return { override: null, calendar: policy.calendar, targets: policy.targets };
}

/** Whether the tier can change a ticket's terms: only when an override names tiers (else the read is saved). */
export const readsTier = (policy: SlaPolicy | null) => !!policy?.overrides.some((o) => o.tiers.length);

/** The customers' tiers when the policy looks at them (in order), else nulls. */
export async function tiersFor(conn: Conn, workspaceId: string, policy: SlaPolicy | null, customers: Customer[]) {
  return readsTier(policy) ? customerTiers(conn, workspaceId, customers) : customers.map(() => null);
}

/** The ticket's due times under the policy: a target already met (or absent) has none. */
export function dueTimes(policy: SlaPolicy | null, t: SlaInput): SlaDue {
  const none = { firstResponseDueAt: null, nextResponseDueAt: null, resolutionDueAt: null };
  if (!policy || t.status === 'solved' || t.status === 'closed') return none;
  const terms = slaTerms(policy, t.channel, t.tier);
  const targets = terms.targets[t.priority];
  const pauses = toPauses(t.slaPauses);
  const add = (from: Date, minutes: number | null) => (minutes ? addBusinessMinutes(terms.calendar, from, minutes, pauses) : null);
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

/** A policy as stored: those saved before overrides existed have none. */
export const normalisePolicy = (stored: SlaPolicyPut): SlaPolicy => ({ ...stored, overrides: stored.overrides ?? [] });

/** A workspace's SLA policy as the system reads it (a job of the workspace), or null. */
export async function slaPolicyOf(conn: Conn, workspaceId: string): Promise<SlaPolicy | null> {
  const [row] = await conn.select({ policy: slaPolicies.policy }).from(slaPolicies).where(eq(slaPolicies.workspaceId, workspaceId));
  return row ? normalisePolicy(row.policy) : null;
}

type FieldError = { field: string; code: string; message: string };

/** A calendar's checks the schema cannot make: a real time zone, and opening hours that end after they start. */
function checkCalendar(calendar: BusinessCalendar, at: string): FieldError[] {
  const errors: FieldError[] = [];
  if (!isTimeZone(calendar.timeZone)) {
    errors.push({ field: `${at}.timeZone`, code: 'unknown_time_zone', message: 'is not an IANA time zone' });
  }
  for (const [day, hours] of Object.entries(calendar.week)) {
    for (const [i, h] of (hours ?? []).entries()) {
      if (h.to <= h.from) errors.push({ field: `${at}.week.${day}.${i}.to`, code: 'before_from', message: 'must be after from' });
    }
  }
  return errors;
}

/**
 * The override list's own shape, which the schema cannot say: names unique (folded, as people read
 * them) and each override narrowed by a channel or a tier (one matching every ticket would hide the
 * base targets and every override after it). Malformed as a document, so 400 like a schema error.
 */
export function checkOverrides(policy: SlaPolicyPut): FieldError[] {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  for (const [i, o] of (policy.overrides ?? []).entries()) {
    const name = fold(o.name);
    if (seen.has(name)) errors.push({ field: `body.overrides.${i}.name`, code: 'duplicate_name', message: 'names another override too' });
    seen.add(name);
    if (!o.channels.length && !o.tiers.length) {
      errors.push({
        field: `body.overrides.${i}.channels`,
        code: 'empty_override',
        message: 'name a channel or a tier: an override must narrow',
      });
    }
  }
  return errors;
}

/** Checks of the calendars (422: well-formed, but no such zone; hours backwards). */
export function checkPolicy(policy: SlaPolicyPut) {
  return [
    ...checkCalendar(policy.calendar, 'body.calendar'),
    ...(policy.overrides ?? []).flatMap((o, i) => (o.calendar ? checkCalendar(o.calendar, `body.overrides.${i}.calendar`) : [])),
  ];
}

export async function putSlaPolicy(conn: Conn, ctx: Ctx, id: string, input: SlaPolicyPut) {
  const policy = normalisePolicy({
    ...input,
    overrides: input.overrides?.map((o) => ({ ...o, name: o.name.trim(), tiers: [...new Set(o.tiers.map((x) => x.trim()))] })),
  });
  await conn
    .insert(slaPolicies)
    .values({ workspaceId: ctx.workspaceId, id, policy })
    .onConflictDoUpdate({ target: [slaPolicies.workspaceId], set: { policy, updatedAt: new Date() } });
  return policy;
}
