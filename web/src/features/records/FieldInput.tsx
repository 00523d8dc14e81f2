import { Group, MultiSelect, Select, Textarea, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Row } from '../../records.ts';
import { useMe } from '../../session.ts';
import { currencyOptions } from '../../ui/currencies.ts';
import { useMembers } from '../../ui/useMembers.ts';
import { usePipelines } from '../../ui/usePipelines.ts';
import { type Column, optionData } from '../lists/columns.ts';
import { RecordPicker } from '../lists/RecordPicker.tsx';

/**
 * The input a field turns into while it is edited, one per edit kind. `done(value)` saves (as the
 * text the column's `toPatch` reads), `done(undefined)` cancels.
 */
export function FieldInput({
  row,
  col,
  label,
  initial,
  error,
  done,
}: {
  row: Row;
  col: Column;
  label: string;
  initial: string;
  error?: string;
  done: (v: string | undefined) => void;
}) {
  const { t } = useTranslation();
  const { members } = useMembers();
  const { pipelines } = usePipelines();
  const me = useMe();
  const [value, setValue] = useState(initial);
  const keys = (e: React.KeyboardEvent) => {
    if (e.key === 'Enter') done(value);
    if (e.key === 'Escape') done(undefined);
  };
  const common = { size: 'xs' as const, 'aria-label': label, autoFocus: true, error };

  if (col.edit === 'relation' && col.target)
    return (
      <RecordPicker
        target={col.target}
        label={label}
        autoFocus
        value={value || null}
        onChange={(v) => done(v ?? '')}
        onBlur={() => done(undefined)}
      />
    );

  const choices: Record<string, { value: string; label: string }[] | undefined> = {
    member: members.map((m) => ({ value: m.id, label: m.name })),
    enum: optionData(col, t, true),
    bool: [
      { value: 'true', label: t('record.yes') },
      { value: 'false', label: t('record.no') },
    ],
    pipeline: pipelines.map((p) => ({ value: p.id, label: p.name })),
    stage: pipelines.find((p) => p.id === row.pipelineId)?.stages.map((s) => ({ value: s.id, label: s.name })),
    currency: col.edit === 'currency' ? currencyOptions(value || me.workspace.currency) : undefined,
  };
  const data = col.edit ? choices[col.edit] : undefined;
  if (data)
    return (
      <Select
        {...common}
        defaultDropdownOpened
        searchable={col.edit === 'currency'}
        clearable={!col.required}
        // Picking the current value again keeps it; clearing is the clear button's job.
        allowDeselect={false}
        data={data}
        value={value || null}
        onChange={(v) => done(v ?? '')}
        onBlur={() => done(undefined)}
      />
    );

  if (col.edit === 'multi') {
    const list = value ? (JSON.parse(value) as string[]) : [];
    return (
      <MultiSelect
        {...common}
        defaultDropdownOpened
        clearable
        data={optionData(col, t, true)}
        value={list}
        onChange={(v) => setValue(v.length ? JSON.stringify(v) : '')}
        onKeyDown={(e) => e.key === 'Escape' && done(undefined)}
        onBlur={() => done(value)}
      />
    );
  }

  if (col.edit === 'money+currency') return <MoneyInput label={label} initial={initial} error={error} done={done} />;

  if (col.edit === 'longText')
    return (
      <Textarea
        {...common}
        autosize
        minRows={2}
        value={value}
        onChange={(e) => setValue(e.currentTarget.value)}
        // Enter starts a new line in a long text; Ctrl+Enter saves it.
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) done(value);
          if (e.key === 'Escape') done(undefined);
        }}
        onBlur={() => done(value)}
      />
    );

  const type = col.edit === 'date' ? 'date' : col.edit === 'number' ? 'number' : 'text';
  return (
    <TextInput
      {...common}
      type={type}
      inputMode={col.edit === 'money' ? 'decimal' : undefined}
      rightSection={col.edit === 'money' ? <span aria-hidden="true">{String(row.currency ?? '')}</span> : undefined}
      value={value}
      onChange={(e) => setValue(e.currentTarget.value)}
      onKeyDown={keys}
      onBlur={() => done(value)}
    />
  );
}

/** An amount with its currency (a custom currency field): Enter or leaving both saves. */
function MoneyInput({
  label,
  initial,
  error,
  done,
}: {
  label: string;
  initial: string;
  error?: string;
  done: (v: string | undefined) => void;
}) {
  const { t } = useTranslation();
  const me = useMe();
  const start = initial ? (JSON.parse(initial) as { amount: string; currency: string }) : { amount: '', currency: me.workspace.currency };
  const [amount, setAmount] = useState(start.amount);
  const [currency, setCurrency] = useState(start.currency);
  const value = () => (amount.trim() ? JSON.stringify({ amount, currency }) : '');
  return (
    <Group
      gap={4}
      wrap="nowrap"
      onBlur={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) done(value());
      }}
    >
      <TextInput
        size="xs"
        aria-label={label}
        autoFocus
        inputMode="decimal"
        value={amount}
        error={error}
        onChange={(e) => setAmount(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') done(value());
          if (e.key === 'Escape') done(undefined);
        }}
      />
      <Select
        size="xs"
        w={110}
        aria-label={`${label}: ${t('fields.currency')}`}
        searchable
        data={currencyOptions(currency)}
        value={currency}
        onChange={(v) => v && setCurrency(v)}
      />
    </Group>
  );
}
