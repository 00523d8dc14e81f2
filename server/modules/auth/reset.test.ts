import { describe, expect, it } from 'vitest';
import { addMember, api, signUp, testApp, testDatabase, uniqueEmail } from '../../test/harness.ts';

const login = async (email: string, password: string) =>
  (await testApp()).inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });

describe('password reset until email exists', () => {
  it('goes from request to admin link to a new password, ending the old sessions', async () => {
    const owner = await signUp();
    const m = await addMember(owner, 'member');
    const asked = await api(null).post('/auth/forgot-password', { email: m.email.toUpperCase() });
    expect(asked.statusCode).toBe(202);
    const unknown = await api(null).post('/auth/forgot-password', { email: uniqueEmail('nobody') });
    expect(unknown.body).toBe(asked.body);
    const requests = (await api(owner).get('/password-resets')).json().data;
    expect(requests.map((r: { memberId: string }) => r.memberId)).toEqual([m.memberId]);

    const link = (await api(owner).post(`/members/${m.memberId}/password-reset`)).json();
    expect(link.path).toBe(`/reset-password?token=${encodeURIComponent(link.token)}`);
    // The request is answered; the link is listed until it is used.
    expect((await api(owner).get('/password-resets')).json().data).toEqual([
      expect.objectContaining({ kind: 'link', memberId: m.memberId, createdBy: owner.memberId }),
    ]);

    const weak = await api(null).post('/auth/reset-password', { token: link.token, password: 'password' });
    expect(weak.statusCode).toBe(422);
    expect(weak.json().errors[0].field).toBe('body.password');
    expect((await api(null).post('/auth/reset-password', { token: link.token, password: 'a brand new passphrase' })).statusCode).toBe(204);
    // Single use, old password gone, old sessions ended.
    expect((await api(null).post('/auth/reset-password', { token: link.token, password: 'another new passphrase' })).statusCode).toBe(404);
    expect((await api(m).get('/companies')).statusCode).toBe(401);
    expect((await login(m.email, m.password)).statusCode).toBe(401);
    expect((await login(m.email, 'a brand new passphrase')).statusCode).toBe(200);
    expect((await api(owner).get('/password-resets')).json().data).toEqual([]);
    const hist = (await testDatabase()).query(`select field from record_history where workspace_id = $1 and record_id = $2`, [
      owner.workspaceId,
      m.memberId,
    ]);
    expect((await hist).map((h) => h.field)).toContain('passwordResetLink');
  });

  it('lets only an owner reset an admin or owner, and refuses expired or forged links', async () => {
    const owner = await signUp();
    const admin = await addMember(owner, 'admin');
    const other = await addMember(owner, 'admin');
    expect((await api(admin).post(`/members/${other.memberId}/password-reset`)).statusCode).toBe(403);
    expect((await api(admin).post(`/members/${owner.memberId}/password-reset`)).statusCode).toBe(403);
    const link = (await api(owner).post(`/members/${admin.memberId}/password-reset`)).json();
    const db = await testDatabase();
    await db.query(`update password_resets set expires_at = now() - interval '1 minute' where workspace_id = $1 and kind = 'link'`, [
      owner.workspaceId,
    ]);
    expect((await api(null).post('/auth/reset-password', { token: link.token, password: 'a brand new passphrase' })).statusCode).toBe(404);
    expect((await api(null).post('/auth/reset-password', { token: 'forged', password: 'a brand new passphrase' })).statusCode).toBe(404);
    expect((await login(admin.email, admin.password)).statusCode).toBe(200);
  });
});

describe('a contact’s deals', () => {
  it('lists the deals the contact is on, and 404 for another workspace’s contact', async () => {
    const s = await signUp();
    const c = api(s);
    const stageId = (await c.get('/pipelines')).json().data[0].stages[0].id;
    const dana = (await c.post('/contacts', { firstName: 'Dana' })).json();
    const eli = (await c.post('/contacts', { firstName: 'Eli' })).json();
    await c.post('/deals', { name: 'Both', stageId, contacts: [{ contactId: dana.id }, { contactId: eli.id }] });
    await c.post('/deals', { name: 'Eli only', stageId, contacts: [{ contactId: eli.id }] });
    expect((await c.get(`/contacts/${dana.id}/deals`)).json().data.map((d: { name: string }) => d.name)).toEqual(['Both']);
    expect((await c.get(`/contacts/${eli.id}/deals`)).json().data).toHaveLength(2);
    expect((await api(await signUp()).get(`/contacts/${dana.id}/deals`)).statusCode).toBe(404);
  });
});
