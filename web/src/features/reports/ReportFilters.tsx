import { Group, SegmentedControl, Select, Stack, Text, useMatches } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useMe } from '../../session.ts';
import { useMembers } from '../../ui/useMembers.ts';
import { usePipelines } from '../../ui/usePipelines.ts';
import { type ReportFilters as Filters, periods } from './reportState.ts';

const everyone = 'all';

/** Pipeline, owner and period of the Reports page; the page keeps them in the address. */
export function ReportFilters({ value, onChange }: { value: Filters; onChange: (f: Filters) => void }) {
  const { t } = useTranslation();
  const me = useMe();
  const { pipelines } = usePipelines();
  const { members } = useMembers();
  // Four periods side by side fit a phone only in the smaller size.
  const periodSize = useMatches({ base: 'xs', xs: 'sm' });
  const others = members.filter((m) => m.id !== me.member.id).sort((a, b) => a.name.localeCompare(b.name));
  return (
    <Group align="flex-end" gap="md" wrap="wrap">
      <Select
        label={t('reports.pipeline')}
        data={pipelines.map((p) => ({ value: p.id, label: p.name }))}
        // Without a choice the API reports on the first pipeline: show that one as chosen.
        value={value.pipeline ?? pipelines[0]?.id ?? null}
        onChange={(v) => v && onChange({ ...value, pipeline: v })}
        allowDeselect={false}
        w={{ base: '100%', xs: 220 }}
      />
      <Select
        label={t('reports.owner')}
        data={[
          { value: everyone, label: t('reports.everyone') },
          { value: 'me', label: t('reports.me') },
          ...others.map((m) => ({ value: m.id, label: m.name })),
        ]}
        value={value.owner ?? everyone}
        onChange={(v) => onChange({ ...value, owner: !v || v === everyone ? null : v })}
        allowDeselect={false}
        searchable
        w={{ base: '100%', xs: 220 }}
      />
      <Stack gap={4} w={{ base: '100%', xs: 'auto' }}>
        <Text size="sm" fw={500} id="report-period">
          {t('reports.period')}
        </Text>
        <SegmentedControl
          aria-labelledby="report-period"
          size={periodSize}
          fullWidth
          value={String(value.months)}
          onChange={(v) => onChange({ ...value, months: Number(v) as Filters['months'] })}
          data={periods.map((m) => ({ value: String(m), label: t('reports.months', { count: m }) }))}
        />
      </Stack>
    </Group>
  );
}
