import { Button, Group, Modal, Select, Stack, Table, Text, Textarea, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDate, formatNumber } from '../../format.ts';
import { Link, navigate } from '../../router.tsx';
import { useMe } from '../../session.ts';
import { Empty, ErrorState, LoadingRows } from '../../ui/States.tsx';
import { useObjectTypes } from '../../ui/useObjects.ts';
import { createList, listKeys, listObjects, useRecordLists } from './useRecordLists.ts';

/** What a list holds, in words: a built-in object's plural or a custom object's label. */
export function useObjectNames() {
  const { t } = useTranslation();
  const objects = useObjectTypes();
  const plural: Record<string, string> = { contact: 'contacts', company: 'companies', lead: 'leads', deal: 'deals', task: 'tasks' };
  const nameOf = (objectType: string) =>
    plural[objectType] ? t(`nav.${plural[objectType]}`) : (objects.data?.find((o) => o.key === objectType)?.labelPlural ?? objectType);
  const options = [
    ...listObjects.map((o) => ({ value: o as string, label: nameOf(o) })),
    ...(objects.data ?? []).map((o) => ({ value: o.key, label: o.labelPlural })),
  ];
  return { nameOf, options };
}

/** The workspace's static lists: what each holds and how many records; make a new one. */
export default function ListsPage() {
  const { t } = useTranslation();
  const me = useMe();
  const lists = useRecordLists();
  const { nameOf } = useObjectNames();
  const [creating, setCreating] = useState(false);
  const mayWrite = me.member.role !== 'read-only';

  return (
    <Stack>
      <Group justify="space-between" wrap="wrap">
        <Title order={1} size="h2">
          {t('staticLists.title')}
        </Title>
        {mayWrite && <Button onClick={() => setCreating(true)}>{t('staticLists.newList')}</Button>}
      </Group>
      <Text size="sm" c="dimmed">
        {t('staticLists.intro')}
      </Text>
      {lists.error ? (
        <ErrorState error={lists.error} onRetry={() => lists.refetch()} />
      ) : lists.isPending ? (
        <LoadingRows rows={3} />
      ) : lists.data.length === 0 ? (
        <Empty>{t('staticLists.empty')}</Empty>
      ) : (
        <Table.ScrollContainer minWidth={560}>
          <Table striped data-testid="static-lists">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('staticLists.name')}</Table.Th>
                <Table.Th>{t('staticLists.object')}</Table.Th>
                <Table.Th ta="right">{t('staticLists.members')}</Table.Th>
                <Table.Th>{t('staticLists.created')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {lists.data.map((l) => (
                <Table.Tr key={l.id}>
                  <Table.Td>
                    <Link to={`/lists/${l.id}`} size="sm" fw={600}>
                      {l.name}
                    </Link>
                    {l.description && (
                      <Text size="xs" c="dimmed" lineClamp={1}>
                        {l.description}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>{nameOf(l.objectType)}</Table.Td>
                  <Table.Td ta="right">{formatNumber(l.memberCount)}</Table.Td>
                  <Table.Td>{formatDate(l.createdAt)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <CreateListModal opened={creating} onClose={() => setCreating(false)} />
    </Stack>
  );
}

function CreateListModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const { options } = useObjectNames();
  const [name, setName] = useState('');
  const [objectType, setObjectType] = useState<string | null>('contact');
  const [description, setDescription] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    if (!objectType) return;
    setBusy(true);
    setError(null);
    try {
      const list = await createList({ name: name.trim(), objectType, description: description.trim() || null });
      notifications.show({ color: 'green', message: t('staticLists.madeList', { name: list.name }) });
      void qc.invalidateQueries({ queryKey: listKeys.all });
      setName('');
      setDescription('');
      onClose();
      navigate(`/lists/${list.id}`);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal opened={opened} onClose={onClose} title={t('staticLists.newList')} closeButtonProps={{ 'aria-label': t('app.close') }}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <Stack gap="sm">
          <TextInput
            label={t('staticLists.name')}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={error}
            required
            maxLength={200}
            data-autofocus
          />
          <Select
            label={t('staticLists.object')}
            data={options}
            value={objectType}
            onChange={setObjectType}
            allowDeselect={false}
            required
          />
          <Textarea
            label={t('staticLists.description')}
            value={description}
            onChange={(e) => setDescription(e.currentTarget.value)}
            maxLength={2000}
            autosize
            minRows={2}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('record.cancel')}
            </Button>
            <Button type="submit" loading={busy} disabled={!name.trim() || !objectType}>
              {t('staticLists.create')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
