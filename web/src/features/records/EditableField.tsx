import { ActionIcon, Anchor, Group, Select, Stack, Text, TextInput, UnstyledButton } from '@mantine/core';
import { IconPencil } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Row } from '../../records.ts';
import { useMembers } from '../../ui/useMembers.ts';
import { type Column, type Lookups, optionData } from '../lists/columns.ts';
import { RecordPicker } from '../lists/RecordPicker.tsx';

/** A field shown as text that turns into an input on click; Enter or blur saves, Escape cancels. */
export function EditableField({
  row,
  col,
  lookups,
  onSave,
  error,
}: {
  row: Row;
  col: Column;
  lookups: Lookups;
  onSave: (v: string | null) => void;
  error?: string;
}) {
  const { t } = useTranslation();
  const { members } = useMembers();
  const [editing, setEditing] = useState(false);
  const raw = col.key.startsWith('custom.') ? row.custom?.[col.key.slice(7)] : row[col.key];
  const [value, setValue] = useState('');
  const label = col.label.startsWith('fields.') ? t(col.label) : col.label;
  const start = () => {
    setValue(raw == null ? '' : String(raw));
    setEditing(true);
  };
  const finish = (v: string | null | undefined) => {
    setEditing(false);
    if (v !== undefined && v !== (raw == null ? '' : String(raw))) onSave(v);
  };
  let input = null;
  if (editing && col.edit === 'relation' && col.target)
    input = (
      <RecordPicker
        target={col.target}
        label={label}
        autoFocus
        value={value || null}
        onChange={(v) => finish(v ?? '')}
        onBlur={() => finish(undefined)}
      />
    );
  else if (editing && (col.edit === 'enum' || col.edit === 'member'))
    input = (
      <Select
        size="xs"
        aria-label={label}
        autoFocus
        defaultDropdownOpened
        clearable
        data={col.edit === 'member' ? members.map((m) => ({ value: m.id, label: m.name })) : optionData(col, t)}
        value={value || null}
        onChange={(v) => finish(v ?? '')}
        onBlur={() => finish(undefined)}
      />
    );
  else if (editing)
    input = (
      <TextInput
        size="xs"
        aria-label={label}
        autoFocus
        type={col.edit === 'number' ? 'number' : 'text'}
        value={value}
        onChange={(e) => setValue(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') finish(value);
          if (e.key === 'Escape') finish(undefined);
        }}
        onBlur={() => finish(value)}
      />
    );
  const shown = col.display(row, lookups);
  const out = shown && !editing ? col.link?.(row) : null;
  return (
    <Stack gap={0}>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      {input ??
        (out ? (
          // A value that opens something (tel:, mailto:) is a link; editing it is the pencil's job.
          <Group gap={4} wrap="nowrap">
            <Anchor size="sm" href={out} style={{ overflowWrap: 'anywhere' }}>
              {shown}
            </Anchor>
            {col.edit && (
              <ActionIcon size="xs" variant="subtle" onClick={start} aria-label={`${label}: ${shown}. ${t('record.editHint')}`}>
                <IconPencil size={12} />
              </ActionIcon>
            )}
          </Group>
        ) : col.edit ? (
          <UnstyledButton
            className="rp-editable"
            onClick={start}
            aria-label={`${label}: ${shown || t('record.empty')}. ${t('record.editHint')}`}
            title={t('record.editHint')}
          >
            <Text size="sm">{shown || t('record.empty')}</Text>
          </UnstyledButton>
        ) : (
          <Text size="sm">{shown || t('record.empty')}</Text>
        ))}
      {error && (
        <Text size="xs" c="red" role="alert">
          {error}
        </Text>
      )}
    </Stack>
  );
}
