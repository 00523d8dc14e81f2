import { expect } from 'vitest';
import { api, type Session } from '../../test/harness.ts';

// Helpers for the automation tests: making rules through the API, and waiting for what the
// workers do (the test app runs a worker in-process, as `npm start` does).

export async function until<T>(read: () => Promise<T>, done: (v: T) => boolean, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (done(v)) return v;
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${JSON.stringify(v).slice(0, 800)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function makeRule(s: Session, definition: unknown, extra: Record<string, unknown> = {}) {
  const r = await api(s).post('/automation/rules', { name: `Rule ${Math.random().toString(36).slice(2, 8)}`, definition, ...extra });
  expect(r.statusCode, r.body).toBe(201);
  return r.json() as { id: string; version: number; webhookSecret?: string; webhookPath?: string | null };
}

export interface RunSummary {
  id: string;
  status: string;
  recordId: string | null;
  ruleVersion: number;
  reason: string | null;
  error: string | null;
  position: string | null;
}

export const runsOf = async (s: Session, ruleId: string) =>
  (await api(s).get(`/automation/runs?ruleId=${ruleId}&limit=200`)).json().data as RunSummary[];

export const runDetail = async (s: Session, runId: string) => (await api(s).get(`/automation/runs/${runId}`)).json();

/** Waits until the rule has `n` runs, all of them settled (not queued or running). */
export const settledRuns = (s: Session, ruleId: string, n: number, ms?: number) =>
  until(
    () => runsOf(s, ruleId),
    (rs) => rs.length >= n && rs.every((r) => !['queued', 'running'].includes(r.status)),
    ms,
  );

export async function stages(s: Session) {
  const p = (await api(s).get('/pipelines')).json().data[0];
  const byName = Object.fromEntries(p.stages.map((x: { name: string; id: string }) => [x.name, x.id])) as Record<string, string>;
  return { ...byName, pipelineId: p.id as string } as Record<string, string> & { pipelineId: string };
}

export async function newDeal(s: Session, body: Record<string, unknown>) {
  const st = await stages(s);
  const r = await api(s).post('/deals', { stageId: st.Qualification, ...body });
  expect(r.statusCode, r.body).toBe(201);
  return r.json();
}

export async function updateDeal(s: Session, id: string, body: Record<string, unknown>) {
  const current = (await api(s).get(`/deals/${id}`)).json();
  const r = await api(s).patch(`/deals/${id}`, { ...body, version: current.version });
  expect(r.statusCode, r.body).toBe(200);
  return r.json();
}

/** Tasks linked to a record. */
export const tasksOf = async (s: Session, path: string, id: string) =>
  (await api(s).get(`/${path}/${id}/tasks?limit=200`)).json().data as {
    id: string;
    title: string;
    assigneeId: string | null;
    dueAt: string | null;
  }[];
