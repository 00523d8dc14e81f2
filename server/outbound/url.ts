import { isIP } from 'node:net';
import type { FieldError } from '../http/errors.ts';
import { refusal } from './addresses.ts';
import { outboundSettings } from './request.ts';

/**
 * What can be told about an outbound URL when it is saved (a webhook endpoint, a rule's "call a
 * webhook" step). An address written into it is checked now (a loopback or metadata address is
 * refused at once, with the reason); a name is checked when each request resolves it, since what it
 * resolves to may change. `what` names the sender in the message ("webhooks", "automation").
 */
export function urlProblems(raw: string, field: string, what: string): FieldError[] {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return [{ field, code: 'format', message: 'must be a valid uri' }];
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return [{ field, code: 'unsupported_scheme', message: 'must be an http or https URL' }];
  }
  if (url.username || url.password) {
    return [{ field, code: 'credentials_in_url', message: 'must not carry a user name or password' }];
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const policy = outboundSettings().policy;
  const address = isIP(host) ? host : host === 'localhost' || host.endsWith('.localhost') ? '127.0.0.1' : null;
  const why = address && !policy.allowedHosts.has(host) ? refusal(address, policy) : null;
  if (why) {
    return [
      {
        field,
        code: 'address_not_allowed',
        message: `points at ${why}, which ${what} may not reach (an operator can allow it with RAPPORT_OUTBOUND_ALLOW)`,
      },
    ];
  }
  return [];
}
