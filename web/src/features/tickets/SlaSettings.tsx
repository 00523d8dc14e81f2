import { Alert, Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, unwrap } from '../../api.ts';
import { useMe } from '../../session.ts';
import { SlaCalendar } from './SlaCalendar.tsx';
import { draftOf, type OverrideDraft, SlaOverrides } from './SlaOverrides.tsx';
import { SlaTargets } from './SlaTargets.tsx';
import { type SlaPolicy, slaKey, slaPolicyQuery, starterPolicy } from './sla.ts';

type Draft = Omit<SlaPolicy, 'overrides'> & { overrides: OverrideDraft[] };

const draftFrom = (p: SlaPolicy): Draft => ({ ...p, overrides: p.overrides.map(draftOf) });

/**
 * Settings → SLA, for admins: the business calendar, the targets per priority, and the overrides by
 * channel and customer tier, edited as one policy and saved at once (the server recomputes the open
 * tickets' due times under it). Errors from the server show beside the field they name.
 */
export default function SlaSettings() {
  const { t } = useTranslation();
  const me = useMe();
  const qc = useQueryClient();
  const saved = useQuery(slaPolicyQuery);
  const [draft, setDraft] = useState<Draft | null>(null);
  useEffect(() => {
    if (saved.isSuccess) setDraft(draftFrom(saved.data ?? starterPolicy(me.member.timeZone, t('sla.calendarTitle'))));
  }, [saved.isSuccess, saved.data, me.member.timeZone, t]);
  const save = useMutation({
    mutationFn: async (d: Draft) =>
      unwrap(
        await api.PUT('/api/v1/sla-policy', {
          body: { calendar: d.calendar, targets: d.targets, overrides: d.overrides.map(({ key: _k, ...o }) => o) },
        }),
      ).policy,
    onSuccess: (policy) => {
      qc.setQueryData(slaKey, policy);
      notifications.show({ color: 'green', message: t('sla.saved') });
    },
  });
  const err = save.error instanceof ApiError ? save.error : null;
  if (!draft) return null;
  const set = (patch: Partial<Draft>) => setDraft({ ...draft, ...patch });
  return (
    <Stack maw={1100}>
      {saved.data === null && (
        <Alert color="blue" title={t('sla.notSetTitle')}>
          {t('sla.notSet')}
        </Alert>
      )}
      <Card withBorder data-testid="sla-calendar">
        <Stack>
          <Title order={2} size="h5">
            {t('sla.calendarTitle')}
          </Title>
          <Text size="sm" c="dimmed">
            {t('sla.calendarHint')}
          </Text>
          <SlaCalendar calendar={draft.calendar} onChange={(calendar) => set({ calendar })} path="calendar" err={err} />
        </Stack>
      </Card>
      <Card withBorder data-testid="sla-base-targets">
        <Stack>
          <Title order={2} size="h5">
            {t('sla.targetsTitle')}
          </Title>
          <Text size="sm" c="dimmed">
            {t('sla.targetsHint')}
          </Text>
          <SlaTargets targets={draft.targets} onChange={(targets) => set({ targets })} path="targets" err={err} />
        </Stack>
      </Card>
      <SlaOverrides overrides={draft.overrides} onChange={(overrides) => set({ overrides })} base={draft} err={err} />
      {err && (
        <Alert color="red" role="alert">
          {err.message}
        </Alert>
      )}
      <Group>
        <Button onClick={() => save.mutate(draft)} loading={save.isPending}>
          {t('sla.save')}
        </Button>
      </Group>
    </Stack>
  );
}
