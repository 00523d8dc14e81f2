import { ActionIcon, Anchor, Button, Group, Select, Stack, Text, TextInput, UnstyledButton } from '@mantine/core';
import { IconArrowUp, IconPencil, IconPlus, IconTrash } from '@tabler/icons-react';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, fieldErrorText } from '../../api.ts';
import { formatPhone, telHref } from '../../format.ts';
import { patchRecord, type Row } from '../../records.ts';

type Kind = 'emails' | 'phones';
interface Entry {
  label: string;
  value: string;
  e164?: string | null;
}

const labels = ['work', 'home', 'mobile', 'other'];

/**
 * A contact's emails or phones, each a link (mailto:, tel:) with its label; in edit mode a list to
 * add to, remove from, relabel and reorder (the first is the primary one). A refusal keeps what was
 * typed and is shown next to the entry it is about.
 */
export function ContactValuesField({ row, kind, onSaved }: { row: Row; kind: Kind; onSaved: (row: Row) => void }) {
  const { t } = useTranslation();
  const stored = (row[kind] as Entry[] | undefined) ?? [];
  const [draft, setDraft] = useState<Entry[] | null>(null);
  const title = t(`fields.${kind}`);
  const labelWord = (l: string) => t(`enums.valueLabel.${l}`, { defaultValue: l });
  const save = useMutation({
    mutationFn: (list: Entry[]) =>
      patchRecord('contact', row.id as string, row.version as number, {
        [kind]: list.filter((e) => e.value.trim()).map((e) => ({ label: e.label, value: e.value.trim() })),
      }),
    onSuccess: (next) => {
      setDraft(null);
      onSaved(next);
    },
  });
  const err = save.error instanceof ApiError ? save.error : null;
  // Errors name the entry among those sent, which are the non-empty ones in the draft's order.
  const sentIndex = (i: number) => (draft ?? []).slice(0, i).filter((e) => e.value.trim()).length;
  const entryError = (i: number) => {
    const e = err?.errors.find((x) => x.field === `body.${kind}.${sentIndex(i)}.value` || x.field === `body.${kind}.${sentIndex(i)}`);
    return e ? fieldErrorText(e) : undefined;
  };
  const listError = err?.errors.find((x) => x.field === `body.${kind}`);

  if (!draft)
    return (
      <Stack gap={0}>
        <Group gap={4} wrap="nowrap">
          <Text size="xs" c="dimmed">
            {title}
          </Text>
          <ActionIcon
            size="xs"
            variant="subtle"
            aria-label={t('record.editField', { field: title })}
            onClick={() => {
              save.reset();
              setDraft(stored.length ? stored.map((e) => ({ ...e })) : [{ label: 'work', value: '' }]);
            }}
          >
            <IconPencil size={12} />
          </ActionIcon>
        </Group>
        {stored.length === 0 && (
          <UnstyledButton
            className="rp-editable"
            onClick={() => setDraft([{ label: 'work', value: '' }])}
            aria-label={t(kind === 'emails' ? 'record.addEmail' : 'record.addPhone')}
          >
            <Text size="sm">{t('record.empty')}</Text>
          </UnstyledButton>
        )}
        {stored.map((e, i) => {
          const href = kind === 'emails' ? `mailto:${e.value}` : telHref(e.e164);
          const shown = kind === 'emails' ? e.value : formatPhone(e.value, e.e164);
          return (
            <Group key={`${e.label}:${e.value}`} gap={6} wrap="nowrap">
              {href ? (
                <Anchor size="sm" href={href} style={{ overflowWrap: 'anywhere' }}>
                  {shown}
                </Anchor>
              ) : (
                <Text size="sm">{shown}</Text>
              )}
              <Text size="xs" c="dimmed">
                {labelWord(e.label)}
                {i === 0 && stored.length > 1 ? ` · ${t('record.primary')}` : ''}
              </Text>
            </Group>
          );
        })}
      </Stack>
    );

  const set = (i: number, patch: Partial<Entry>) =>
    setDraft((d) => (d ?? []).map((e, j) => (j === i ? { ...e, ...patch, e164: undefined } : e)));
  const submit = () => save.mutate(draft);
  return (
    <Stack gap={6} role="group" aria-label={title}>
      <Text size="xs" c="dimmed">
        {title}
      </Text>
      {draft.map((e, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: entries have no id; the index is their identity while editing.
        <Group key={i} gap={4} align="flex-start" wrap="nowrap">
          <Select
            size="xs"
            w={100}
            aria-label={t('record.valueLabel', { n: i + 1 })}
            data={[...new Set([...labels, e.label])].map((l) => ({ value: l, label: labelWord(l) }))}
            value={e.label}
            onChange={(v) => v && set(i, { label: v })}
            allowDeselect={false}
          />
          <TextInput
            size="xs"
            style={{ flex: 1 }}
            aria-label={`${title} ${i + 1}`}
            // Text for emails: a browser's email input refuses non-ASCII local parts (josé@…), which the API accepts.
            type={kind === 'emails' ? 'text' : 'tel'}
            inputMode={kind === 'emails' ? 'email' : 'tel'}
            autoFocus={i === draft.length - 1}
            value={e.value}
            error={entryError(i)}
            onChange={(ev) => set(i, { value: ev.currentTarget.value })}
            onKeyDown={(ev) => {
              if (ev.key === 'Enter') submit();
              if (ev.key === 'Escape') setDraft(null);
            }}
          />
          {i > 0 && (
            <ActionIcon
              variant="default"
              size="md"
              aria-label={t('record.makePrimary', { value: e.value || `${title} ${i + 1}` })}
              onClick={() => setDraft((d) => (d ? [d[i], ...d.filter((_, j) => j !== i)] : d))}
            >
              <IconArrowUp size={14} />
            </ActionIcon>
          )}
          <ActionIcon
            variant="default"
            size="md"
            aria-label={t('record.removeValue', { value: e.value || `${title} ${i + 1}` })}
            onClick={() => setDraft((d) => (d ?? []).filter((_, j) => j !== i))}
          >
            <IconTrash size={14} />
          </ActionIcon>
        </Group>
      ))}
      {listError && (
        <Text size="xs" c="red" role="alert">
          {fieldErrorText(listError)}
        </Text>
      )}
      {err && !err.errors.length && (
        <Text size="xs" c="red" role="alert">
          {err.message}
        </Text>
      )}
      <Group gap="xs">
        <Button
          size="compact-xs"
          variant="subtle"
          leftSection={<IconPlus size={12} />}
          onClick={() => setDraft((d) => [...(d ?? []), { label: 'work', value: '' }])}
        >
          {t(kind === 'emails' ? 'record.addEmail' : 'record.addPhone')}
        </Button>
        <Button size="compact-xs" onClick={submit} loading={save.isPending}>
          {t('record.save')}
        </Button>
        <Button size="compact-xs" variant="default" onClick={() => setDraft(null)}>
          {t('record.cancel')}
        </Button>
      </Group>
    </Stack>
  );
}
