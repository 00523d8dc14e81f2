import { isIP } from 'node:net';
import * as client from 'openid-client';
import { addressPolicy, refusal } from '../../outbound/addresses.ts';
import { OutboundError, outboundRequest, outboundSettings } from '../../outbound/request.ts';

/**
 * openid-client's requests (discovery, keys, token) go through the guarded outbound module: no
 * private address unless the operator allowed it, no redirects, time-outs, a size cap.
 */
const guardedFetch: client.CustomFetch = async (url, options) => {
  const method = (options.method ?? 'GET').toUpperCase() as 'GET' | 'POST';
  const body = options.body === undefined || options.body === null ? undefined : String(options.body);
  const r = await outboundRequest(url, { method, headers: options.headers, body, settings: { maxBytes: 512 * 1024 } });
  const headers = new Headers();
  for (const [k, v] of Object.entries(r.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : String(v));
  return new Response(r.status === 204 || r.status === 304 ? null : r.body, { status: r.status, headers });
};

/**
 * Plain http is accepted only for an issuer at a private address literal that the operator allowed
 * (a provider on the LAN, the tests' provider on loopback); a public issuer must be https.
 */
function insecureAllowed(issuer: URL) {
  if (issuer.protocol !== 'http:') return false;
  const host = issuer.hostname.replace(/^\[|\]$/g, '');
  return isIP(host) !== 0 && refusal(host, addressPolicy()) !== null && refusal(host, outboundSettings().policy) === null;
}

export interface OidcClient {
  issuer: string;
  clientId: string;
  clientSecret: string;
}

/** Reads the provider's discovery document and makes a client; throws (OutboundError, ClientError) when it cannot. */
export async function discover(c: OidcClient) {
  const url = new URL(c.issuer);
  const config = await client.discovery(url, c.clientId, { client_secret: c.clientSecret }, client.ClientSecretPost(c.clientSecret), {
    [client.customFetch]: guardedFetch,
    execute: insecureAllowed(url) ? [client.allowInsecureRequests] : [],
  });
  // Check the ID token's signature against the provider's keys even though it came straight from
  // the token endpoint: a token signed with any other key is refused.
  client.enableNonRepudiationChecks(config);
  return config;
}

/** The provider's sign-in page for this attempt: code flow, PKCE (S256), state and nonce. */
export async function authorizationUrl(config: client.Configuration, redirectUri: string, state: string, verifier: string, nonce: string) {
  return client
    .buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: 'openid email profile',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    })
    .toString();
}

export const newVerifier = () => client.randomPKCECodeVerifier();
export const newNonce = () => client.randomNonce();

/** Exchanges the code of the callback URL and checks the ID token (issuer, audience, signature, nonce, expiry). */
export async function exchange(config: client.Configuration, callbackUrl: URL, checks: { state: string; verifier: string; nonce: string }) {
  const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
    pkceCodeVerifier: checks.verifier,
    expectedState: checks.state,
    expectedNonce: checks.nonce,
    idTokenExpected: true,
  });
  const claims = tokens.claims();
  if (!claims) throw new Error('The provider sent no ID token');
  return claims as Record<string, unknown> & { sub: string; iss: string };
}

export { OutboundError };
export const isClientError = (e: unknown): e is client.ClientError => e instanceof client.ClientError;
