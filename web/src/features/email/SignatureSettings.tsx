import { Button, Card, Group, Stack, Text, Textarea, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api.ts';
import { ErrorState, LoadingRows } from '../../ui/States.tsx';
import { mailboxesKey } from './MailboxSettings.tsx';

export const signaturesKey = ['email-signatures'] as const;

export function useSignatures(enabled = true) {
  return useQuery({ queryKey: signaturesKey, queryFn: async () => unwrap(await api.GET('/api/v1/email-signatures')).data, enabled });
}

function SignatureForm({ mailboxId, label, body }: { mailboxId: string; label: string; body: string }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [value, setValue] = useState(body);
  useEffect(() => setValue(body), [body]);
  const save = useMutation({
    mutationFn: async () =>
      unwrap(await api.PATCH('/api/v1/email-signatures/{mailboxId}', { params: { path: { mailboxId } }, body: { body: value } })),
    onSuccess: () => {
      notifications.show({ color: 'green', message: t('signatures.saved') });
      void qc.invalidateQueries({ queryKey: signaturesKey });
    },
  });
  return (
    <Card
      withBorder
      component="form"
      aria-label={t('signatures.formFor', { mailbox: label })}
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <Stack gap="xs">
        <Textarea
          label={t('signatures.for', { mailbox: label })}
          autosize
          minRows={3}
          value={value}
          onChange={(e) => setValue(e.currentTarget.value)}
          error={save.error?.message}
        />
        <Group justify="flex-end">
          <Button type="submit" size="xs" loading={save.isPending} disabled={value === body}>
            {t('signatures.save')}
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}

/** Your signature for each mailbox you send from, added below new messages and replies. */
export function SignatureSettings() {
  const { t } = useTranslation();
  const sigs = useSignatures();
  const boxes = useQuery({ queryKey: mailboxesKey, queryFn: async () => unwrap(await api.GET('/api/v1/mailboxes')).data });
  const name = (id: string) => {
    const m = boxes.data?.find((b) => b.id === id);
    return m ? `${m.name} <${m.address}>` : id;
  };
  return (
    <Stack>
      <Title order={2} size="h3">
        {t('signatures.title')}
      </Title>
      {sigs.isPending ? (
        <LoadingRows />
      ) : sigs.isError ? (
        <ErrorState error={sigs.error} />
      ) : !sigs.data.length ? (
        <Text c="dimmed">{t('email.noMailbox')}</Text>
      ) : (
        sigs.data.map((s) => <SignatureForm key={s.mailboxId} mailboxId={s.mailboxId} label={name(s.mailboxId)} body={s.body} />)
      )}
    </Stack>
  );
}
