import { Group, NumberInput, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ticketPriorities } from '../../../../contract/support.ts';
import type { ApiError } from '../../api.ts';
import { type PriorityTargets, targetKinds } from './sla.ts';

type Priority = (typeof ticketPriorities)[number];
type Kind = (typeof targetKinds)[number];

/**
 * One target in business minutes, typed as hours and minutes: 90 shows as 1 h 30 min. Both empty
 * is no target of that kind.
 */
function Duration({
  label,
  minutes,
  onChange,
  error,
}: {
  label: string;
  minutes: number | null;
  onChange: (m: number | null) => void;
  error?: string;
}) {
  const { t } = useTranslation();
  const h = minutes === null ? '' : Math.floor(minutes / 60);
  const m = minutes === null ? '' : minutes % 60;
  const set = (hours: number | string, mins: number | string) => {
    if (hours === '' && mins === '') return onChange(null);
    onChange(Number(hours || 0) * 60 + Number(mins || 0));
  };
  return (
    <div>
      <Group gap={4} wrap="nowrap">
        <NumberInput
          size="xs"
          w={84}
          min={0}
          max={8760}
          allowDecimal={false}
          aria-label={t('sla.hoursOf', { target: label })}
          value={h}
          onChange={(v) => set(v, m)}
          rightSection={<Text size="xs">{t('sla.h')}</Text>}
          hideControls
          error={!!error}
        />
        <NumberInput
          size="xs"
          w={84}
          min={0}
          max={59}
          allowDecimal={false}
          aria-label={t('sla.minutesOf', { target: label })}
          value={m}
          onChange={(v) => set(h, v)}
          rightSection={<Text size="xs">{t('sla.min')}</Text>}
          hideControls
          error={!!error}
        />
      </Group>
      {error && (
        <Text size="xs" c="var(--mantine-color-error)" mt={2}>
          {error}
        </Text>
      )}
    </div>
  );
}

/** Targets per priority and kind, in business minutes; `path` is where their errors point (`targets`, `overrides.0.targets`). */
export function SlaTargets({
  targets,
  onChange,
  path,
  err,
  name,
}: {
  targets: PriorityTargets;
  onChange: (t: PriorityTargets) => void;
  path: string;
  err: ApiError | null;
  /** Said in the inputs' labels when several target tables share the page (an override's name). */
  name?: string;
}) {
  const { t } = useTranslation();
  const set = (p: Priority, k: Kind, v: number | null) => onChange({ ...targets, [p]: { ...targets[p], [k]: v } });
  return (
    // On a phone the table scrolls sideways inside its card rather than widening the page.
    <Table.ScrollContainer minWidth={600} type="native">
      <Table withRowBorders={false} verticalSpacing={4} w="fit-content">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('sla.priority')}</Table.Th>
            {targetKinds.map((k) => (
              <Table.Th key={k}>{t(`tickets.${k}`)}</Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {ticketPriorities.map((p) => (
            <Table.Tr key={p}>
              <Table.Td>{t(`enums.ticketPriority.${p}`)}</Table.Td>
              {targetKinds.map((k) => {
                const what = [name, t(`enums.ticketPriority.${p}`), t(`tickets.${k}`)].filter(Boolean).join(', ');
                return (
                  <Table.Td key={k}>
                    <Duration
                      label={what}
                      minutes={targets[p][k]}
                      onChange={(v) => set(p, k, v)}
                      error={err?.fieldMessage(`${path}.${p}.${k}`)}
                    />
                  </Table.Td>
                );
              })}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
