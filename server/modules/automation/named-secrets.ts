import { and, eq, inArray, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { AutomationSecret, AutomationSecretCreate } from '../../../contract/automation.ts';
import { type Conn, selectRows } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { AppError, conflict, notFound } from '../../http/errors.ts';
import { decryptSecret, encryptSecret, keyring } from '../../security/keyring.ts';
import { automationSecrets } from './automation.table.ts';

// Named secrets for rules (an API token a "call a webhook" step sends in a header). Rule definitions
// and run logs are read by every member, so a step names its secret, `{{secret.NAME}}`, and the value
// is filled in only when the request is sent. Values are sealed with the keyring, bound to their row.

/** `{{secret.NAME}}` in a text, with the spaces templates allow. */
const secretRef = /\{\{\s*secret\.([A-Za-z][A-Za-z0-9_]{0,63})\s*\}\}/g;

/** The secret names a text refers to. */
export const secretNames = (text: string) => [...new Set([...text.matchAll(secretRef)].map((m) => m[1]))];

/** The text with its secret placeholders taken out (what the other template checks read). */
export const withoutSecrets = (text: string) => text.replace(secretRef, '');

const bound = (workspaceId: string, id: string) => `automation-secret:${workspaceId}:${id}`;
const mine = (ctx: Ctx) => eq(automationSecrets.workspaceId, ctx.workspaceId);

/** The rules (not deleted) whose definition names a secret, by secret name. */
async function usersOf(conn: Conn, ctx: Ctx, names: string[]) {
  const out = new Map<string, { id: string; name: string }[]>(names.map((n) => [n, []]));
  if (!names.length) return out;
  const rules = await selectRows<{ id: string; name: string; definition: string }>(
    conn,
    sql`select id, name, definition::text as definition from automation_rules
      where workspace_id = ${ctx.workspaceId} and deleted_at is null and definition::text like '%secret.%'
      order by name`,
  );
  for (const r of rules) for (const n of secretNames(r.definition)) out.get(n)?.push({ id: r.id, name: r.name });
  return out;
}

export async function listSecrets(conn: Conn, ctx: Ctx): Promise<AutomationSecret[]> {
  const rows = await conn.select().from(automationSecrets).where(mine(ctx)).orderBy(automationSecrets.name);
  const users = await usersOf(
    conn,
    ctx,
    rows.map((r) => r.name),
  );
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    usedBy: users.get(r.name) ?? [],
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  }));
}

async function one(conn: Conn, ctx: Ctx, id: string) {
  const found = (await listSecrets(conn, ctx)).find((s) => s.id === id);
  if (!found) throw notFound('Secret');
  return found;
}

export async function createSecret(conn: Conn, ctx: Ctx, input: AutomationSecretCreate) {
  const id = uuidv7();
  const made = await conn
    .insert(automationSecrets)
    .values({
      workspaceId: ctx.workspaceId,
      id,
      name: input.name,
      sealed: encryptSecret(keyring(), input.value, bound(ctx.workspaceId, id)),
      createdBy: ctx.memberId,
    })
    .onConflictDoNothing()
    .returning({ id: automationSecrets.id });
  if (!made.length) {
    throw new AppError(409, 'secret_exists', `A secret named ${input.name} exists: change its value instead`, [
      { field: 'body.name', code: 'exists', message: 'is the name of another secret' },
    ]);
  }
  return one(conn, ctx, id);
}

/** A new value for a secret (a rotated token); rules that name it send the new one from now on. */
export async function updateSecret(conn: Conn, ctx: Ctx, id: string, value: string) {
  const done = await conn
    .update(automationSecrets)
    .set({ sealed: encryptSecret(keyring(), value, bound(ctx.workspaceId, id)), updatedAt: sql`now()` })
    .where(and(mine(ctx), eq(automationSecrets.id, id)))
    .returning({ id: automationSecrets.id });
  if (!done.length) throw notFound('Secret');
  return one(conn, ctx, id);
}

/** Deletes a secret no rule names (a rule naming it would fail at its next call). */
export async function deleteSecret(conn: Conn, ctx: Ctx, id: string) {
  const secret = await one(conn, ctx, id);
  if (secret.usedBy.length) {
    throw conflict('secret_in_use', `${secret.name} is used by ${secret.usedBy.map((r) => r.name).join(', ')}: change those rules first`, {
      rules: secret.usedBy,
    });
  }
  await conn.delete(automationSecrets).where(and(mine(ctx), eq(automationSecrets.id, id)));
  return secret;
}

/** Which of `names` exist in this workspace. */
export async function existingSecrets(conn: Conn, ctx: Ctx, names: string[]) {
  if (!names.length) return new Set<string>();
  const rows = await conn
    .select({ name: automationSecrets.name })
    .from(automationSecrets)
    .where(and(mine(ctx), inArray(automationSecrets.name, names)));
  return new Set(rows.map((r) => r.name));
}

/** The values of secrets by name, opened for one request; a name with no secret is an error in words. */
export async function openSecrets(conn: Conn, ctx: Ctx, names: string[]) {
  const out = new Map<string, string>();
  if (!names.length) return out;
  const rows = await conn
    .select()
    .from(automationSecrets)
    .where(and(mine(ctx), inArray(automationSecrets.name, names)));
  for (const r of rows) out.set(r.name, decryptSecret(keyring(), r.sealed, bound(ctx.workspaceId, r.id)));
  const missing = names.filter((n) => !out.has(n));
  if (missing.length) throw new Error(`no secret named ${missing.join(', ')} in this workspace (Automation → Settings)`);
  return out;
}
