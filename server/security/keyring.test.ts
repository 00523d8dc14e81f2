import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  addKeyToFile,
  decryptSecret,
  encryptSecret,
  KEY_FILE,
  KeyringError,
  loadKeyring,
  needsReencrypt,
  newKeyEntry,
  parseKeys,
} from './keyring.ts';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'rapport-keys-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('the keyring', () => {
  it('round-trips a secret, each time with a fresh IV, bound to what it belongs to', () => {
    const ring = parseKeys(newKeyEntry(), 'test');
    const a = encryptSecret(ring, 'app password ü', 'ws1:mailbox1');
    const b = encryptSecret(ring, 'app password ü', 'ws1:mailbox1');
    expect(a).not.toBe(b);
    expect(a).toMatch(new RegExp(`^v1:${ring.activeId}:[\\w-]{16}:[\\w-]{22}:[\\w-]+$`));
    expect(a).not.toContain('password');
    expect(decryptSecret(ring, a, 'ws1:mailbox1')).toBe('app password ü');
    // Moved onto another mailbox's row, it does not decrypt.
    expect(() => decryptSecret(ring, a, 'ws1:mailbox2')).toThrow(KeyringError);
  });

  it('detects tampering with the ciphertext, the tag or the IV', () => {
    const ring = parseKeys(newKeyEntry(), 'test');
    const stored = encryptSecret(ring, 'secret', 'aad');
    const parts = stored.split(':');
    for (const i of [2, 3, 4]) {
      const bytes = Buffer.from(parts[i], 'base64url');
      bytes[0] ^= 1;
      const spoiled = [...parts];
      spoiled[i] = bytes.toString('base64url');
      expect(() => decryptSecret(ring, spoiled.join(':'), 'aad'), `part ${i}`).toThrow(/altered/);
    }
    expect(() => decryptSecret(ring, 'plain text', 'aad')).toThrow(/not a stored secret/);
  });

  it('rotates: the newest key encrypts, older keys still decrypt, a removed key is named', () => {
    const old = parseKeys(newKeyEntry(), 'test');
    const oldEntry = `${old.activeId}:${(old.keys.get(old.activeId) as Buffer).toString('base64')}`;
    const stored = encryptSecret(old, 'kept', 'aad');
    const rotated = parseKeys(`${newKeyEntry()},${oldEntry}`, 'test');
    expect(rotated.activeId).not.toBe(old.activeId);
    expect(decryptSecret(rotated, stored, 'aad')).toBe('kept');
    expect(needsReencrypt(rotated, stored)).toBe(true);
    const again = encryptSecret(rotated, 'kept', 'aad');
    expect(again.split(':')[1]).toBe(rotated.activeId);
    expect(needsReencrypt(rotated, again)).toBe(false);
    const withoutOld = parseKeys(newKeyEntry(), 'test');
    expect(() => decryptSecret(withoutOld, stored, 'aad')).toThrow(new RegExp(`key ${old.activeId}.*not in the keyring`));
  });

  it('makes a 0600 key file on first start, reads the same keys afterwards, and rotates in the file', () => {
    const dir = tempDir();
    const first = loadKeyring({ dataDir: dir });
    const file = path.join(dir, KEY_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const stored = encryptSecret(first, 'pw', 'aad');
    const second = loadKeyring({ dataDir: dir });
    expect(second.activeId).toBe(first.activeId);
    expect(decryptSecret(second, stored, 'aad')).toBe('pw');

    const newId = addKeyToFile(dir);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const third = loadKeyring({ dataDir: dir });
    expect(third.activeId).toBe(newId);
    expect(third.keys.size).toBe(2);
    expect(decryptSecret(third, stored, 'aad')).toBe('pw');
    expect(readFileSync(file, 'utf8')).toMatch(/^# /);
  });

  it('refuses a key file others can read, and malformed keys from the environment', () => {
    const dir = tempDir();
    loadKeyring({ dataDir: dir });
    chmodSync(path.join(dir, KEY_FILE), 0o644);
    expect(() => loadKeyring({ dataDir: dir })).toThrow(/may be read by others.*644/);
    expect(() => loadKeyring({ dataDir: dir, env: 'k1:c2hvcnQ=' })).toThrow(/not 32 bytes/);
    expect(() => loadKeyring({ dataDir: dir, env: 'bad id!:xx' })).toThrow(/not a key id/);
    const env = `${newKeyEntry()},${newKeyEntry()}`;
    const ring = loadKeyring({ dataDir: dir, env });
    expect(ring.source).toBe('RAPPORT_SECRET_KEYS');
    expect(ring.activeId).toBe(env.split(':')[0]);
  });
});
