import { ActionIcon, Alert, Badge, Group, Paper, Stack, Text } from '@mantine/core';
import { IconArrowDown, IconArrowUp, IconTrash } from '@tabler/icons-react';
import { FilterBuilder } from '../lists/FilterBuilder.tsx';
import { ActionInputs } from './ActionInputs.tsx';
import { emptyGroup } from './conditions.ts';
import type { DraftStep } from './draft.ts';
import { useEditor } from './editorContext.ts';
import { errorsAt, whereInWords } from './errors.ts';
import { StepList } from './StepList.tsx';
import { WaitEditor } from './WaitEditor.tsx';

// One step of the list: what it is in words, its settings, its problems from the last save, and
// the buttons that move it up or down or take it out. An if-step holds two lists of its own.

export function StepCard({
  step,
  number,
  path,
  depth,
  first,
  last,
  onChange,
  onMove,
  onRemove,
}: {
  step: DraftStep;
  number: string;
  path: string;
  depth: number;
  first: boolean;
  last: boolean;
  onChange: (s: DraftStep) => void;
  onMove: (by: -1 | 1) => void;
  onRemove: () => void;
}) {
  const { catalog, labels, columns, errors, readOnly } = useEditor();
  const { t } = labels;
  const action = catalog.actions.find((a) => a.name === step.action);
  const title =
    step.type === 'if'
      ? t('automation.stepIf')
      : step.type === 'wait'
        ? t('automation.stepWait')
        : t(`automation.action.${step.action}`, { defaultValue: action?.label ?? step.action ?? '' });
  const problems = errorsAt(errors, path);
  const heading = `${t('automation.step')} ${number}: ${title}`;
  return (
    <Paper
      withBorder
      p="sm"
      radius="md"
      component="section"
      aria-label={heading}
      data-step={path}
      style={problems.length ? { borderColor: 'var(--mantine-color-red-7)' } : undefined}
    >
      <Stack gap="sm">
        <Group justify="space-between" wrap="nowrap" gap="xs">
          <Group gap="xs" wrap="nowrap" style={{ minWidth: 0 }}>
            <Badge variant="light" radius="sm" aria-hidden>
              {number}
            </Badge>
            <Text fw={600} size="sm" truncate>
              {title}
            </Text>
          </Group>
          {!readOnly && (
            <Group gap={2} wrap="nowrap">
              <ActionIcon
                variant="subtle"
                color="gray"
                disabled={first}
                onClick={() => onMove(-1)}
                aria-label={t('automation.moveUp', { step: heading })}
              >
                <IconArrowUp size={16} />
              </ActionIcon>
              <ActionIcon
                variant="subtle"
                color="gray"
                disabled={last}
                onClick={() => onMove(1)}
                aria-label={t('automation.moveDown', { step: heading })}
              >
                <IconArrowDown size={16} />
              </ActionIcon>
              <ActionIcon variant="subtle" color="red.8" onClick={onRemove} aria-label={t('automation.removeStep', { step: heading })}>
                <IconTrash size={16} />
              </ActionIcon>
            </Group>
          )}
        </Group>
        {problems.length > 0 && (
          <Alert color="red" role="alert" p="xs" title={t('automation.stepProblems')}>
            <Stack gap={2}>
              {problems.map((e) => {
                const where = whereInWords(t, e, path);
                return (
                  <Text size="sm" key={e.field + e.message}>
                    {where ? `${where}: ` : ''}
                    {e.message}
                  </Text>
                );
              })}
            </Stack>
          </Alert>
        )}
        {step.type === 'action' && action && (
          <ActionInputs
            action={action.name}
            schema={action.schema as never}
            input={step.input ?? {}}
            onChange={(input) => onChange({ ...step, input })}
            path={path}
          />
        )}
        {step.type === 'wait' && step.wait && <WaitEditor wait={step.wait} onChange={(wait) => onChange({ ...step, wait })} path={path} />}
        {step.type === 'if' && (
          <>
            <Text size="sm" fw={500}>
              {t('automation.ifCondition')}
            </Text>
            <FilterBuilder group={step.condition ?? emptyGroup()} columns={columns} onChange={(g) => onChange({ ...step, condition: g })} />
            <Branch label={t('automation.thenBranch')}>
              <StepList
                steps={step.then ?? []}
                onChange={(x) => onChange({ ...step, then: x })}
                path={`${path}.then`}
                depth={depth + 1}
                prefix={`${number}.`}
              />
            </Branch>
            <Branch label={t('automation.elseBranch')}>
              <StepList
                steps={step.else ?? []}
                onChange={(x) => onChange({ ...step, else: x })}
                path={`${path}.else`}
                depth={depth + 1}
                prefix={`${number}.`}
                start={step.then?.length ?? 0}
              />
            </Branch>
          </>
        )}
      </Stack>
    </Paper>
  );
}

function Branch({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <Stack gap={6} pl="sm" style={{ borderLeft: '3px solid var(--mantine-color-indigo-3)' }}>
      <Text size="sm" fw={600} c="indigo.8">
        {label}
      </Text>
      {children}
    </Stack>
  );
}
