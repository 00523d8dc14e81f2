import { dictionary } from '@zxcvbn-ts/language-common';

// The 3,000 most common passwords of zxcvbn's ranked list (ASVS 6.2.4), lower-cased.
const ranked = (dictionary as Record<string, string[]>)['passwords-common'];
export const commonPasswords = new Set(ranked.slice(0, 3000).map((p) => p.toLowerCase()));
