import { uuidv7 } from 'uuidv7';
import type { SecurityEventKind } from '../../../contract/audit.ts';
import type { Conn } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { securityEvents } from './audit.table.ts';

/**
 * Writes one security event in the caller's transaction, so that it is kept exactly when the
 * change it tells of is (a refused request has no change: it is written on its own).
 */
export async function logSecurityEvent(
  conn: Conn,
  ctx: Ctx,
  kind: SecurityEventKind,
  subject: { type: string; id: string | null } | null,
  detail: Record<string, unknown> = {},
) {
  await conn.insert(securityEvents).values({
    workspaceId: ctx.workspaceId,
    id: uuidv7(),
    kind,
    actorType: ctx.actor.type,
    actorId: ctx.actor.id,
    memberId: ctx.actor.type === 'system' ? null : ctx.memberId,
    subjectType: subject?.type ?? null,
    subjectId: subject?.id ?? null,
    detail,
    ip: ctx.ip ?? null,
    requestId: ctx.requestId,
  });
}

/** Member fields whose change matters to security; a new name, language or time zone does not. */
const memberSecurityFields = new Set(['role', 'disabledAt', 'twoFactor', 'passwordResetLink', 'passwordResetRequest', 'password']);

/**
 * The security event that a change of a member, invitation, API key or the workspace's settings
 * makes, if any (history.service's recordChange asks): these changes stay in the history too, but
 * the security log is what an auditor filters, and what the retention setting purges.
 */
export function securityKindOf(recordType: string, pastTense: string, fields: (string | null)[]): SecurityEventKind | null {
  const kind = `${recordType}.${pastTense}`;
  if (kind === 'member.updated' && !fields.some((f) => f !== null && memberSecurityFields.has(f))) return null;
  const known: readonly string[] = [
    'member.created',
    'member.updated',
    'invitation.created',
    'invitation.deleted',
    'api_key.created',
    'api_key.deleted',
    'workspace.updated',
  ];
  return known.includes(kind) ? (kind as SecurityEventKind) : null;
}
