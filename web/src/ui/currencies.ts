import i18n from '../i18n.ts';

/**
 * The ISO 4217 codes a person can pick, as the server accepts them (it checks against the same
 * Intl list), the workspace's own first, each with its name in the user's language: "EUR · Euro".
 */
export function currencyOptions(first: string) {
  const codes = Intl.supportedValuesOf('currency');
  let names: Intl.DisplayNames | null = null;
  try {
    names = new Intl.DisplayNames([i18n.language || 'en'], { type: 'currency' });
  } catch {}
  const label = (c: string) => {
    const name = names?.of(c);
    return name && name !== c ? `${c} · ${name}` : c;
  };
  return [first, ...codes.filter((c) => c !== first)].map((c) => ({ value: c, label: label(c) }));
}
