import { Select, Stack, Switch, Text } from '@mantine/core';
import { useMemo } from 'react';
import { emptyGroup, toCondition } from '../automation/conditions.ts';
import { useRuleLabels } from '../automation/labels.ts';
import { useRuleFields } from '../automation/useAutomation.ts';
import { FilterBuilder } from '../lists/FilterBuilder.tsx';
import type { FilterGroup } from '../lists/filterGroup.ts';

// "Only some records" on an endpoint: one object's events whose record meets conditions, built with
// the same FilterBuilder and field list as a rule's conditions (amounts typed in major units).

export interface FilterDraft {
  on: boolean;
  object: string | null;
  group: FilterGroup;
}

export const noFilter = (): FilterDraft => ({ on: false, object: null, group: emptyGroup() });

/** What the API takes: null without a filter, the object alone when no condition is complete. */
export function useFilterValue(draft: FilterDraft) {
  const labels = useRuleLabels();
  const fields = useRuleFields(draft.on ? draft.object : null);
  const columns = useMemo(
    () => labels.columnsOf(draft.object ?? '', fields.data?.fields ?? [], false),
    [labels.columnsOf, draft.object, fields.data],
  );
  const value = !draft.on || !draft.object ? null : { object: draft.object, conditions: toCondition(draft.group, columns, labels.digits) };
  return { value, columns };
}

export function WebhookFilter({
  draft,
  onChange,
  error,
}: {
  draft: FilterDraft;
  onChange: (d: FilterDraft) => void;
  /** The server's refusal of the filter, in words. */
  error?: string;
}) {
  const labels = useRuleLabels();
  const { t } = labels;
  const { columns } = useFilterValue(draft);
  return (
    <Stack gap="xs">
      <Switch
        label={t('webhooks.filterOn')}
        description={t('webhooks.filterHint')}
        checked={draft.on}
        onChange={(e) => onChange({ ...draft, on: e.currentTarget.checked })}
      />
      {draft.on && (
        <>
          <Select
            label={t('webhooks.filterObject')}
            data={labels.objectOptions}
            value={draft.object}
            onChange={(object) => onChange({ ...draft, object, group: emptyGroup() })}
            comboboxProps={{ withinPortal: true }}
            allowDeselect={false}
          />
          {draft.object && <FilterBuilder group={draft.group} columns={columns} onChange={(group) => onChange({ ...draft, group })} />}
        </>
      )}
      {error && (
        <Text c="red.8" size="sm" role="alert">
          {error}
        </Text>
      )}
    </Stack>
  );
}
