import type { ServerResponse } from 'node:http';
import { and, eq, gt, or } from 'drizzle-orm';
import type { Ctx } from '../../http/context.ts';
import type { App } from '../../http/typed-app.ts';
import type { ChatHub } from './chat.hub.ts';
import { markAgentSeen, toConversation } from './chat.service.ts';
import { chatConversations } from './chat.table.ts';
import { openStream, sse } from './sse.ts';

/** Open agent streams in this process per member: the last one to close takes the agent offline. */
const openPerMember = new Map<string, number>();

/**
 * The Chat page's stream: each conversation of the workspace that changed (a new message, closed,
 * made a ticket) since the stream last looked. It keeps the agent's presence stamp fresh.
 */
export async function agentStream(app: App, hub: ChatHub, ends: Set<() => void>, ctx: Ctx, res: ServerResponse, seconds: number) {
  const key = `${ctx.workspaceId}:${ctx.memberId}`;
  const seen = new Map<string, string>();
  const since = new Date();
  let unsubscribe = () => {};
  let stamp: NodeJS.Timeout | undefined;
  const stream = openStream(res, ends, seconds, () => {
    unsubscribe();
    clearInterval(stamp);
    const left = (openPerMember.get(key) ?? 1) - 1;
    if (left > 0) openPerMember.set(key, left);
    else {
      openPerMember.delete(key);
      markAgentSeen(app.db, ctx, false).catch(() => {});
    }
  });
  openPerMember.set(key, (openPerMember.get(key) ?? 0) + 1);
  await markAgentSeen(app.db, ctx, true);
  stamp = setInterval(() => markAgentSeen(app.db, ctx, true).catch(() => {}), 15_000);

  let reading = false;
  let again = false;
  const look = async () => {
    if (reading) {
      again = true;
      return;
    }
    reading = true;
    try {
      do {
        again = false;
        // The open conversations and whatever changed since the stream began: one indexed read per wake.
        const rows = await app.db
          .select()
          .from(chatConversations)
          .where(
            and(
              eq(chatConversations.workspaceId, ctx.workspaceId),
              or(eq(chatConversations.status, 'open'), gt(chatConversations.updatedAt, since)),
            ),
          )
          .limit(500);
        for (const r of rows) {
          const mark = `${r.status}:${r.lastSeq}:${r.ticketId}:${r.assigneeId}`;
          if (seen.get(r.id) === mark) continue;
          const first = !seen.has(r.id);
          seen.set(r.id, mark);
          // What was open when the page connected it has read already; the stream tells of changes.
          if (first && r.updatedAt <= since) continue;
          stream.write(sse('conversation', toConversation(r)));
        }
      } while (again && !stream.isEnded());
    } catch {
      // A failed read (the connection gone) is retried on the next wake.
    } finally {
      reading = false;
    }
  };
  if (seconds > 0) unsubscribe = await hub.subscribe(() => void look());
  await look();
  stream.write(`retry: 1000\n${sse('ready', { seconds })}`);
  if (seconds === 0) stream.end();
}
