import { queryOptions } from '@tanstack/react-query';
import { openTicketStatuses, type ticketQueues } from '../../../../contract/support.ts';
import { api, type GetResult, unwrap } from '../../api.ts';

export type Ticket = GetResult<'/api/v1/tickets/{id}'>;
export type TicketMessage = GetResult<'/api/v1/tickets/{id}/messages'>['data'][number];
export type Queue = (typeof ticketQueues)[number];

export const ticketKeys = {
  all: ['tickets'] as const,
  queues: ['tickets', 'queues'] as const,
  list: (queue: Queue) => ['tickets', 'list', queue] as const,
  one: (id: string) => ['tickets', 'one', id] as const,
  messages: (id: string) => ['tickets', 'messages', id] as const,
  files: (id: string) => ['tickets', 'files', id] as const,
};

/**
 * A queue as a list filter: the same conditions the server counts it by (server/modules/tickets/queues.ts),
 * over the open statuses. "My team" is left to the server's count and lists the caller's team tickets by teamId.
 */
export function queueFilter(queue: Queue, me: string, teamIds: string[]) {
  const open = { field: 'status', op: 'in', value: [...openTicketStatuses] };
  const by: Record<Queue, object | null> = {
    unassigned: { field: 'assigneeId', op: 'isEmpty' },
    mine: { field: 'assigneeId', op: 'eq', value: me },
    my_team: { field: 'teamId', op: 'in', value: teamIds.length ? teamIds : ['00000000-0000-0000-0000-000000000000'] },
    breaching_soon: { field: 'slaState', op: 'in', value: ['breaching_soon', 'breached'] },
    all: null,
  };
  const extra = by[queue];
  return JSON.stringify({ and: extra ? [open, extra] : [open] });
}

export const queueCountsQuery = queryOptions({
  queryKey: ticketKeys.queues,
  queryFn: async () => unwrap(await api.GET('/api/v1/tickets/queues')),
});

export const ticketQuery = (id: string) =>
  queryOptions({
    queryKey: ticketKeys.one(id),
    queryFn: async () => unwrap(await api.GET('/api/v1/tickets/{id}', { params: { path: { id } } })),
  });

export const messagesQuery = (id: string) =>
  queryOptions({
    queryKey: ticketKeys.messages(id),
    queryFn: async () => unwrap(await api.GET('/api/v1/tickets/{id}/messages', { params: { path: { id } } })).data,
  });

export const ticketFilesQuery = (id: string) =>
  queryOptions({
    queryKey: ticketKeys.files(id),
    queryFn: async () => unwrap(await api.GET('/api/v1/tickets/{id}/attachments', { params: { path: { id } } })).data,
  });
