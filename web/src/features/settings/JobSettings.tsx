import { Alert, Badge, Button, Group, Select, Stack, Table, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api.ts';
import { formatDateTime } from '../../format.ts';
import { ErrorState, LoadingRows } from '../../ui/States.tsx';

const statuses = ['queued', 'running', 'completed', 'dead', 'discarded'] as const;
type Status = (typeof statuses)[number];
const colors: Record<Status, string> = { queued: 'gray', running: 'blue', completed: 'green', dead: 'red', discarded: 'gray' };

/** The workspace's background jobs (imports …): what ran, what failed and why, with retry and discard. */
export function JobSettings() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [status, setStatus] = useState<Status | null>(null);
  const list = useQuery({
    queryKey: ['jobs', status],
    queryFn: async () => unwrap(await api.GET('/api/v1/jobs', { params: { query: status ? { status } : {} } })).data,
    // Running jobs move on by themselves: the page follows them.
    refetchInterval: (q) => (q.state.data?.some((j) => j.status === 'running' || j.status === 'queued') ? 2_000 : false),
  });
  const act = useMutation({
    mutationFn: async ({ id, action }: { id: string; action: 'retry' | 'discard' }) =>
      action === 'retry'
        ? unwrap(await api.POST('/api/v1/jobs/{id}/retry', { params: { path: { id } } }))
        : unwrap(await api.DELETE('/api/v1/jobs/{id}', { params: { path: { id } } })),
    onSettled: () => qc.invalidateQueries({ queryKey: ['jobs'] }),
  });
  return (
    <Stack>
      <Group>
        <Select
          label={t('jobs.status')}
          placeholder={t('jobs.any')}
          clearable
          data={statuses.map((s) => ({ value: s, label: t(`jobs.statuses.${s}`) }))}
          value={status}
          onChange={(v) => setStatus(v as Status | null)}
          w={200}
        />
      </Group>
      {act.error && (
        <Alert color="red" role="alert">
          {act.error.message}
        </Alert>
      )}
      {list.error ? (
        <ErrorState error={list.error} />
      ) : !list.data ? (
        <LoadingRows />
      ) : list.data.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('jobs.none')}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table data-testid="jobs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('jobs.what')}</Table.Th>
                <Table.Th>{t('jobs.status')}</Table.Th>
                <Table.Th>{t('jobs.tries')}</Table.Th>
                <Table.Th>{t('jobs.when')}</Table.Th>
                <Table.Th>{t('jobs.error')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data.map((j) => (
                <Table.Tr key={j.id} data-status={j.status}>
                  <Table.Td>{t(`jobs.names.${j.name}`, { defaultValue: j.name })}</Table.Td>
                  <Table.Td>
                    {/* The page's text colour on the light tint: the variant's own green text is too faint (axe: contrast). */}
                    <Badge variant="light" color={colors[j.status]} styles={{ root: { color: 'var(--mantine-color-text)' } }}>
                      {t(`jobs.statuses.${j.status}`)}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{`${j.attempts} / ${j.maxAttempts}`}</Table.Td>
                  <Table.Td>{formatDateTime(j.finishedAt ?? j.startedAt ?? j.createdAt)}</Table.Td>
                  <Table.Td style={{ maxWidth: 320, overflowWrap: 'anywhere' }}>{j.lastError ?? ''}</Table.Td>
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap">
                      {(j.status === 'dead' || j.status === 'discarded') && (
                        <Button size="xs" variant="subtle" onClick={() => act.mutate({ id: j.id, action: 'retry' })}>
                          {t('jobs.retry')}
                        </Button>
                      )}
                      {(j.status === 'dead' || j.status === 'queued') && (
                        <Button size="xs" variant="subtle" color="red" onClick={() => act.mutate({ id: j.id, action: 'discard' })}>
                          {t('jobs.discard')}
                        </Button>
                      )}
                    </Group>
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
