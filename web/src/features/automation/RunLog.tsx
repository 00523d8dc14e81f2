import { Group, Select, Stack, Table, Text } from '@mantine/core';
import type { TFunction } from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../format.ts';
import { Link } from '../../router.tsx';
import { Empty, ErrorState, LoadingRows } from '../../ui/States.tsx';
import { RunStatusBadge } from './RunStatusBadge.tsx';
import { type Run, useRuns } from './useAutomation.ts';

// The run log: runs newest first, of one rule or of all, each linking to its steps.

const statuses = ['queued', 'running', 'waiting', 'completed', 'failed', 'cancelled', 'skipped'] as const;

export function runDuration(r: Pick<Run, 'startedAt' | 'finishedAt'>) {
  if (!r.startedAt || !r.finishedAt) return '';
  const ms = Date.parse(r.finishedAt) - Date.parse(r.startedAt);
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

export function RunLog({ ruleId }: { ruleId?: string }) {
  const { t } = useTranslation();
  const [status, setStatus] = useState<string | null>(null);
  const runs = useRuns(ruleId, status ?? undefined);
  return (
    <Stack gap="sm">
      <Group>
        <Select
          label={t('automation.filterStatus')}
          placeholder={t('automation.allStatuses')}
          data={statuses.map((s) => ({ value: s, label: t(`automation.status.${s}`) }))}
          value={status}
          onChange={setStatus}
          clearable
          w={220}
        />
      </Group>
      {runs.error ? (
        <ErrorState error={runs.error} onRetry={() => runs.refetch()} />
      ) : !runs.data ? (
        <LoadingRows />
      ) : runs.data.length === 0 ? (
        <Empty>{t('automation.noRuns')}</Empty>
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table striped aria-label={t('automation.runLog')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('automation.started')}</Table.Th>
                {!ruleId && <Table.Th>{t('automation.rule')}</Table.Th>}
                <Table.Th>{t('automation.triggeredBy')}</Table.Th>
                <Table.Th>{t('automation.runStatus')}</Table.Th>
                <Table.Th>{t('automation.duration')}</Table.Th>
                <Table.Th>{t('automation.error')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {runs.data.map((r) => (
                <Table.Tr key={r.id}>
                  <Table.Td>
                    <Link to={`/automation/runs/${r.id}`}>{formatDateTime(r.createdAt)}</Link>
                  </Table.Td>
                  {!ruleId && (
                    <Table.Td>
                      <Link to={`/automation/rules/${r.ruleId}`}>{r.ruleName}</Link>
                    </Table.Td>
                  )}
                  <Table.Td>
                    <Text size="sm">{triggerWords(t, r)}</Text>
                  </Table.Td>
                  <Table.Td>
                    <RunStatusBadge status={r.status} />
                  </Table.Td>
                  <Table.Td>{runDuration(r)}</Table.Td>
                  <Table.Td>
                    <Text size="sm" lineClamp={2}>
                      {r.error ?? r.reason ?? ''}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}

/** What started a run, in words: the event's type ("deal.updated"), a tick, a person, a webhook. */
export function triggerWords(t: TFunction, r: Pick<Run, 'trigger'>) {
  const tr = r.trigger as { type?: string; eventType?: string };
  const type = tr.type ?? '';
  return tr.eventType ? t('automation.byEvent', { event: tr.eventType }) : t(`automation.trigger.${type}`, { defaultValue: type });
}
