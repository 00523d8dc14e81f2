import Type from 'typebox';
import { OutboundError, outboundRequest } from '../../outbound/request.ts';
import { urlProblems } from '../../outbound/url.ts';
import { closed, scopeOf } from './action-values.ts';
import { checkTemplates, problem } from './checks.ts';
import { existingSecrets, openSecrets, secretNames, withoutSecrets } from './named-secrets.ts';
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

/**
 * The headers as sent: placeholders rendered and `{{secret.NAME}}` filled in with the secret's value
 * (never rendered itself, so nothing in a value or a record is read as a placeholder or a secret).
 */
async function headersOf(ac: ActionContext, headers: Record<string, string> | undefined) {
  const scope = scopeOf(ac);
  const entries = Object.entries(headers ?? {});
  const secrets = await openSecrets(ac.conn, ac.ctx, [...new Set(entries.flatMap(([, v]) => secretNames(v)))]);
  // A header value is one line: a placeholder (or a secret) must not smuggle a second header in.
  const line = (v: string) => v.replace(/[\r\n]+/g, ' ');
  return Object.fromEntries(
    entries.map(([k, v]) => {
      // Split around the secrets: [text, name, text, name, text]; only the texts are templates.
      const parts = v.split(/\{\{\s*secret\.([A-Za-z][A-Za-z0-9_]{0,63})\s*\}\}/);
      return [k, line(parts.map((p, i) => (i % 2 ? (secrets.get(p) ?? '') : p ? String(render(p, scope)) : '')).join(''))];
    }),
  );
}

/** Header values as the other template checks read them: without their `{{secret.NAME}}`, checked apart. */
const headerTemplates = (headers: Record<string, string> | undefined) =>
  headers && Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, withoutSecrets(v)]));

export const callWebhook = defineAction({
  name: 'call_webhook',
  label: 'Call a webhook',
  description:
    'Sends JSON to a URL (POST or PUT) with headers of your choice (a token as {{secret.NAME}}, from Automation → Settings); an answer other than 2xx, a time-out or a refused address fails the step, which can be retried. Each call carries a webhook-id that a retry repeats.',
  input: CallInput,
  needsRecord: false,
  check: async (input, env, at, obj) => {
    const fields = obj ? await env.fields(obj) : null;
    const errors = [
      ...urlProblems(input.url, `${at}.url`, 'automation'),
      ...checkTemplates({ body: input.body, headers: headerTemplates(input.headers) }, at, obj, fields, true),
    ];
    // Secrets go in headers only (a body or URL may end up in a log), and must exist.
    const named = Object.entries(input.headers ?? {}).flatMap(([k, v]) => secretNames(v).map((n) => ({ k, n })));
    const known = await existingSecrets(
      env.conn,
      env.ctx,
      named.map((x) => x.n),
    );
    for (const { k, n } of named) {
      if (!known.has(n))
        errors.push(problem(`${at}.headers.${k}`, 'unknown_secret', `{{secret.${n}}}: no secret of that name (Automation → Settings)`));
    }
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
          ...(await headersOf(ac, input.headers)),
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
