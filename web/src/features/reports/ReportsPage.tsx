import { Stack, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { navigate, useLocation } from '../../router.tsx';
import { useMe } from '../../session.ts';
import { PipelineReportCard } from './PipelineReportCard.tsx';
import { ReportFilters } from './ReportFilters.tsx';
import { ownerIdOf, readReportFilters, reportsHref } from './reportState.ts';
import { ServiceReportCard } from './ServiceReportCard.tsx';
import { WinRateCard } from './WinRateCard.tsx';

export default function ReportsPage() {
  const { t } = useTranslation();
  const me = useMe();
  const { query } = useLocation();
  const filters = readReportFilters(query);
  const pipelineId = filters.pipeline ?? undefined;
  const ownerId = ownerIdOf(filters.owner, me.member.id);
  return (
    <Stack>
      <Title order={1} size="h2">
        {t('reports.title')}
      </Title>
      <ReportFilters value={filters} onChange={(f) => navigate(reportsHref(f), { replace: true, keepScroll: true })} />
      <PipelineReportCard title={t('reports.pipelineTitle')} pipelineId={pipelineId} ownerId={ownerId} />
      <WinRateCard title={t('reports.winRateTitle')} pipelineId={pipelineId} ownerId={ownerId} months={filters.months} />
      <ServiceReportCard />
    </Stack>
  );
}
