import { describe, expect, it } from 'vitest';
import type { ServiceReport } from '../../../contract/support.ts';
import { api, type Session, signUp, testDatabase } from '../../test/harness.ts';

// The service dashboard's figures, against tickets whose times are set in the database: medians
// and 90th percentiles, SLA compliance and the backlog's ages come out as computed by hand.

const minute = 60_000;

async function ticket(s: Session, body: Record<string, unknown>) {
  const r = await api(s).post('/tickets', { subject: 'Help', ...body });
  expect(r.statusCode, r.body).toBe(201);
  return r.json() as { id: string };
}

/** Sets a ticket's times as minutes before now: created, first answered, solved; and its SLA state. */
async function times(s: Session, id: string, t: { created: number; responded?: number; solved?: number; sla?: string }) {
  const at = (m: number | undefined) => (m === undefined ? null : new Date(Date.now() - m * minute).toISOString());
  await (await testDatabase()).query(
    `update tickets set created_at = $3, first_responded_at = $4, solved_at = $5, status = case when $5::timestamptz is null then status else 'solved' end,
       sla_state = coalesce($6, sla_state) where workspace_id = $1 and id = $2`,
    [s.workspaceId, id, at(t.created), at(t.responded), at(t.solved), t.sla ?? null],
  );
}

describe('service report', () => {
  it('counts volume, response and resolution times, SLA compliance and the backlog of the workspace’s tickets', async () => {
    const s = await signUp();
    const other = await signUp();
    await ticket(other, { channel: 'email' });
    // Four tickets answered after 10, 20, 30 and 100 minutes; two solved after 60 and 240.
    const a = await ticket(s, { channel: 'email', type: 'question' });
    const b = await ticket(s, { channel: 'email', type: 'problem' });
    const c = await ticket(s, { channel: 'phone', type: 'question' });
    const d = await ticket(s, { channel: 'chat' });
    const e = await ticket(s, { channel: 'email' });
    await times(s, a.id, { created: 300, responded: 290, solved: 240, sla: 'ok' });
    await times(s, b.id, { created: 300, responded: 280, solved: 60, sla: 'breached' });
    await times(s, c.id, { created: 2 * 1440, responded: 2 * 1440 - 30, sla: 'ok' });
    await times(s, d.id, { created: 5 * 1440, responded: 5 * 1440 - 100, sla: 'breaching_soon' });
    await times(s, e.id, { created: 10 * 1440 });

    const r = await api(s).get('/tickets/report');
    expect(r.statusCode, r.body).toBe(200);
    const report = r.json() as ServiceReport;
    expect(report).toMatchObject({ created: 5, solved: 2 });
    expect(report.byChannel).toEqual([
      { channel: 'email', tickets: 3 },
      { channel: 'chat', tickets: 1 },
      { channel: 'phone', tickets: 1 },
    ]);
    expect(report.byType).toEqual([
      { type: 'question', tickets: 2 },
      { type: null, tickets: 2 },
      { type: 'problem', tickets: 1 },
    ]);
    // Median of 10, 20, 30, 100 is 25; the 90th percentile (linear) is 30 + 0.7 × 70 = 79.
    expect(report.firstResponse).toEqual({ tickets: 4, medianMinutes: 25, p90Minutes: 79 });
    // Resolutions of 60 and 240 minutes: median 150, p90 222.
    expect(report.resolution).toEqual({ tickets: 2, medianMinutes: 150, p90Minutes: 222 });
    expect(report.sla).toEqual({ tickets: 4, breached: 1, metPercent: 75 });
    // Open now: c (2 days), d (5 days), e (10 days); a and b are solved.
    expect(report.backlog).toEqual({ day: 0, threeDays: 1, week: 1, older: 1 });
    expect(report.byAssignee).toEqual([{ memberId: null, tickets: 5, solved: 2, medianFirstResponseMinutes: 25 }]);

    // A period before the tickets: nothing; a period of one day: only that day's tickets.
    const empty = (await api(s).get('/tickets/report?from=2020-01-01&to=2020-01-31')).json() as ServiceReport;
    expect(empty).toMatchObject({ created: 0, firstResponse: { tickets: 0, medianMinutes: null }, sla: { metPercent: null } });
    const tenDaysAgo = new Date(Date.now() - 10 * 1440 * minute).toISOString().slice(0, 10);
    expect(((await api(s).get(`/tickets/report?from=${tenDaysAgo}&to=${tenDaysAgo}`)).json() as ServiceReport).created).toBe(1);
  });

  it('refuses a period that ends before it starts or is longer than a year, naming the field', async () => {
    const s = await signUp();
    const backwards = await api(s).get('/tickets/report?from=2026-05-02&to=2026-05-01');
    expect(backwards.statusCode).toBe(422);
    expect(backwards.json().errors[0]).toMatchObject({ field: 'query.from', code: 'after_to' });
    const long = await api(s).get('/tickets/report?from=2020-01-01&to=2026-01-01');
    expect(long.statusCode).toBe(422);
    expect(long.json().errors[0]).toMatchObject({ field: 'query.from', code: 'too_long' });
    const bad = await api(s).get('/tickets/report?from=yesterday');
    expect(bad.statusCode).toBe(400);
  });
});
