import type { Headers } from 'mailparser';
import type { emailAutomation } from '../../../contract/email.ts';

export type Automated = (typeof emailAutomation)[number] | null;

/** Senders that are a mail system, not a person: their messages are bounces whatever they say. */
const systemSenders = /^(mailer-daemon|postmaster|mail-daemon|mailerdaemon)@/i;

/** A header's value as lower-case text: a plain string, a structured one's value, an address list's text. */
function text(v: unknown): string {
  if (typeof v === 'string') return v.trim().toLowerCase();
  if (v && typeof v === 'object') {
    if ('text' in v && typeof v.text === 'string') return v.text.trim().toLowerCase();
    if ('value' in v && typeof v.value === 'string') return v.value.trim().toLowerCase();
  }
  return '';
}

/**
 * Whether a message was written by a machine, from its headers, so that nothing answers it by
 * itself (an auto-acknowledgement answering an out-of-office answers back forever):
 * - `bounce`: a delivery report (multipart/report, X-Failed-Recipients, an empty Return-Path, a
 *   mailer-daemon sender);
 * - `auto_reply`: RFC 3834's Auto-Submitted other than "no", and the older X-Autoreply,
 *   X-Autorespond and Precedence: auto_reply that vacation programs still send;
 * - `bulk`: Precedence bulk, junk or list and mailing-list mail (List-Id, List-Unsubscribe) — a
 *   person may need to read it, but no robot should answer it.
 */
export function automatedBy(headers: Headers, from: string | null): Automated {
  const contentType = headers.get('content-type');
  const reportType =
    contentType && typeof contentType === 'object' && 'params' in contentType
      ? (contentType.params as Record<string, string>)['report-type']
      : '';
  if (text(contentType) === 'multipart/report' || reportType === 'delivery-status') return 'bounce';
  if (headers.has('x-failed-recipients')) return 'bounce';
  // The null reverse-path `<>` (RFC 5321 §4.5.5) is what every delivery report is sent with.
  // The null reverse-path `<>` (RFC 5321 §4.5.5) is what delivery reports are sent with.
  if (headers.has('return-path') && /^<?\s*>?$/.test(text(headers.get('return-path')))) return 'bounce';
  if (from && systemSenders.test(from)) return 'bounce';
  const submitted = text(headers.get('auto-submitted'));
  if (submitted && submitted !== 'no') return 'auto_reply';
  if (headers.has('x-autoreply') || headers.has('x-autorespond') || headers.has('x-autoresponder')) return 'auto_reply';
  const precedence = text(headers.get('precedence'));
  if (precedence === 'auto_reply') return 'auto_reply';
  if (precedence === 'bulk' || precedence === 'junk' || precedence === 'list') return 'bulk';
  // mailparser gathers the List-* headers (RFC 2369, 2919) under one `list` key.
  if (headers.has('list') || headers.has('list-id') || headers.has('list-unsubscribe')) return 'bulk';
  return null;
}
