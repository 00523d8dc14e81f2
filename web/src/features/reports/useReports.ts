import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, type GetResult, unwrap } from '../../api.ts';

export type PipelineReport = GetResult<'/api/v1/reports/pipeline'>;
export type WinRate = GetResult<'/api/v1/reports/win-rate'>;
export type Amount = PipelineReport['byStage'][number]['amounts'][number];

// Reports read deals, so they sit under the deals' query key: whatever refreshes deals refreshes them.
export function usePipelineReport(q: { pipelineId?: string; ownerId?: string }) {
  return useQuery({
    queryKey: ['deals', 'reports', 'pipeline', q.pipelineId ?? null, q.ownerId ?? null],
    queryFn: async () => unwrap(await api.GET('/api/v1/reports/pipeline', { params: { query: q } })),
    // A change of filter keeps the old figures on screen until the new ones arrive, instead of a flash of skeletons.
    placeholderData: keepPreviousData,
    // Figures are asked for afresh on each visit: deals change in other tabs and by other people.
    staleTime: 0,
  });
}

export function useWinRate(q: { pipelineId?: string; ownerId?: string; months: number }) {
  return useQuery({
    queryKey: ['deals', 'reports', 'win-rate', q.pipelineId ?? null, q.ownerId ?? null, q.months],
    queryFn: async () => unwrap(await api.GET('/api/v1/reports/win-rate', { params: { query: q } })),
    placeholderData: keepPreviousData,
    staleTime: 0,
  });
}

/** The currencies a report mentions, in a stable order: they are charted one at a time, never added together. */
export function currenciesOf(rows: { amounts: { currency: string }[] }[]) {
  return [...new Set(rows.flatMap((r) => r.amounts.map((a) => a.currency)))].sort();
}

/** Totals over a period of months: deals won and lost, and the win rate (null without a closed deal). */
export function winRateTotals(months: WinRate['months']) {
  const won = months.reduce((n, m) => n + m.won, 0);
  const lost = months.reduce((n, m) => n + m.lost, 0);
  return { won, lost, rate: won + lost ? won / (won + lost) : null };
}
