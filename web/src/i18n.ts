import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { de } from './locales/de.ts';
import { en } from './locales/en.ts';

// Every user-facing string goes through i18next. English is complete; German covers sign-in,
// navigation, lists and record pages, and falls back to English elsewhere.
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
