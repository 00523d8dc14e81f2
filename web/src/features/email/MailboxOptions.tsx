import { Alert, Button, Card, Checkbox, Group, Loader, NumberInput, Select, Stack, Text, Textarea, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, unwrap } from '../../api.ts';
import type { Mailbox } from './MailboxSettings.tsx';

type Privacy = Mailbox['privacy'];
type NewSenders = Mailbox['newSenders'];

/** How a connected mailbox's mail is shared and matched: privacy default, deals, unknown senders and who to ignore. */
export function MailboxOptions({ mb, onDone }: { mb: Mailbox; onDone: () => void }) {
  const { t } = useTranslation();
  const [privacy, setPrivacy] = useState<Privacy>(mb.privacy);
  const [matchDeals, setMatchDeals] = useState(mb.matchDeals);
  const [newSenders, setNewSenders] = useState<NewSenders>(mb.newSenders);
  const [ignore, setIgnore] = useState(mb.ignoreSenders.join('\n'));
  const [staleAfter, setStaleAfter] = useState<number>(mb.staleAfterMinutes);
  const [folders, setFolders] = useState<string[]>(mb.folders);
  // Read from the server when the settings open: the folders there now, not a copy.
  const serverFolders = useQuery({
    queryKey: ['mailboxes', mb.id, 'folders'],
    queryFn: async () => unwrap(await api.GET('/api/v1/mailboxes/{id}/folders', { params: { path: { id: mb.id } } })).data,
  });
  const reconcile = useMutation({
    mutationFn: async () => unwrap(await api.POST('/api/v1/mailboxes/{id}/reconcile', { params: { path: { id: mb.id } } })),
    onSuccess: () => notifications.show({ color: 'green', message: t('mailboxes.reconcileQueued') }),
  });
  const entries = ignore
    .split(/[\n,;]+/)
    .map((x) => x.trim())
    .filter(Boolean);
  const save = useMutation({
    mutationFn: async (ignoreSenders: string[]) =>
      unwrap(
        await api.PATCH('/api/v1/mailboxes/{id}', {
          params: { path: { id: mb.id } },
          body: {
            privacy,
            matchDeals,
            newSenders,
            ignoreSenders,
            staleAfterMinutes: staleAfter,
            folders,
          },
        }),
      ),
    onSuccess: () => {
      notifications.show({ color: 'green', message: t('mailboxes.saved') });
      onDone();
    },
  });
  const err = save.error instanceof ApiError ? save.error : null;
  // The entry the server refused, by its place in the list sent: `"bad entry": why`.
  const bad = err?.errors.find((x) => x.field.startsWith('body.ignoreSenders'));
  const badEntry = bad ? save.variables?.[Number(bad.field.split('.')[2])] : undefined;
  return (
    <Card
      withBorder
      component="form"
      aria-label={t('mailboxes.settingsOf', { name: mb.name })}
      onSubmit={(e) => {
        e.preventDefault();
        if (!save.isPending) save.mutate(entries);
      }}
    >
      <Stack>
        <Title order={2} size="h5">
          {t('mailboxes.settingsOf', { name: mb.name })}
        </Title>
        <Select
          label={t('mailboxes.privacy')}
          description={t('mailboxes.privacyHint')}
          data={(['workspace', 'private'] as const).map((value) => ({ value, label: t(`mailboxes.privacyOptions.${value}`) }))}
          value={privacy}
          onChange={(v) => v && setPrivacy(v as Privacy)}
          allowDeselect={false}
          maw={420}
        />
        <Stack gap={6} role="group" aria-label={t('mailboxes.folders')}>
          <Text size="sm" fw={500}>
            {t('mailboxes.folders')}
          </Text>
          {serverFolders.isPending && <Loader size="xs" />}
          {serverFolders.error && (
            <Alert color="red" p="xs">
              {serverFolders.error.message}
            </Alert>
          )}
          {serverFolders.data?.map((f) => (
            <Checkbox
              key={f.path}
              size="sm"
              label={f.role ? `${f.path} (${t(`mailboxes.folderRole.${f.role}`)})` : f.path}
              checked={f.role !== null || folders.includes(f.path)}
              disabled={f.role !== null}
              onChange={(e) => {
                const on = e.currentTarget.checked;
                setFolders((list) => (on ? [...list, f.path] : list.filter((p) => p !== f.path)));
              }}
            />
          ))}
        </Stack>
        <Checkbox label={t('mailboxes.matchDeals')} checked={matchDeals} onChange={(e) => setMatchDeals(e.currentTarget.checked)} />
        <Select
          label={t('mailboxes.newSenders')}
          data={(['ignore', 'contact', 'lead'] as const).map((value) => ({ value, label: t(`mailboxes.newSendersOptions.${value}`) }))}
          value={newSenders}
          onChange={(v) => v && setNewSenders(v as NewSenders)}
          allowDeselect={false}
          maw={420}
        />
        <Textarea
          label={t('mailboxes.ignoreSenders')}
          description={t('mailboxes.ignoreSendersHint')}
          autosize
          minRows={2}
          maw={520}
          value={ignore}
          onChange={(e) => {
            setIgnore(e.currentTarget.value);
            save.reset();
          }}
          error={bad && (badEntry === undefined ? bad.message : `"${badEntry}": ${bad.message}`)}
        />
        <NumberInput
          label={t('mailboxes.staleAfter')}
          min={5}
          max={10080}
          maw={420}
          value={staleAfter}
          onChange={(v) => setStaleAfter(Number(v))}
          error={err?.fieldMessage('staleAfterMinutes')}
        />
        {(save.error ?? reconcile.error) && !err?.errors.length && (
          <Alert color="red" role="alert">
            {(save.error ?? reconcile.error)?.message}
          </Alert>
        )}
        <Group>
          <Button type="submit" loading={save.isPending}>
            {t('record.save')}
          </Button>
          <Button variant="default" onClick={onDone}>
            {t('record.cancel')}
          </Button>
          <Button variant="default" ml="auto" loading={reconcile.isPending} onClick={() => reconcile.mutate()}>
            {t('mailboxes.reconcileNow')}
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}
