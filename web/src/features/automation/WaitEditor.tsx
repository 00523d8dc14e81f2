import { Group, NumberInput, SegmentedControl, Select, Stack, Text } from '@mantine/core';
import { FilterBuilder } from '../lists/FilterBuilder.tsx';
import { emptyGroup } from './conditions.ts';
import type { DraftWait } from './draft.ts';
import { useEditor } from './editorContext.ts';
import { fieldLabel } from './labels.ts';
import { units } from './TriggerEditor.tsx';

// A wait: for a length of time, until a date field of the record (± an offset), or until the
// record meets a condition, which always has a time-out (the server refuses a wait without one).

function DurationInput({
  label,
  value,
  onChange,
  error,
  signed,
}: {
  label: string;
  value: { amount: number; unit: string } | undefined;
  onChange: (v: { amount: number; unit: (typeof units)[number] }) => void;
  error?: boolean;
  signed?: boolean;
}) {
  const { labels } = useEditor();
  const { t } = labels;
  // Empty until typed: a time-out that shows "1 day" must be one the rule has.
  const unit = (value?.unit ?? 'days') as (typeof units)[number];
  return (
    <Group gap="xs" align="flex-end" wrap="nowrap">
      <NumberInput
        label={label}
        min={signed ? undefined : 0}
        value={value?.amount ?? ''}
        onChange={(n) => onChange({ amount: Number(n) || 0, unit })}
        error={error}
        w={130}
      />
      <Select
        aria-label={t('automation.unitOf', { what: label })}
        data={units.map((u) => ({ value: u, label: t(`automation.units.${u}`) }))}
        value={unit}
        allowDeselect={false}
        onChange={(u) => u && onChange({ amount: value?.amount ?? 1, unit: u as (typeof units)[number] })}
        w={130}
      />
    </Group>
  );
}

export function WaitEditor({ wait, onChange, path }: { wait: DraftWait; onChange: (w: DraftWait) => void; path: string }) {
  const { labels, fields, columns, errors } = useEditor();
  const { t } = labels;
  const bad = (key: string) => errors.some((e) => e.field.startsWith(`body.definition.${path}.wait.${key}`));
  return (
    <Stack gap="xs">
      <SegmentedControl
        w="fit-content"
        size="xs"
        value={wait.kind}
        onChange={(k) => onChange({ ...wait, kind: k as DraftWait['kind'] })}
        data={(['duration', 'date', 'condition'] as const).map((k) => ({ value: k, label: t(`automation.waitKind.${k}`) }))}
      />
      {wait.kind === 'duration' && (
        <DurationInput
          label={t('automation.waitFor')}
          value={wait.duration}
          onChange={(d) => onChange({ ...wait, duration: d })}
          error={bad('duration')}
        />
      )}
      {wait.kind === 'date' && (
        <Group gap="xs" align="flex-end">
          <Select
            label={t('automation.untilField')}
            data={fields.filter((f) => f.kind === 'date' || f.kind === 'datetime').map((f) => ({ value: f.name, label: fieldLabel(t, f) }))}
            value={wait.field ?? null}
            allowDeselect={false}
            onChange={(f) => onChange({ ...wait, field: f ?? undefined })}
            error={bad('field')}
            w={200}
          />
          <DurationInput
            label={t('automation.offsetSigned')}
            signed
            value={wait.offset}
            onChange={(o) => onChange({ ...wait, offset: o })}
            error={bad('offset')}
          />
        </Group>
      )}
      {wait.kind === 'condition' && (
        <>
          <Text size="sm">{t('automation.untilCondition')}</Text>
          <FilterBuilder group={wait.condition ?? emptyGroup()} columns={columns} onChange={(g) => onChange({ ...wait, condition: g })} />
          <Group gap="xs" align="flex-end">
            <DurationInput
              label={t('automation.timeout')}
              value={wait.timeout}
              onChange={(d) => onChange({ ...wait, timeout: d })}
              error={bad('timeout')}
            />
            <Select
              label={t('automation.onTimeout')}
              data={(['continue', 'stop'] as const).map((k) => ({ value: k, label: t(`automation.onTimeoutKind.${k}`) }))}
              value={wait.onTimeout ?? 'continue'}
              allowDeselect={false}
              onChange={(k) => onChange({ ...wait, onTimeout: (k ?? 'continue') as 'continue' | 'stop' })}
              w={260}
            />
          </Group>
        </>
      )}
    </Stack>
  );
}
