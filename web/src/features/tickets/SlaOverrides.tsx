import { ActionIcon, Button, Card, Group, MultiSelect, Stack, Switch, TagsInput, Text, TextInput, Title } from '@mantine/core';
import { IconArrowDown, IconArrowUp, IconTrash } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { ticketChannels } from '../../../../contract/support.ts';
import type { ApiError } from '../../api.ts';
import { SlaCalendar } from './SlaCalendar.tsx';
import { SlaTargets } from './SlaTargets.tsx';
import type { Calendar, Override, PriorityTargets } from './sla.ts';

export type OverrideDraft = Override & { key: string };

let seq = 0;
export const draftOf = (o: Override): OverrideDraft => ({ ...o, key: `override-${++seq}` });

/**
 * The ordered overrides, edited in place: each names the channels and customer tiers it applies to,
 * its targets and, when it has one, its own calendar. The first that matches a ticket wins.
 */
export function SlaOverrides({
  overrides,
  onChange,
  base,
  err,
}: {
  overrides: OverrideDraft[];
  onChange: (o: OverrideDraft[]) => void;
  base: { calendar: Calendar; targets: PriorityTargets };
  err: ApiError | null;
}) {
  const { t } = useTranslation();
  const edit = (i: number, patch: Partial<Override>) => onChange(overrides.map((o, j) => (j === i ? { ...o, ...patch } : o)));
  const move = (i: number, by: number) => {
    const out = [...overrides];
    [out[i], out[i + by]] = [out[i + by], out[i]];
    onChange(out);
  };
  const add = () =>
    onChange([
      ...overrides,
      draftOf({ name: t('sla.newOverride', { n: overrides.length + 1 }), channels: [], tiers: [], targets: base.targets }),
    ]);
  return (
    <Card withBorder>
      <Stack>
        <Title order={2} size="h5">
          {t('sla.overridesTitle')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('sla.overridesHint')}
        </Text>
        {overrides.map((o, i) => {
          const at = `overrides.${i}`;
          return (
            <Card key={o.key} withBorder padding="sm" data-testid="sla-override">
              <Stack gap="xs">
                <Group align="flex-end" wrap="wrap">
                  <Text fw={600} w={24}>
                    {i + 1}.
                  </Text>
                  <TextInput
                    label={t('sla.overrideName')}
                    value={o.name}
                    onChange={(e) => edit(i, { name: e.currentTarget.value })}
                    error={err?.fieldMessage(`${at}.name`)}
                  />
                  <Group gap={4}>
                    <ActionIcon
                      variant="subtle"
                      aria-label={t('sla.moveUp', { name: o.name })}
                      disabled={i === 0}
                      onClick={() => move(i, -1)}
                    >
                      <IconArrowUp size={16} />
                    </ActionIcon>
                    <ActionIcon
                      variant="subtle"
                      aria-label={t('sla.moveDown', { name: o.name })}
                      disabled={i === overrides.length - 1}
                      onClick={() => move(i, 1)}
                    >
                      <IconArrowDown size={16} />
                    </ActionIcon>
                    <ActionIcon
                      variant="subtle"
                      color="red"
                      aria-label={t('sla.removeOverride', { name: o.name })}
                      onClick={() => onChange(overrides.filter((_, j) => j !== i))}
                    >
                      <IconTrash size={16} />
                    </ActionIcon>
                  </Group>
                </Group>
                <Group grow align="flex-start">
                  <MultiSelect
                    label={t('sla.channels')}
                    placeholder={o.channels.length ? undefined : t('sla.anyChannel')}
                    data={ticketChannels.map((c) => ({ value: c, label: t(`enums.ticketChannel.${c}`) }))}
                    value={o.channels}
                    onChange={(v) => edit(i, { channels: v as Override['channels'] })}
                    error={err?.fieldMessage(`${at}.channels`)}
                  />
                  <TagsInput
                    label={t('sla.tiers')}
                    placeholder={o.tiers.length ? undefined : t('sla.anyTier')}
                    value={o.tiers}
                    onChange={(v) => edit(i, { tiers: v })}
                    error={err?.fieldMessage(`${at}.tiers`)}
                  />
                </Group>
                <SlaTargets
                  targets={o.targets}
                  onChange={(targets) => edit(i, { targets })}
                  path={`${at}.targets`}
                  err={err}
                  name={o.name}
                />
                <Switch
                  label={t('sla.ownCalendar')}
                  checked={!!o.calendar}
                  onChange={(e) =>
                    edit(i, {
                      calendar: e.currentTarget.checked ? { ...base.calendar, name: t('sla.calendarOf', { name: o.name }) } : undefined,
                    })
                  }
                />
                {o.calendar && (
                  <SlaCalendar calendar={o.calendar} onChange={(calendar) => edit(i, { calendar })} path={`${at}.calendar`} err={err} />
                )}
              </Stack>
            </Card>
          );
        })}
        <Group>
          <Button variant="default" onClick={add}>
            {t('sla.addOverride')}
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}
