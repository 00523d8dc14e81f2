import { Secret, TOTP } from 'otpauth';

/** RFC 6238 as every authenticator app reads it: SHA-1, six digits, 30-second steps. */
export const TOTP_PERIOD_S = 30;
/** One step either side of now: a clock a little off, or a code typed as it rolled over. */
export const TOTP_WINDOW = 1;

const totpOf = (secretBase32: string, label = '', issuer = 'Rapport') =>
  new TOTP({ issuer, label, algorithm: 'SHA1', digits: 6, period: TOTP_PERIOD_S, secret: Secret.fromBase32(secretBase32) });

/** A new 160-bit secret (RFC 4226's recommended size), as base32. */
export const newTotpSecret = () => new Secret({ size: 20 }).base32;

/** The otpauth:// URI an authenticator app reads from the QR code. */
export const totpUri = (secretBase32: string, label: string, issuer: string) => totpOf(secretBase32, label, issuer).toString();

/** The 30-second step a time falls in. */
export const stepAt = (nowMs: number) => Math.floor(nowMs / 1000 / TOTP_PERIOD_S);

/**
 * The step a code belongs to, if it is the code of now or of one step either side; null otherwise.
 * The caller refuses a step at or before the last one accepted (a code is good once).
 */
export function totpStep(secretBase32: string, code: string, nowMs: number): number | null {
  const token = code.replace(/\s/g, '');
  if (!/^\d{6}$/.test(token)) return null;
  const delta = totpOf(secretBase32).validate({ token, timestamp: nowMs, window: TOTP_WINDOW });
  return delta === null ? null : stepAt(nowMs) + delta;
}

/** The code of a time (for tests and nothing else: the server never shows a code). */
export const totpCodeAt = (secretBase32: string, nowMs: number) => totpOf(secretBase32).generate({ timestamp: nowMs });
