import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, signUp, testApp } from '../../test/harness.ts';
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
