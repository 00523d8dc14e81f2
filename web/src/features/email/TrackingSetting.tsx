import { Switch } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api.ts';
import { emailSettingsKey } from './UndoWindowSetting.tsx';

/** Whether members may send with open and click tracking (admins); each message still asks for it. */
export function TrackingSetting() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const settings = useQuery({ queryKey: emailSettingsKey, queryFn: async () => unwrap(await api.GET('/api/v1/email-settings')) });
  const save = useMutation({
    mutationFn: async (tracking: boolean) => unwrap(await api.PATCH('/api/v1/email-settings', { body: { tracking } })),
    onSuccess: () => {
      notifications.show({ color: 'green', message: t('email.trackingSaved') });
      void qc.invalidateQueries({ queryKey: emailSettingsKey });
    },
    onError: (e) => notifications.show({ color: 'red', message: e.message }),
  });
  return (
    <Switch
      label={t('email.trackingAllowed')}
      description={t('email.trackingAllowedHint')}
      checked={settings.data?.tracking ?? true}
      disabled={!settings.data || save.isPending}
      onChange={(e) => save.mutate(e.currentTarget.checked)}
    />
  );
}
