import { api, uniqueEmail } from '../../test/harness.ts';
import { createOk, type Samples } from '../../test/samples.ts';

const invite = async (s: Parameters<typeof createOk>[0]) => ({
  id: (await createOk(s, '/invitations', { email: uniqueEmail('inv'), role: 'member' })).id,
});

export const samples: Samples = {
  'POST /api/v1/auth/signup': {
    body: () => ({ name: 'N', email: uniqueEmail(), password: 'a fine long password', workspaceName: 'W' }),
    ok: 201,
  },
  'POST /api/v1/auth/login': { body: (s) => ({ email: s.email, password: s.password }) },
  'POST /api/v1/auth/accept-invitation': {
    body: async (s) => {
      const inv = await api(s).post('/invitations', { email: uniqueEmail('acc'), role: 'member' });
      return { token: inv.json().token, name: 'Newcomer', password: 'a fine long password' };
    },
  },
  'POST /api/v1/auth/invitation-details': {
    body: async (s) => ({ token: (await api(s).post('/invitations', { email: uniqueEmail('look'), role: 'member' })).json().token }),
  },
  'POST /api/v1/auth/logout': { body: () => ({}), ok: 204 },
  'GET /api/v1/auth/session': {},
  'PATCH /api/v1/me': { body: () => ({ timeZone: 'Europe/Berlin' }) },
  'GET /api/v1/workspace': {},
  'PATCH /api/v1/workspace': { body: () => ({ name: 'Renamed', version: 1 }) },
  'GET /api/v1/members': {},
  'PATCH /api/v1/members/:id': {
    setup: async (s) => {
      const { addMember } = await import('../../test/harness.ts');
      return { id: (await addMember(s, 'member')).memberId };
    },
    body: () => ({ name: 'Renamed Member' }),
  },
  'GET /api/v1/invitations': { setup: async (s) => ({ invitationId: (await invite(s)).id }) },
  'POST /api/v1/invitations': { body: () => ({ email: uniqueEmail('inv'), role: 'member' }), ok: 201 },
  'DELETE /api/v1/invitations/:id': { setup: invite },
  'POST /api/v1/auth/forgot-password': { body: (s) => ({ email: s.email }), ok: 202 },
  'POST /api/v1/auth/reset-password': {
    body: async (s) => {
      const { addMember } = await import('../../test/harness.ts');
      const m = await addMember(s, 'member');
      const link = await api(s).post(`/members/${m.memberId}/password-reset`);
      return { token: link.json().token, password: 'a brand new passphrase' };
    },
    ok: 204,
  },
  'GET /api/v1/password-resets': {},
  'DELETE /api/v1/password-resets/:id': {
    setup: async (s) => {
      const { addMember, testDatabase } = await import('../../test/harness.ts');
      const m = await addMember(s, 'member');
      await api(s).post(`/members/${m.memberId}/password-reset`);
      const [row] = await (await testDatabase()).query<{ id: string }>(
        `select id from password_resets where workspace_id = $1 and kind = 'link'`,
        [s.workspaceId],
      );
      return { id: row.id };
    },
    ok: 204,
  },
  'POST /api/v1/me/password': { body: (s) => ({ currentPassword: s.password, newPassword: 'a changed long password' }), ok: 204 },
  'POST /api/v1/members/:id/password-reset': {
    setup: async (s) => {
      const { addMember } = await import('../../test/harness.ts');
      return { id: (await addMember(s, 'member')).memberId };
    },
    ok: 201,
  },
  'GET /api/v1/api-keys': {},
  'GET /api/v1/api-keys/scopes': {},
  'POST /api/v1/api-keys': {
    body: () => ({ name: 'Zapier', role: 'member', scopes: ['contacts:read', 'deals:write'], allowedIps: ['203.0.113.0/24'] }),
    ok: 201,
  },
  'DELETE /api/v1/api-keys/:id': { setup: async (s) => ({ id: (await createOk(s, '/api-keys', { name: 'k', role: 'member' })).id }) },
};
