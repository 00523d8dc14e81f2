import { type CountryCode, isSupportedCountry, parsePhoneNumberFromString, validatePhoneNumberLength } from 'libphonenumber-js';
import { type FieldError, invalid } from '../http/errors.ts';

/** A phone number as the person typed it, and the same number in E.164 for calling, matching and search. */
export interface PhoneNumber {
  value: string;
  e164: string;
}

/** Why a text is not a phone number; the web app words each reason in the user's language. */
export type PhoneProblem = 'NOT_A_NUMBER' | 'INVALID_COUNTRY' | 'TOO_SHORT' | 'TOO_LONG' | 'INVALID_LENGTH';

const reasons: Record<PhoneProblem, (country: string | null) => string> = {
  NOT_A_NUMBER: () => 'is not a phone number',
  INVALID_COUNTRY: (c) =>
    c ? 'starts with a country code that does not exist' : 'needs a country code (+49 …): the workspace has no default country',
  TOO_SHORT: () => 'is too short for a phone number',
  TOO_LONG: () => 'is too long for a phone number',
  INVALID_LENGTH: () => 'has a length no phone number of its country has',
};

export const isCountry = (v: string): v is CountryCode => /^[A-Z]{2}$/.test(v) && isSupportedCountry(v);

/**
 * Reads a phone number written the way people write them: international ("+44 20 7946 0958") or
 * national in the workspace's country ("030 555 0101", "(212) 555-0147"), with an extension.
 * Numbers that are possible but not known to be assigned are accepted: numbering plans change
 * faster than the library's metadata, and refusing a real customer's number loses more than
 * keeping an unusual one. Only what cannot be a number is refused, with the reason.
 */
export function readPhone(text: string, country: string | null): PhoneNumber | PhoneProblem {
  const value = text.trim().replace(/\s+/g, ' ');
  const defaultCountry = country && isCountry(country) ? country : undefined;
  const problem = validatePhoneNumberLength(value, defaultCountry);
  if (problem) return problem;
  const parsed = parsePhoneNumberFromString(value, defaultCountry);
  if (!parsed) return 'NOT_A_NUMBER';
  if (!parsed.isPossible()) return 'INVALID_LENGTH';
  return { value, e164: parsed.number };
}

/** The field error for a phone that could not be read, with what the web app needs to word it. */
export function phoneError(field: string, problem: PhoneProblem, country: string | null): FieldError {
  return { field, code: 'phone', message: reasons[problem](country), params: { reason: problem, country } };
}

/** Reads the phones of a request, collecting one error per unreadable number (field paths as the request names them). */
export function readPhones<T extends { value: string }>(
  list: readonly T[],
  country: string | null,
  field: (i: number) => string,
  errors: FieldError[],
): (Omit<T, 'value'> & PhoneNumber)[] {
  const out: (Omit<T, 'value'> & PhoneNumber)[] = [];
  list.forEach((item, i) => {
    const read = readPhone(item.value, country);
    if (typeof read === 'string') errors.push(phoneError(field(i), read, country));
    else out.push({ ...item, ...read });
  });
  return out;
}

/**
 * The `phone` and `phone_e164` columns of a record with one phone (a company, a lead): undefined
 * leaves both as they are, null clears both, text is read in the workspace's country or refused.
 */
export function phoneColumns(phone: string | null | undefined, country: string | null, field = 'body.phone') {
  if (phone === undefined) return {};
  if (phone === null || phone.trim() === '') return { phone: null, phoneE164: null };
  const read = readPhone(phone, country);
  if (typeof read === 'string') throw invalid([phoneError(field, read, country)]);
  return { phone: read.value, phoneE164: read.e164 };
}
