import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, closeSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';

/**
 * Secrets kept at rest (mail server passwords now, webhook secrets later), encrypted with
 * AES-256-GCM (SECURITY §5). A stored secret is `v1:<keyId>:<iv>:<tag>:<ciphertext>` (base64url
 * parts): the key id travels with it, so that keys can rotate — the newest key encrypts, any key of
 * the ring decrypts. The additional authenticated data binds a secret to where it belongs
 * (workspace and mailbox): a ciphertext copied onto another row does not decrypt.
 *
 * Keys never live in the database or the repository: they come from RAPPORT_SECRET_KEYS
 * (`id:base64key,…`, newest first) or from a 0600 file in the data directory, made on first start.
 */

export interface Keyring {
  /** The id of the key that encrypts (the newest). */
  activeId: string;
  keys: Map<string, Buffer>;
  /** Where the keys came from, for the startup log (never the keys). */
  source: string;
}

export class KeyringError extends Error {}

const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
export const KEY_FILE = 'secret-keys';

/** Reads `id:base64key` entries, newest first, separated by commas or new lines. */
export function parseKeys(text: string, source: string): Keyring {
  const keys = new Map<string, Buffer>();
  let activeId = '';
  const lines = text.split('\n').filter((l) => !l.trim().startsWith('#'));
  for (const entry of lines
    .flatMap((l) => l.split(','))
    .map((e) => e.trim())
    .filter(Boolean)) {
    const at = entry.indexOf(':');
    const id = entry.slice(0, at);
    const key = Buffer.from(entry.slice(at + 1), 'base64');
    if (at < 1 || !KEY_ID.test(id))
      throw new KeyringError(`${source}: "${id || entry.slice(0, 8)}…" is not a key id (letters, digits, _ and -)`);
    if (key.length !== 32) throw new KeyringError(`${source}: key ${id} is not 32 bytes of base64`);
    if (keys.has(id)) throw new KeyringError(`${source}: key id ${id} appears twice`);
    keys.set(id, key);
    activeId ||= id;
  }
  if (!activeId) throw new KeyringError(`${source}: no key`);
  return { activeId, keys, source };
}

/** A new key entry: an id that sorts by time, and 32 random bytes. */
export function newKeyEntry(now = new Date()) {
  const id = `k${now.toISOString().replace(/\D/g, '').slice(0, 14)}${randomBytes(2).toString('hex')}`;
  return `${id}:${randomBytes(32).toString('base64')}`;
}

/** Writes a file only its owner may read, without a moment in which it is readable by others. */
function writePrivate(file: string, text: string) {
  const fd = openSync(file, 'wx', 0o600);
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  chmodSync(file, 0o600);
}

/**
 * The keyring of a process: from RAPPORT_SECRET_KEYS when set, else from `<dataDir>/secret-keys`,
 * which is created (0600) when missing. A key file that others may read stops the start: the
 * keys would not be secret.
 */
export function loadKeyring(opts: { env?: string; dataDir: string }): Keyring {
  if (opts.env?.trim()) return parseKeys(opts.env, 'RAPPORT_SECRET_KEYS');
  const file = path.join(opts.dataDir, KEY_FILE);
  mkdirSync(opts.dataDir, { recursive: true });
  try {
    writePrivate(
      file,
      `# Rapport's keys for secrets at rest, newest first. Keep this file out of backups of the database.\n${newKeyEntry()}\n`,
    );
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const mode = statSync(file).mode & 0o777;
  if (mode & 0o077) throw new KeyringError(`${file} may be read by others (mode ${mode.toString(8)}); chmod 600 it`);
  return parseKeys(readFileSync(file, 'utf8'), file);
}

/** Adds a new key at the head of the key file: it encrypts from the next start on; the old keys still decrypt. */
export function addKeyToFile(dataDir: string) {
  const file = path.join(dataDir, KEY_FILE);
  const before = readFileSync(file, 'utf8');
  const lines = before.split('\n');
  const head = lines.filter((l) => l.startsWith('#'));
  const rest = lines.filter((l) => l.trim() && !l.startsWith('#'));
  const entry = newKeyEntry();
  const tmp = `${file}.new`;
  writePrivate(tmp, `${[...head, entry, ...rest].join('\n')}\n`);
  // rename is atomic: a crash leaves the old file or the new one, never half of one.
  renameSync(tmp, file);
  return entry.slice(0, entry.indexOf(':'));
}

const b64 = (b: Buffer) => b.toString('base64url');

/** Encrypts `plain` with the ring's newest key, bound to `aad` (what the secret belongs to). */
export function encryptSecret(ring: Keyring, plain: string, aad: string): string {
  const key = ring.keys.get(ring.activeId) as Buffer;
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad));
  const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return `v1:${ring.activeId}:${b64(iv)}:${b64(cipher.getAuthTag())}:${b64(ct)}`;
}

/** Decrypts a stored secret with whichever key of the ring made it. Throws KeyringError when it was altered, moved or its key is gone. */
export function decryptSecret(ring: Keyring, stored: string, aad: string): string {
  const [v, keyId, iv, tag, ct, extra] = stored.split(':');
  if (v !== 'v1' || ct === undefined || extra !== undefined) throw new KeyringError('not a stored secret');
  const key = ring.keys.get(keyId);
  if (!key) throw new KeyringError(`the key ${keyId} that encrypted this secret is not in the keyring`);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(aad));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new KeyringError('the secret does not decrypt: it was altered or belongs elsewhere');
  }
}

/** Whether a stored secret was made with an older key (a rotation job re-encrypts those). */
export const needsReencrypt = (ring: Keyring, stored: string) => stored.split(':')[1] !== ring.activeId;

let current: Keyring | null = null;

/** Sets the process's keyring, once at start (serve, worker) and in tests. */
export function configureKeyring(ring: Keyring) {
  current = ring;
  return ring;
}

/** A keyring of one key that lives as long as the process (tests; nothing it encrypts survives a restart). */
export const ephemeralKeyring = (): Keyring => parseKeys(newKeyEntry(), 'ephemeral');

export function keyring(): Keyring {
  if (!current) throw new KeyringError('The keyring is not configured (serve and worker load it at start)');
  return current;
}
