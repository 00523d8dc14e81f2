import { ActionIcon, Button, Group, Paper, SegmentedControl, Select, Stack, TextInput } from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { type Column, optionData } from './columns.ts';
import { type Condition, type FilterGroup, isGroup, missing, noValue, opsByKind } from './filterGroup.ts';

// The filter language of docs/api.md, as rows of field / operator / value inside and/or groups;
// the rows' logic (to the server's JSON, what is missing) is in filterGroup.ts.

// The selects of a row open their lists inside the filter panel, not in a portal: a pick in a
// portal counts as a click outside the panel and closed it. Picking the selected option again
// keeps it (no deselect), rather than blanking the operator.
const inPanel = { withinPortal: false } as const;

function ConditionRow({
  c,
  columns,
  onChange,
  onRemove,
  showErrors,
}: {
  c: Condition;
  columns: Column[];
  onChange: (c: Condition) => void;
  onRemove: () => void;
  showErrors: boolean;
}) {
  const { t } = useTranslation();
  const lacks = showErrors ? missing(c) : null;
  const filterable = columns.filter((col) => col.field && col.filter !== 'none');
  const col = filterable.find((x) => x.field === c.field);
  const ops = col ? opsByKind[col.filter] : [];
  return (
    <Group gap="xs" wrap="wrap" align="flex-end">
      <Select
        aria-label={t('list.field')}
        placeholder={t('list.field')}
        data={filterable.map((x) => ({ value: x.field as string, label: x.label.startsWith('fields.') ? t(x.label) : x.label }))}
        value={c.field || null}
        onChange={(v) =>
          onChange({
            field: v ?? '',
            op: v ? (opsByKind[filterable.find((x) => x.field === v)?.filter ?? 'text'][0] ?? '') : '',
            value: '',
          })
        }
        w={170}
        searchable
        allowDeselect={false}
        comboboxProps={inPanel}
        error={lacks === 'field' ? t('list.pickField') : undefined}
      />
      <Select
        aria-label={t('list.operator')}
        placeholder={t('list.operator')}
        data={ops.map((o) => ({ value: o, label: t(`ops.${o}`) }))}
        value={c.op || null}
        onChange={(v) => v && onChange({ ...c, op: v })}
        w={150}
        allowDeselect={false}
        comboboxProps={inPanel}
        error={lacks === 'op' ? t('list.pickOperator') : undefined}
      />
      {!noValue.has(c.op) &&
        (col?.filter === 'enum' || col?.filter === 'bool' ? (
          <Select
            aria-label={t('list.value')}
            data={
              col.filter === 'bool'
                ? [
                    { value: 'true', label: t('record.yes') },
                    { value: 'false', label: t('record.no') },
                  ]
                : optionData(col, t)
            }
            value={c.value || null}
            onChange={(v) => onChange({ ...c, value: v ?? '' })}
            w={160}
            allowDeselect={false}
            comboboxProps={inPanel}
            error={lacks === 'value' ? t('list.enterValue') : undefined}
          />
        ) : (
          <TextInput
            aria-label={t('list.value')}
            placeholder={t('list.value')}
            type={
              col?.filter === 'number' ? 'number' : col?.filter === 'date' ? 'date' : col?.filter === 'datetime' ? 'datetime-local' : 'text'
            }
            value={c.value}
            onChange={(e) => onChange({ ...c, value: e.currentTarget.value })}
            w={180}
            error={lacks === 'value' ? t('list.enterValue') : undefined}
          />
        ))}
      <ActionIcon variant="subtle" color="gray" onClick={onRemove} aria-label={t('settings.remove')}>
        <IconTrash size={16} />
      </ActionIcon>
    </Group>
  );
}

export function FilterBuilder({
  group,
  columns,
  onChange,
  depth = 0,
  showErrors = false,
}: {
  group: FilterGroup;
  columns: Column[];
  onChange: (g: FilterGroup) => void;
  depth?: number;
  /** Apply was pressed with an incomplete row: say what each lacks. */
  showErrors?: boolean;
}) {
  const { t } = useTranslation();
  const setItem = (i: number, x: Condition | FilterGroup | null) =>
    onChange({ ...group, items: x ? group.items.map((y, j) => (j === i ? x : y)) : group.items.filter((_, j) => j !== i) });
  return (
    <Paper withBorder={depth > 0} p={depth > 0 ? 'xs' : 0}>
      <Stack gap="xs">
        <SegmentedControl
          size="xs"
          w="fit-content"
          value={group.mode}
          onChange={(v) => onChange({ ...group, mode: v as 'and' | 'or' })}
          data={[
            { value: 'and', label: t('list.and') },
            { value: 'or', label: t('list.or') },
          ]}
        />
        {group.items.map((x, i) =>
          isGroup(x) ? (
            <FilterBuilder
              // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place and have no id
              key={i}
              group={x}
              columns={columns}
              depth={depth + 1}
              showErrors={showErrors}
              onChange={(g) => setItem(i, g.items.length ? g : null)}
            />
          ) : (
            <ConditionRow
              // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place and have no id
              key={i}
              c={x}
              columns={columns}
              showErrors={showErrors}
              onChange={(c) => setItem(i, c)}
              onRemove={() => setItem(i, null)}
            />
          ),
        )}
        <Group gap="xs">
          <Button
            size="xs"
            variant="light"
            leftSection={<IconPlus size={14} />}
            onClick={() => onChange({ ...group, items: [...group.items, { field: '', op: '', value: '' }] })}
          >
            {t('list.addCondition')}
          </Button>
          {depth < 2 && (
            <Button
              size="xs"
              variant="subtle"
              leftSection={<IconPlus size={14} />}
              onClick={() =>
                onChange({
                  ...group,
                  items: [...group.items, { mode: group.mode === 'and' ? 'or' : 'and', items: [{ field: '', op: '', value: '' }] }],
                })
              }
            >
              {t('list.addGroup')}
            </Button>
          )}
        </Group>
      </Stack>
    </Paper>
  );
}
