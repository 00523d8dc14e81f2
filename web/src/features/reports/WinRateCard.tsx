import { Card, Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { formatMonth, formatNumber, formatPercent } from '../../format.ts';
import { Empty, ErrorState, LoadingRows } from '../../ui/States.tsx';
import { Amounts, ScrollTable } from './FigureTable.tsx';
import { LazyWinRateBars } from './LazyCharts.tsx';
import { useWinRate, type WinRate, winRateTotals } from './useReports.ts';

function MonthTable({ label, months }: { label: string; months: WinRate['months'] }) {
  const { t } = useTranslation();
  const total = winRateTotals(months);
  return (
    <ScrollTable label={label} minWidth={340}>
      <Table aria-label={label} striped verticalSpacing={4} fz="sm">
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">{t('reports.month')}</Table.Th>
            <Table.Th scope="col" ta="right">
              {t('reports.won')}
            </Table.Th>
            <Table.Th scope="col" ta="right">
              {t('reports.lost')}
            </Table.Th>
            <Table.Th scope="col" ta="right">
              {t('reports.winRate')}
            </Table.Th>
            <Table.Th scope="col" ta="right">
              {t('reports.wonAmount')}
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {/* Newest month first: the one a reader looks for. */}
          {[...months].reverse().map((m) => (
            <Table.Tr key={m.month}>
              <Table.Th scope="row" fw={500} style={{ whiteSpace: 'nowrap' }}>
                {formatMonth(m.month)}
              </Table.Th>
              <Table.Td ta="right">{formatNumber(m.won)}</Table.Td>
              <Table.Td ta="right">{formatNumber(m.lost)}</Table.Td>
              <Table.Td ta="right">{m.winRate == null ? '–' : formatPercent(m.winRate)}</Table.Td>
              <Table.Td ta="right">
                <Amounts values={m.wonAmounts.map((a) => ({ currency: a.currency, minor: a.amountMinor }))} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
        <Table.Tfoot>
          <Table.Tr>
            <Table.Th scope="row">{t('reports.total')}</Table.Th>
            <Table.Td ta="right" fw={600}>
              {formatNumber(total.won)}
            </Table.Td>
            <Table.Td ta="right" fw={600}>
              {formatNumber(total.lost)}
            </Table.Td>
            <Table.Td ta="right" fw={600}>
              {total.rate == null ? '–' : formatPercent(total.rate)}
            </Table.Td>
            <Table.Td />
          </Table.Tr>
        </Table.Tfoot>
      </Table>
    </ScrollTable>
  );
}

/** Deals won and lost per month with the win rate, as bars and a line, and the same figures in a table. */
export function WinRateCard(props: {
  title: string;
  pipelineId?: string;
  ownerId?: string;
  months: number;
  /** Chart and table side by side on a wide screen; false stacks them (a half-width card). */
  wide?: boolean;
  action?: ReactNode;
}) {
  const { t } = useTranslation();
  const q = useWinRate({ pipelineId: props.pipelineId, ownerId: props.ownerId, months: props.months });
  const months = q.data?.months ?? [];
  const total = winRateTotals(months);
  return (
    <Card withBorder component="section" aria-label={props.title}>
      <Group justify="space-between" mb="xs" gap="xs">
        <Title order={2} size="h4">
          {props.title}
        </Title>
        {props.action}
      </Group>
      {q.error ? (
        <ErrorState error={q.error} onRetry={() => q.refetch()} />
      ) : !q.data ? (
        <LoadingRows />
      ) : !q.data.pipelineId ? (
        <Empty>{t('reports.noPipeline')}</Empty>
      ) : (
        <Stack gap="sm">
          <Text size="sm" c="dimmed" data-testid="win-rate-summary">
            {total.rate == null
              ? t('reports.noneClosed', { count: props.months })
              : t('reports.summary', {
                  count: props.months,
                  won: formatNumber(total.won),
                  lost: formatNumber(total.lost),
                  rate: formatPercent(total.rate),
                })}
          </Text>
          <SimpleGrid cols={props.wide === false ? 1 : { base: 1, lg: 2 }} spacing="lg">
            <LazyWinRateBars
              label={t('reports.winRateChart', { count: props.months })}
              data={months.map((m) => ({
                month: formatMonth(m.month),
                won: m.won,
                lost: m.lost,
                rate: m.winRate == null ? null : Math.round(m.winRate * 100),
              }))}
              labels={{ won: t('reports.won'), lost: t('reports.lost'), rate: t('reports.winRatePercent') }}
              formatCount={formatNumber}
              formatRate={(p) => formatPercent(p / 100)}
            />
            <MonthTable label={props.title} months={months} />
          </SimpleGrid>
        </Stack>
      )}
    </Card>
  );
}
