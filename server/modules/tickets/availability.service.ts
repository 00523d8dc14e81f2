import { and, eq } from 'drizzle-orm';
import type { AgentStatus, SupportAgent } from '../../../contract/support.ts';
import type { Conn } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { notFound } from '../../http/errors.ts';
import { enqueue } from '../../jobs/queue.ts';
import { listMembers } from '../auth/members.service.ts';
import { now } from '../automation/clock.ts';
import { reassignAwayJob } from './routing.jobs.ts';
import { skillOf } from './routing.service.ts';
import { supportAgents } from './routing.table.ts';

// Agents' availability (issue 14): each member sets their own status; the team reads it. Only
// `online` agents are given tickets.

/** Every enabled member with their support status (`off` until set) and skills, by name. */
export async function listSupportAgents(conn: Conn, ctx: Ctx): Promise<SupportAgent[]> {
  const rows = await conn.select().from(supportAgents).where(eq(supportAgents.workspaceId, ctx.workspaceId));
  const by = new Map(rows.map((r) => [r.memberId, r]));
  return (await listMembers(conn, ctx))
    .filter((m) => !m.disabledAt)
    .map((m) => {
      const r = by.get(m.id);
      return {
        memberId: m.id,
        name: m.name,
        status: r?.status ?? 'off',
        skills: r?.skills ?? [],
        statusChangedAt: r?.statusChangedAt?.toISOString() ?? null,
      };
    });
}

async function agentOf(conn: Conn, ctx: Ctx, memberId: string) {
  const found = (await listSupportAgents(conn, ctx)).find((a) => a.memberId === memberId);
  if (!found) throw notFound('Member');
  return found;
}

/**
 * Sets the caller's status. Going away or off from online hands their open tickets in teams that
 * reassign to a job, enqueued in this transaction: it runs only once the status is committed, and
 * it re-reads the status, so a quick "away, back online" moves nothing.
 */
export async function setMyStatus(conn: Conn, ctx: Ctx, status: AgentStatus): Promise<{ agent: SupportAgent; jobId: string | null }> {
  const [before] = await conn
    .select({ status: supportAgents.status })
    .from(supportAgents)
    .where(and(eq(supportAgents.workspaceId, ctx.workspaceId), eq(supportAgents.memberId, ctx.memberId)))
    .for('update');
  const at = now();
  await conn
    .insert(supportAgents)
    .values({ workspaceId: ctx.workspaceId, memberId: ctx.memberId, status, statusChangedAt: at })
    .onConflictDoUpdate({ target: [supportAgents.workspaceId, supportAgents.memberId], set: { status, statusChangedAt: at } });
  let jobId: string | null = null;
  if (status !== 'online' && (before?.status ?? 'off') !== status) {
    jobId = await enqueue(conn, reassignAwayJob, { memberId: ctx.memberId }, { workspaceId: ctx.workspaceId });
  }
  return { agent: await agentOf(conn, ctx, ctx.memberId), jobId };
}

/** Sets a member's skills (lower-cased, once each), keeping their status. 404 for a member not of this workspace. */
export async function setAgentSkills(conn: Conn, ctx: Ctx, memberId: string, skills: string[]): Promise<SupportAgent> {
  await agentOf(conn, ctx, memberId);
  const clean = [...new Set(skills.map((s) => skillOf(s) as string))];
  await conn
    .insert(supportAgents)
    .values({ workspaceId: ctx.workspaceId, memberId, skills: clean })
    .onConflictDoUpdate({ target: [supportAgents.workspaceId, supportAgents.memberId], set: { skills: clean } });
  return agentOf(conn, ctx, memberId);
}
