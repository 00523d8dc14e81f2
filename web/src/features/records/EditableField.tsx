import { ActionIcon, Anchor, Group, Stack, Text, UnstyledButton } from '@mantine/core';
import { IconPencil } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Row } from '../../records.ts';
import type { Column, Lookups } from '../lists/columns.ts';
import { FieldInput } from './FieldInput.tsx';

/**
 * A field shown as text that turns into an input on click; Enter or blur saves, Escape cancels.
 * A save the server refuses reopens the input with what was typed, next to the reason.
 */
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
  /** `version`: the record's version when editing began, so that a change made meanwhile (shown live) is still a clash. */
  onSave: (v: string | null, version: number) => Promise<unknown> | undefined;
  error?: string;
}) {
  const { t } = useTranslation();
  const raw = col.key.startsWith('custom.') ? row.custom?.[col.key.slice(7)] : row[col.key];
  const stored = col.editValue?.(row) ?? (raw == null ? '' : String(raw));
  // What the input opens with: the stored value, or what was typed before the server refused it.
  const [editing, setEditing] = useState<string | null>(null);
  const [since, setSince] = useState(row.version);
  const begin = () => {
    setSince(row.version);
    setEditing(stored);
  };
  const label = col.label.startsWith('fields.') ? t(col.label) : col.label;
  const finish = (v: string | undefined) => {
    setEditing(null);
    if (v === undefined || v === stored) return;
    onSave(v, since)?.catch(() => setEditing(v));
  };
  const shown = col.display(row, lookups);
  const out = shown && editing === null ? col.link?.(row) : null;
  return (
    <Stack gap={0}>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      {editing !== null ? (
        <FieldInput row={row} col={col} label={label} initial={editing} error={error} done={finish} />
      ) : out ? (
        // A value that opens something (tel:, mailto:) is a link; editing it is the pencil's job.
        <Group gap={4} wrap="nowrap">
          <Anchor size="sm" href={out} style={{ overflowWrap: 'anywhere' }}>
            {shown}
          </Anchor>
          {col.edit && (
            <ActionIcon size="xs" variant="subtle" onClick={begin} aria-label={`${label}: ${shown}. ${t('record.editHint')}`}>
              <IconPencil size={12} />
            </ActionIcon>
          )}
        </Group>
      ) : col.edit ? (
        <UnstyledButton
          className="rp-editable"
          onClick={begin}
          aria-label={`${label}: ${shown || t('record.empty')}. ${t('record.editHint')}`}
          title={t('record.editHint')}
        >
          <Text size="sm" style={col.edit === 'longText' ? { whiteSpace: 'pre-wrap' } : undefined}>
            {shown || t('record.empty')}
          </Text>
        </UnstyledButton>
      ) : (
        <Text size="sm">{shown || t('record.empty')}</Text>
      )}
      {error && editing === null && (
        <Text size="xs" c="red" role="alert">
          {error}
        </Text>
      )}
    </Stack>
  );
}
