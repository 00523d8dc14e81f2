import { Card, Group, SegmentedControl, SimpleGrid, Stack, Title } from '@mantine/core';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatMoney, formatMoneyShort, formatNumber } from '../../format.ts';
import { Empty, ErrorState, LoadingRows } from '../../ui/States.tsx';
import { type FigureRow, FigureTable } from './FigureTable.tsx';
import { LazyBars } from './LazyCharts.tsx';
import { currenciesOf, type PipelineReport, usePipelineReport } from './useReports.ts';

/** What the bars measure: the number of deals, or the money in one currency (never several added up). */
type Measure = 'count' | string;

function chartData(rows: FigureRow[], measure: Measure): Record<string, string | number>[] {
  return rows.map((r): Record<string, string | number> => {
    if (measure === 'count') return { name: r.label, count: r.count };
    const a = r.amounts.find((x) => x.currency === measure);
    return { name: r.label, amount: a?.amountMinor ?? 0, weighted: a?.weightedMinor ?? 0 };
  });
}

function Section({
  title,
  label,
  head,
  rows,
  measure,
  wide,
}: {
  title: string;
  label: string;
  head: string;
  rows: FigureRow[];
  measure: Measure;
  wide: boolean;
}) {
  const { t } = useTranslation();
  const money = measure !== 'count';
  const series = money
    ? [
        { name: 'amount', label: t('reports.amountIn', { currency: measure }), color: 'indigo.6' },
        { name: 'weighted', label: t('reports.weightedIn', { currency: measure }), color: 'cyan.6' },
      ]
    : [{ name: 'count', label: t('reports.deals'), color: 'indigo.6' }];
  return (
    <Stack gap="xs">
      <Title order={3} size="h5">
        {title}
      </Title>
      <SimpleGrid cols={wide ? { base: 1, lg: 2 } : 1} spacing="lg">
        <LazyBars
          label={label}
          data={chartData(rows, measure)}
          dataKey="name"
          series={series}
          format={money ? (n) => formatMoney(n, measure) : formatNumber}
          formatTick={money ? (n) => formatMoneyShort(n, measure) : formatNumber}
          wholeNumbers={!money}
        />
        <FigureTable label={title} head={head} rows={rows} />
      </SimpleGrid>
    </Stack>
  );
}

const stageRows = (r: PipelineReport): FigureRow[] =>
  // Open deals never sit on a won or lost stage: those columns would always be empty.
  r.byStage
    .filter((s) => s.kind === 'open' || s.count > 0)
    .map((s) => ({ key: s.stageId, label: s.name, count: s.count, amounts: s.amounts }));

/**
 * Open deals of a pipeline by stage and, unless narrowed to one person, by owner. A switch picks
 * what the bars measure: the number of deals or the amounts in one currency.
 */
export function PipelineReportCard(props: {
  title: string;
  pipelineId?: string;
  ownerId?: string;
  withOwners?: boolean;
  /** Chart and table side by side on a wide screen; false stacks them (a half-width card). */
  wide?: boolean;
  action?: ReactNode;
}) {
  const { t } = useTranslation();
  const report = usePipelineReport({ pipelineId: props.pipelineId, ownerId: props.ownerId });
  const [picked, setPicked] = useState<Measure>('count');
  const data = report.data;
  const stages = data ? stageRows(data) : [];
  const owners: FigureRow[] = (data?.byOwner ?? []).map((o) => ({
    key: o.ownerId ?? 'none',
    label: o.name ?? t('reports.noOwner'),
    count: o.count,
    amounts: o.amounts,
  }));
  const currencies = currenciesOf(stages);
  // A currency that the new filter no longer shows falls back to counting.
  const measure = currencies.includes(picked) ? picked : 'count';
  const what = measure === 'count' ? t('reports.numberOfDeals') : t('reports.amountIn', { currency: measure });

  return (
    <Card withBorder component="section" aria-label={props.title}>
      <Group justify="space-between" mb="sm" gap="xs">
        <Title order={2} size="h4">
          {props.title}
        </Title>
        <Group gap="xs">
          {currencies.length > 0 && (
            <SegmentedControl
              size="xs"
              aria-label={t('reports.measure')}
              value={measure}
              onChange={setPicked}
              data={[{ value: 'count', label: t('reports.deals') }, ...currencies.map((c) => ({ value: c, label: c }))]}
            />
          )}
          {props.action}
        </Group>
      </Group>
      {report.error ? (
        <ErrorState error={report.error} onRetry={() => report.refetch()} />
      ) : !data ? (
        <LoadingRows />
      ) : !data.pipelineId ? (
        <Empty>{t('reports.noPipeline')}</Empty>
      ) : (
        <Stack gap="lg">
          <Section
            title={t('reports.byStage')}
            label={t('reports.stageChart', { what })}
            head={t('reports.stage')}
            rows={stages}
            measure={measure}
            wide={props.wide !== false}
          />
          {props.withOwners !== false &&
            (owners.length ? (
              <Section
                title={t('reports.byOwner')}
                label={t('reports.ownerChart', { what })}
                head={t('reports.owner')}
                rows={owners}
                measure={measure}
                wide={props.wide !== false}
              />
            ) : (
              <Empty>{t('reports.noOpenDeals')}</Empty>
            ))}
        </Stack>
      )}
    </Card>
  );
}
