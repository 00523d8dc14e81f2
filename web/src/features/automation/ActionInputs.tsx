import { Checkbox, MultiSelect, Select, Stack, Textarea, TextInput } from '@mantine/core';
import { useRecordLists } from '../static-lists/useRecordLists.ts';
import { useEditor } from './editorContext.ts';
import { FieldValues } from './FieldValues.tsx';
import { fieldLabel, memberFields } from './labels.ts';
import { type MemberRef, MemberRefInput } from './MemberRefInput.tsx';

// An action step's inputs, drawn from the JSON Schema of its input in the catalog: a text for a
// string, a choice for an enum, a tick for a boolean; members, objects, fields and "field → value"
// lists get pickers of their own. A new action in the server's registry shows without a change here.

interface Schema {
  type?: string;
  enum?: string[];
  properties?: Record<string, Schema>;
  patternProperties?: Record<string, Schema>;
  required?: string[];
  maxLength?: number;
  items?: Schema;
  description?: string;
}

export function ActionInputs({
  action,
  schema,
  input,
  onChange,
  path,
}: {
  action: string;
  schema: Schema;
  input: Record<string, unknown>;
  onChange: (input: Record<string, unknown>) => void;
  /** The step's path (`steps.1`): problems name it. */
  path: string;
}) {
  const { labels, object, fields, errors } = useEditor();
  const { t } = labels;
  const set = (key: string, v: unknown) => onChange({ ...input, [key]: v });
  const hasError = (key: string) => errors.some((e) => e.field.startsWith(`body.definition.${path}.input.${key}`));
  const required = new Set(schema.required ?? []);
  const name = (key: string) => t(`automation.input.${key}`, { defaultValue: key });

  const one = (key: string, s: Schema) => {
    const label = name(key);
    const common = { label, withAsterisk: required.has(key), error: hasError(key) };
    const v = input[key];
    if (key === 'fields' && s.patternProperties) {
      const target = typeof input.object === 'string' && input.object ? input.object : action === 'create_record' ? null : object;
      return (
        <FieldValues
          object={target}
          mode={action === 'create_record' ? 'create' : 'update'}
          value={(v as Record<string, unknown>) ?? {}}
          onChange={(x) => set('fields', x)}
          errorFor={(f) => hasError(f ? `fields.${f}` : 'fields')}
        />
      );
    }
    if (s.properties?.kind?.enum?.includes('owner'))
      return <MemberRefInput label={label} value={v as MemberRef | undefined} onChange={(x) => set(key, x)} error={hasError(key)} />;
    if (key === 'memberId')
      return (
        <Select
          {...common}
          data={labels.memberOptions}
          value={(v as string) ?? null}
          searchable
          onChange={(x) => set(key, x ?? undefined)}
        />
      );
    if (key === 'members')
      return (
        <MultiSelect
          {...common}
          data={labels.memberOptions}
          value={(v as string[]) ?? []}
          searchable
          onChange={(x) => set(key, x.length ? x : undefined)}
        />
      );
    if (key === 'listId') return <ListIdSelect {...common} object={object} value={(v as string) ?? null} onChange={(x) => set(key, x)} />;
    if (key === 'object')
      return (
        <Select
          {...common}
          data={labels.objectOptions}
          value={(v as string) ?? null}
          clearable={!required.has(key)}
          onChange={(x) => onChange({ ...input, object: x ?? undefined, fields: input.fields ? {} : undefined })}
        />
      );
    if (key === 'field')
      return (
        <Select
          {...common}
          data={fields.filter((f) => memberFields.has(f.name) || f.custom).map((f) => ({ value: f.name, label: fieldLabel(t, f) }))}
          value={(v as string) ?? null}
          clearable
          onChange={(x) => set(key, x ?? undefined)}
        />
      );
    if (s.enum)
      return (
        <Select
          {...common}
          data={s.enum.map((o) => ({ value: o, label: t(`automation.choice.${o}`, { defaultValue: o }) }))}
          value={(v as string) ?? null}
          clearable={!required.has(key)}
          onChange={(x) => set(key, x ?? undefined)}
        />
      );
    if (s.type === 'boolean')
      return (
        <Checkbox
          label={label}
          checked={v === undefined ? key === 'link' : v === true}
          onChange={(e) => set(key, e.currentTarget.checked)}
        />
      );
    if (s.type === 'string' && (s.maxLength ?? 0) > 1000)
      return <Textarea {...common} autosize minRows={2} value={(v as string) ?? ''} onChange={(e) => set(key, e.currentTarget.value)} />;
    return (
      <TextInput
        {...common}
        value={v == null ? '' : String(v)}
        description={key === 'due' ? t('automation.relativeDateHelp') : undefined}
        onChange={(e) => set(key, e.currentTarget.value)}
      />
    );
  };

  const keys = Object.keys(schema.properties ?? {});
  // Where to write, then what: the object before its fields.
  keys.sort((a, b) => (a === 'object' ? -1 : b === 'object' ? 1 : 0));
  const hidden = (key: string) =>
    (key === 'memberId' && input.strategy !== 'member') ||
    (key === 'members' && input.strategy === 'member') ||
    (action === 'update_record' && key === 'recordId' && !input.object);
  return (
    <Stack gap="xs">
      {keys
        .filter((k) => !hidden(k))
        .map((k) => (
          <div key={k}>{one(k, schema.properties?.[k] ?? {})}</div>
        ))}
    </Stack>
  );
}

/** A static list of the rule's object (the step refuses any other at save time). */
function ListIdSelect({
  object,
  value,
  onChange,
  ...common
}: {
  label: string;
  withAsterisk: boolean;
  error: boolean;
  object: string | null;
  value: string | null;
  onChange: (id: string | undefined) => void;
}) {
  const lists = useRecordLists(object ? { objectType: object } : {}, !!object);
  const data = (lists.data ?? []).map((l) => ({ value: l.id, label: l.name }));
  // A list chosen before the rule's object changed stays visible, so the save's problem has something to point at.
  if (value && !data.some((d) => d.value === value)) data.push({ value, label: value });
  return <Select {...common} data={data} value={value} searchable onChange={(x) => onChange(x ?? undefined)} />;
}
