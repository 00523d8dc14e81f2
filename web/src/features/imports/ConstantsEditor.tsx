import { ActionIcon, Button, Group, Select, Stack, Text, TextInput } from '@mantine/core';
import { IconPlus, IconX } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { Choice, ImportObject, Preview } from './importApi.ts';
import { targetOptions } from './targets.ts';

/** Fields given one value for every row ("Source: Trade fair 2026"). */
export function ConstantsEditor({
  preview,
  object,
  choice,
  onChange,
}: {
  preview: Preview;
  object: ImportObject;
  choice: Choice;
  onChange: (c: Choice) => void;
}) {
  const { t } = useTranslation();
  const { builtIn, own } = targetOptions(t, object, preview.customFields);
  const data = [...builtIn, ...own];
  const list = choice.constants ?? [];
  const put = (i: number, next: { field: string; value: string } | null) =>
    onChange({ ...choice, constants: next ? list.map((k, j) => (j === i ? next : k)) : list.filter((_, j) => j !== i) });
  return (
    <Stack gap="xs">
      <Text size="sm" c="dimmed">
        {t('imports.constantsHint')}
      </Text>
      {list.map((k, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place and have no identity of their own
        <Group key={i} gap="xs" align="end" wrap="wrap">
          <Select
            size="xs"
            label={t('imports.constantField')}
            data={data}
            value={k.field}
            allowDeselect={false}
            searchable
            onChange={(v) => v && put(i, { ...k, field: v })}
            w={200}
          />
          <TextInput
            size="xs"
            label={t('imports.constantValue')}
            value={k.value}
            onChange={(e) => put(i, { ...k, value: e.currentTarget.value })}
            w={200}
          />
          <ActionIcon variant="subtle" color="gray" onClick={() => put(i, null)} aria-label={t('imports.removeConstant')} mb={4}>
            <IconX size={16} />
          </ActionIcon>
        </Group>
      ))}
      <Group>
        <Button
          size="xs"
          variant="default"
          leftSection={<IconPlus size={14} />}
          onClick={() => onChange({ ...choice, constants: [...list, { field: object === 'company' ? 'industry' : 'source', value: '' }] })}
        >
          {t('imports.addConstant')}
        </Button>
      </Group>
    </Stack>
  );
}
