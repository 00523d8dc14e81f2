import { queryOptions, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type SessionInfo, setCsrfToken, unwrap } from './api.ts';
import { setFormatPrefs } from './format.ts';
import i18n, { pickLanguage } from './i18n.ts';

export const sessionKey = ['session'] as const;

/** Who is signed in; null when nobody is. Keeps the CSRF token and the UI language in step. */
export const sessionQuery = queryOptions({
  queryKey: sessionKey,
  queryFn: async (): Promise<SessionInfo | null> => {
    const r = await api.GET('/api/v1/auth/session');
    if (r.response.status === 401) {
      setCsrfToken(null);
      return null;
    }
    const s = unwrap(r);
    applySession(s);
    return s;
  },
  staleTime: 60_000,
  retry: false,
});

export function useSession() {
  return useQuery(sessionQuery);
}

const signedInBeforeKey = 'rapport.signedInBefore';

/** Whether someone has been signed in on this browser before: only they are welcomed back. */
export function signedInBefore() {
  try {
    return localStorage.getItem(signedInBeforeKey) === '1';
  } catch {
    return false;
  }
}

export function applySession(s: SessionInfo) {
  try {
    // Kept after signing out: the sign-in page greets a returning person, not a first visit.
    localStorage.setItem(signedInBeforeKey, '1');
  } catch {}
  setCsrfToken(s.csrfToken);
  setFormatPrefs(s);
  const lng = pickLanguage(s.member.locale);
  if (i18n.language !== lng) void i18n.changeLanguage(lng);
  document.documentElement.lang = lng;
}

/** The signed-in member's session; only for components under the signed-in shell. */
export function useMe(): SessionInfo {
  const qc = useQueryClient();
  return qc.getQueryData<SessionInfo>(sessionKey) as SessionInfo;
}
