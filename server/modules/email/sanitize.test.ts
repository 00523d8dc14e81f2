import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.ts';
import { hostileEmails } from './fixtures/hostile-html.ts';
import { framedEmailHtml, REMOTE_SRC, sanitizeEmailHtml } from './sanitize.ts';

// The markup side of the hostile corpus; e2e/email-xss.e2e.test.ts renders the same emails in Chromium.

describe('sanitizeEmailHtml', () => {
  it.each(hostileEmails)('keeps nothing active or remote of "$name"', ({ html }) => {
    const out = sanitizeEmailHtml(html);
    expect(out).not.toMatch(/<(script|style|link|meta|base|iframe|frame|object|embed|form|input|button|svg|math|video|audio|source)\b/i);
    expect(out).not.toMatch(/\son\w+\s*=/i);
    expect(out).not.toMatch(/\s(srcset|background|poster|action|formaction)\s*=/i);
    expect(out).not.toMatch(/(href|src)="\s*(javascript|data|vbscript):/i);
    expect(out).not.toMatch(/url\(|expression\(/i);
    // No attribute that makes the browser fetch anything: every remote address is parked.
    expect(out).not.toMatch(/\ssrc="(?!cid:)/i);
  });

  it('parks remote images (as https) until the reader allows them, and keeps inline ones', () => {
    const out = sanitizeEmailHtml(
      '<img src="http://images.example.test/a.png" alt="A"><img src="https://images.example.test/b.png?x=1&amp;y=2"><img src="cid:logo@x" alt="L"><img src="/relative.png"><img src="data:image/png;base64,AAAA">',
    );
    expect(out).toBe(
      `<img ${REMOTE_SRC}="https://images.example.test/a.png" alt="A" /><img ${REMOTE_SRC}="https://images.example.test/b.png?x=1&amp;y=2" /><img src="cid:logo@x" alt="L" />`,
    );
  });

  it('drops a parked address the email brings itself', () => {
    expect(
      sanitizeEmailHtml(
        `<p>x</p><img ${REMOTE_SRC}="javascript:alert(1)" alt="x"><img src="cid:a" ${REMOTE_SRC}="https://evil.example.test/">`,
      ),
    ).toBe('<p>x</p><img src="cid:a" />');
  });

  it('drops our own open-tracking image from a quoted tracked email, so showing its images counts no open', () => {
    const base = loadConfig().baseUrl.replace(/\/+$/, '');
    const out = sanitizeEmailHtml(
      `<p>Re</p><img src="${base}/t/o/abc.k1.def" width="1" height="1"><img src="${base}/logo.png"><img src="https://other.example.test/t/o/x">`,
    );
    expect(out).toBe(
      `<p>Re</p><img ${REMOTE_SRC}="${base.replace(/^http:/, 'https:')}/logo.png" /><img ${REMOTE_SRC}="https://other.example.test/t/o/x" />`,
    );
  });
});

describe('framedEmailHtml', () => {
  const stored = sanitizeEmailHtml(
    '<p>Hi</p><img src="http://images.example.test/a.png" alt="A"><img src="cid:logo@x" alt="L"><a href="https://x.example.test/">x</a>',
  );

  it('loads nothing until remote images are allowed, then only their https addresses', () => {
    expect(framedEmailHtml(stored, false)).toBe(
      '<p>Hi</p><img alt="A" /><img alt="L" /><a href="https://x.example.test/" rel="noopener noreferrer" target="_blank">x</a>',
    );
    expect(framedEmailHtml(stored, true)).toBe(
      '<p>Hi</p><img src="https://images.example.test/a.png" alt="A" /><img alt="L" /><a href="https://x.example.test/" rel="noopener noreferrer" target="_blank">x</a>',
    );
  });

  it.each(hostileEmails)('keeps "$name" inert with images allowed, even had the stored copy not been sanitised', ({ html }) => {
    for (const out of [framedEmailHtml(html, true), framedEmailHtml(sanitizeEmailHtml(html), true)]) {
      expect(out).not.toMatch(/<(script|style|link|meta|base|iframe|frame|object|embed|form|input|button|svg|math|video|audio|source)\b/i);
      expect(out).not.toMatch(/\son\w+\s*=/i);
      expect(out).not.toMatch(/(href|src)="\s*(javascript|data|vbscript):/i);
      expect(out).not.toMatch(/\ssrc="(?!https:\/\/)/i);
    }
  });
});
