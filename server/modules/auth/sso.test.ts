import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, api, type Session, signUp, testApp, testConfig } from '../../test/harness.ts';
import { loginAtProvider, startOidcProvider } from './oidc-provider.fixture.ts';
import { redirectUri } from './sso.service.ts';

// Single sign-on against a real OpenID provider (oidc-provider) on 127.0.0.1: the whole code flow
// over HTTP, and each way an answer can lie (issuer, signature, nonce, a code used twice) refused.

const callback = redirectUri(testConfig());
let idp: Awaited<ReturnType<typeof startOidcProvider>>;
let n = 0;
const domain = () => `sso${Date.now().toString(36)}${++n}.test`;

beforeAll(async () => {
  await testApp();
  idp = await startOidcProvider({
    redirectUris: [callback],
    accounts: {
      ann: { email: 'ann@idp.test', name: 'Ann Auth' },
      bob: { email: 'bob@idp.test', name: 'Bob Boss', groups: ['crm-admins'] },
    },
  });
});
afterAll(async () => {
  await idp?.stop();
});

/** Sets up the provider for a workspace, for people of a new domain; the accounts' emails follow that domain. */
async function configure(s: Session, extra: Record<string, unknown> = {}) {
  const d = domain();
  const r = await api(s).put('/workspace/sso', {
    issuer: idp.issuer,
    clientId: idp.clientId,
    clientSecret: idp.clientSecret,
    emailDomain: d,
    defaultRole: 'member',
    groupRoles: { 'crm-admins': 'admin' },
    ssoOnly: false,
    ...extra,
  });
  expect(r.statusCode, r.body).toBe(200);
  return d;
}

/** Starts SSO for an address and signs in at the provider as `account`: the callback URL and the browser's state cookie. */
async function throughProvider(email: string, account: string) {
  const start = await api(null).post('/auth/sso/start', { email });
  expect(start.statusCode, start.body).toBe(200);
  const stateCookie = String(start.headers['set-cookie']).split(';')[0];
  const url = await loginAtProvider(start.json().redirectUrl, account, callback);
  return { url, stateCookie, redirectUrl: start.json().redirectUrl as string };
}

async function finish(url: URL, cookie: string) {
  return (await testApp()).inject({ method: 'GET', url: `${url.pathname}${url.search}`, headers: { cookie } });
}

const errorOf = (r: { statusCode: number; headers: Record<string, unknown> }) => {
  expect(r.statusCode).toBe(302);
  return new URL(String(r.headers.location), 'http://x').searchParams.get('sso_error');
};

describe('single sign-on settings', () => {
  it('refuses an issuer that cannot be reached, naming the field and why', async () => {
    const s = await signUp();
    const r = await api(s).put('/workspace/sso', {
      issuer: 'http://127.0.0.1:1',
      clientId: 'x',
      clientSecret: 'y',
      emailDomain: domain(),
      defaultRole: 'member',
      ssoOnly: false,
    });
    expect(r.statusCode).toBe(422);
    expect(r.headers['content-type']).toContain('application/problem+json');
    expect(r.json().errors[0]).toMatchObject({ field: 'body.issuer', code: 'issuer_unreachable' });
    expect(r.json().errors[0].message).toMatch(/cannot be reached/);
  });

  it('refuses an address whose discovery document names another issuer', async () => {
    const s = await signUp();
    const r = await api(s).put('/workspace/sso', {
      issuer: `${idp.issuer}/other`,
      clientId: idp.clientId,
      clientSecret: idp.clientSecret,
      emailDomain: domain(),
      defaultRole: 'member',
      ssoOnly: false,
    });
    expect(r.statusCode).toBe(422);
    expect(r.json().errors[0]).toMatchObject({ field: 'body.issuer', code: 'issuer_mismatch' });
    expect(r.json().errors[0].message).toMatch(/another issuer/);
  });

  it('keeps the client secret encrypted and never shows it; a domain belongs to one workspace', async () => {
    const s = await signUp();
    const d = await configure(s);
    const got = await api(s).get('/workspace/sso');
    expect(got.json().config).toMatchObject({ issuer: idp.issuer, hasClientSecret: true, emailDomain: d, redirectUri: callback });
    expect(got.body).not.toContain(idp.clientSecret);
    const other = await signUp();
    const taken = await api(other).put('/workspace/sso', {
      issuer: idp.issuer,
      clientId: idp.clientId,
      clientSecret: idp.clientSecret,
      emailDomain: d,
      defaultRole: 'member',
      ssoOnly: false,
    });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().code).toBe('domain_taken');
  });
});

describe('single sign-on', () => {
  let owner: Session;
  let d: string;
  beforeAll(async () => {
    owner = await signUp();
    d = await configure(owner);
  });

  it('signs a new person in with PKCE, state and nonce, making them a member with the default role', async () => {
    const { url, stateCookie, redirectUrl } = await throughProvider(`ann@${d}`, 'ann');
    const auth = new URL(redirectUrl);
    expect(auth.searchParams.get('code_challenge_method')).toBe('S256');
    expect(auth.searchParams.get('nonce')).toBeTruthy();
    expect(auth.searchParams.get('state')?.startsWith(owner.workspaceId)).toBe(true);
    const r = await finish(url, stateCookie);
    expect(r.statusCode).toBe(302);
    expect(r.headers.location).toBe('/');
    const session = ([] as string[])
      .concat(r.headers['set-cookie'] ?? [])
      .find((c) => c.startsWith('sid='))
      ?.split(';')[0];
    expect(session).toBeTruthy();
    const me = await (await testApp()).inject({ method: 'GET', url: '/api/v1/auth/session', headers: { cookie: session } });
    expect(me.json().member).toMatchObject({ name: 'Ann Auth', role: 'member' });
    expect(me.json().workspace.id).toBe(owner.workspaceId);
    // The next sign-in finds the same member (linked by the provider's subject).
    const again = await throughProvider(`ann@${d}`, 'ann');
    expect((await finish(again.url, again.stateCookie)).headers.location).toBe('/');
    const members = (await api(owner).get('/members')).json().data.filter((m: { name: string }) => m.name === 'Ann Auth');
    expect(members).toHaveLength(1);
  });

  it('maps a group to a role for a new member', async () => {
    const { url, stateCookie } = await throughProvider(`bob@${d}`, 'bob');
    expect((await finish(url, stateCookie)).headers.location).toBe('/');
    const bob = (await api(owner).get('/members')).json().data.find((m: { name: string }) => m.name === 'Bob Boss');
    expect(bob.role).toBe('admin');
  });

  it('refuses a replayed code, and a state used already or not started in this browser', async () => {
    const first = await throughProvider(`ann@${d}`, 'ann');
    expect((await finish(first.url, first.stateCookie)).headers.location).toBe('/');
    expect(errorOf(await finish(first.url, first.stateCookie))).toBe('sso_state_invalid');
    // A fresh sign-in of this browser, handed the first sign-in's code: the provider refuses it.
    const second = await throughProvider(`ann@${d}`, 'ann');
    const replay = new URL(second.url);
    replay.searchParams.set('code', first.url.searchParams.get('code') ?? '');
    expect(errorOf(await finish(replay, second.stateCookie))).toBe('sso_code_rejected');
    // A callback without the cookie of the browser that started it (login CSRF).
    const third = await throughProvider(`ann@${d}`, 'ann');
    expect(errorOf(await finish(third.url, 'rapport_sso_state=someone-else'))).toBe('sso_state_invalid');
  });

  it.each([
    ['issuer', 'sso_wrong_issuer'],
    ['signature', 'sso_bad_signature'],
    ['nonce', 'sso_wrong_nonce'],
  ] as const)('refuses an ID token with a wrong %s', async (tamper, code) => {
    const flow = await throughProvider(`ann@${d}`, 'ann');
    idp.state.tamper = tamper;
    try {
      const r = await finish(flow.url, flow.stateCookie);
      expect(errorOf(r)).toBe(code);
      expect(([] as string[]).concat(r.headers['set-cookie'] ?? []).some((c) => /^sid=[^;]/.test(c))).toBe(false);
    } finally {
      idp.state.tamper = null;
    }
  });

  it('answers 404 for a domain no workspace signs in with SSO', async () => {
    const r = await api(null).post('/auth/sso/start', { email: 'someone@nobody.test' });
    expect(r.statusCode).toBe(404);
    expect(r.json().code).toBe('sso_not_configured');
  });
});

describe('SSO only', () => {
  it('refuses password sign-in to members, but not to the owner (the way back in)', async () => {
    const owner = await signUp();
    const member = await addMember(owner, 'admin');
    await configure(owner, { ssoOnly: true });
    const refused = await api(null).post('/auth/login', { email: member.email, password: member.password });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('sso_only');
    const ok = await api(null).post('/auth/login', { email: owner.email, password: owner.password });
    expect(ok.statusCode).toBe(200);
    // Nor does an invitation open a password way in.
    const inv = (await api(owner).post('/invitations', { email: 'newcomer@example.test', role: 'member' })).json();
    const join = await api(null).post('/auth/accept-invitation', { token: inv.token, name: 'New', password: 'a fine long password' });
    expect(join.statusCode).toBe(403);
    expect(join.json().code).toBe('sso_only');
  });
});
