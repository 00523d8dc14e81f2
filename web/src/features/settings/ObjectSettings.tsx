import { Alert, Button, Card, Group, Modal, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { objectIcons } from '../../../../contract/enums.ts';
import { ApiError, api, unwrap } from '../../api.ts';
import { navigate } from '../../router.tsx';
import { useObjectTypes } from '../../ui/useObjects.ts';
import { useSubmitOnce } from '../../ui/useSubmitOnce.ts';
import { toKey } from './FieldSettings.tsx';

const icons = objectIcons;
type ObjectType = NonNullable<ReturnType<typeof useObjectTypes>['data']>[number];

/** The workspace's own objects (Projects, Properties …): define, rename, move to the trash and back. */
export function ObjectSettings() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const objects = useObjectTypes();
  const trashed = useQuery({
    queryKey: ['objects', 'trash'],
    queryFn: async () => unwrap(await api.GET('/api/v1/objects', { params: { query: { deleted: true } } })).data,
  });
  const [label, setLabel] = useState('');
  const [plural, setPlural] = useState('');
  const [key, setKey] = useState('');
  const [icon, setIcon] = useState<(typeof icons)[number]>('box');
  const refresh = () => qc.invalidateQueries({ queryKey: ['objects'] });
  const create = useMutation({
    mutationFn: async () =>
      unwrap(await api.POST('/api/v1/objects', { body: { label, labelPlural: plural || `${label}s`, key: key || toKey(label), icon } })),
    onSuccess: (o) => {
      setLabel('');
      setPlural('');
      setKey('');
      void refresh();
      navigate(`/settings?tab=fields&object=${o.key}`);
    },
  });
  const submit = useSubmitOnce(create);
  const [confirm, setConfirm] = useState<ObjectType | null>(null);
  const remove = useMutation({
    mutationFn: async (o: ObjectType) =>
      unwrap(
        await api.DELETE('/api/v1/objects/{objectKey}', { params: { path: { objectKey: o.key }, query: { confirm: o.recordCount > 0 } } }),
      ),
    onSuccess: () => setConfirm(null),
    onSettled: refresh,
  });
  const restore = useMutation({
    mutationFn: async (key: string) =>
      unwrap(await api.POST('/api/v1/objects/{objectKey}/restore', { params: { path: { objectKey: key } } })),
    onSettled: refresh,
  });
  const err = create.error instanceof ApiError ? create.error : null;
  return (
    <Stack>
      <Card withBorder>
        <form onSubmit={submit} noValidate>
          <Group align="flex-end" wrap="wrap">
            <TextInput
              label={t('objectsSettings.label')}
              value={label}
              onChange={(e) => setLabel(e.currentTarget.value)}
              error={err?.fieldMessage('label')}
            />
            <TextInput
              label={t('objectsSettings.plural')}
              placeholder={label ? `${label}s` : ''}
              value={plural}
              onChange={(e) => setPlural(e.currentTarget.value)}
              error={err?.fieldMessage('labelPlural')}
            />
            <TextInput
              label={t('settings.key')}
              placeholder={toKey(label)}
              value={key}
              onChange={(e) => setKey(e.currentTarget.value)}
              error={err?.messageFor('key')}
            />
            <Select
              label={t('objectsSettings.icon')}
              data={icons.map((v) => ({ value: v, label: t(`enums.icon.${v}`) }))}
              value={icon}
              onChange={(v) => v && setIcon(v as typeof icon)}
              allowDeselect={false}
              w={130}
            />
            <Button type="submit" loading={create.isPending} disabled={!label}>
              {t('objectsSettings.add')}
            </Button>
          </Group>
        </form>
      </Card>
      {(objects.data ?? []).length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('objectsSettings.none')}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={480}>
          <Table data-testid="objects">
            <Table.Tbody>
              {(objects.data ?? []).map((o) => (
                <Table.Tr key={o.key}>
                  <Table.Td>{o.labelPlural}</Table.Td>
                  <Table.Td>
                    <code>{o.key}</code>
                  </Table.Td>
                  <Table.Td>{t('objectsSettings.records', { count: o.recordCount })}</Table.Td>
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap">
                      <Button size="xs" variant="subtle" onClick={() => navigate(`/settings?tab=fields&object=${o.key}`)}>
                        {t('objectsSettings.fields')}
                      </Button>
                      <Button size="xs" variant="subtle" color="red" onClick={() => (o.recordCount ? setConfirm(o) : remove.mutate(o))}>
                        {t('record.delete')}
                      </Button>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {(trashed.data ?? []).length > 0 && (
        <Stack gap="xs">
          <Text size="sm" fw={600}>
            {t('objectsSettings.trash')}
          </Text>
          {(trashed.data ?? []).map((o) => (
            <Group key={o.key} gap="xs">
              <Text size="sm">{o.labelPlural}</Text>
              <Button size="xs" variant="subtle" onClick={() => restore.mutate(o.key)}>
                {t('record.restore')}
              </Button>
            </Group>
          ))}
        </Stack>
      )}
      <Modal
        opened={!!confirm}
        onClose={() => setConfirm(null)}
        title={t('objectsSettings.deleteTitle', { name: confirm?.labelPlural ?? '' })}
      >
        <Stack>
          <Alert color="orange">
            {t('objectsSettings.deleteWarning', { count: confirm?.recordCount ?? 0, name: confirm?.labelPlural ?? '' })}
          </Alert>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirm(null)}>
              {t('record.cancel')}
            </Button>
            <Button color="red" loading={remove.isPending} onClick={() => confirm && remove.mutate(confirm)}>
              {t('objectsSettings.deleteConfirm')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
