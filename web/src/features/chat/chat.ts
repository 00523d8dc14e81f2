import { queryOptions, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { api, type GetResult, unwrap } from '../../api.ts';

export type ChatConversation = GetResult<'/api/v1/chat/conversations'>['data'][number];
export type ChatMessage = GetResult<'/api/v1/chat/conversations/{id}'>['messages'][number];

export const chatKeys = {
  all: ['chat'] as const,
  list: (status: 'open' | 'closed') => ['chat', 'list', status] as const,
  one: (id: string) => ['chat', 'one', id] as const,
};

export const conversationsQuery = (status: 'open' | 'closed') =>
  queryOptions({
    queryKey: chatKeys.list(status),
    queryFn: async () => unwrap(await api.GET('/api/v1/chat/conversations', { params: { query: { status } } })).data,
  });

export const conversationQuery = (id: string) =>
  queryOptions({
    queryKey: chatKeys.one(id),
    queryFn: async () => unwrap(await api.GET('/api/v1/chat/conversations/{id}', { params: { path: { id } } })),
  });

/**
 * Holds the chat stream open while the Chat page is: visitors see the agent online, and each
 * conversation that changes is read again (the list and, when open, the conversation).
 */
export function useChatStream() {
  const qc = useQueryClient();
  useEffect(() => {
    if (typeof EventSource === 'undefined') return;
    const source = new EventSource('/api/v1/chat/stream');
    source.addEventListener('conversation', (e) => {
      const c = JSON.parse((e as MessageEvent).data) as ChatConversation;
      void qc.invalidateQueries({ queryKey: ['chat', 'list'] });
      void qc.invalidateQueries({ queryKey: chatKeys.one(c.id) });
    });
    // After a reconnect, what changed meanwhile is read anew.
    source.addEventListener('ready', () => void qc.invalidateQueries({ queryKey: chatKeys.all }));
    return () => source.close();
  }, [qc]);
}
