import { addMember, api, cookieOf, type Session } from '../../test/harness.ts';
import type { Samples } from '../../test/samples.ts';

/** Signs the same person in once more (another browser), and answers that session's id. */
export async function secondSession(s: Session) {
  const login = await api(null).post('/auth/login', { email: s.email, password: s.password });
  if (login.statusCode !== 200) throw new Error(`login failed: ${login.statusCode} ${login.body}`);
  const other = { ...s, headers: { cookie: cookieOf(login), 'x-csrf-token': login.json().csrfToken } };
  const mine = (await api(other).get('/me/sessions')).json().data as { id: string; current: boolean }[];
  return { id: mine.find((x) => x.current)?.id as string, session: other };
}

export const samples: Samples = {
  'GET /api/v1/me/sessions': {},
  'DELETE /api/v1/me/sessions/:id': { setup: async (s) => ({ id: (await secondSession(s)).id }), ok: 204 },
  'POST /api/v1/me/sessions/revoke-others': { setup: async (s) => ({ other: (await secondSession(s)).id }) },
  'GET /api/v1/members/:id/sessions': { setup: async (s) => ({ id: (await addMember(s, 'member')).memberId }) },
  'DELETE /api/v1/members/:id/sessions/:sessionId': {
    setup: async (s) => {
      const m = await addMember(s, 'member');
      return { id: m.memberId, sessionId: (await secondSession(m)).id };
    },
    ok: 204,
  },
};
