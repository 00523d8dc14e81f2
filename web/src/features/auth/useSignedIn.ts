import { useQueryClient } from '@tanstack/react-query';
import type { SessionInfo } from '../../api.ts';
import { navigate } from '../../router.tsx';
import { applySession, sessionKey } from '../../session.ts';

/** After sign-in, sign-up or accepting an invitation: keep the session and go where the person was headed. */
export function useSignedIn() {
  const qc = useQueryClient();
  return (s: SessionInfo) => {
    applySession(s);
    qc.setQueryData(sessionKey, s);
    const next = new URLSearchParams(location.search).get('next');
    // Only same-site paths: never an open redirect.
    navigate(next?.startsWith('/') && !next.startsWith('//') ? next : '/', { replace: true });
  };
}
