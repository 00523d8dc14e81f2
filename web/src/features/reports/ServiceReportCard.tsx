import { Card, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api.ts';
import { formatNumber, formatPercent } from '../../format.ts';
import { ErrorState, LoadingRows } from '../../ui/States.tsx';
import { useMembers } from '../../ui/useMembers.ts';
import { ScrollTable } from './FigureTable.tsx';
import { LazyBars } from './LazyCharts.tsx';

/** Minutes as a person reads them: "45 min", "3.5 h", "2.1 d"; a dash when there is nothing to measure. */
function duration(minutes: number | null | undefined) {
  if (minutes == null) return '–';
  if (minutes < 90) return `${formatNumber(Math.round(minutes))} min`;
  if (minutes < 48 * 60) return `${formatNumber(Math.round(minutes / 6) / 10)} h`;
  return `${formatNumber(Math.round(minutes / 144) / 10)} d`;
}

function Figure({ label, value, hint }: { label: string; value: string; hint?: string }) {
  return (
    <Stack gap={0}>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={700} size="xl">
        {value}
      </Text>
      {hint && (
        <Text size="xs" c="dimmed">
          {hint}
        </Text>
      )}
    </Stack>
  );
}

/**
 * The service dashboard on the Reports page: the last 30 days of tickets (volume by channel,
 * response and resolution times, SLA compliance, satisfaction), the open backlog by age, and the
 * figures per assignee. Every number the chart draws is in a table too.
 */
export function ServiceReportCard() {
  const { t } = useTranslation();
  const { nameOf } = useMembers();
  const report = useQuery({ queryKey: ['tickets', 'report'], queryFn: async () => unwrap(await api.GET('/api/v1/tickets/report')) });
  const csat = useQuery({ queryKey: ['tickets', 'satisfaction'], queryFn: async () => unwrap(await api.GET('/api/v1/satisfaction')) });
  const r = report.data;
  const channelLabel = (c: string | null) => (c ? t(`enums.ticketChannel.${c}`, { defaultValue: c }) : '–');
  return (
    <Card withBorder data-testid="service-report">
      <Stack>
        <Title order={2} size="h3">
          {t('serviceReport.title')}
        </Title>
        {report.isError && <ErrorState error={report.error} />}
        {!r && !report.isError && <LoadingRows />}
        {r && (
          <>
            <Text size="sm" c="dimmed">
              {t('serviceReport.period', { from: r.from, to: r.to })}
            </Text>
            <SimpleGrid cols={{ base: 2, sm: 3, lg: 6 }}>
              <Figure label={t('serviceReport.created')} value={formatNumber(r.created)} />
              <Figure label={t('serviceReport.solved')} value={formatNumber(r.solved)} />
              <Figure
                label={t('serviceReport.firstResponse')}
                value={duration(r.firstResponse.medianMinutes)}
                hint={t('serviceReport.p90', { value: duration(r.firstResponse.p90Minutes) })}
              />
              <Figure
                label={t('serviceReport.resolution')}
                value={duration(r.resolution.medianMinutes)}
                hint={t('serviceReport.p90', { value: duration(r.resolution.p90Minutes) })}
              />
              <Figure
                label={t('serviceReport.slaMet')}
                value={r.sla.metPercent == null ? '–' : formatPercent(r.sla.metPercent / 100)}
                hint={t('serviceReport.breached', { count: r.sla.breached })}
              />
              <Figure
                label={t('serviceReport.csat')}
                value={csat.data?.total.percentGood == null ? '–' : formatPercent(csat.data.total.percentGood / 100)}
                hint={csat.data ? t('serviceReport.ratings', { count: csat.data.total.good + csat.data.total.bad }) : undefined}
              />
            </SimpleGrid>
            {r.byChannel.length > 0 && (
              <LazyBars
                label={t('serviceReport.byChannel')}
                data={r.byChannel.map((c) => ({ channel: channelLabel(c.channel), tickets: c.tickets }))}
                dataKey="channel"
                series={[{ name: 'tickets', label: t('serviceReport.tickets'), color: 'blue.6' }]}
                format={(n) => formatNumber(n)}
                formatTick={(n) => formatNumber(n)}
                wholeNumbers
                h={200}
              />
            )}
            <SimpleGrid cols={{ base: 1, md: 2 }}>
              <ScrollTable label={t('serviceReport.backlog')} minWidth={280}>
                <Table aria-label={t('serviceReport.backlog')} striped fz="sm">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th scope="col">{t('serviceReport.backlog')}</Table.Th>
                      <Table.Th scope="col" ta="right">
                        {t('serviceReport.tickets')}
                      </Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {(
                      [
                        ['day', r.backlog.day],
                        ['threeDays', r.backlog.threeDays],
                        ['week', r.backlog.week],
                        ['older', r.backlog.older],
                      ] as const
                    ).map(([k, n]) => (
                      <Table.Tr key={k}>
                        <Table.Th scope="row" fw={500}>
                          {t(`serviceReport.age.${k}`)}
                        </Table.Th>
                        <Table.Td ta="right">{formatNumber(n)}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </ScrollTable>
              <ScrollTable label={t('serviceReport.byAssignee')} minWidth={360}>
                <Table aria-label={t('serviceReport.byAssignee')} striped fz="sm">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th scope="col">{t('serviceReport.assignee')}</Table.Th>
                      <Table.Th scope="col" ta="right">
                        {t('serviceReport.tickets')}
                      </Table.Th>
                      <Table.Th scope="col" ta="right">
                        {t('serviceReport.solved')}
                      </Table.Th>
                      <Table.Th scope="col" ta="right">
                        {t('serviceReport.firstResponse')}
                      </Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {r.byAssignee.map((a) => (
                      <Table.Tr key={a.memberId ?? 'none'}>
                        <Table.Th scope="row" fw={500}>
                          {a.memberId ? nameOf(a.memberId) : t('serviceReport.unassigned')}
                        </Table.Th>
                        <Table.Td ta="right">{formatNumber(a.tickets)}</Table.Td>
                        <Table.Td ta="right">{formatNumber(a.solved)}</Table.Td>
                        <Table.Td ta="right">{duration(a.medianFirstResponseMinutes)}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </ScrollTable>
            </SimpleGrid>
          </>
        )}
      </Stack>
    </Card>
  );
}
