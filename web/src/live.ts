import { type QueryClient, type QueryKey, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';

/** A change someone made, as GET /api/v1/live announces it: which record and what happened, no data. */
interface LiveChange {
  type: string;
  recordType: string;
  recordId: string;
  actorId: string | null;
}

/** The queries that show records of a type: the first part of their key, or a test for it. */
const shownBy: Record<string, (key: QueryKey) => boolean> = {
  company: (k) => k[0] === 'companies',
  contact: (k) => k[0] === 'contacts',
  lead: (k) => k[0] === 'leads',
  deal: (k) => k[0] === 'deals',
  task: (k) => k[0] === 'tasks',
  activity: (k) => k[0] === 'activities',
  // A ticket's change moves the queue counts as well as the ticket and its list.
  ticket: (k) => k[0] === 'tickets',
  // An email's tracking counts (email.opened, email.clicked) change what its view shows.
  email: (k) => k[0] === 'emails',
  custom_record: (k) => typeof k[0] === 'string' && k[0].startsWith('objects/'),
  pipeline: (k) => k[0] === 'pipelines' || k[0] === 'deals',
  field_definition: (k) => k[0] === 'fields',
  object_type: (k) => k[0] === 'objects',
  notification: (k) => k[0] === 'notifications',
  list: (k) => k[0] === 'record-lists',
};
/** Names of records shown beside others (links, pickers, search, a list's records) follow any record's change. */
const names = (k: QueryKey) => ['link-names', 'relation-names', 'picker', 'palette', 'record-lists'].includes(String(k[0]));

/**
 * Keeps what the page shows current while others work: the server's stream of changes marks the
 * queries that show a changed record stale, and React Query reads those on screen again. Changes
 * arriving close together are taken as one. After a gap the stream cannot fill (`reset`),
 * everything on screen is read again.
 */
export function useLiveUpdates(enabled: boolean) {
  const qc = useQueryClient();
  useEffect(() => {
    if (!enabled || typeof EventSource === 'undefined') return;
    const source = new EventSource('/api/v1/live');
    const pending = new Set<string>();
    let timer: ReturnType<typeof setTimeout> | null = null;
    const flush = () => {
      timer = null;
      const types = [...pending];
      pending.clear();
      refresh(qc, types);
    };
    source.addEventListener('change', (e) => {
      const change = JSON.parse((e as MessageEvent<string>).data) as LiveChange;
      pending.add(change.type.startsWith('notification.') ? 'notification' : change.recordType);
      timer ??= setTimeout(flush, 150);
    });
    source.addEventListener('reset', () => void qc.invalidateQueries());
    // What the page read before the stream began is not replayed: a change made between that read and
    // the server's subscription would never show. So the first `ready` reads anew what is on screen
    // (a reconnect names the last change it had and is sent what it missed instead).
    let started = false;
    source.addEventListener('ready', (e) => {
      if (started && (e as MessageEvent<string>).lastEventId) return;
      started = true;
      void qc.invalidateQueries();
    });
    return () => {
      source.close();
      if (timer) clearTimeout(timer);
    };
  }, [enabled, qc]);
}

function refresh(qc: QueryClient, recordTypes: string[]) {
  const tests = recordTypes.map((t) => shownBy[t]).filter(Boolean);
  if (!tests.length) return;
  void qc.invalidateQueries({ predicate: (q) => names(q.queryKey) || tests.some((test) => test(q.queryKey)) });
}
