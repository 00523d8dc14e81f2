import { createHmac, timingSafeEqual } from 'node:crypto';
import { type Keyring, keyring } from '../../security/keyring.ts';

// Tokens the portal hands out without storing them (the contact form's fill-time token, a ticket's
// satisfaction-survey link): `<payload>.<keyId>.<mac>`, an HMAC over the payload with a key derived
// from the secrets keyring for one purpose, so a token of one kind never stands for another and a
// key rotation keeps tokens valid while their key is in the ring (as email tracking does).

const derived = (key: Buffer, purpose: string) => createHmac('sha256', key).update(`rapport/portal/${purpose}/v1`).digest();
const mac = (key: Buffer, purpose: string, payload: string) =>
  createHmac('sha256', derived(key, purpose)).update(payload).digest('base64url');

export function sign(purpose: string, parts: string[], ring: Keyring = keyring()) {
  const payload = Buffer.from(parts.join('|')).toString('base64url');
  const key = ring.keys.get(ring.activeId) as Buffer;
  return `${payload}.${ring.activeId}.${mac(key, purpose, payload)}`;
}

/** The parts a token carries, or null when it is malformed, altered, or for another purpose. */
export function verify(purpose: string, token: string | undefined, ring: Keyring = keyring()): string[] | null {
  if (!token || token.length > 300) return null;
  const pieces = token.split('.');
  if (pieces.length !== 3) return null;
  const [payload, keyId, sig] = pieces;
  const key = ring.keys.get(keyId);
  if (!key || !/^[A-Za-z0-9_-]+$/.test(payload)) return null;
  const given = Buffer.from(sig);
  const want = Buffer.from(mac(key, purpose, payload));
  if (given.length !== want.length || !timingSafeEqual(given, want)) return null;
  return Buffer.from(payload, 'base64url').toString().split('|');
}
