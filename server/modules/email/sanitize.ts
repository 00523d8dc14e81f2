import sanitizeHtml from 'sanitize-html';

/**
 * An email's HTML as it may be shown (SECURITY §3): an allowlist of presentational elements and
 * attributes; no scripts, event handlers, forms, frames, SVG, meta or style sheets; links only to
 * http(s) and mailto; images only from inline parts (`cid:`) — a remote image is a tracking
 * pixel, so it is dropped (its alt text stays). The web app shows the result in a sandboxed iframe
 * without allow-scripts, a second wall should anything pass this one.
 */
export function sanitizeEmailHtml(html: string): string {
  return sanitizeHtml(html, {
    allowedTags: [...sanitizeHtml.defaults.allowedTags.filter((t) => t !== 'style'), 'img', 'font', 'center', 'span', 'div'],
    allowedAttributes: {
      a: ['href', 'title', 'rel', 'target'],
      img: ['src', 'alt', 'width', 'height'],
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
    // An image that is not an inline part (cid:) — remote, relative, data: — is dropped.
    exclusiveFilter: (frame) => frame.tag === 'img' && !/^cid:/i.test(frame.attribs.src ?? ''),
  });
}
