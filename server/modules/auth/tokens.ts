import { createHash, randomBytes } from 'node:crypto';

const uuidRe = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * Session and invitation tokens: `<workspace id>.<32 random bytes>`. Carrying the workspace
 * lets the lookup be (workspace_id, token_hash), which stays on one node when data is sharded.
 */
export function newToken(workspaceId: string) {
  const token = `${workspaceId}.${randomBytes(32).toString('base64url')}`;
  return { token, hash: sha256(token) };
}

export function parseToken(token: string | undefined) {
  if (!token || token.length > 200) return null;
  const dot = token.indexOf('.');
  const workspaceId = token.slice(0, dot);
  if (dot !== 36 || !uuidRe.test(workspaceId)) return null;
  return { workspaceId, hash: sha256(token) };
}

/** API keys: `rpk_` + base64url(workspace id bytes ‖ 32 random bytes); recognisable by secret scanners. */
export function newApiKey(workspaceId: string) {
  const ws = Buffer.from(workspaceId.replaceAll('-', ''), 'hex');
  const key = `rpk_${Buffer.concat([ws, randomBytes(32)]).toString('base64url')}`;
  return { key, hash: sha256(key), prefix: key.slice(0, 12) };
}

export function parseApiKey(key: string | undefined) {
  if (!key?.startsWith('rpk_') || key.length > 100) return null;
  const bytes = Buffer.from(key.slice(4), 'base64url');
  if (bytes.length !== 48) return null;
  const hex = bytes.subarray(0, 16).toString('hex');
  const workspaceId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  return { workspaceId, hash: sha256(key) };
}
