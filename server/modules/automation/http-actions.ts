import Type from 'typebox';
import { OutboundError, outboundRequest } from '../../outbound/request.ts';
import { urlProblems } from '../../outbound/url.ts';
import { closed, scopeOf } from './action-values.ts';
import { checkTemplates, problem } from './checks.ts';
import { render } from './templates.ts';
import { type ActionContext, defineAction } from './types.ts';

// Calling another system from a rule. The request goes through the one guarded outbound module
// (no private, loopback or metadata address unless the operator allows it; no redirects; time-outs).
// A step's transaction may be retried after a worker dies mid-call, so every call carries a
// `webhook-id` that stays the same for the same run and step: the receiver can drop a repeat.

/** Headers a rule may not set: the transport's own, and the ones that identify the call. */
const reserved = new Set(['host', 'content-length', 'content-type', 'connection', 'transfer-encoding', 'webhook-id', 'user-agent']);
/** An HTTP token (RFC 9110 §5.1), checked on save: the schema does not hold a record's keys to a pattern. */
const headerName = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$/;
const bodyKey = /^[A-Za-z0-9_.-]{1,100}$/;

const CallInput = Type.Object(
  {
    url: Type.String({ minLength: 1, maxLength: 2000 }),
    method: Type.Optional(Type.Union([Type.Literal('POST'), Type.Literal('PUT')])),
    /** The JSON body's fields, each a text with placeholders; without it, the rule, record, previous values and trigger. */
    body: Type.Optional(Type.Record(Type.String(), Type.String({ maxLength: 5000 }), { maxProperties: 50 })),
    headers: Type.Optional(Type.Record(Type.String(), Type.String({ maxLength: 2000 }), { maxProperties: 20 })),
  },
  closed,
);

function bodyOf(ac: ActionContext, fields: Record<string, string> | undefined) {
  if (fields) {
    const scope = scopeOf(ac);
    return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, render(v, scope)]));
  }
  return {
    rule: { id: ac.rule.id, name: ac.rule.name, version: ac.rule.version },
    runId: ac.runId,
    object: ac.object?.name ?? null,
    record: ac.record,
    previous: ac.previous,
    trigger: { type: ac.trigger.type ?? null, eventType: ac.trigger.eventType ?? null, at: ac.trigger.at ?? null },
  };
}

function headersOf(ac: ActionContext, headers: Record<string, string> | undefined) {
  const scope = scopeOf(ac);
  // A header value is one line: a placeholder must not smuggle a second header in.
  return Object.fromEntries(Object.entries(headers ?? {}).map(([k, v]) => [k, String(render(v, scope)).replace(/[\r\n]+/g, ' ')]));
}

export const callWebhook = defineAction({
  name: 'call_webhook',
  label: 'Call a webhook',
  description:
    'Sends JSON to a URL (POST or PUT) with headers of your choice; an answer other than 2xx, a time-out or a refused address fails the step, which can be retried. Each call carries a webhook-id that a retry repeats.',
  input: CallInput,
  needsRecord: false,
  check: async (input, env, at, obj) => {
    const fields = obj ? await env.fields(obj) : null;
    const errors = [
      ...urlProblems(input.url, `${at}.url`, 'automation'),
      ...checkTemplates({ body: input.body, headers: input.headers }, at, obj, fields, true),
    ];
    for (const name of Object.keys(input.headers ?? {})) {
      if (!headerName.test(name)) errors.push(problem(`${at}.headers`, 'header_name', `${JSON.stringify(name)} is not a header name`));
      else if (reserved.has(name.toLowerCase()))
        errors.push(problem(`${at}.headers.${name}`, 'reserved_header', `${name} is set by Rapport itself`));
    }
    for (const key of Object.keys(input.body ?? {})) {
      if (!bodyKey.test(key))
        errors.push(problem(`${at}.body`, 'body_key', `${JSON.stringify(key)}: letters, digits, _ . - only, at most 100`));
    }
    return errors;
  },
  writes: () => [],
  run: async (ac, input) => {
    const method = input.method ?? 'POST';
    const id = `run_${ac.runId}_${ac.path}`;
    let res: Awaited<ReturnType<typeof outboundRequest>>;
    try {
      res = await outboundRequest(input.url, {
        method,
        headers: {
          ...headersOf(ac, input.headers),
          'content-type': 'application/json',
          'user-agent': 'Rapport-Automation/1',
          'webhook-id': id,
        },
        body: JSON.stringify(bodyOf(ac, input.body)),
      });
    } catch (err) {
      if (err instanceof OutboundError) throw new Error(`${method} ${input.url} failed: ${err.message}`);
      throw err;
    }
    if (res.status < 200 || res.status > 299) {
      throw new Error(`${method} ${input.url} answered ${res.status}${res.body ? `: ${res.body.slice(0, 300)}` : ''}`);
    }
    return {
      detail: `${method} ${input.url} answered ${res.status} in ${res.durationMs} ms`,
      output: { status: res.status, webhookId: id, response: res.body.slice(0, 2000) },
    };
  },
  describe: async (ac, input) => {
    const body = bodyOf(ac, input.body);
    return `Would ${input.method ?? 'POST'} to ${input.url} the fields ${Object.keys(body).join(', ')}`;
  },
});
