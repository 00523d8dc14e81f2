import { Button, Group, NumberInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, unwrap } from '../../api.ts';

export const emailSettingsKey = ['email-settings'] as const;
const key = emailSettingsKey;

/** The workspace's undo window: how long every send from the compose form waits (admins). */
export function UndoWindowSetting() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const settings = useQuery({ queryKey: key, queryFn: async () => unwrap(await api.GET('/api/v1/email-settings')) });
  const [value, setValue] = useState<number | string>(10);
  useEffect(() => {
    if (settings.data) setValue(settings.data.undoSeconds);
  }, [settings.data]);
  const save = useMutation({
    mutationFn: async () => unwrap(await api.PATCH('/api/v1/email-settings', { body: { undoSeconds: Number(value) } })),
    onSuccess: () => {
      notifications.show({ color: 'green', message: t('email.undoSaved') });
      void qc.invalidateQueries({ queryKey: key });
    },
  });
  const err = save.error instanceof ApiError ? save.error : null;
  return (
    <Group
      align="flex-end"
      component="form"
      aria-label={t('email.undoWindow')}
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <NumberInput
        label={t('email.undoWindow')}
        description={t('email.undoWindowHint')}
        min={0}
        max={60}
        value={value}
        onChange={setValue}
        error={err?.messageFor('undoSeconds')}
        w={320}
      />
      <Button type="submit" variant="default" loading={save.isPending}>
        {t('email.undoSave')}
      </Button>
    </Group>
  );
}
