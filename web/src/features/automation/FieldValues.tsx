import { ActionIcon, Button, Group, Select, Stack, Text } from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useEditor } from './editorContext.ts';
import { fieldLabel } from './labels.ts';
import { useRuleFields } from './useAutomation.ts';
import { ValueInput } from './ValueInput.tsx';

// The values an update or create step writes: rows of "field → value", the field picked from those
// the action may set (GET /automation/fields says which), the value in an input of its kind.

export function FieldValues({
  object,
  mode,
  value,
  onChange,
  errorFor,
}: {
  object: string | null;
  mode: 'create' | 'update';
  value: Record<string, unknown>;
  onChange: (v: Record<string, unknown>) => void;
  errorFor: (field: string) => boolean;
}) {
  const { labels } = useEditor();
  const { t } = labels;
  const fields = useRuleFields(object);
  const settable = (fields.data?.fields ?? []).filter((f) => (mode === 'create' ? f.create : f.update));
  const entries = Object.entries(value);
  const rename = (from: string, to: string) =>
    onChange(Object.fromEntries(entries.map(([k, v]) => (k === from ? [to, k === to ? v : ''] : [k, v]))));
  if (!object)
    return (
      <Text size="sm" c="dimmed">
        {t('automation.pickObjectFirst')}
      </Text>
    );
  return (
    <Stack gap="xs">
      <Text size="sm" fw={500}>
        {t('automation.input.fields')}
      </Text>
      {entries.map(([name, v], i) => {
        const field = settable.find((f) => f.name === name);
        const label = field ? fieldLabel(t, field) : name;
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: a row's field may be renamed, its place stays
          <Group key={i} gap="xs" align="flex-end" wrap="wrap">
            <Select
              label={t('automation.field')}
              data={settable.filter((f) => f.name === name || !(f.name in value)).map((f) => ({ value: f.name, label: fieldLabel(t, f) }))}
              value={name || null}
              searchable
              allowDeselect={false}
              onChange={(to) => to && rename(name, to)}
              error={errorFor(name)}
              w={200}
            />
            <div style={{ flex: '1 1 200px' }}>
              <ValueInput
                field={field}
                label={t('automation.valueOf', { field: label })}
                value={v}
                labels={labels}
                onChange={(nv) => onChange({ ...value, [name]: nv })}
                error={errorFor(name)}
              />
            </div>
            <ActionIcon
              variant="subtle"
              color="gray"
              aria-label={t('automation.removeField', { field: label })}
              onClick={() => onChange(Object.fromEntries(entries.filter(([k]) => k !== name)))}
            >
              <IconTrash size={16} />
            </ActionIcon>
          </Group>
        );
      })}
      <Button
        size="xs"
        variant="light"
        w="fit-content"
        leftSection={<IconPlus size={14} />}
        disabled={'' in value}
        onClick={() => onChange({ ...value, '': '' })}
      >
        {t('automation.addField')}
      </Button>
    </Stack>
  );
}
