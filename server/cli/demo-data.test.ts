import { describe, expect, it } from 'vitest';
import { api, cookieOf, testApp, testConfig, testDatabase, uniqueEmail } from '../test/harness.ts';
import { DEMO_PASSWORD, seedDemo } from './demo-data.ts';

describe('demo workspace', () => {
  it('is believable, usable through the API, and made once', async () => {
    const db = await testDatabase();
    const email = uniqueEmail('demo');
    const out = await seedDemo(db.db, testConfig(), { companies: 25, email });
    if (!out.created) throw new Error('expected a new demo workspace');
    expect(out.counts.companies).toBe(25);
    expect(out.counts.contacts).toBeGreaterThanOrEqual(25);
    expect(out.counts.activities).toBe(out.counts.contacts * 5);

    const app = await testApp();
    const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password: DEMO_PASSWORD } });
    expect(login.statusCode).toBe(200);
    const s = {
      workspaceId: out.workspaceId,
      memberId: login.json().member.id,
      email,
      password: DEMO_PASSWORD,
      headers: { cookie: cookieOf(login), 'x-csrf-token': login.json().csrfToken },
    };
    const list = (await api(s).get('/companies?limit=200')).json().data;
    expect(list).toHaveLength(25);
    // Every company saw activity, so its last activity is filled in from the timeline.
    expect(list.every((c: { lastActivityAt: string | null }) => c.lastActivityAt !== null)).toBe(true);
    // The bulk-loaded records are in the search index.
    const found = (await api(s).get(`/search?q=${encodeURIComponent(list[0].name)}&types=company`)).json().data;
    expect(found.map((h: { id: string }) => h.id)).toContain(list[0].id);
    const [stats] = await db.query<{ overdue: number; pipelines: number; members: number }>(
      `select (select count(*) from tasks where workspace_id = $1 and not done and due_at < now())::int as overdue,
              (select count(*) from pipelines where workspace_id = $1)::int as pipelines,
              (select count(*) from members where workspace_id = $1)::int as members`,
      [out.workspaceId],
    );
    expect(stats.overdue).toBeGreaterThan(0);
    expect(stats.pipelines).toBe(2);
    expect(stats.members).toBe(6);
    expect((await seedDemo(db.db, testConfig(), { companies: 25, email })).created).toBe(false);
  });
});
