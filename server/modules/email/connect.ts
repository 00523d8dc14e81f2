import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import type { TlsMode } from '../../../contract/email.ts';
import { type MailTarget, mailTarget } from '../../outbound/mail-target.ts';
import { OutboundError } from '../../outbound/request.ts';

/**
 * Connections to a mailbox's servers, always through the outbound guard (server/outbound/): the
 * host is resolved and checked once and the socket goes to that address. Errors come back as
 * MailError, in the words the mailbox page and the 422 show.
 */

export interface ServerSettings {
  host: string;
  port: number;
  tls: TlsMode;
  username: string;
  password: string;
}

export class MailError extends Error {
  constructor(
    readonly kind: 'auth' | 'unreachable' | 'refused' | 'tls' | 'folder' | 'protocol',
    readonly server: 'imap' | 'smtp',
    message: string,
  ) {
    super(message);
  }
}

const CONNECT_MS = 5_000;

/** The outbound check, and TLS required unless the operator allowed this (non-public) server. */
async function checkedTarget(server: 'imap' | 'smtp', s: ServerSettings): Promise<MailTarget> {
  let target: MailTarget;
  try {
    target = await mailTarget(s.host, s.port);
  } catch (err) {
    if (err instanceof OutboundError) {
      throw new MailError(
        err.code === 'refused_address' ? 'refused' : 'unreachable',
        server,
        `cannot reach ${s.host}:${s.port}: ${err.message}`,
      );
    }
    throw err;
  }
  if (s.tls === 'none' && !target.private) {
    throw new MailError(
      'tls',
      server,
      `${s.host} is on the internet: connect with TLS or STARTTLS (a password must not cross it in clear)`,
    );
  }
  return target;
}

const networkWords: Record<string, string> = {
  ECONNREFUSED: 'the connection was refused',
  ECONNRESET: 'the connection was reset',
  ETIMEDOUT: 'no answer in time',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  ENOTFOUND: 'the name does not resolve',
  CONNECT_TIMEOUT: 'no answer in time',
  GREETING_TIMEOUT: 'the server did not greet',
  ETLS: 'the TLS handshake failed',
  ESOCKET: 'the connection failed',
  ECONNECTION: 'the connection failed',
  EPROTOCOL: 'the server did not speak the expected protocol',
  NoConnection: 'the connection closed',
  EConnectionClosed: 'the connection closed',
};

/** An error of imapflow or nodemailer as MailError, in words. */
export function describe(server: 'imap' | 'smtp', s: { host: string; port: number }, err: unknown): MailError {
  if (err instanceof MailError) return err;
  const e = err as { code?: string; authenticationFailed?: boolean; responseCode?: number; message?: string; response?: string };
  const what = server === 'imap' ? 'the server' : 'the SMTP server';
  if (e.authenticationFailed || e.code === 'EAUTH' || e.code === 'AUTHENTICATIONFAILED') {
    return new MailError('auth', server, `password rejected by ${what} (${s.host})`);
  }
  if (/certificate|self[- ]signed|altname/i.test(e.message ?? '')) {
    return new MailError('tls', server, `cannot reach ${s.host}:${s.port}: its TLS certificate cannot be verified (${e.message})`);
  }
  const words = networkWords[e.code ?? ''];
  if (words) return new MailError('unreachable', server, `cannot reach ${s.host}:${s.port}: ${words}`);
  return new MailError(
    'protocol',
    server,
    `${server === 'imap' ? 'IMAP' : 'SMTP'} error from ${s.host}: ${e.response ?? e.message ?? String(err)}`,
  );
}

/** A logged-in IMAP client. The caller logs out (or the client is dropped with `close()`). */
export async function openImap(s: ServerSettings): Promise<ImapFlow> {
  const target = await checkedTarget('imap', s);
  const client = new ImapFlow({
    host: target.address,
    port: s.port,
    secure: s.tls === 'tls',
    doSTARTTLS: s.tls === 'starttls' ? true : s.tls === 'none' ? false : undefined,
    // SNI and the certificate check use the name, not the pinned address.
    servername: target.host,
    tls: { servername: target.host, rejectUnauthorized: true },
    auth: { user: s.username, pass: s.password },
    logger: false,
    connectionTimeout: CONNECT_MS,
    greetingTimeout: CONNECT_MS,
    socketTimeout: 60_000,
    // The sync polls; it does not sit in IDLE between commands.
    disableAutoIdle: true,
    // ENABLE QRESYNC where offered: a SELECT then reports what was expunged since the last sync.
    qresync: true,
  });
  // An error after connect (a server dropping the connection) must not become an unhandled 'error' event.
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (err) {
    client.close();
    throw describe('imap', s, err);
  }
  return client;
}

/** An SMTP transport pinned to the checked address. */
export async function smtpTransport(s: ServerSettings) {
  const target = await checkedTarget('smtp', s);
  return nodemailer.createTransport({
    host: target.address,
    port: s.port,
    secure: s.tls === 'tls',
    requireTLS: s.tls === 'starttls',
    ignoreTLS: s.tls === 'none',
    tls: { servername: target.host, rejectUnauthorized: true },
    auth: { user: s.username, pass: s.password },
    connectionTimeout: CONNECT_MS,
    greetingTimeout: CONNECT_MS,
    socketTimeout: 30_000,
    // One message per connection: a pooled socket would skip the outbound check next time.
    pool: false,
  });
}

/** Logs in to both servers, as saving a mailbox does: throws MailError saying what failed. */
export async function verifyServers(imap: ServerSettings, smtp: ServerSettings) {
  const client = await openImap(imap);
  try {
    await client.logout();
  } catch {
    client.close();
  }
  const transport = await smtpTransport(smtp);
  try {
    await transport.verify();
  } catch (err) {
    throw describe('smtp', smtp, err);
  } finally {
    transport.close();
  }
}
