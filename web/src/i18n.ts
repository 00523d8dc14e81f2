import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { de } from './locales/de.ts';
import { en } from './locales/en.ts';

// Every user-facing string goes through i18next. English is complete; German covers sign-in,
// navigation, lists and record pages, and falls back to English elsewhere.
/**
 * The locales a person can choose: languages the app is translated into, each with the regions
 * whose dates, numbers and money it formats. Others would promise a language that is not there.
 */
export const supportedLocales = ['en', 'en-GB', 'en-US', 'en-AU', 'en-CA', 'en-IE', 'de', 'de-DE', 'de-AT', 'de-CH'] as const;

/** A locale named in its own language: "Deutsch (Österreich)", "English (United States)". */
export function localeName(locale: string) {
  try {
    return new Intl.DisplayNames([locale], { type: 'language', languageDisplay: 'standard' }).of(locale) ?? locale;
  } catch {
    return locale;
  }
}

/** What a new member starts with: the browser's locale when Rapport speaks it, and its time zone. */
export function browserSettings(): { locale?: string; timeZone?: string } {
  const wanted = navigator.language;
  const locale =
    supportedLocales.find((l) => l.toLowerCase() === wanted.toLowerCase()) ?? supportedLocales.find((l) => l === wanted.slice(0, 2));
  const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return { ...(locale ? { locale } : {}), ...(timeZone ? { timeZone } : {}) };
}

export function pickLanguage(locale: string | undefined) {
  return locale?.toLowerCase().startsWith('de') ? 'de' : 'en';
}

void i18next.use(initReactI18next).init({
  resources: { en: { translation: en }, de: { translation: de } },
  lng: pickLanguage(navigator.language),
  fallbackLng: 'en',
  interpolation: { escapeValue: false },
  returnNull: false,
});

export default i18next;
