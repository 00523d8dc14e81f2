import { Badge, Button, Group, SegmentedControl, Stack, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api.ts';
import { webPath } from '../../records.ts';
import { Link, navigate, useLocation } from '../../router.tsx';
import { Empty, ErrorState, LoadingRows } from '../../ui/States.tsx';
import { type DuplicateType, type Pair, duplicateTypes as types } from './duplicates.ts';

/** The review queue: suspected duplicate pairs, most alike first, to merge or to call "not a duplicate". */
export default function DuplicatesPage() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const { query } = useLocation();
  const type = (types as string[]).includes(query.get('type') ?? '') ? (query.get('type') as DuplicateType) : 'contact';
  const pairs = useQuery({
    queryKey: ['duplicates', type],
    queryFn: async () => unwrap(await api.GET('/api/v1/duplicates', { params: { query: { type, limit: 100 } } })).data,
  });
  const dismiss = useMutation({
    mutationFn: async (p: Pair) =>
      unwrap(await api.POST('/api/v1/duplicates/dismiss', { body: { type, ids: p.records.map((r) => r.id) } })),
    onSuccess: () => {
      notifications.show({ color: 'green', message: t('duplicates.dismissed') });
      void qc.invalidateQueries({ queryKey: ['duplicates'] });
    },
    onError: (e) => notifications.show({ color: 'red', message: e.message }),
  });
  const scan = useMutation({
    mutationFn: async () => unwrap(await api.POST('/api/v1/duplicates/scan', { params: { query: { type } } })),
    onSuccess: () => notifications.show({ color: 'green', message: t('duplicates.scanQueued') }),
    onError: (e) => notifications.show({ color: 'red', message: e.message }),
  });
  const data = pairs.data ?? [];
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>{t('duplicates.title')}</Title>
        <Button variant="default" size="xs" loading={scan.isPending} onClick={() => scan.mutate()}>
          {t('duplicates.scan')}
        </Button>
      </Group>
      <SegmentedControl
        aria-label={t('duplicates.object')}
        value={type}
        onChange={(v) => navigate(`/duplicates?type=${v}`, { replace: true })}
        data={types.map((v) => ({ value: v, label: t(`trash.types.${v}`) }))}
        w="fit-content"
      />
      {pairs.isError ? (
        <ErrorState error={pairs.error} onRetry={() => void pairs.refetch()} />
      ) : pairs.isPending ? (
        <LoadingRows />
      ) : !data.length ? (
        <Empty>{t('duplicates.none')}</Empty>
      ) : (
        <Table striped highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('duplicates.records')}</Table.Th>
              <Table.Th>{t('duplicates.score')}</Table.Th>
              <Table.Th>{t('duplicates.why')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {data.map((p) => (
              <Table.Tr key={p.records.map((r) => r.id).join()} data-testid="duplicate-pair">
                <Table.Td>
                  <Stack gap={2}>
                    {p.records.map((r) => (
                      <Group key={r.id} gap="xs">
                        <Link to={`${webPath(type)}/${r.id}`}>{r.title || '—'}</Link>
                        {r.subtitle && (
                          <Text size="xs" c="dimmed">
                            {r.subtitle}
                          </Text>
                        )}
                      </Group>
                    ))}
                  </Stack>
                </Table.Td>
                <Table.Td>{Math.round(p.score * 100)} %</Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    {p.reasons.map((r) => (
                      <Badge key={r} size="sm" variant="light">
                        {t(`duplicates.reasons.${r}`)}
                      </Badge>
                    ))}
                  </Group>
                </Table.Td>
                <Table.Td>
                  <Group gap="xs" justify="flex-end" wrap="nowrap">
                    <Button
                      size="xs"
                      onClick={() => navigate(`/duplicates/merge?type=${type}&ids=${p.records.map((r) => r.id).join(',')}`)}
                    >
                      {t('duplicates.merge')}
                    </Button>
                    <Button
                      size="xs"
                      variant="default"
                      loading={dismiss.isPending && dismiss.variables === p}
                      onClick={() => dismiss.mutate(p)}
                    >
                      {t('duplicates.notDuplicate')}
                    </Button>
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
