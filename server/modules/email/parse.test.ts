import { describe, expect, it } from 'vitest';
import { parseEmail } from './parse.ts';
import { sanitizeEmailHtml } from './sanitize.ts';

describe('sanitising email HTML', () => {
  it.each([
    ['<script>alert(1)</script><p>hi</p>', '<p>hi</p>'],
    ['<img src=x onerror="alert(1)">', ''],
    ['<a href="javascript:alert(1)">x</a>', '<a rel="noopener noreferrer" target="_blank">x</a>'],
    ['<a href="data:text/html,<script>">x</a>', '<a rel="noopener noreferrer" target="_blank">x</a>'],
    ['<p style="background:url(https://tracker.example.test/p.gif);color:red">x</p>', '<p style="color:red">x</p>'],
    ['<p style="width:expression(alert(1))">x</p>', '<p>x</p>'],
    ['<svg onload="alert(1)"><circle/></svg>ok', 'ok'],
    ['<meta http-equiv="refresh" content="0;url=https://evil.example.test">ok', 'ok'],
    ['<form action="https://evil.example.test"><input name=p></form>ok', 'ok'],
    ['<iframe src="https://evil.example.test"></iframe>ok', 'ok'],
    ['<style>body{background:url(https://t.example.test)}</style>ok', 'ok'],
    // A remote image is parked, not loaded, until the reader allows remote images.
    [
      '<img src="https://tracker.example.test/pixel.gif" alt="logo">',
      '<img data-remote-src="https://tracker.example.test/pixel.gif" alt="logo" />',
    ],
  ])('%s', (dirty, clean) => {
    expect(sanitizeEmailHtml(dirty)).toBe(clean);
  });

  it('keeps inline images and ordinary formatting', () => {
    expect(sanitizeEmailHtml('<img src="cid:logo@x" alt="Logo"><b>Bold</b> <a href="https://example.com">link</a>')).toBe(
      '<img src="cid:logo@x" alt="Logo" /><b>Bold</b> <a href="https://example.com" rel="noopener noreferrer" target="_blank">link</a>',
    );
  });
});

describe('parsing a message', () => {
  it('reads RFC 2047 headers, lower-cases addresses, and strips Message-ID brackets', async () => {
    const raw = Buffer.from(
      'From: =?ISO-8859-1?Q?J=F6rg_M=FCller?= <Joerg@Example.TEST>\r\nTo: a@b.test, "Grp": c@d.test;\r\nSubject: =?UTF-8?B?w5xiZXJ3ZWlzdW5n?=\r\nMessage-ID: <abc@x.test>\r\nReferences: <r1@x> <r2@x>\r\nIn-Reply-To: <r2@x>\r\nDate: Mon, 2 Nov 2026 10:00:00 +0100\r\n\r\nHallo\r\n',
    );
    const m = await parseEmail(raw, new Date(0));
    expect(m).toMatchObject({
      messageId: 'abc@x.test',
      subject: 'Überweisung',
      from: { address: 'joerg@example.test', name: 'Jörg Müller' },
      to: [
        { address: 'a@b.test', name: '' },
        { address: 'c@d.test', name: '' },
      ],
      inReplyTo: 'r2@x',
      references: ['r1@x', 'r2@x'],
      text: 'Hallo\n',
    });
    expect(m.date.toISOString()).toBe('2026-11-02T09:00:00.000Z');
  });

  it('gives a message without Message-ID or Date a stable id from its bytes and the server’s date', async () => {
    const raw = Buffer.from('From: x@y.test\r\nSubject: none\r\n\r\nbody\r\n');
    const when = new Date('2026-01-02T03:04:05Z');
    const a = await parseEmail(raw, when);
    const b = await parseEmail(raw, new Date());
    expect(a.messageId).toMatch(/^sha256-[0-9a-f]{64}@rapport\.invalid$/);
    expect(b.messageId).toBe(a.messageId);
    expect(a.date).toEqual(when);
  });

  it('lists attachments by name (RFC 2231) and size, and sanitises the HTML part', async () => {
    const raw = Buffer.from(
      [
        'From: x@y.test',
        'Message-ID: <att@x>',
        'Content-Type: multipart/mixed; boundary="B"',
        '',
        '--B',
        'Content-Type: text/html; charset=utf-8',
        '',
        '<p onclick="x()">Hi<script>alert(1)</script></p>',
        '--B',
        "Content-Type: application/pdf; name*=utf-8''Angebot%20%C3%BC.pdf",
        "Content-Disposition: attachment; filename*=utf-8''Angebot%20%C3%BC.pdf",
        'Content-Transfer-Encoding: base64',
        '',
        Buffer.from('%PDF-1.4 sample').toString('base64'),
        '--B--',
        '',
      ].join('\r\n'),
    );
    const m = await parseEmail(raw, new Date());
    expect(m.html).toBe('<p>Hi</p>');
    expect(m.attachments).toEqual([{ filename: 'Angebot ü.pdf', contentType: 'application/pdf', size: 15 }]);
  });
});
