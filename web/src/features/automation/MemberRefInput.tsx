import { Group, Select } from '@mantine/core';
import { useEditor } from './editorContext.ts';
import { fieldLabel, memberFields } from './labels.ts';

// Who an action is for: the record's owner, a chosen member, or the member a field of the record names.

export interface MemberRef {
  kind: 'owner' | 'member' | 'field';
  memberId?: string;
  field?: string;
}

export function MemberRefInput({
  label,
  value,
  onChange,
  error,
}: {
  label: string;
  value: MemberRef | undefined;
  onChange: (v: MemberRef) => void;
  error?: boolean;
}) {
  const { labels, fields } = useEditor();
  const { t } = labels;
  const v = value ?? { kind: 'owner' };
  return (
    <Group grow align="flex-end" gap="xs">
      <Select
        label={label}
        data={(['owner', 'member', 'field'] as const).map((k) => ({ value: k, label: t(`automation.memberKind.${k}`) }))}
        value={v.kind}
        allowDeselect={false}
        onChange={(k) => k && onChange({ kind: k as MemberRef['kind'] })}
        error={error}
      />
      {v.kind === 'member' && (
        <Select
          label={t('automation.member')}
          data={labels.memberOptions}
          value={v.memberId ?? null}
          searchable
          allowDeselect={false}
          onChange={(m) => onChange({ kind: 'member', memberId: m ?? undefined })}
          error={error}
        />
      )}
      {v.kind === 'field' && (
        <Select
          label={t('automation.memberField')}
          data={fields
            .filter((f) => memberFields.has(f.name) || f.name.startsWith('custom.'))
            .map((f) => ({ value: f.name, label: fieldLabel(t, f) }))}
          value={v.field ?? null}
          allowDeselect={false}
          onChange={(f) => onChange({ kind: 'field', field: f ?? undefined })}
          error={error}
        />
      )}
    </Group>
  );
}
