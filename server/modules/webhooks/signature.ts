import { createHmac, randomBytes } from 'node:crypto';

/**
 * Signing per the Standard Webhooks specification (standardwebhooks.com, v1): the receiver is
 * sent `webhook-id`, `webhook-timestamp` (Unix seconds) and `webhook-signature`, a space-separated
 * list of `v1,<base64 HMAC-SHA256 of "id.timestamp.body">` keyed with the secret's bytes (the
 * base64 after `whsec_`). Any library that follows the spec verifies it; the tests use the
 * reference one.
 */

/** A new endpoint secret: `whsec_` and the base64 of 32 random bytes (the spec asks for 24 to 64). */
export const newSecret = () => `whsec_${randomBytes(32).toString('base64')}`;

export function signature(secret: string, id: string, timestamp: number, body: string) {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

/**
 * The three headers of one attempt. During a rotation the body is signed with the old secret as
 * well, so a receiver still holding it keeps verifying until it switches.
 */
export function signedHeaders(secrets: string[], id: string, timestamp: number, body: string) {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': secrets.map((s) => signature(s, id, timestamp, body)).join(' '),
  };
}
