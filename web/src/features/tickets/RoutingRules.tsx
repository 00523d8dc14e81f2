import { ActionIcon, Button, Card, Group, MultiSelect, Select, Stack, TagsInput, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconArrowDown, IconArrowUp, IconTrash } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Team } from '../../../../contract/access.ts';
import { ticketChannels } from '../../../../contract/support.ts';
import { ApiError, api, unwrap } from '../../api.ts';
import { type RoutingRule, routingKeys, rulesQuery } from './routing.ts';

type Draft = Omit<RoutingRule, 'id' | 'teamId'> & { key: string; teamId: string | null };

let seq = 0;
const draftOf = (r?: RoutingRule): Draft => ({
  key: r?.id ?? `new-${++seq}`,
  name: r?.name ?? '',
  keywords: r?.keywords ?? [],
  channels: r?.channels ?? [],
  tiers: r?.tiers ?? [],
  teamId: r?.teamId ?? null,
  requiredSkill: r?.requiredSkill ?? null,
});

/** The ordered rule list, edited as a whole and saved at once: the order is what the rules mean. */
export function RoutingRules({ teams }: { teams: Team[] }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const saved = useQuery(rulesQuery);
  const [rules, setRules] = useState<Draft[]>([]);
  useEffect(() => {
    if (saved.data) setRules(saved.data.map(draftOf));
  }, [saved.data]);
  const save = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.PUT('/api/v1/routing-rules', {
          body: {
            rules: rules.map(({ key: _k, ...r }) => ({ ...r, teamId: r.teamId ?? '', requiredSkill: r.requiredSkill || null })),
          },
        }),
      ),
    onSuccess: () => {
      notifications.show({ color: 'green', message: t('list.saved') });
      void qc.invalidateQueries({ queryKey: routingKeys.rules });
    },
  });
  const err = save.error instanceof ApiError ? save.error : null;
  const edit = (i: number, patch: Partial<Draft>) => setRules((rs) => rs.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const move = (i: number, by: number) =>
    setRules((rs) => {
      const out = [...rs];
      [out[i], out[i + by]] = [out[i + by], out[i]];
      return out;
    });
  return (
    <Card withBorder>
      <Stack>
        <Title order={2} size="h5">
          {t('routing.rulesTitle')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('routing.rulesHint')}
        </Text>
        {rules.map((r, i) => (
          <Card key={r.key} withBorder padding="sm" data-testid="routing-rule">
            <Stack gap="xs">
              <Group align="flex-end" wrap="wrap">
                <Text fw={600} w={24}>
                  {i + 1}.
                </Text>
                <TextInput
                  label={t('routing.ruleName')}
                  value={r.name}
                  onChange={(e) => edit(i, { name: e.currentTarget.value })}
                  error={err?.fieldMessage(`rules.${i}.name`)}
                />
                <Select
                  label={t('routing.targetTeam')}
                  data={teams.map((x) => ({ value: x.id, label: x.name }))}
                  value={r.teamId}
                  onChange={(v) => edit(i, { teamId: v })}
                  error={err?.fieldMessage(`rules.${i}.teamId`)}
                />
                <TextInput
                  label={t('routing.requiredSkill')}
                  value={r.requiredSkill ?? ''}
                  onChange={(e) => edit(i, { requiredSkill: e.currentTarget.value })}
                />
                <Group gap={4}>
                  <ActionIcon variant="subtle" aria-label={t('routing.moveUp')} disabled={i === 0} onClick={() => move(i, -1)}>
                    <IconArrowUp size={16} />
                  </ActionIcon>
                  <ActionIcon
                    variant="subtle"
                    aria-label={t('routing.moveDown')}
                    disabled={i === rules.length - 1}
                    onClick={() => move(i, 1)}
                  >
                    <IconArrowDown size={16} />
                  </ActionIcon>
                  <ActionIcon
                    variant="subtle"
                    color="red"
                    aria-label={t('routing.removeRule')}
                    onClick={() => setRules((rs) => rs.filter((_, j) => j !== i))}
                  >
                    <IconTrash size={16} />
                  </ActionIcon>
                </Group>
              </Group>
              <Group grow align="flex-start">
                <TagsInput label={t('routing.keywords')} value={r.keywords} onChange={(v) => edit(i, { keywords: v })} />
                <MultiSelect
                  label={t('routing.channels')}
                  data={ticketChannels.map((c) => ({ value: c, label: t(`enums.ticketChannel.${c}`) }))}
                  value={r.channels}
                  onChange={(v) => edit(i, { channels: v as Draft['channels'] })}
                />
                <TagsInput label={t('routing.tiers')} value={r.tiers} onChange={(v) => edit(i, { tiers: v })} />
              </Group>
            </Stack>
          </Card>
        ))}
        {err && !err.errors.length && <div role="alert">{err.message}</div>}
        <Group>
          <Button variant="default" onClick={() => setRules((rs) => [...rs, draftOf()])}>
            {t('routing.addRule')}
          </Button>
          <Button onClick={() => save.mutate()} loading={save.isPending}>
            {t('routing.saveRules')}
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}
