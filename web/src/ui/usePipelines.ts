import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, fullRows, type Pipeline, unwrap } from '../api.ts';

export const pipelinesQuery = queryOptions({
  queryKey: ['pipelines'],
  queryFn: async () => fullRows<Pipeline>(unwrap(await api.GET('/api/v1/pipelines'))),
  staleTime: 60_000,
});

export function usePipelines() {
  const q = useQuery(pipelinesQuery);
  const stages = new Map(
    (q.data ?? []).flatMap((p) => p.stages.map((s) => [s.id, { ...s, pipelineId: p.id, pipelineName: p.name }] as const)),
  );
  return { pipelines: q.data ?? [], stageOf: (id: string | null | undefined) => (id ? stages.get(id) : undefined), isPending: q.isPending };
}
