import { addMember, api } from '../../test/harness.ts';
import type { Samples } from '../../test/samples.ts';
import { totpCodeAt } from './totp.ts';
import { enableTwoFactor, passwordStep } from './two-factor.fixture.ts';

export const samples: Samples = {
  'POST /api/v1/auth/two-factor': {
    body: async (s) => {
      const { recoveryCodes } = await enableTwoFactor(s);
      return { challenge: await passwordStep(s), code: recoveryCodes[0] };
    },
  },
  'POST /api/v1/auth/two-factor/enrol': {
    body: async (s) => {
      await api(s).put('/workspace/security', { requireTwoFactor: true });
      return { challenge: await passwordStep(s, 'two_factor_enrolment_required') };
    },
  },
  'POST /api/v1/auth/two-factor/enrol/confirm': {
    body: async (s) => {
      await api(s).put('/workspace/security', { requireTwoFactor: true });
      const challenge = await passwordStep(s, 'two_factor_enrolment_required');
      const { secret } = (await api(null).post('/auth/two-factor/enrol', { challenge })).json();
      return { challenge, code: totpCodeAt(secret, Date.now()) };
    },
  },
  'GET /api/v1/me/two-factor': {},
  'POST /api/v1/me/two-factor/setup': {},
  'POST /api/v1/me/two-factor/confirm': {
    body: async (s) => {
      const { secret } = (await api(s).post('/me/two-factor/setup')).json();
      return { code: totpCodeAt(secret, Date.now()) };
    },
  },
  'POST /api/v1/me/two-factor/disable': {
    // Turned on once in setup: the suites call a route's body more than once for the same member.
    setup: async (s) => ({ secret: (await enableTwoFactor(s)).secret }),
    body: (_s, p) => ({ code: totpCodeAt(p.secret, Date.now() + 30_000) }),
    ok: 204,
  },
  'POST /api/v1/me/two-factor/recovery-codes': {
    // Turned on once in setup: the suites call a route's body more than once for the same member.
    setup: async (s) => ({ secret: (await enableTwoFactor(s)).secret }),
    body: (_s, p) => ({ code: totpCodeAt(p.secret, Date.now() + 30_000) }),
  },
  'POST /api/v1/members/:id/two-factor/reset': {
    setup: async (s) => {
      const m = await addMember(s, 'member');
      await enableTwoFactor(m);
      return { id: m.memberId };
    },
    ok: 204,
  },
  'GET /api/v1/workspace/security': {},
  'PUT /api/v1/workspace/security': { body: () => ({ requireTwoFactor: true }) },
};
