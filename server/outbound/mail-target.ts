import { isIP } from 'node:net';
import { addressPolicy, refusal } from './addresses.ts';
import { outboundSettings, resolveChecked } from './request.ts';

/**
 * A mail server (IMAP or SMTP) checked as every outbound request is: the name resolved once,
 * every address judged by the operator's policy, and the address to connect to handed back, so
 * that the client connects to what was checked (TLS still verifies the certificate against the
 * name). Throws OutboundError (refused_address, dns_failed) with words a person reads.
 */
export interface MailTarget {
  /** The name as given, for SNI, certificate checks and messages. */
  host: string;
  port: number;
  /** The checked address to connect to. */
  address: string;
  /**
   * True when the address is not on the public internet and the operator allowed it: only such
   * servers (a LAN server, a test server on loopback) may be spoken to without TLS.
   */
  private: boolean;
}

export async function mailTarget(host: string, port: number): Promise<MailTarget> {
  const bare = host.replace(/^\[|\]$/g, '');
  const literal = isIP(bare) === 6 ? `[${bare}]` : bare;
  const settings = outboundSettings();
  const { addresses } = await resolveChecked(`http://${literal}:${port}/`, settings.policy, settings.resolve);
  const address = addresses[0].address;
  return { host: bare, port, address, private: refusal(address, addressPolicy()) !== null };
}
