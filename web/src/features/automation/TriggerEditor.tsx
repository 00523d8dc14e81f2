import { Alert, Group, MultiSelect, NumberInput, Select, Stack, Text, TextInput } from '@mantine/core';
import type { FieldError } from '../../api.ts';
import type { Draft } from './draft.ts';
import { errorsAt, messageAt, whereInWords } from './errors.ts';
import type { RuleLabels } from './labels.ts';
import { fieldLabel } from './labels.ts';
import type { Catalog, RuleField } from './useAutomation.ts';
import { ValueInput } from './ValueInput.tsx';
import { WebhookDetails } from './WebhookDetails.tsx';

// When a rule runs: the trigger picked from the catalog, and its settings in inputs of their own
// (an object, a field and the values it changes from and to, stages, a time relative to a date).

const needsObject = new Set(['record_created', 'record_updated', 'record_deleted', 'field_changed', 'date_reached']);
const mayHaveObject = new Set(['schedule', 'manual', 'webhook']);
const shownAtInput = ['object', 'fields', 'field', 'from', 'to', 'pipelineId', 'fromStageId', 'toStageId', 'offset', 'atTime', 'cron'];
export const units = ['minutes', 'hours', 'days', 'weeks'] as const;

export function TriggerEditor({
  trigger,
  onChange,
  catalog,
  fields,
  labels,
  errors,
  ruleId,
  webhookPath,
}: {
  trigger: Draft['trigger'];
  onChange: (t: Draft['trigger']) => void;
  catalog: Catalog;
  fields: RuleField[];
  labels: RuleLabels;
  errors: FieldError[];
  ruleId: string | null;
  webhookPath: string | null | undefined;
}) {
  const { t } = labels;
  const c = trigger.config;
  const set = (patch: Record<string, unknown>) => onChange({ ...trigger, config: { ...c, ...patch } });
  const err = (key: string) => messageAt(errors, `trigger.config.${key}`);
  const fieldOptions = (filter: (f: RuleField) => boolean) =>
    fields.filter(filter).map((f) => ({ value: f.name, label: fieldLabel(t, f) }));
  const chosenField = fields.find((f) => f.name === c.field);
  const stagesOf = (pipelineId: unknown) =>
    pipelineId
      ? labels.stageOptions.filter((s) => labels.pipelines.find((p) => p.id === pipelineId)?.stages.some((x) => x.id === s.value))
      : labels.stageOptions;
  const offset = (c.offset as { amount: number; unit: string } | undefined) ?? { amount: 0, unit: 'days' };
  // Problems of a setting show at its input; the rest (an unknown trigger, a setting with no input) under the picker.
  const own = errorsAt(errors, 'trigger').filter(
    (e) => !shownAtInput.some((k) => e.field.startsWith(`body.definition.trigger.config.${k}`)),
  );

  return (
    <Stack gap="sm">
      <Select
        label={t('automation.triggerLabel')}
        data={catalog.triggers.map((x) => ({ value: x.name, label: t(`automation.trigger.${x.name}`, { defaultValue: x.label }) }))}
        value={trigger.type}
        allowDeselect={false}
        onChange={(v) => {
          if (!v) return;
          // The object carries over between triggers that have one; the rest are the old trigger's own.
          const object = typeof c.object === 'string' ? c.object : 'deal';
          onChange({ type: v, config: needsObject.has(v) ? { object } : v === 'schedule' ? { cron: '0 9 * * 1' } : {} });
        }}
        error={own[0]?.message}
      />
      {(needsObject.has(trigger.type) || mayHaveObject.has(trigger.type)) && (
        <Select
          label={t('automation.object')}
          description={mayHaveObject.has(trigger.type) ? t('automation.objectOptional') : undefined}
          data={labels.objectOptions}
          value={(c.object as string) ?? null}
          clearable={mayHaveObject.has(trigger.type)}
          allowDeselect={false}
          onChange={(v) => set({ object: v ?? undefined, field: undefined, fields: undefined, from: undefined, to: undefined })}
          error={err('object')}
        />
      )}
      {trigger.type === 'record_updated' && (
        <MultiSelect
          label={t('automation.watchedFields')}
          description={t('automation.watchedFieldsHelp')}
          data={fieldOptions(() => true)}
          value={(c.fields as string[]) ?? []}
          onChange={(v) => set({ fields: v.length ? v : undefined })}
          searchable
          error={err('fields')}
        />
      )}
      {(trigger.type === 'field_changed' || trigger.type === 'date_reached') && (
        <Select
          label={t('automation.field')}
          data={fieldOptions((f) => (trigger.type === 'date_reached' ? f.kind === 'date' || f.kind === 'datetime' : !!f.kind))}
          value={(c.field as string) ?? null}
          onChange={(v) => set({ field: v ?? undefined, from: undefined, to: undefined })}
          searchable
          allowDeselect={false}
          error={err('field')}
        />
      )}
      {trigger.type === 'field_changed' && chosenField && (
        <Group grow align="flex-start">
          <ValueInput
            field={chosenField}
            label={t('automation.fromValue')}
            value={c.from}
            onChange={(v) => set({ from: v === '' ? undefined : v })}
            labels={labels}
            error={err('from')}
          />
          <ValueInput
            field={chosenField}
            label={t('automation.toValue')}
            value={c.to}
            onChange={(v) => set({ to: v === '' ? undefined : v })}
            labels={labels}
            error={err('to')}
          />
        </Group>
      )}
      {trigger.type === 'stage_changed' && (
        <>
          {labels.pipelines.length > 1 && (
            <Select
              label={t('fields.pipeline')}
              data={labels.pipelines.map((p) => ({ value: p.id, label: p.name }))}
              value={(c.pipelineId as string) ?? null}
              clearable
              onChange={(v) => set({ pipelineId: v ?? undefined, fromStageId: undefined, toStageId: undefined })}
              error={err('pipelineId')}
            />
          )}
          <Group grow align="flex-start">
            <Select
              label={t('automation.fromStage')}
              placeholder={t('automation.anyStage')}
              data={stagesOf(c.pipelineId)}
              value={(c.fromStageId as string) ?? null}
              clearable
              onChange={(v) => set({ fromStageId: v ?? undefined })}
              error={err('fromStageId')}
            />
            <Select
              label={t('automation.toStage')}
              placeholder={t('automation.anyStage')}
              data={stagesOf(c.pipelineId)}
              value={(c.toStageId as string) ?? null}
              clearable
              onChange={(v) => set({ toStageId: v ?? undefined })}
              error={err('toStageId')}
            />
          </Group>
        </>
      )}
      {trigger.type === 'date_reached' && (
        <Group grow align="flex-start">
          <NumberInput
            label={t('automation.offsetAmount')}
            min={0}
            value={Math.abs(offset.amount)}
            onChange={(v) => set({ offset: { ...offset, amount: Math.sign(offset.amount || -1) * Math.abs(Number(v) || 0) } })}
            error={err('offset')}
          />
          <Select
            label={t('automation.unit')}
            data={units.map((u) => ({ value: u, label: t(`automation.units.${u}`) }))}
            value={offset.unit}
            allowDeselect={false}
            onChange={(v) => v && set({ offset: { ...offset, unit: v } })}
          />
          <Select
            label={t('automation.beforeAfter')}
            data={[
              { value: 'before', label: t('automation.before') },
              { value: 'after', label: t('automation.after') },
            ]}
            value={offset.amount > 0 ? 'after' : 'before'}
            allowDeselect={false}
            onChange={(v) => set({ offset: { ...offset, amount: (v === 'after' ? 1 : -1) * Math.abs(offset.amount) } })}
          />
          <TextInput
            label={t('automation.atTime')}
            type="time"
            value={(c.atTime as string) ?? ''}
            onChange={(e) => set({ atTime: e.currentTarget.value || undefined })}
            error={err('atTime')}
          />
        </Group>
      )}
      {trigger.type === 'schedule' && (
        <TextInput
          label={t('automation.cron')}
          description={t('automation.cronHelp')}
          value={(c.cron as string) ?? ''}
          onChange={(e) => set({ cron: e.currentTarget.value })}
          error={err('cron')}
        />
      )}
      {trigger.type === 'webhook' && <WebhookDetails ruleId={ruleId} webhookPath={webhookPath} />}
      {own.length > 1 &&
        own.slice(1).map((e) => (
          <Alert key={e.field + e.message} color="red" role="alert">
            <Text size="sm">
              {whereInWords(t, e, 'trigger')} {e.message}
            </Text>
          </Alert>
        ))}
    </Stack>
  );
}
