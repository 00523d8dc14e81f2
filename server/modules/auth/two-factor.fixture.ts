import { expect } from 'vitest';
import { api, type Session } from '../../test/harness.ts';
import { totpCodeAt } from './totp.ts';

/** Turns two-factor on for a signed-in member through the API; answers the secret and the recovery codes. */
export async function enableTwoFactor(s: Session, nowMs = Date.now()) {
  const setup = await api(s).post('/me/two-factor/setup');
  expect(setup.statusCode, setup.body).toBe(200);
  const { secret } = setup.json() as { secret: string };
  const done = await api(s).post('/me/two-factor/confirm', { code: totpCodeAt(secret, nowMs) });
  expect(done.statusCode, done.body).toBe(200);
  return { secret, recoveryCodes: done.json().recoveryCodes as string[] };
}

/** A password sign-in that stops at the second factor: the challenge to finish it with. */
export async function passwordStep(s: Pick<Session, 'email' | 'password'>, expectCode = 'two_factor_required') {
  const r = await api(null).post('/auth/login', { email: s.email, password: s.password });
  expect(r.statusCode, r.body).toBe(401);
  expect(r.json().code).toBe(expectCode);
  return r.json().challenge as string;
}
