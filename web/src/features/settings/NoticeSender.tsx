import { Card, Select, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api.ts';
import { mailboxesKey } from '../email/MailboxSettings.tsx';
import { senderKey } from './NotificationPreferences.tsx';

/** Settings → Mailboxes, for admins: the shared mailbox that emails notices to members who asked for them. */
export function NoticeSender() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const settings = useQuery({ queryKey: senderKey, queryFn: async () => unwrap(await api.GET('/api/v1/notifications/settings')) });
  const mailboxes = useQuery({ queryKey: mailboxesKey, queryFn: async () => unwrap(await api.GET('/api/v1/mailboxes')).data });
  const shared = (mailboxes.data ?? []).filter((m) => m.shared);
  const save = useMutation({
    mutationFn: async (senderMailboxId: string | null) =>
      unwrap(await api.PATCH('/api/v1/notifications/settings', { body: { senderMailboxId } })),
    onSuccess: (next) => {
      qc.setQueryData(senderKey, next);
      notifications.show({ color: 'green', message: t('list.saved') });
    },
    onError: (e) => notifications.show({ color: 'red', message: e instanceof Error ? e.message : String(e) }),
  });
  return (
    <Card withBorder maw={560}>
      <Stack gap="xs">
        <Title order={3} size="h4">
          {t('notifications.sender.title')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('notifications.sender.intro')}
        </Text>
        <Select
          label={t('notifications.sender.label')}
          data={[
            { value: '', label: t('notifications.sender.none') },
            ...shared.map((m) => ({ value: m.id, label: `${m.name} <${m.address}>` })),
          ]}
          value={settings.data?.senderMailboxId ?? ''}
          disabled={!settings.data || save.isPending}
          allowDeselect={false}
          onChange={(v) => save.mutate(v ? v : null)}
          description={shared.length ? undefined : t('notifications.sender.noShared')}
        />
      </Stack>
    </Card>
  );
}
