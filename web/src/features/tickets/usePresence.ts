import { useEffect, useRef, useState } from 'react';
import { api, type GetResult, unwrap } from '../../api.ts';

export type OtherAgent = GetResult<'/api/v1/tickets/{id}/presence'>['data'][number];

/** How often the page says it is still on the ticket; the server forgets it 30 s after the last beat. */
const BEAT_MS = 10_000;

/**
 * Tells the server that this agent has the ticket open (and whether they are writing), every few
 * seconds and at once when that changes, and answers who else is on it. Leaving the page says so,
 * so that the others' warning clears without waiting for the window to lapse.
 */
export function usePresence(ticketId: string, replying: boolean, enabled = true) {
  const [others, setOthers] = useState<OtherAgent[]>([]);
  const state = useRef<'viewing' | 'replying'>('viewing');
  state.current = replying ? 'replying' : 'viewing';

  useEffect(() => {
    if (!enabled) return;
    let stopped = false;
    const beat = async () => {
      try {
        const r = unwrap(
          await api.PUT('/api/v1/tickets/{id}/presence', { params: { path: { id: ticketId } }, body: { state: state.current } }),
        );
        if (!stopped) setOthers(r.data);
      } catch {
        // A missed beat only delays the warning; the next one tries again.
      }
    };
    void beat();
    const timer = setInterval(beat, BEAT_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
      void api.PUT('/api/v1/tickets/{id}/presence', { params: { path: { id: ticketId } }, body: { state: 'left' } }).catch(() => {});
    };
  }, [ticketId, enabled]);

  // A change between viewing and replying is told at once: that is what the other agent must know.
  useEffect(() => {
    if (!enabled) return;
    void api
      .PUT('/api/v1/tickets/{id}/presence', { params: { path: { id: ticketId } }, body: { state: replying ? 'replying' : 'viewing' } })
      .then((r) => r.data && setOthers(r.data.data))
      .catch(() => {});
  }, [replying, ticketId, enabled]);

  return others;
}
