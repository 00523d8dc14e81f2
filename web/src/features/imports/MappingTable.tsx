import { Badge, Group, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Choice, ColumnChoice, ImportObject, Preview, PreviewColumn } from './importApi.ts';
import { newFieldTypes, targetOptions } from './targets.ts';

interface Props {
  preview: Preview;
  object: ImportObject;
  choice: Choice;
  mayCreateFields: boolean;
  onChange: (c: Choice) => void;
}

/** What a column's select shows: the person's own choice, else what the server mapped it to. */
function shownValue(col: PreviewColumn, own: ColumnChoice | undefined) {
  if (own?.newField) return 'new';
  if (own?.field) return own.field;
  return col.field ?? 'skip';
}

/** One line per column of the file: its name, first values and the field it fills (changeable). */
export function MappingTable({ preview, object, choice, mayCreateFields, onChange }: Props) {
  const { t } = useTranslation();
  const { builtIn, own } = targetOptions(t, object, preview.customFields, preview.targets);
  const data = [
    { group: t('imports.builtInFields'), items: builtIn },
    ...(own.length ? [{ group: t('imports.customFields'), items: own }] : []),
    {
      group: t('imports.other'),
      items: [
        { value: 'skip', label: t('imports.skip') },
        { value: 'new', label: t('imports.newField'), disabled: !mayCreateFields },
      ],
    },
  ];
  const columns = choice.columns ?? [];
  const set = (index: number, next: ColumnChoice | null) =>
    onChange({
      ...choice,
      columns: [...columns.filter((c) => c.index !== index), ...(next ? [next] : [])].sort((a, b) => a.index - b.index),
    });
  const pick = (col: PreviewColumn, v: string | null) => {
    if (!v) return;
    if (v === 'new')
      set(col.index, { index: col.index, newField: { label: col.header.slice(0, 100) || `Column ${col.index + 1}`, type: 'text' } });
    else set(col.index, { index: col.index, field: v });
  };
  return (
    <Table.ScrollContainer minWidth={300}>
      <Table verticalSpacing="xs" aria-label={t('imports.mappingTable')}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('imports.column')}</Table.Th>
            <Table.Th visibleFrom="sm">{t('imports.samples')}</Table.Th>
            <Table.Th w="45%">{t('imports.mapsTo')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {preview.columns.map((col) => {
            const mine = columns.find((c) => c.index === col.index);
            const value = shownValue(col, mine);
            return (
              <Table.Tr key={col.index} data-testid={`map-row-${col.index}`}>
                <Table.Td>
                  <Text size="sm" fw={500}>
                    {col.header}
                  </Text>
                  {/* On a narrow screen the first values sit under the column's name. */}
                  <Text size="xs" c="dimmed" lineClamp={2} hiddenFrom="sm">
                    {col.samples.join(' · ')}
                  </Text>
                  {mine && (
                    <Badge size="xs" variant="light" color="grape">
                      {t('imports.changed')}
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td visibleFrom="sm">
                  <Text size="xs" c="dimmed" lineClamp={2}>
                    {col.samples.join(' · ') || '—'}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Stack gap={4}>
                    <Select
                      aria-label={t('imports.mapColumn', { column: col.header })}
                      data={data}
                      value={value}
                      onChange={(v) => pick(col, v)}
                      allowDeselect={false}
                      searchable
                      size="xs"
                      miw={140}
                      maw={240}
                    />
                    {col.qualifies && !mine && (
                      <Text size="xs" c="dimmed">
                        {t(`imports.qualifies.${col.qualifies.replace('.', '_')}`, { defaultValue: col.qualifies })}
                      </Text>
                    )}
                    {mine?.newField && (
                      <Group gap="xs" wrap="wrap">
                        <TextInput
                          size="xs"
                          label={t('imports.newFieldLabel')}
                          value={mine.newField.label}
                          onChange={(e) =>
                            set(col.index, { index: col.index, newField: { ...mine.newField!, label: e.currentTarget.value } })
                          }
                          w={150}
                        />
                        <Select
                          size="xs"
                          label={t('imports.newFieldType')}
                          data={newFieldTypes.map((k) => ({ value: k, label: t(`enums.fieldType.${k}`) }))}
                          value={mine.newField.type}
                          allowDeselect={false}
                          onChange={(v) =>
                            v &&
                            set(col.index, { index: col.index, newField: { ...mine.newField!, type: v as (typeof newFieldTypes)[number] } })
                          }
                          w={130}
                        />
                      </Group>
                    )}
                  </Stack>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
