import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, api, signUp, testApp, testDatabase } from '../../test/harness.ts';
import { createOk } from '../../test/samples.ts';
import { makeRule, runDetail, runsOf, settledRuns, until } from './test-helpers.ts';

// "Call a webhook" from a rule, against a receiver on loopback (the test app allows loopback, as an
// operator would with RAPPORT_OUTBOUND_ALLOW): the request as sent, a failing answer failing the
// step, a retry that repeats the call's id, and what is refused when the rule is saved.

interface Call {
  method: string;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
}

const calls: Call[] = [];
let answer = 204;
let url = '';
const receiver = http.createServer((req, res) => {
  let text = '';
  req.on('data', (c) => (text += c));
  req.on('end', () => {
    calls.push({ method: req.method ?? '', headers: req.headers, body: JSON.parse(text) });
    res.writeHead(answer, { 'content-type': 'text/plain' }).end(answer >= 300 ? 'the receiver is down' : '');
  });
});

beforeAll(async () => {
  await testApp();
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/crm`;
});
afterAll(() => new Promise((r) => receiver.close(r)));

const callsFor = (runId: string) => calls.filter((c) => String(c.headers['webhook-id']).startsWith(`run_${runId}_`));

describe('call a webhook', () => {
  it('sends the rule, record and trigger as JSON with templated headers, and logs the answer', async () => {
    const s = await signUp();
    answer = 204;
    const rule = await makeRule(s, {
      trigger: { type: 'record_created', config: { object: 'contact' } },
      steps: [{ type: 'action', action: 'call_webhook', input: { url, headers: { 'X-Token': 'secret for {{record.lastName}}' } } }],
    });
    const contact = await createOk(s, '/contacts', { firstName: 'Hedy', lastName: 'Lamarr' });
    const [run] = await settledRuns(s, rule.id, 1);
    expect(run.status).toBe('completed');
    const [call] = callsFor(run.id);
    expect(call.method).toBe('POST');
    expect(call.headers['content-type']).toBe('application/json');
    expect(call.headers['x-token']).toBe('secret for Lamarr');
    expect(call.headers['webhook-id']).toBe(`run_${run.id}_0`);
    expect(call.body).toMatchObject({
      rule: { id: rule.id, version: 1 },
      runId: run.id,
      object: 'contact',
      record: { id: contact.id, lastName: 'Lamarr' },
      trigger: { type: 'record_created', eventType: 'contact.created' },
    });
    const detail = await runDetail(s, run.id);
    expect(detail.steps[0]).toMatchObject({ outcome: 'done', output: { status: 204 } });
    expect(detail.steps[0].detail).toContain('answered 204');
  });

  it('builds the body from fields of its own, by PUT; a failing answer fails the step and a retry repeats the call id', async () => {
    const s = await signUp();
    answer = 503;
    const rule = await makeRule(s, {
      trigger: { type: 'record_created', config: { object: 'company' } },
      steps: [
        {
          type: 'action',
          action: 'call_webhook',
          input: { url, method: 'PUT', body: { company: '{{record.name}}', ruleName: '{{rule.name}}', whole: '{{record}}' } },
        },
      ],
    });
    await createOk(s, '/companies', { name: 'Initech' });
    const [failed] = await settledRuns(s, rule.id, 1);
    expect(failed.status).toBe('failed');
    expect(failed.error).toContain('answered 503: the receiver is down');
    const first = callsFor(failed.id);
    expect(first).toHaveLength(1);
    expect(first[0].method).toBe('PUT');
    expect(first[0].body).toMatchObject({ company: 'Initech', whole: { name: 'Initech' } });
    expect(Object.keys(first[0].body).sort()).toEqual(['company', 'ruleName', 'whole']);

    answer = 200;
    expect((await api(s).post(`/automation/runs/${failed.id}/retry`, {})).statusCode).toBe(200);
    await until(
      () => runsOf(s, rule.id),
      (rs) => rs[0].status === 'completed',
    );
    const both = callsFor(failed.id);
    expect(both).toHaveLength(2);
    expect(both[1].headers['webhook-id']).toBe(both[0].headers['webhook-id']);
  });

  it('refuses, when the rule is saved, a private address, a reserved header and an unknown placeholder; a dry run calls nobody', async () => {
    const s = await signUp();
    const save = (input: Record<string, unknown>) =>
      api(s).post('/automation/rules', {
        name: 'Bad call',
        definition: {
          trigger: { type: 'record_created', config: { object: 'contact' } },
          steps: [{ type: 'action', action: 'call_webhook', input }],
        },
      });
    const metadata = await save({ url: 'http://169.254.169.254/latest/meta-data' });
    expect(metadata.statusCode).toBe(422);
    expect(metadata.json().errors[0]).toMatchObject({ field: 'body.definition.steps.0.input.url', code: 'address_not_allowed' });
    const scheme = await save({ url: 'file:///etc/passwd' });
    expect(scheme.json().errors[0]).toMatchObject({ field: 'body.definition.steps.0.input.url', code: 'unsupported_scheme' });
    const host = await save({ url, headers: { Host: 'example.com' } });
    expect(host.json().errors[0]).toMatchObject({ field: 'body.definition.steps.0.input.headers.Host', code: 'reserved_header' });
    const placeholder = await save({ url, body: { who: '{{record.shoeSize}}' } });
    expect(placeholder.json().errors[0]).toMatchObject({ code: 'unknown_field' });
    expect(placeholder.json().errors[0].field).toContain('body.definition.steps.0.input');
    const crlf = await save({ url, headers: { 'X-Bad\r\nInjected': 'x' } });
    expect(crlf.json().errors[0]).toMatchObject({ field: 'body.definition.steps.0.input.headers', code: 'header_name' });

    const contact = await createOk(s, '/contacts', { lastName: 'Dry' });
    const before = calls.length;
    const dry = await api(s).post('/automation/dry-run', {
      definition: {
        trigger: { type: 'record_created', config: { object: 'contact' } },
        steps: [{ type: 'action', action: 'call_webhook', input: { url } }],
      },
      recordId: contact.id,
    });
    expect(dry.statusCode, dry.body).toBe(200);
    expect(JSON.stringify(dry.json())).toContain(`Would POST to ${url}`);
    expect(calls.length).toBe(before);
  });
});

describe('named secrets in webhook headers', () => {
  it('sends a sealed secret only in the request, never in the rule, its log or the API, and the rotated value after a change', async () => {
    const s = await signUp();
    answer = 204;
    const made = await api(s).post('/automation/secrets', { name: 'CRM_TOKEN', value: 'sk_live_first' });
    expect(made.statusCode, made.body).toBe(201);
    expect(made.body).not.toContain('sk_live');
    const rule = await makeRule(s, {
      trigger: { type: 'record_created', config: { object: 'contact' } },
      steps: [
        {
          type: 'action',
          action: 'call_webhook',
          // A record whose name looks like a placeholder or a secret stays text.
          input: { url, headers: { Authorization: 'Bearer {{ secret.CRM_TOKEN }}', 'X-Who': '{{record.lastName}}' } },
        },
      ],
    });
    await createOk(s, '/contacts', { firstName: 'Grace', lastName: '{{secret.CRM_TOKEN}}' });
    const [run] = await settledRuns(s, rule.id, 1);
    expect(run.status, run.error ?? '').toBe('completed');
    const [call] = callsFor(run.id);
    expect(call.headers.authorization).toBe('Bearer sk_live_first');
    expect(call.headers['x-who']).toBe('{{secret.CRM_TOKEN}}');
    // Members read rules and runs: neither holds the value.
    const member = await addMember(s, 'member');
    expect((await api(member).get(`/automation/rules/${rule.id}`)).body).not.toContain('sk_live');
    expect(JSON.stringify(await runDetail(s, run.id))).not.toContain('sk_live');
    expect((await api(member).get('/automation/secrets')).statusCode).toBe(403);
    const listed = (await api(s).get('/automation/secrets')).json().data;
    expect(listed).toEqual([expect.objectContaining({ name: 'CRM_TOKEN', usedBy: [{ id: rule.id, name: expect.any(String) }] })]);
    expect(JSON.stringify(listed)).not.toContain('sk_live');
    const db = await testDatabase();
    const [row] = await db.query<{ sealed: string }>('select sealed from automation_secrets where workspace_id = $1', [s.workspaceId]);
    expect(row.sealed).not.toContain('sk_live');

    const rotated = await api(s).patch(`/automation/secrets/${made.json().id}`, { value: 'sk_live_second' });
    expect(rotated.statusCode, rotated.body).toBe(200);
    await createOk(s, '/contacts', { firstName: 'Ada' });
    const runs = await settledRuns(s, rule.id, 2);
    const latest = runs.find((r) => r.id !== run.id);
    expect(callsFor(latest?.id as string)[0].headers.authorization).toBe('Bearer sk_live_second');

    // In use: not deleted, and the answer names the rule.
    const del = await api(s).delete(`/automation/secrets/${made.json().id}`);
    expect(del.statusCode).toBe(409);
    expect(del.json()).toMatchObject({ code: 'secret_in_use', rules: [{ id: rule.id }] });
    expect((await api(s).delete(`/automation/rules/${rule.id}`)).statusCode).toBe(200);
    expect((await api(s).delete(`/automation/secrets/${made.json().id}`)).statusCode).toBe(200);
  });

  it('refuses a rule naming an unknown secret, a secret outside the headers, and a second secret of the same name', async () => {
    const s = await signUp();
    await api(s).post('/automation/secrets', { name: 'TOKEN', value: 'v1' });
    const again = await api(s).post('/automation/secrets', { name: 'TOKEN', value: 'v2' });
    expect(again.statusCode).toBe(409);
    expect(again.json().errors).toEqual([expect.objectContaining({ field: 'body.name' })]);
    const bad = await api(s).post('/automation/secrets', { name: 'no spaces allowed', value: 'x' });
    expect(bad.statusCode).toBe(400);
    const save = (input: Record<string, unknown>) =>
      api(s).post('/automation/rules', {
        name: 'Bad secret',
        definition: {
          trigger: { type: 'record_created', config: { object: 'contact' } },
          steps: [{ type: 'action', action: 'call_webhook', input }],
        },
      });
    const unknown = await save({ url, headers: { Authorization: 'Bearer {{secret.NOPE}}' } });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().errors).toEqual([
      expect.objectContaining({ field: 'body.definition.steps.0.input.headers.Authorization', code: 'unknown_secret' }),
    ]);
    const inBody = await save({ url, body: { token: '{{secret.TOKEN}}' } });
    expect(inBody.statusCode).toBe(422);
    expect(inBody.json().errors).toEqual([
      expect.objectContaining({ field: 'body.definition.steps.0.input.body.token', code: 'unknown_placeholder' }),
    ]);
  });
});
