import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { buildApp, redactPaths } from '../app.ts';
import { testConfig, testDatabase, uniqueEmail } from '../test/harness.ts';

describe('logs', () => {
  it('never contain passwords, cookies, API keys or CSRF tokens, and carry the request id', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    });
    const app = await buildApp(testConfig(), await testDatabase(), {
      logger: { level: 'trace', stream, redact: { paths: redactPaths, censor: '[redacted]' } },
    });
    const password = 'planted-secret-password-9137';
    const email = uniqueEmail();
    const signup = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/signup',
      payload: { name: 'N', email, password, workspaceName: 'W' },
    });
    const cookie = String(signup.headers['set-cookie']).split(';')[0];
    const csrf = signup.json().csrfToken;
    const key = (
      await app.inject({
        method: 'POST',
        url: '/api/v1/api-keys',
        headers: { cookie, 'x-csrf-token': csrf },
        payload: { name: 'k', role: 'member' },
      })
    ).json().key;
    await app.inject({ method: 'GET', url: '/api/v1/companies', headers: { authorization: `Bearer ${key}` } });
    await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password: `${password}-wrong` } });
    // Anything a handler might log about a request is redacted by path too.
    app.log.info({ req: { headers: { authorization: `Bearer ${key}`, cookie } }, body: { password, token: csrf, secret: key } }, 'planted');
    await app.close();
    const text = lines.join('');
    expect(lines.length).toBeGreaterThan(5);
    for (const secret of [password, cookie.split('=')[1], key, csrf]) expect(text).not.toContain(secret);
    const withId = lines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'request completed');
    expect(withId.length).toBeGreaterThan(0);
    for (const l of withId) expect(l.reqId).toMatch(/^[0-9a-f-]{36}$/);
    expect(signup.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});
