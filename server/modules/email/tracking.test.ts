import { describe, expect, it } from 'vitest';
import { ephemeralKeyring, parseKeys } from '../../security/keyring.ts';
import { linkify, linksOf, plainToHtml, signTrackToken, trackedHtml, verifyTrackToken } from './tracking.ts';

const ws = '0192f0a1-1111-7aaa-8bbb-000000000001';
const email = '0192f0a1-2222-7ccc-9ddd-000000000002';

describe('tracking tokens', () => {
  const ring = ephemeralKeyring();

  it('name the workspace, the email and the link, and come back as they were signed', () => {
    const open = signTrackToken({ kind: 'open', workspaceId: ws, emailId: email }, ring);
    const click = signTrackToken({ kind: 'click', workspaceId: ws, emailId: email, link: 3 }, ring);
    expect(verifyTrackToken(open, ring)).toEqual({ kind: 'open', workspaceId: ws, emailId: email });
    expect(verifyTrackToken(click, ring)).toEqual({ kind: 'click', workspaceId: ws, emailId: email, link: 3 });
    // URL-safe: they go in a path as they are.
    expect(click).toMatch(/^[A-Za-z0-9_.-]+$/);
  });

  it('refuse any change to the payload, the key id or the MAC, and a key not in the ring', () => {
    const token = signTrackToken({ kind: 'click', workspaceId: ws, emailId: email, link: 0 }, ring);
    const [payload, keyId, mac] = token.split('.');
    const flip = (s: string, at: number) => s.slice(0, at) + (s[at] === 'A' ? 'B' : 'A') + s.slice(at + 1);
    // Another link number of the same email: the last payload characters.
    expect(verifyTrackToken(`${flip(payload, 46)}.${keyId}.${mac}`, ring)).toBeNull();
    expect(verifyTrackToken(`${flip(payload, 5)}.${keyId}.${mac}`, ring)).toBeNull();
    expect(verifyTrackToken(`${payload}.${keyId}.${flip(mac, 10)}`, ring)).toBeNull();
    // The last character's spare bits: every other spelling of it is refused, though it decodes alike.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    for (const c of alphabet.replace(mac.at(-1) as string, ''))
      expect(verifyTrackToken(`${payload}.${keyId}.${mac.slice(0, -1)}${c}`, ring)).toBeNull();
    expect(verifyTrackToken(`${payload}.nokey.${mac}`, ring)).toBeNull();
    expect(verifyTrackToken(`${payload}.${keyId}.${mac.slice(0, -2)}`, ring)).toBeNull();
    expect(verifyTrackToken(`${payload}.${keyId}`, ring)).toBeNull();
    expect(verifyTrackToken('', ring)).toBeNull();
    expect(verifyTrackToken(token, ephemeralKeyring())).toBeNull();
  });

  it('still verify after a key rotation while the old key is in the ring', () => {
    const old = parseKeys(`old:${Buffer.alloc(32, 1).toString('base64')}`, 'old');
    const token = signTrackToken({ kind: 'open', workspaceId: ws, emailId: email }, old);
    const rotated = parseKeys(`new:${Buffer.alloc(32, 2).toString('base64')},old:${Buffer.alloc(32, 1).toString('base64')}`, 'rotated');
    expect(verifyTrackToken(token, rotated)).toMatchObject({ kind: 'open', emailId: email });
  });
});

describe('tracked HTML', () => {
  it('makes the URLs of a text body links, leaving sentence punctuation and quotes outside', () => {
    const html = linkify(plainToHtml('See https://example.com/pricing?a=1&b=2. Or "https://example.com/x"!\nBye <3'));
    expect(html).toBe(
      '<div>See <a href="https://example.com/pricing?a=1&amp;b=2">https://example.com/pricing?a=1&amp;b=2</a>. Or &quot;<a href="https://example.com/x">https://example.com/x</a>&quot;!<br>\nBye &lt;3</div>',
    );
    expect(linksOf(html)).toEqual(['https://example.com/pricing?a=1&b=2', 'https://example.com/x']);
  });

  it('points each link at its numbered click URL and adds the pixel; nothing of the original href stays', () => {
    const html = linkify(plainToHtml('a https://a.example/1 b https://b.example/2 again https://a.example/1'));
    const links = linksOf(html);
    expect(links).toEqual(['https://a.example/1', 'https://b.example/2']);
    const out = trackedHtml(html, links, (t) => (t.kind === 'open' ? 'https://crm.test/t/o/OPEN' : `https://crm.test/t/c/L${t.link}`));
    expect(out).not.toContain('href="https://a.example');
    expect(out.match(/href="https:\/\/crm\.test\/t\/c\/L0"/g)).toHaveLength(2);
    expect(out).toContain('href="https://crm.test/t/c/L1"');
    expect(out).toMatch(/<img src="https:\/\/crm\.test\/t\/o\/OPEN" width="1" height="1"[^>]*><\/div>$/);
  });
});
