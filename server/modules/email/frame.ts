import type { Conn } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { notFound } from '../../http/errors.ts';
import { findEmail } from './email.service.ts';
import { framedEmailHtml } from './sanitize.ts';

// An email's HTML is served as a document of its own, into the record page's sandboxed frame, with
// a CSP of its own. So the app's CSP need not allow remote images at all (it used to allow every
// https image, for the frame's sake, since a srcdoc frame inherits the page's policy).

const style = 'body{font:14px/1.45 system-ui,sans-serif;margin:0;padding:8px 10px;color:#222;overflow-wrap:anywhere}img{max-width:100%}';

/**
 * The frame's policy: nothing loads but inline style, and remote images (https) once the reader
 * allowed them; no forms, no base; only the app may frame it; and the sandbox again (no scripts,
 * an opaque origin), should the document ever be opened outside its frame.
 */
export const frameCsp = (images: boolean) =>
  [
    "default-src 'none'",
    "style-src 'unsafe-inline'",
    `img-src ${images ? 'https:' : "'none'"}`,
    "form-action 'none'",
    "base-uri 'none'",
    "frame-ancestors 'self'",
    'sandbox allow-popups allow-popups-to-escape-sandbox',
  ].join('; ');

/** GET /emails/:id/frame: the document, 404 when the email is not there or its content is private to another member. */
export async function emailFrame(conn: Conn, ctx: Ctx, id: string, images: boolean) {
  const email = await findEmail(conn, ctx, id);
  if (email.private || !email.html) throw notFound('Email');
  return `<!doctype html><html><head><meta charset="utf-8"><base target="_blank"><style>${style}</style></head><body>${framedEmailHtml(email.html, images)}</body></html>`;
}
