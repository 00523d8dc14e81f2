import { Select, TextInput } from '@mantine/core';
import { isMinorField } from './conditions.ts';
import { memberFields, type RuleLabels } from './labels.ts';
import type { RuleField } from './useAutomation.ts';

// The value a rule writes to a field, or compares a field with, in an input of the field's kind:
// stages and members by name, options from a list, amounts in major units, dates as relative
// dates ("+2d") or placeholders. (The record page's FieldInput edits a value in place, saving on
// blur and focusing itself; inside a form of many inputs that behaviour is wrong, so the kinds are
// chosen here the same way but without it.)

const numeric = /^-?\d+(\.\d+)?$/;

export function ValueInput({
  field,
  value,
  onChange,
  label,
  error,
  labels,
  size = 'sm',
}: {
  field: RuleField | undefined;
  value: unknown;
  onChange: (v: unknown) => void;
  label: string;
  error?: string | boolean;
  labels: RuleLabels;
  size?: 'xs' | 'sm';
}) {
  const { t } = labels;
  const common = { label, error, size, 'aria-label': label };
  const text = value == null ? '' : String(value);
  const pick = (data: { value: string; label: string }[]) => (
    <Select {...common} data={data} value={text || null} onChange={(v) => onChange(v ?? '')} searchable clearable />
  );
  if (field?.name === 'stageId') return pick(labels.stageOptions);
  if (field && memberFields.has(field.name)) return pick(labels.memberOptions);
  if (field?.name === 'pipelineId') return pick(labels.pipelines.map((p) => ({ value: p.id, label: p.name })));
  if (field?.options?.length) return pick(field.options.map((o) => ({ value: o, label: o })));
  if (field?.kind === 'boolean')
    return pick([
      { value: 'true', label: t('record.yes') },
      { value: 'false', label: t('record.no') },
    ]);
  if (field?.kind === 'number') {
    const minor = isMinorField(field.name);
    const shown = typeof value === 'number' && minor ? String(value / 10 ** labels.digits) : text;
    return (
      <TextInput
        {...common}
        inputMode="decimal"
        value={shown}
        onChange={(e) => {
          const v = e.currentTarget.value.trim();
          if (!numeric.test(v)) return onChange(v);
          onChange(minor ? Math.round(Number(v) * 10 ** labels.digits) : Number(v));
        }}
      />
    );
  }
  const dated = field?.kind === 'date' || field?.kind === 'datetime';
  return (
    <TextInput
      {...common}
      value={text}
      placeholder={dated ? t('automation.relativeDateHint') : undefined}
      description={dated ? t('automation.relativeDateHelp') : undefined}
      onChange={(e) => onChange(e.currentTarget.value)}
    />
  );
}
