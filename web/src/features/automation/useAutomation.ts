import { queryOptions, useQuery } from '@tanstack/react-query';
import type { RuleDefinition } from '../../../../contract/automation.ts';
import { api, type GetResult, unwrap } from '../../api.ts';
import type { paths } from '../../api-types.ts';

// The automation API as the pages read it: what rules are built from, the rules, their runs.

export type Catalog = GetResult<'/api/v1/automation/catalog'>;
export type ObjectFields = GetResult<'/api/v1/automation/fields'>;
export type RuleField = ObjectFields['fields'][number];
export type RuleSummary = GetResult<'/api/v1/automation/rules'>['data'][number];
/** A rule with its definition as the engine reads it (the generated type spells out every nesting level). */
export type Rule = Omit<GetResult<'/api/v1/automation/rules/{id}'>, 'definition'> & { definition: RuleDefinition };
export type Run = GetResult<'/api/v1/automation/runs'>['data'][number];
export type RunDetail = GetResult<'/api/v1/automation/runs/{id}'>;
export type RuleVersion = GetResult<'/api/v1/automation/rules/{id}/versions'>['data'][number];
/** What a dry run says would happen. */
export type DryRunResult = paths['/api/v1/automation/dry-run']['post']['responses'][200]['content']['application/json'];

export const automationKeys = {
  all: ['automation'] as const,
  rules: ['automation', 'rules'] as const,
  rule: (id: string) => ['automation', 'rule', id] as const,
  versions: (id: string) => ['automation', 'versions', id] as const,
  runs: (ruleId?: string, status?: string) => ['automation', 'runs', ruleId ?? '', status ?? ''] as const,
  run: (id: string) => ['automation', 'run', id] as const,
};

const catalogQuery = queryOptions({
  queryKey: ['automation', 'catalog'],
  queryFn: async () => unwrap(await api.GET('/api/v1/automation/catalog')),
  staleTime: Number.POSITIVE_INFINITY,
});
export const useCatalog = () => useQuery(catalogQuery);

/** The fields of an object as rules use them; nothing to ask for while no object is chosen. */
export function useRuleFields(object: string | null | undefined) {
  return useQuery({
    queryKey: ['automation', 'fields', object ?? ''],
    enabled: !!object,
    staleTime: 60_000,
    queryFn: async () => unwrap(await api.GET('/api/v1/automation/fields', { params: { query: { object: object as string } } })),
  });
}

export const useRules = () =>
  useQuery({ queryKey: automationKeys.rules, queryFn: async () => unwrap(await api.GET('/api/v1/automation/rules')).data });

export const useRule = (id: string | null) =>
  useQuery({
    queryKey: automationKeys.rule(id ?? ''),
    enabled: !!id,
    queryFn: async () => unwrap(await api.GET('/api/v1/automation/rules/{id}', { params: { path: { id: id as string } } })) as Rule,
  });

export const useVersions = (id: string) =>
  useQuery({
    queryKey: automationKeys.versions(id),
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/automation/rules/{id}/versions', { params: { path: { id }, query: { limit: 50 } } })).data,
  });

const unfinished = new Set(['queued', 'running', 'waiting']);

/** Runs, newest first; read again every few seconds while any is still under way. */
export function useRuns(ruleId?: string, status?: string) {
  return useQuery({
    queryKey: automationKeys.runs(ruleId, status),
    queryFn: async () =>
      unwrap(
        await api.GET('/api/v1/automation/runs', {
          params: { query: { ruleId, status: (status || undefined) as Run['status'] | undefined, limit: 100 } },
        }),
      ).data,
    refetchInterval: (q) => (q.state.data?.some((r) => unfinished.has(r.status)) ? 2_000 : 15_000),
  });
}

export function useRun(id: string) {
  return useQuery({
    queryKey: automationKeys.run(id),
    queryFn: async () => unwrap(await api.GET('/api/v1/automation/runs/{id}', { params: { path: { id } } })),
    refetchInterval: (q) => (q.state.data && unfinished.has(q.state.data.status) ? 1_500 : false),
  });
}

export const isUnfinished = (status: string) => unfinished.has(status);
