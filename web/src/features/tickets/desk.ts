import { queryOptions } from '@tanstack/react-query';
import { api, type GetResult, unwrap } from '../../api.ts';

export type Macro = GetResult<'/api/v1/ticket-macros'>['data'][number];

export const deskKeys = {
  macros: ['ticket-macros'] as const,
  relations: (id: string) => ['tickets', 'relations', id] as const,
  suggestions: (id: string) => ['tickets', 'suggestions', id] as const,
  history: (contactId: string) => ['tickets', 'requester-history', contactId] as const,
};

export const macrosQuery = queryOptions({
  queryKey: deskKeys.macros,
  queryFn: async () => unwrap(await api.GET('/api/v1/ticket-macros')).data,
});

export const relationsQuery = (id: string) =>
  queryOptions({
    queryKey: deskKeys.relations(id),
    queryFn: async () => unwrap(await api.GET('/api/v1/tickets/{id}/relations', { params: { path: { id } } })).data,
  });

export const suggestionsQuery = (id: string) =>
  queryOptions({
    queryKey: deskKeys.suggestions(id),
    queryFn: async () => unwrap(await api.GET('/api/v1/tickets/{id}/suggested-articles', { params: { path: { id } } })).data,
  });

/** What the composer is asked to do from outside it: a shortcut opens it on a kind, a suggestion inserts a link. */
export interface ComposerRequest {
  n: number;
  kind?: 'reply' | 'note';
  insert?: string;
}

/** The tickets of the queue last listed, in order, so that j and k on a ticket move through it. */
const QUEUE_KEY = 'rapport.ticketQueue';
export const rememberQueue = (ids: string[]) => sessionStorage.setItem(QUEUE_KEY, JSON.stringify(ids));
export function neighbourInQueue(id: string, step: 1 | -1): string | null {
  try {
    const ids = JSON.parse(sessionStorage.getItem(QUEUE_KEY) ?? '[]') as string[];
    const at = ids.indexOf(id);
    return at < 0 ? null : (ids[at + step] ?? null);
  } catch {
    return null;
  }
}
