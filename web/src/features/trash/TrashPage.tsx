import { Button, Group, Select, Stack, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { recordTypes } from '../../../../contract/enums.ts';
import { api, type GetResult, unwrap } from '../../api.ts';
import { formatDateTime } from '../../format.ts';
import { type BuiltInType, customType, restoreRecord } from '../../records.ts';
import { Link } from '../../router.tsx';
import { useMe } from '../../session.ts';
import { ConfirmModal } from '../../ui/ConfirmModal.tsx';
import { linkedRecordPath } from '../../ui/linkedRecord.ts';
import { Empty, ErrorState, LoadingRows } from '../../ui/States.tsx';
import { useMembers } from '../../ui/useMembers.ts';
import { useObjectTypes } from '../../ui/useObjects.ts';
import { TrashRetention } from './TrashRetention.tsx';

type Item = GetResult<'/api/v1/trash'>['data'][number];
type TrashType = Item['type'];

// Tickets keep their deleted ones on the Tickets page until the trash lists them (issue 14).
const builtIn = recordTypes.filter((t) => t !== 'ticket') as readonly TrashType[];
// Records with a page of their own; tasks and activities are read where they belong.
const withPage = new Set<TrashType>(['contact', 'company', 'lead', 'deal', 'custom_record']);

/** Brings a record back through its own restore route, where it reappears in its list. */
async function restore(item: Item) {
  if (item.type === 'activity') {
    unwrap(await api.POST('/api/v1/activities/{id}/restore', { params: { path: { id: item.id } } }));
  } else if (item.type === 'custom_record') {
    await restoreRecord(customType(item.objectKey ?? ''), item.id);
  } else {
    await restoreRecord(item.type as BuiltInType, item.id);
  }
}

/** Deleted records of every type: who deleted them and when, restore, and (for admins) delete for good. */
export default function TrashPage() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const me = useMe();
  const { nameOf } = useMembers();
  const objects = useObjectTypes();
  const mayPurge = me.member.role === 'owner' || me.member.role === 'admin';
  // `contact` … or `custom:<key>` for one custom object's records; null: everything.
  const [shown, setShown] = useState<string | null>(null);
  const [purging, setPurging] = useState<Item | null>(null);
  const query = shown?.startsWith('custom:')
    ? { type: 'custom_record' as const, object: shown.slice('custom:'.length) }
    : shown
      ? { type: shown as TrashType }
      : {};
  const trash = useInfiniteQuery({
    queryKey: ['trash', query],
    queryFn: async ({ pageParam }) =>
      unwrap(await api.GET('/api/v1/trash', { params: { query: { ...query, cursor: pageParam, limit: 50 } } })),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const items = trash.data?.pages.flatMap((p) => p.data) ?? [];
  const typeLabel = (i: Item) =>
    i.type === 'custom_record'
      ? (objects.data?.find((o) => o.key === i.objectKey)?.label ?? i.objectKey ?? '')
      : t(`trash.types.${i.type}`);
  const done = (message: string) => {
    notifications.show({ color: 'green', message });
    void qc.invalidateQueries();
  };
  const restoreOne = useMutation({
    mutationFn: restore,
    onSuccess: (_r, item) => done(t('trash.restored', { name: item.name })),
    onError: (e) => notifications.show({ color: 'red', message: e.message }),
  });
  const purge = useMutation({
    mutationFn: async (item: Item) =>
      unwrap(await api.DELETE('/api/v1/trash/{type}/{id}', { params: { path: { type: item.type, id: item.id } } })),
    onSuccess: (_r, item) => {
      setPurging(null);
      done(t('trash.deletedForever', { name: item.name }));
    },
    onError: (e) => {
      setPurging(null);
      notifications.show({ color: 'red', message: e.message });
    },
  });
  const filterData = [
    { value: 'all', label: t('trash.allTypes') },
    ...builtIn.map((b) => ({ value: b, label: t(`trash.types.${b}`) })),
    ...(objects.data ?? []).map((o) => ({ value: `custom:${o.key}`, label: o.label })),
  ];

  return (
    <Stack>
      <Group justify="space-between" wrap="wrap">
        <Title order={1} size="h2">
          {t('trash.title')}
        </Title>
        <Select
          size="sm"
          label={t('trash.filter')}
          data={filterData}
          value={shown ?? 'all'}
          onChange={(v) => setShown(!v || v === 'all' ? null : v)}
          allowDeselect={false}
          w={200}
        />
      </Group>
      <Text size="sm" c="dimmed">
        {t('trash.intro')}
      </Text>
      {trash.error ? (
        <ErrorState error={trash.error} onRetry={() => trash.refetch()} />
      ) : trash.isPending ? (
        <LoadingRows rows={4} />
      ) : items.length === 0 ? (
        <Empty>{t('trash.empty')}</Empty>
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table striped data-testid="trash">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('trash.type')}</Table.Th>
                <Table.Th>{t('trash.name')}</Table.Th>
                <Table.Th>{t('trash.deletedBy')}</Table.Th>
                <Table.Th>{t('trash.deletedAt')}</Table.Th>
                <Table.Th>{t('trash.actions')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((i) => (
                <Table.Tr key={`${i.type}:${i.id}`}>
                  <Table.Td>{typeLabel(i)}</Table.Td>
                  <Table.Td>
                    {withPage.has(i.type) ? (
                      <Link to={linkedRecordPath({ recordType: i.type, recordId: i.id, objectKey: i.objectKey })} size="sm">
                        {i.name || '—'}
                      </Link>
                    ) : (
                      <Text size="sm">{i.name || '—'}</Text>
                    )}
                    {i.mergedInto && (
                      <Text size="xs" c="dimmed">
                        {t('trash.mergedInto')}{' '}
                        <Link to={linkedRecordPath({ recordType: i.type, recordId: i.mergedInto, objectKey: i.objectKey })} size="xs">
                          {t('trash.survivor')}
                        </Link>
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    {(i.deletedBy?.actorType === 'member' && nameOf(i.deletedBy.actorId)) ||
                      (i.deletedBy ? t(`record.actor.${i.deletedBy.actorType}`) : t('trash.unknownActor'))}
                  </Table.Td>
                  <Table.Td>{formatDateTime(i.deletedAt)}</Table.Td>
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap">
                      <Button
                        size="compact-sm"
                        variant="light"
                        aria-label={`${t('trash.restore')}: ${i.name}`}
                        loading={restoreOne.isPending && restoreOne.variables?.id === i.id}
                        onClick={() => restoreOne.mutate(i)}
                      >
                        {t('trash.restore')}
                      </Button>
                      {mayPurge && (
                        <Button
                          size="compact-sm"
                          variant="light"
                          color="red"
                          aria-label={`${t('trash.deleteForever')}: ${i.name}`}
                          onClick={() => setPurging(i)}
                        >
                          {t('trash.deleteForever')}
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
      {trash.hasNextPage && (
        <Group justify="center">
          <Button variant="default" onClick={() => trash.fetchNextPage()} loading={trash.isFetchingNextPage}>
            {t('trash.more')}
          </Button>
        </Group>
      )}
      <ConfirmModal
        opened={!!purging}
        title={t('trash.confirmTitle', { name: purging?.name ?? '' })}
        text={t('trash.confirmText')}
        confirmLabel={t('trash.deleteForever')}
        loading={purge.isPending}
        onConfirm={() => purging && purge.mutate(purging)}
        onClose={() => setPurging(null)}
      />
      {mayPurge && <TrashRetention />}
    </Stack>
  );
}
