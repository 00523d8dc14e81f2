import { createHash } from 'node:crypto';
import { and, eq, gt, lte, sql } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import type { Db, Tx } from '../db/client.ts';
import { AppError, badRequest } from '../http/errors.ts';
import { idempotencyKeys } from './idempotency.table.ts';

export interface Outcome<B = Record<string, unknown>> {
  status: number;
  body: B;
}

const uniqueViolation = (e: unknown) =>
  (e as { code?: string; cause?: { code?: string } })?.code === '23505' || (e as { cause?: { code?: string } })?.cause?.code === '23505';

/**
 * Runs a create in a transaction. With an `Idempotency-Key` header the response is saved in the
 * same transaction, so a retried request gets the first answer and nothing is created twice; the
 * same key with another payload is refused (422). Keys live 24 hours.
 *
 * `serialize`: for a create with an effect outside the database (an email sent), which a rolled
 * back transaction cannot take back. Requests with the same key then wait for each other on an
 * advisory lock and look for a saved answer again once they hold it, so the effect happens once.
 */
export async function idempotent<B extends Record<string, unknown>>(
  db: Db,
  req: FastifyRequest,
  run: (tx: Tx) => Promise<Outcome<B>>,
  opts: { serialize?: boolean } = {},
): Promise<Outcome<B> & { replayed?: boolean }> {
  const key = req.headers['idempotency-key'];
  if (key === undefined) return db.transaction(run);
  if (typeof key !== 'string' || key.length === 0 || key.length > 255 || !/^[\x21-\x7e]+$/.test(key)) {
    throw badRequest('headers.idempotency-key', 'bad_idempotency_key', 'Idempotency-Key must be 1–255 visible ASCII characters');
  }
  const { ctx } = req;
  const principal = `${ctx.actor.type}:${ctx.actor.id}`;
  const fingerprint = createHash('sha256')
    .update(`${req.method} ${req.url} ${JSON.stringify(req.body ?? null)}`)
    .digest('hex');
  const where = and(
    eq(idempotencyKeys.workspaceId, ctx.workspaceId),
    eq(idempotencyKeys.principal, principal),
    eq(idempotencyKeys.key, key),
  );
  const replay = async () => {
    const [saved] = await db
      .select()
      .from(idempotencyKeys)
      .where(and(where, gt(idempotencyKeys.createdAt, sql`now() - interval '24 hours'`)));
    if (!saved) return null;
    if (saved.fingerprint !== fingerprint) {
      throw new AppError(422, 'idempotency_key_reused', 'This Idempotency-Key was used for a different request');
    }
    // The saved body is what `run` returned for this same request (the fingerprint matched), stored as jsonb.
    return { status: saved.statusCode, body: saved.response as B, replayed: true };
  };
  const earlier = await replay();
  if (earlier) return earlier;
  await db.delete(idempotencyKeys).where(and(where, lte(idempotencyKeys.createdAt, sql`now() - interval '24 hours'`)));
  try {
    return await db.transaction(async (tx) => {
      if (opts.serialize) {
        await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`${ctx.workspaceId} ${principal} ${key}`}, 0))`);
        const [saved] = await tx
          .select()
          .from(idempotencyKeys)
          .where(and(where, gt(idempotencyKeys.createdAt, sql`now() - interval '24 hours'`)));
        if (saved) {
          if (saved.fingerprint !== fingerprint) {
            throw new AppError(422, 'idempotency_key_reused', 'This Idempotency-Key was used for a different request');
          }
          return { status: saved.statusCode, body: saved.response as B, replayed: true };
        }
      }
      const out = await run(tx);
      await tx.insert(idempotencyKeys).values({
        workspaceId: ctx.workspaceId,
        principal,
        key,
        fingerprint,
        statusCode: out.status,
        response: out.body,
      });
      return out;
    });
  } catch (e) {
    // A concurrent request with the same key committed first: answer as it did.
    if (uniqueViolation(e)) {
      const other = await replay();
      if (other) return other;
    }
    throw e;
  }
}
