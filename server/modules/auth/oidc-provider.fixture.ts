import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

/**
 * A real OpenID provider (the `oidc-provider` package, certified by the OpenID Foundation) on
 * 127.0.0.1 for the tests. Only its login page is ours: a form that signs in as the account typed.
 * `tamper` makes the token endpoint's ID token lie in one way (another issuer, another key, another
 * nonce), re-signed so that only the named check can catch it. `/other` serves the discovery
 * document under a path whose issuer it does not name (a wrong issuer for the settings form).
 */
export interface Account {
  email: string;
  name: string;
  emailVerified?: boolean;
  groups?: string[];
}

export type Tamper = null | 'issuer' | 'signature' | 'nonce';

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

function resign(idToken: string, key: KeyObject, change: (claims: Record<string, unknown>) => void) {
  const [h, p] = idToken.split('.');
  const header = JSON.parse(Buffer.from(h, 'base64url').toString());
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
  change(claims);
  const input = `${b64(header)}.${b64(claims)}`;
  return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
}

async function readForm(req: IncomingMessage) {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString());
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export async function startOidcProvider(opts: {
  redirectUris: string[];
  accounts: Record<string, Account>;
  clientId?: string;
  clientSecret?: string;
}) {
  const clientId = opts.clientId ?? 'rapport-test';
  const clientSecret = opts.clientSecret ?? 'a client secret for the tests only';
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'test-key', alg: 'RS256', use: 'sig' };
  const state = { tamper: null as Tamper, tokenRequests: 0 };
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: opts.redirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    jwks: { keys: [jwk] },
    cookies: { keys: ['oidc fixture cookie key'] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'groups'] },
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    findAccount: async (_ctx, id) => {
      const a = opts.accounts[id];
      if (!a) return undefined;
      return {
        accountId: id,
        claims: async () => ({ sub: id, email: a.email, email_verified: a.emailVerified ?? true, name: a.name, groups: a.groups ?? [] }),
      };
    },
    // A first-party client: the grant is given without a consent page.
    loadExistingGrant: async (ctx) => {
      const oidc = ctx.oidc;
      if (!oidc.session?.accountId || !oidc.client) return undefined;
      const grant = new oidc.provider.Grant({ clientId: oidc.client.clientId, accountId: oidc.session.accountId });
      grant.addOIDCScope('openid email profile');
      grant.addOIDCClaims(['email', 'email_verified', 'name', 'groups']);
      await grant.save();
      return grant;
    },
  });
  const handle = provider.callback();

  server.on('request', async (req: IncomingMessage, res: ServerResponse) => {
    try {
      const path = (req.url ?? '/').split('?')[0];
      if (path.startsWith('/interaction/')) {
        if (req.method === 'GET') {
          const details = await provider.interactionDetails(req, res);
          res.setHeader('content-type', 'text/html; charset=utf-8');
          res.end(`<!doctype html><html lang="en"><head><title>Test provider</title></head><body><main>
<h1>Test provider sign-in</h1><form method="post" action="/interaction/${escapeHtml(details.uid)}">
<label>Account <input name="login" autocomplete="username"></label> <button type="submit">Continue</button></form></main></body></html>`);
          return;
        }
        const login = (await readForm(req)).get('login') ?? '';
        if (!opts.accounts[login]) {
          res.statusCode = 400;
          res.end('unknown account');
          return;
        }
        await provider.interactionFinished(req, res, { login: { accountId: login } }, { mergeWithLastSubmission: false });
        return;
      }
      if (path === '/other/.well-known/openid-configuration') req.url = '/.well-known/openid-configuration';
      if (path === '/token' && state.tamper) {
        const tamper = state.tamper;
        const end = res.end.bind(res) as (chunk?: unknown) => ServerResponse;
        res.end = ((chunk?: unknown) => {
          const text = chunk ? String(chunk) : '';
          try {
            const body = JSON.parse(text);
            if (body.id_token) {
              body.id_token = resign(body.id_token, tamper === 'signature' ? other : privateKey, (c) => {
                if (tamper === 'issuer') c.iss = 'http://issuer.invalid';
                if (tamper === 'nonce') c.nonce = 'a nonce of another sign-in';
              });
              const out = JSON.stringify(body);
              res.setHeader('content-length', Buffer.byteLength(out));
              return end(out);
            }
          } catch {}
          return end(chunk);
        }) as typeof res.end;
      }
      if (path === '/token') state.tokenRequests++;
      handle(req, res);
    } catch (e) {
      res.statusCode = 500;
      res.end(String(e));
    }
  });

  return {
    issuer,
    clientId,
    clientSecret,
    state,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
    unref: () => server.unref(),
  };
}

/**
 * Walks the provider's pages as a browser without JavaScript would: the authorization URL, the
 * login form (as `accountId`), until the provider redirects to our callback. Answers that URL.
 */
export async function loginAtProvider(authorizationUrl: string, accountId: string, callbackPrefix: string) {
  const jar = new Map<string, string>();
  const keep = (r: Response) => {
    for (const c of r.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const at = pair.indexOf('=');
      jar.set(pair.slice(0, at), pair.slice(at + 1));
    }
  };
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  let url = authorizationUrl;
  let method = 'GET';
  let body: string | undefined;
  for (let i = 0; i < 10; i++) {
    if (url.startsWith(callbackPrefix)) return new URL(url);
    const r = await fetch(url, {
      method,
      redirect: 'manual',
      headers: { cookie: cookie(), ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      body,
    });
    keep(r);
    if (r.status >= 300 && r.status < 400) {
      url = new URL(r.headers.get('location') ?? '', url).toString();
      method = 'GET';
      body = undefined;
      continue;
    }
    if (r.status === 200 && url.includes('/interaction/')) {
      method = 'POST';
      body = new URLSearchParams({ login: accountId }).toString();
      await r.text();
      continue;
    }
    throw new Error(`The provider answered ${r.status} at ${url}: ${(await r.text()).slice(0, 300)}`);
  }
  throw new Error('The provider did not send the browser back');
}

let shared: ReturnType<typeof startOidcProvider> | null = null;
/** One provider for a test process that only needs one to exist (the route samples); it does not keep the process alive. */
export function sharedOidcProvider(redirectUri: string) {
  shared ??= startOidcProvider({ redirectUris: [redirectUri], accounts: { ann: { email: 'ann@idp.test', name: 'Ann Auth' } } }).then(
    (p) => {
      p.unref();
      return p;
    },
  );
  return shared;
}
