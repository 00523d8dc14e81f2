import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { recordTypes } from '../../../../contract/enums.ts';
import { fractionDigits } from '../../format.ts';
import { useMe } from '../../session.ts';
import { useMembers } from '../../ui/useMembers.ts';
import { useObjectTypes } from '../../ui/useObjects.ts';
import { usePipelines } from '../../ui/usePipelines.ts';
import type { Column, FilterKind } from '../lists/columns.ts';
import type { RuleField } from './useAutomation.ts';

// Names in words for what rules are made of: objects, fields, stages, members.

export const builtInObjects = recordTypes;

/** A built-in field's name in the user's language; a custom field has its own label. */
export const fieldLabel = (t: TFunction, f: Pick<RuleField, 'name' | 'label'>) =>
  f.label ?? t(`fields.${f.name}`, { defaultValue: f.name });

/** Fields that hold a member's id: pickers show members for them. */
export const memberFields = new Set(['ownerId', 'assigneeId', 'createdBy']);

const kinds: Record<string, FilterKind> = {
  text: 'text',
  enum: 'enum',
  uuid: 'uuid',
  number: 'number',
  date: 'date',
  datetime: 'datetime',
  boolean: 'bool',
  multiselect: 'multi',
  labeledValues: 'text',
};

/** Where a built-in enum's words are: a deal's status is a dealStatus, a lead's a leadStatus. */
const enumWords = (object: string, field: string) => (field === 'status' ? `${object}Status` : field === 'size' ? 'companySize' : field);

export function useRuleLabels() {
  const { t } = useTranslation();
  const objects = useObjectTypes();
  const { members, nameOf } = useMembers();
  const { pipelines, stageOf } = usePipelines();
  const me = useMe();
  const objectOptions = [
    ...builtInObjects.map((o) => ({ value: o, label: t(`objects.${o}`) })),
    ...(objects.data ?? []).map((o) => ({ value: o.key, label: o.label })),
  ];
  const objectLabel = (o: string | null | undefined) => objectOptions.find((x) => x.value === o)?.label ?? o ?? '';
  const memberOptions = members.map((m) => ({ value: m.id, label: m.name }));
  const stageOptions = pipelines.flatMap((p) =>
    p.stages.map((s) => ({ value: s.id, label: pipelines.length > 1 ? `${p.name} · ${s.name}` : s.name })),
  );
  /**
   * The fields of an object as FilterBuilder columns: stages and members chosen by name, amounts
   * typed in major units (conditions.ts scales them); with `previous`, also each field's value
   * before the change, as "Amount (before)".
   */
  const columnsOf = (object: string, fields: RuleField[], previous: boolean): Column[] => {
    const cols = fields
      .filter((f) => f.kind && kinds[f.kind])
      .map((f): Column => {
        const label = fieldLabel(t, f);
        const base = { key: f.name, label, width: 160, field: f.name, display: () => '' };
        if (f.name === 'stageId')
          return { ...base, filter: 'enum', options: stageOptions.map((s) => s.value), optionLabel: (v) => stageOf(v)?.name ?? v };
        if (memberFields.has(f.name))
          return { ...base, filter: 'enum', options: memberOptions.map((m) => m.value), optionLabel: (v) => nameOf(v) || v };
        if (f.name === 'pipelineId')
          return {
            ...base,
            filter: 'enum',
            options: pipelines.map((p) => p.id),
            optionLabel: (v) => pipelines.find((p) => p.id === v)?.name ?? v,
          };
        return {
          ...base,
          filter: kinds[f.kind as string],
          options: f.options ?? undefined,
          optionLabel: (v, tt) => tt(`enums.${enumWords(object, f.name)}.${v}`, { defaultValue: v }),
        };
      });
    if (!previous) return cols;
    return [
      ...cols,
      ...cols.map((c) => ({
        ...c,
        key: `previous.${c.key}`,
        field: `previous.${c.field}`,
        label: t('automation.previousValue', { field: c.label }),
      })),
    ];
  };
  return {
    t,
    objectOptions,
    objectLabel,
    memberOptions,
    memberName: nameOf,
    stageOptions,
    stageName: (id: string) => stageOf(id)?.name ?? id,
    pipelines,
    columnsOf,
    digits: fractionDigits(me.workspace.currency),
  };
}
export type RuleLabels = ReturnType<typeof useRuleLabels>;
