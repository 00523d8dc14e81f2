import { Anchor, Button, Group, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api.ts';
import { formatDateTime } from '../../format.ts';
import { webPath } from '../../records.ts';
import { Link, navigate } from '../../router.tsx';
import { useMe } from '../../session.ts';
import { ConfirmModal } from '../../ui/ConfirmModal.tsx';
import { Empty, ErrorState, LoadingRows } from '../../ui/States.tsx';
import { useObjectNames } from './ListsPage.tsx';
import { type ListMember, listKeys, objectTypeOfList, removeFromList } from './useRecordLists.ts';

/** One static list: its records (each a link to its page), taking them out, renaming and deleting the list. */
export default function ListMembersPage({ id }: { id: string }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const me = useMe();
  const { nameOf } = useObjectNames();
  const mayWrite = me.member.role !== 'read-only';
  const list = useQuery({
    queryKey: listKeys.one(id),
    queryFn: async () => unwrap(await api.GET('/api/v1/lists/{id}', { params: { path: { id } } })),
  });
  const members = useInfiniteQuery({
    queryKey: listKeys.members(id),
    queryFn: async ({ pageParam }) =>
      unwrap(await api.GET('/api/v1/lists/{id}/members', { params: { path: { id }, query: { cursor: pageParam, limit: 100 } } })),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const [renaming, setRenaming] = useState<string | null>(null);
  const [deleting, setDeleting] = useState(false);
  const [busy, setBusy] = useState(false);

  if (list.error) return <ErrorState error={list.error} onRetry={() => list.refetch()} />;
  if (list.isPending) return <LoadingRows rows={4} />;
  const l = list.data;
  const type = objectTypeOfList(l.objectType);
  const rows = members.data?.pages.flatMap((p) => p.data) ?? [];

  const refresh = () => void qc.invalidateQueries({ queryKey: listKeys.all });
  const fail = (e: unknown) => notifications.show({ color: 'red', message: (e as Error).message });
  const rename = async () => {
    if (!renaming?.trim()) return;
    setBusy(true);
    try {
      unwrap(await api.PATCH('/api/v1/lists/{id}', { params: { path: { id } }, body: { name: renaming.trim(), version: l.version } }));
      setRenaming(null);
      refresh();
    } catch (e) {
      fail(e);
    } finally {
      setBusy(false);
    }
  };
  const remove = async (m: ListMember) => {
    try {
      await removeFromList(id, [m.id]);
      notifications.show({ color: 'green', message: t('staticLists.removed', { name: m.title }) });
      refresh();
    } catch (e) {
      fail(e);
    }
  };
  const deleteList = async () => {
    setBusy(true);
    try {
      unwrap(await api.DELETE('/api/v1/lists/{id}', { params: { path: { id } }, headers: { 'If-Match': String(l.version) } }));
      notifications.show({ color: 'green', message: t('staticLists.deleted', { name: l.name }) });
      navigate('/lists');
      // Gone: reading it again would only be a 404.
      qc.removeQueries({ queryKey: listKeys.one(id) });
      qc.removeQueries({ queryKey: listKeys.members(id) });
      void qc.invalidateQueries({ queryKey: ['record-lists', 'list'] });
    } catch (e) {
      fail(e);
    } finally {
      setBusy(false);
      setDeleting(false);
    }
  };

  return (
    <Stack>
      <Link to="/lists" size="sm">
        ← {t('staticLists.back')}
      </Link>
      <Group justify="space-between" wrap="wrap" align="flex-end">
        {renaming !== null ? (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void rename();
            }}
          >
            <Group gap="xs" align="flex-end">
              <TextInput
                label={t('staticLists.name')}
                value={renaming}
                onChange={(e) => setRenaming(e.currentTarget.value)}
                maxLength={200}
                data-autofocus
                autoFocus
              />
              <Button type="submit" loading={busy} disabled={!renaming.trim()}>
                {t('staticLists.save')}
              </Button>
              <Button variant="default" onClick={() => setRenaming(null)}>
                {t('record.cancel')}
              </Button>
            </Group>
          </form>
        ) : (
          <div>
            <Title order={1} size="h2">
              {l.name}
            </Title>
            <Text size="sm" c="dimmed">
              {nameOf(l.objectType)} · {t('staticLists.members')}: {l.memberCount}
            </Text>
          </div>
        )}
        {mayWrite && renaming === null && (
          <Group gap="xs">
            <Button variant="default" onClick={() => setRenaming(l.name)}>
              {t('staticLists.rename')}
            </Button>
            <Button color="red" variant="light" onClick={() => setDeleting(true)}>
              {t('staticLists.delete')}
            </Button>
          </Group>
        )}
      </Group>
      {l.description && <Text size="sm">{l.description}</Text>}
      {members.error ? (
        <ErrorState error={members.error} onRetry={() => members.refetch()} />
      ) : members.isPending ? (
        <LoadingRows rows={3} />
      ) : rows.length === 0 ? (
        <Empty>{t('staticLists.noMembers')}</Empty>
      ) : (
        <Table.ScrollContainer minWidth={480}>
          <Table striped data-testid="list-members">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('staticLists.record')}</Table.Th>
                <Table.Th>{t('staticLists.addedAt')}</Table.Th>
                {mayWrite && <Table.Th>{t('trash.actions')}</Table.Th>}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((m) => (
                <Table.Tr key={m.id}>
                  <Table.Td>
                    {type === 'task' || l.objectType === 'activity' ? (
                      <Text size="sm">{m.title || '—'}</Text>
                    ) : (
                      <Link to={`${webPath(type)}/${m.id}`} size="sm">
                        {m.title || '—'}
                      </Link>
                    )}
                  </Table.Td>
                  <Table.Td>{formatDateTime(m.addedAt)}</Table.Td>
                  {mayWrite && (
                    <Table.Td>
                      <Button
                        size="compact-sm"
                        variant="light"
                        color="red"
                        aria-label={t('staticLists.removeFrom', { name: m.title })}
                        onClick={() => void remove(m)}
                      >
                        {t('staticLists.remove')}
                      </Button>
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {members.hasNextPage && (
        <Anchor component="button" size="sm" onClick={() => void members.fetchNextPage()}>
          {t('staticLists.more')}
        </Anchor>
      )}
      <ConfirmModal
        opened={deleting}
        title={t('staticLists.deleteTitle', { name: l.name })}
        text={t('staticLists.deleteText')}
        confirmLabel={t('staticLists.delete')}
        loading={busy}
        onConfirm={() => void deleteList()}
        onClose={() => setDeleting(false)}
      />
    </Stack>
  );
}
