import { Button, Card, Checkbox, Group, Select, Stack, Table, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { customFieldTypes, customObjectTypes, relationTargets } from '../../../../contract/enums.ts';
import { ApiError, api, type FieldDefinition, fullRows, unwrap } from '../../api.ts';
import { useLocation } from '../../router.tsx';
import { useObjectTypes } from '../../ui/useObjects.ts';

const builtInObjects = customObjectTypes;
const types = customFieldTypes;
export const toKey = (label: string) =>
  label
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^[^a-z]+|_+$/g, '')
    .slice(0, 63);

export function FieldSettings() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const { query } = useLocation();
  const [objectType, setObjectType] = useState<string>(query.get('object') ?? 'contact');
  const objects = useObjectTypes();
  // Built-in objects, then the workspace's own: each takes fields, and each is a relation's possible target.
  const objectOptions = [
    ...builtInObjects.map((o) => ({ value: o, label: t(`objects.${o}`) })),
    ...(objects.data ?? []).map((o) => ({ value: o.key, label: o.label })),
  ];
  const targetOptions = [
    ...relationTargets.map((o) => ({ value: o, label: t(`objects.${o}`) })),
    ...(objects.data ?? []).map((o) => ({ value: o.key, label: o.label })),
  ];
  const [target, setTarget] = useState<string | null>(null);
  const fields = useQuery({
    queryKey: ['fields', objectType],
    queryFn: async () => fullRows<FieldDefinition>(unwrap(await api.GET('/api/v1/fields', { params: { query: { objectType } } }))),
  });
  const [label, setLabel] = useState('');
  const [key, setKey] = useState('');
  const [type, setType] = useState<(typeof types)[number]>('text');
  const [options, setOptions] = useState('');
  const [required, setRequired] = useState(false);
  const create = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST('/api/v1/fields', {
          body: {
            objectType,
            label,
            key: key || toKey(label),
            type,
            required,
            target: type === 'relation' ? (target ?? undefined) : undefined,
            options:
              type === 'select' || type === 'multiSelect'
                ? options
                    .split(',')
                    .map((s) => s.trim())
                    .filter(Boolean)
                : undefined,
          },
        }),
      ),
    onSuccess: () => {
      setLabel('');
      setKey('');
      setOptions('');
      void qc.invalidateQueries({ queryKey: ['fields'] });
    },
  });
  const remove = useMutation({
    mutationFn: async (id: string) => unwrap(await api.DELETE('/api/v1/fields/{id}', { params: { path: { id } } })),
    onSettled: () => qc.invalidateQueries({ queryKey: ['fields'] }),
  });
  const err = create.error instanceof ApiError ? create.error : null;
  return (
    <Stack>
      <Select label={t('settings.objectType')} data={objectOptions} value={objectType} onChange={(v) => v && setObjectType(v)} w={200} />
      <Card withBorder>
        <Group align="flex-end" wrap="wrap">
          <TextInput
            label={t('settings.label')}
            value={label}
            onChange={(e) => setLabel(e.currentTarget.value)}
            error={err?.fieldMessage('label')}
          />
          <TextInput
            label={t('settings.key')}
            placeholder={toKey(label)}
            value={key}
            onChange={(e) => setKey(e.currentTarget.value)}
            error={err?.messageFor('key')}
          />
          <Select
            label={t('settings.type')}
            data={types.map((v) => ({ value: v, label: t(`enums.fieldType.${v}`) }))}
            value={type}
            onChange={(v) => v && setType(v as typeof type)}
            w={150}
          />
          {(type === 'select' || type === 'multiSelect') && (
            <TextInput
              label={t('settings.options')}
              value={options}
              onChange={(e) => setOptions(e.currentTarget.value)}
              error={err?.fieldMessage('options')}
            />
          )}
          {type === 'relation' && (
            <Select
              label={t('settings.target')}
              data={targetOptions}
              value={target}
              onChange={setTarget}
              error={err?.fieldMessage('target')}
              w={180}
            />
          )}
          <Checkbox label={t('settings.required')} checked={required} onChange={(e) => setRequired(e.currentTarget.checked)} mb={8} />
          <Button onClick={() => create.mutate()} loading={create.isPending} disabled={!label}>
            {t('settings.addField')}
          </Button>
        </Group>
      </Card>
      <Table.ScrollContainer minWidth={560}>
        <Table>
          <Table.Tbody>
            {(fields.data ?? []).map((f) => (
              <Table.Tr key={f.id}>
                <Table.Td>{f.label}</Table.Td>
                <Table.Td>
                  <code>custom.{f.key}</code>
                </Table.Td>
                <Table.Td>{t(`enums.fieldType.${f.type}`, { defaultValue: f.type })}</Table.Td>
                <Table.Td>
                  {f.type === 'relation' ? (targetOptions.find((o) => o.value === f.target)?.label ?? f.target) : f.options?.join(', ')}
                </Table.Td>
                <Table.Td>
                  <Button size="xs" variant="subtle" color="red" onClick={() => remove.mutate(f.id)}>
                    {t('settings.remove')}
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}
