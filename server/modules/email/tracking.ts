import { createHmac, timingSafeEqual } from 'node:crypto';
import { type Keyring, keyring } from '../../security/keyring.ts';

/**
 * Open and click tracking of a sent email (off unless the sender turns it on per message).
 *
 * A token names the workspace, the email, what it counts (the open pixel or link number n) and
 * the key that signed it: `<payload>.<keyId>.<mac>`, the MAC an HMAC-SHA256 over the payload with a
 * key derived from the secrets keyring, so a token cannot be made or altered without the key and a
 * key rotation keeps old tokens working as long as their key is in the ring. A click never carries
 * its URL: the route redirects to the one stored on the email under that number (no open redirect).
 */

export type TrackTarget = { workspaceId: string; emailId: string } & ({ kind: 'open' } | { kind: 'click'; link: number });

const PURPOSE = 'rapport/email-tracking/v1';
const KIND = { open: 1, click: 2 } as const;

// A purpose-bound key of its own, so a tracking MAC can never stand for any other use of the key.
const derived = (key: Buffer) => createHmac('sha256', key).update(PURPOSE).digest();
const mac = (key: Buffer, payload: string) => createHmac('sha256', derived(key)).update(payload).digest();
const uuidBytes = (id: string) => Buffer.from(id.replace(/-/g, ''), 'hex');
const uuidOf = (b: Buffer) => {
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};

export function signTrackToken(t: TrackTarget, ring: Keyring = keyring()): string {
  const body = Buffer.alloc(35);
  body[0] = KIND[t.kind];
  uuidBytes(t.workspaceId).copy(body, 1);
  uuidBytes(t.emailId).copy(body, 17);
  body.writeUInt16BE(t.kind === 'click' ? t.link : 0, 33);
  const payload = body.toString('base64url');
  const key = ring.keys.get(ring.activeId) as Buffer;
  return `${payload}.${ring.activeId}.${mac(key, payload).toString('base64url')}`;
}

/** The target of a token, or null when it is malformed, altered or signed by a key no longer in the ring. */
export function verifyTrackToken(token: string, ring: Keyring = keyring()): TrackTarget | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const [payload, keyId, sig] = parts;
  const key = ring.keys.get(keyId);
  if (!key || !/^[A-Za-z0-9_-]{47}$/.test(payload)) return null;
  // Compared as text: base64 decoding ignores the spare low bits of the last character, so two
  // spellings decode to the same bytes — a changed token must never verify.
  const given = Buffer.from(sig);
  const want = Buffer.from(mac(key, payload).toString('base64url'));
  if (given.length !== want.length || !timingSafeEqual(given, want)) return null;
  const body = Buffer.from(payload, 'base64url');
  if (body.length !== 35) return null;
  const workspaceId = uuidOf(body.subarray(1, 17));
  const emailId = uuidOf(body.subarray(17, 33));
  if (body[0] === KIND.open) return { kind: 'open', workspaceId, emailId };
  if (body[0] === KIND.click) return { kind: 'click', workspaceId, emailId, link: body.readUInt16BE(33) };
  return null;
}

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
const unescapeHtml = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');

/** A plain-text body as HTML: escaped, line breaks kept (what merge.ts's textToHtml makes from a template). */
export const plainToHtml = (text: string) => `<div>${escapeHtml(text).replace(/\r?\n/g, '<br>\n')}</div>`;

// A URL in escaped text: up to white space or markup; trailing punctuation is the sentence's, not the link's.
// (An escaped quote or bracket ends it too: `"https://x.example"` is escaped to `&quot;https://x.example&quot;`.)
const URL_IN_TEXT = /https?:\/\/(?:(?!&quot;|&#39;|&lt;|&gt;)[^\s<>"'])+/g;
const TRAILING = /[.,;:!?)\]]+$/;

/**
 * Makes the http(s) URLs in the text of a message's HTML into links. The HTML is ours (merge.ts's
 * textToHtml or plainToHtml: escaped text, <div> and <br> only, no attributes), so a URL found by
 * pattern is always in text, never inside a tag.
 */
export function linkify(html: string): string {
  return html.replace(URL_IN_TEXT, (found) => {
    const tail = found.match(TRAILING)?.[0] ?? '';
    const url = tail ? found.slice(0, -tail.length) : found;
    return `<a href="${url}">${url}</a>${tail}`;
  });
}

const HREF = /(<a\b[^>]*?\shref=")(https?:\/\/[^"]*)(")/gi;

/** The distinct http(s) link targets of an HTML part, in order: link n of a click token is links[n]. */
export function linksOf(html: string): string[] {
  const out: string[] = [];
  for (const m of html.matchAll(HREF)) {
    const url = unescapeHtml(m[2]);
    if (!out.includes(url)) out.push(url);
  }
  return out;
}

/**
 * The HTML that is sent when tracking is on: each http(s) link points at the click route with its
 * number, and a 1×1 image at the open route closes the body. Only the SMTP copy gets this: the copy
 * stored (and filed in Sent) keeps the real links and no pixel, so the sender reading it is no open.
 */
export function trackedHtml(html: string, links: string[], url: (t: { kind: 'open' } | { kind: 'click'; link: number }) => string) {
  const rewritten = html.replace(HREF, (_all, head: string, href: string, close: string) => {
    const n = links.indexOf(unescapeHtml(href));
    return n < 0 ? `${head}${href}${close}` : `${head}${escapeHtml(url({ kind: 'click', link: n }))}${close}`;
  });
  const pixel = `<img src="${escapeHtml(url({ kind: 'open' }))}" width="1" height="1" alt="" style="display:block;border:0;width:1px;height:1px">`;
  return rewritten.endsWith('</div>') ? `${rewritten.slice(0, -6)}${pixel}</div>` : `${rewritten}${pixel}`;
}

/** A transparent 1×1 GIF: what the open route always answers. */
export const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
