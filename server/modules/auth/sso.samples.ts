import { api, type Session, testConfig } from '../../test/harness.ts';
import type { Samples } from '../../test/samples.ts';
import { sharedOidcProvider } from './oidc-provider.fixture.ts';
import { redirectUri } from './sso.service.ts';

let n = 0;
const provider = () => sharedOidcProvider(redirectUri(testConfig()));
const settings = async () => {
  const idp = await provider();
  return {
    issuer: idp.issuer,
    clientId: idp.clientId,
    clientSecret: idp.clientSecret,
    emailDomain: `samples${Date.now().toString(36)}${++n}.test`,
    defaultRole: 'member',
    ssoOnly: false,
  };
};
const configured = async (s: Session) => {
  const body = await settings();
  await api(s).put('/workspace/sso', body);
  return body;
};

export const samples: Samples = {
  'POST /api/v1/auth/sso/start': { body: async (s) => ({ email: `someone@${(await configured(s)).emailDomain}` }) },
  // Without a state this browser started, the callback sends it back to the sign-in page with the reason.
  'GET /api/v1/auth/sso/callback': { query: 'code=x&state=y', ok: 302 },
  'GET /api/v1/workspace/sso': {},
  'PUT /api/v1/workspace/sso': { body: () => settings() },
  'DELETE /api/v1/workspace/sso': {
    setup: async (s) => {
      await configured(s);
      return {};
    },
    ok: 204,
  },
};
