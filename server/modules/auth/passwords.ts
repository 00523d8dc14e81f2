import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { commonPasswords } from './common-passwords.ts';

const scryptRaw = promisify(scrypt) as (pw: string, salt: Buffer, len: number, opts: object) => Promise<Buffer>;

// Each hash takes ~0.4 s and 128 MiB at production cost: at most this many run at once, the rest
// queue, so a burst of sign-ins cannot exhaust memory (SECURITY §2).
const MAX_CONCURRENT_HASHES = Number(process.env.RAPPORT_MAX_CONCURRENT_HASHES ?? 4);
let running = 0;
const waiting: (() => void)[] = [];
async function scryptAsync(pw: string, salt: Buffer, len: number, opts: object) {
  // A finished hash hands its slot straight to the next in line, so the limit holds exactly.
  if (running >= MAX_CONCURRENT_HASHES) await new Promise<void>((r) => waiting.push(r));
  else running++;
  try {
    return await scryptRaw(pw, salt, len, opts);
  } finally {
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

// Parameters are stored with each hash (`scrypt$logN$r$p$salt$hash`) so that they can be raised
// later; a hash made with weaker ones is rehashed at the next successful sign-in.
const R = 8;
const P = 1;
const KEYLEN = 32;
const MAXMEM = 256 * 1024 * 1024;

export async function hashPassword(password: string, logN: number): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(password.normalize('NFKC'), salt, KEYLEN, { N: 2 ** logN, r: R, p: P, maxmem: MAXMEM });
  return ['scrypt', logN, R, P, salt.toString('base64'), hash.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [alg, logN, r, p, salt, hash] = stored.split('$');
  if (alg !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = await scryptAsync(password.normalize('NFKC'), Buffer.from(salt, 'base64'), expected.length, {
    N: 2 ** Number(logN),
    r: Number(r),
    p: Number(p),
    maxmem: MAXMEM,
  });
  return timingSafeEqual(expected, actual);
}

export const needsRehash = (stored: string, logN: number) => stored.split('$')[1] !== String(logN);

/** ASVS 6.2: at least 8 characters, up to 128, no composition rules, not a well-known password. */
export function passwordProblem(password: string, email?: string): string | null {
  if ([...password].length < 8) return 'must be at least 8 characters';
  if (password.length > 128) return 'must be at most 128 characters';
  if (commonPasswords.has(password.toLowerCase())) return 'is one of the most common passwords; choose another';
  if (email && password.toLowerCase() === email.toLowerCase()) return 'must not be your email address';
  return null;
}

let dummy: Promise<string> | undefined;
/** A hash to verify against when the email is unknown, so the answer takes the same time. */
export const dummyHash = (logN: number) => {
  dummy ??= hashPassword(randomBytes(12).toString('hex'), logN);
  return dummy;
};
