import sanitizeHtml from 'sanitize-html';
import { loadConfig } from '../../config.ts';

/** Where a remote image keeps its address until the reader allows remote images. */
export const REMOTE_SRC = 'data-remote-src';

/**
 * An image's attributes, rebuilt rather than filtered: `src` only for an inline part, a remote
 * http(s) address moved to REMOTE_SRC (as https: what a browser would upgrade it to on an HTTPS
 * page anyway, and all the viewer's CSP allows), and a REMOTE_SRC the email brought itself dropped.
 */
/**
 * Whether an address is one of our own open-tracking images (tracking.ts): a reply quoting a
 * tracked email carries it, and showing the reply's images in Rapport must not count as an open.
 */
function ownTrackingPixel(url: URL) {
  const base = new URL(loadConfig().baseUrl);
  return url.host === base.host && url.pathname.startsWith(`${base.pathname.replace(/\/+$/, '')}/t/o/`);
}

function imageAttributes(attribs: Record<string, string>): Record<string, string> {
  const { src = '', alt, width, height } = attribs;
  const out: Record<string, string> = {};
  const url = src.trim();
  if (/^cid:/i.test(url)) out.src = url;
  else if (/^https?:\/\/[^\s"'<>\\]+$/i.test(url)) {
    try {
      const parsed = new URL(url);
      parsed.protocol = 'https:';
      if (!ownTrackingPixel(parsed)) out[REMOTE_SRC] = parsed.href;
    } catch {
      // Not a URL after all: the image is dropped.
    }
  }
  if (alt !== undefined) out.alt = alt;
  if (width !== undefined) out.width = width;
  if (height !== undefined) out.height = height;
  return out;
}

/** What an email's HTML may keep, element by element and attribute by attribute (SECURITY §3). */
const allowlist: sanitizeHtml.IOptions = {
  allowedTags: [...sanitizeHtml.defaults.allowedTags.filter((t) => t !== 'style'), 'img', 'font', 'center', 'span', 'div'],
  allowedAttributes: {
    a: ['href', 'title', 'rel', 'target'],
    img: ['src', REMOTE_SRC, 'alt', 'width', 'height'],
    td: ['colspan', 'rowspan', 'align', 'valign', 'width'],
    th: ['colspan', 'rowspan', 'align', 'valign', 'width'],
    table: ['width', 'cellpadding', 'cellspacing', 'border', 'align'],
    font: ['color', 'size', 'face'],
    '*': ['style', 'dir', 'lang', 'align'],
  },
  // Styles are kept property by property, values without url() or expression(): no remote loads through CSS.
  allowedStyles: {
    '*': Object.fromEntries(
      [
        'color',
        'background-color',
        'font-size',
        'font-weight',
        'font-style',
        'font-family',
        'text-align',
        'text-decoration',
        'margin',
        'padding',
        'border',
        'width',
        'max-width',
        'line-height',
      ].map((p) => [p, [/^[^()\\;:]*$/]]),
    ),
  },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['cid'] },
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  transformTags: {
    a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, rel: 'noopener noreferrer', target: '_blank' } }),
  },
};

/**
 * An email's HTML as it may be shown (SECURITY §3): an allowlist of presentational elements and
 * attributes; no scripts, event handlers, forms, frames, SVG, meta or style sheets; links only to
 * http(s) and mailto; images from inline parts (`cid:`) as they are. A remote image may be a
 * tracking pixel, so it keeps its address in `data-remote-src` only (never `src`): the browser
 * loads nothing until the reader clicks "Show images" (web/src/features/email/EmailView.tsx).
 * The web app shows the result in a sandboxed iframe without allow-scripts and with its own CSP,
 * a second wall should anything pass this one.
 */
export function sanitizeEmailHtml(html: string): string {
  return sanitizeHtml(html, {
    ...allowlist,
    transformTags: { ...allowlist.transformTags, img: (tagName, attribs) => ({ tagName, attribs: imageAttributes(attribs) }) },
    // An image that is neither an inline part (cid:) nor a remote one kept for later — relative, data: — is dropped.
    exclusiveFilter: (frame) => frame.tag === 'img' && !/^cid:/i.test(frame.attribs.src ?? '') && !frame.attribs[REMOTE_SRC],
  });
}

/**
 * A stored (sanitised) email's HTML as its frame shows it: the same allowlist again (a second wall
 * for mail stored by an older sanitiser), remote images given their https address back only when
 * the reader allowed them, and inline parts (cid:, not served yet) without an address a browser
 * could only fail to load.
 */
export function framedEmailHtml(stored: string, remoteImages: boolean): string {
  return sanitizeHtml(stored, {
    ...allowlist,
    allowedAttributes: { ...allowlist.allowedAttributes, img: ['src', 'alt', 'width', 'height'] },
    allowedSchemesByTag: { img: ['https'] },
    transformTags: {
      ...allowlist.transformTags,
      img: (tagName, { [REMOTE_SRC]: remote = '', alt, width, height }) => ({
        tagName,
        attribs: {
          ...(remoteImages && /^https:\/\//i.test(remote) ? { src: remote } : {}),
          ...(alt !== undefined ? { alt } : {}),
          ...(width !== undefined ? { width } : {}),
          ...(height !== undefined ? { height } : {}),
        },
      }),
    },
  });
}
