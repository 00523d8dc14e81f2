import { Button, Menu, Stack, Text } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { type DraftStep, newStep } from './draft.ts';
import { useEditor } from './editorContext.ts';
import { StepCard } from './StepCard.tsx';

// Steps as a vertical list, top to bottom as they run, with a menu to add one at the end.

export function StepList({
  steps,
  onChange,
  path,
  depth,
  prefix = '',
  start = 0,
}: {
  steps: DraftStep[];
  onChange: (steps: DraftStep[]) => void;
  /** Where the list is in the definition: `steps`, `steps.2.then`. */
  path: string;
  depth: number;
  /** How the steps are numbered: "2." inside the second step. */
  prefix?: string;
  /** The number before the first step's: an else-list goes on counting after its then-list. */
  start?: number;
}) {
  const { catalog, labels, object, readOnly } = useEditor();
  const { t } = labels;
  const move = (i: number, by: -1 | 1) => {
    const next = [...steps];
    [next[i], next[i + by]] = [next[i + by], next[i]];
    onChange(next);
  };
  const add = (s: DraftStep) => onChange([...steps, s]);
  return (
    <Stack gap="sm">
      {steps.length === 0 && (
        <Text size="sm" c="dimmed">
          {t('automation.noSteps')}
        </Text>
      )}
      {steps.map((s, i) => (
        <StepCard
          key={s.key}
          step={s}
          number={`${prefix}${start + i + 1}`}
          path={`${path}.${i}`}
          depth={depth}
          first={i === 0}
          last={i === steps.length - 1}
          onChange={(x) => onChange(steps.map((y, j) => (j === i ? x : y)))}
          onMove={(by) => move(i, by)}
          onRemove={() => onChange(steps.filter((_, j) => j !== i))}
        />
      ))}
      {!readOnly && (
        <Menu position="bottom-start" withinPortal>
          <Menu.Target>
            <Button size="xs" variant="light" w="fit-content" leftSection={<IconPlus size={14} />}>
              {depth === 0 ? t('automation.addStep') : t('automation.addStepHere')}
            </Button>
          </Menu.Target>
          <Menu.Dropdown>
            <Menu.Label>{t('automation.actions')}</Menu.Label>
            {catalog.actions
              .filter((a) => object || !a.needsRecord)
              .map((a) => (
                <Menu.Item key={a.name} onClick={() => add(newStep('action', a.name))}>
                  {t(`automation.action.${a.name}`, { defaultValue: a.label })}
                </Menu.Item>
              ))}
            <Menu.Divider />
            {depth < catalog.limits.nesting && <Menu.Item onClick={() => add(newStep('if'))}>{t('automation.stepIf')}</Menu.Item>}
            <Menu.Item onClick={() => add(newStep('wait'))}>{t('automation.stepWait')}</Menu.Item>
          </Menu.Dropdown>
        </Menu>
      )}
    </Stack>
  );
}
