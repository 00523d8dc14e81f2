import { createHash } from 'node:crypto';
import { type AddressObject, simpleParser } from 'mailparser';
import { type Automated, automatedBy } from './automated.ts';
import { sanitizeEmailHtml } from './sanitize.ts';

/** A message read from its raw bytes, in the shape it is stored in. */
export interface ParsedEmail {
  messageId: string;
  subject: string;
  from: { address: string; name: string } | null;
  to: { address: string; name: string }[];
  cc: { address: string; name: string }[];
  date: Date;
  text: string;
  html: string | null;
  inReplyTo: string | null;
  references: string[];
  attachments: { filename: string | null; contentType: string; size: number }[];
  /** The attachments' bytes, in the same order (stored beside the email, up to the size cap). */
  files: Buffer[];
  /** Set when no person wrote it (automated.ts): nothing may answer it automatically. */
  automated: Automated;
}

/** Bodies longer than this are cut (the activity and the timeline need the start; the server keeps the whole message). */
export const MAX_BODY = 100_000;

const list = (a: AddressObject | AddressObject[] | undefined) =>
  (Array.isArray(a) ? a : a ? [a] : [])
    .flatMap((o) => o.value)
    .flatMap((v) => (v.group ? v.group : [v]))
    .filter((v) => v.address)
    .map((v) => ({ address: (v.address as string).toLowerCase(), name: v.name ?? '' }))
    .slice(0, 200);

/** `<id@host>` → `id@host`: Message-IDs are compared without their brackets. */
const bare = (id: string) => id.trim().replace(/^<|>$/g, '').slice(0, 900);

/**
 * Parses a message with mailparser (MIME, charsets, RFC 2047/2231). A message without a
 * Message-ID gets one from a hash of its bytes, so that reading it again finds the same email.
 * A missing or unreadable Date falls back to `fallbackDate` (the server's INTERNALDATE).
 */
export async function parseEmail(raw: Buffer, fallbackDate: Date): Promise<ParsedEmail> {
  const m = await simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true });
  const messageId = m.messageId ? bare(m.messageId) : `sha256-${createHash('sha256').update(raw).digest('hex')}@rapport.invalid`;
  const refs = Array.isArray(m.references) ? m.references : m.references ? m.references.split(/\s+/) : [];
  const date = m.date && !Number.isNaN(m.date.getTime()) ? m.date : fallbackDate;
  return {
    messageId,
    subject: (m.subject ?? '').slice(0, 998),
    from: list(m.from)[0] ?? null,
    to: list(m.to),
    cc: list(m.cc),
    date,
    text: (m.text ?? '').slice(0, MAX_BODY),
    html: typeof m.html === 'string' ? sanitizeEmailHtml(m.html).slice(0, 4 * MAX_BODY) : null,
    inReplyTo: m.inReplyTo ? bare(m.inReplyTo) : null,
    references: refs.map(bare).filter(Boolean).slice(0, 100),
    attachments: m.attachments.map((a) => ({ filename: a.filename ?? null, contentType: a.contentType, size: a.size })),
    files: m.attachments.map((a) => a.content),
    automated: automatedBy(m.headers, list(m.from)[0]?.address ?? null),
  };
}
