import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../api.ts';

export const membersQuery = queryOptions({
  queryKey: ['members'],
  queryFn: async () => unwrap(await api.GET('/api/v1/members')).data,
  staleTime: 60_000,
});

/** The workspace's members, for owner names and pickers. */
export function useMembers() {
  const q = useQuery(membersQuery);
  const byId = new Map((q.data ?? []).map((m) => [m.id, m]));
  return { members: q.data ?? [], nameOf: (id: string | null | undefined) => (id ? (byId.get(id)?.name ?? '') : '') };
}
