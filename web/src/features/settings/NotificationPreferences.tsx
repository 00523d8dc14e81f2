import { Card, Stack, Switch, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, type GetResult, unwrap } from '../../api.ts';

type Prefs = GetResult<'/api/v1/notifications/preferences'>;
// Not under 'notifications': a notice pushed over the live socket refetches every 'notifications' query,
// and a refetch that lands after a switch is flipped used to flip it back.
const key = ['notification-preferences'];
export const senderKey = ['notification-settings'];
const switches = ['taskReminders', 'mentions', 'assignments', 'automation', 'dailyDigest', 'byEmail'] as const;

/** "My profile": which notifications I receive, and the daily digest; each switch saves at once. */
export function NotificationPreferences() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const prefs = useQuery({ queryKey: key, queryFn: async () => unwrap(await api.GET('/api/v1/notifications/preferences')) });
  const settings = useQuery({ queryKey: senderKey, queryFn: async () => unwrap(await api.GET('/api/v1/notifications/settings')) });
  const noSender = settings.data && !settings.data.senderMailboxId;
  const hint = (s: (typeof switches)[number]) =>
    s === 'dailyDigest'
      ? t('notifications.preferences.dailyDigestHint')
      : s === 'byEmail'
        ? t(noSender ? 'notifications.preferences.byEmailNoSender' : 'notifications.preferences.byEmailHint')
        : undefined;
  const save = useMutation({
    mutationFn: async (change: Partial<Prefs>) => unwrap(await api.PATCH('/api/v1/notifications/preferences', { body: change })),
    onMutate: async (change) => {
      await qc.cancelQueries({ queryKey: key });
      qc.setQueryData<Prefs>(key, (p) => (p ? { ...p, ...change } : p));
    },
    onSuccess: (next) => {
      qc.setQueryData(key, next);
      notifications.show({ color: 'green', message: t('list.saved') });
    },
    onError: () => qc.invalidateQueries({ queryKey: key }),
  });
  return (
    <Card withBorder maw={480}>
      <Stack gap="sm">
        <Title order={3} size="h4">
          {t('notifications.preferences.title')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('notifications.preferences.intro')}
        </Text>
        {switches.map((s) => (
          <Switch
            key={s}
            label={t(`notifications.preferences.${s}`)}
            description={hint(s)}
            checked={prefs.data?.[s] ?? false}
            disabled={!prefs.data}
            onChange={(e) => save.mutate({ [s]: e.currentTarget.checked })}
          />
        ))}
      </Stack>
    </Card>
  );
}
