import { Button, Card, Group, Select, Stack, Switch, Text, Textarea, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api.ts';
import { mailboxesKey } from '../email/MailboxSettings.tsx';

type SupportMailbox = { mailboxId: string; teamId: string | null; autoAcknowledge: boolean; ackSubject: string; ackBody: string };
type SupportMailboxPut = Partial<Omit<SupportMailbox, 'mailboxId'>>;
type Mailbox = { id: string; name: string; address: string; shared: boolean };

const supportKey = ['support-mailboxes'];

/**
 * Settings → Mailboxes, for admins: which shared mailboxes are support addresses (email to ticket),
 * the team their tickets go to, and the acknowledgement a new ticket's requester gets.
 */
export function SupportAddresses() {
  const { t } = useTranslation();
  const mailboxes = useQuery({ queryKey: mailboxesKey, queryFn: async () => unwrap(await api.GET('/api/v1/mailboxes')).data });
  const support = useQuery({ queryKey: supportKey, queryFn: async () => unwrap(await api.GET('/api/v1/support-mailboxes')).data });
  const teams = useQuery({ queryKey: ['teams'], queryFn: async () => unwrap(await api.GET('/api/v1/teams')).data });
  const shared = (mailboxes.data ?? []).filter((m) => m.shared);
  return (
    <Card withBorder maw={720} data-testid="support-addresses">
      <Stack gap="sm">
        <Title order={3} size="h4">
          {t('supportMail.title')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('supportMail.intro')}
        </Text>
        {shared.length === 0 && <Text size="sm">{t('supportMail.noShared')}</Text>}
        {shared.map((m) => (
          <SupportAddress
            key={m.id}
            mailbox={m}
            settings={(support.data ?? []).find((s) => s.mailboxId === m.id) ?? null}
            teams={(teams.data ?? []).map((x) => ({ value: x.id, label: x.name }))}
          />
        ))}
      </Stack>
    </Card>
  );
}

function SupportAddress({
  mailbox,
  settings,
  teams,
}: {
  mailbox: Mailbox;
  settings: SupportMailbox | null;
  teams: { value: string; label: string }[];
}) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [draft, setDraft] = useState({ teamId: '', autoAcknowledge: false, ackSubject: '', ackBody: '' });
  useEffect(() => {
    if (settings)
      setDraft({
        teamId: settings.teamId ?? '',
        autoAcknowledge: settings.autoAcknowledge,
        ackSubject: settings.ackSubject,
        ackBody: settings.ackBody,
      });
  }, [settings]);
  const done = (message: string) => {
    void qc.invalidateQueries({ queryKey: supportKey });
    notifications.show({ color: 'green', message });
  };
  const failed = (e: unknown) => notifications.show({ color: 'red', message: e instanceof Error ? e.message : String(e) });
  const put = useMutation({
    mutationFn: async (body: SupportMailboxPut) =>
      unwrap(await api.PUT('/api/v1/support-mailboxes/{id}', { params: { path: { id: mailbox.id } }, body })),
    onSuccess: () => done(t('list.saved')),
    onError: failed,
  });
  const remove = useMutation({
    mutationFn: async () => unwrap(await api.DELETE('/api/v1/support-mailboxes/{id}', { params: { path: { id: mailbox.id } } })),
    onSuccess: () => done(t('list.saved')),
    onError: failed,
  });
  const busy = put.isPending || remove.isPending;
  return (
    <Card withBorder padding="sm" data-testid={`support-address-${mailbox.address}`}>
      <Stack gap="xs">
        <Switch
          label={t('supportMail.switch', { address: `${mailbox.name} <${mailbox.address}>` })}
          checked={settings !== null}
          disabled={busy}
          onChange={(e) => (e.currentTarget.checked ? put.mutate({}) : remove.mutate())}
        />
        {settings && (
          <>
            <Select
              label={t('supportMail.team')}
              data={[{ value: '', label: t('supportMail.noTeam') }, ...teams]}
              value={draft.teamId}
              allowDeselect={false}
              onChange={(v) => setDraft({ ...draft, teamId: v ?? '' })}
            />
            <Switch
              label={t('supportMail.ack')}
              checked={draft.autoAcknowledge}
              onChange={(e) => setDraft({ ...draft, autoAcknowledge: e.currentTarget.checked })}
            />
            {draft.autoAcknowledge && (
              <>
                <TextInput
                  label={t('supportMail.ackSubject')}
                  value={draft.ackSubject}
                  maxLength={300}
                  onChange={(e) => setDraft({ ...draft, ackSubject: e.currentTarget.value })}
                />
                <Textarea
                  label={t('supportMail.ackBody')}
                  description={t('supportMail.placeholders')}
                  autosize
                  minRows={3}
                  maxLength={5000}
                  value={draft.ackBody}
                  onChange={(e) => setDraft({ ...draft, ackBody: e.currentTarget.value })}
                />
              </>
            )}
            <Group>
              <Button
                size="xs"
                loading={put.isPending}
                disabled={busy || !draft.ackSubject.trim() || !draft.ackBody.trim()}
                onClick={() =>
                  put.mutate({
                    teamId: draft.teamId || null,
                    autoAcknowledge: draft.autoAcknowledge,
                    ackSubject: draft.ackSubject,
                    ackBody: draft.ackBody,
                  })
                }
              >
                {t('supportMail.save')}
              </Button>
            </Group>
          </>
        )}
      </Stack>
    </Card>
  );
}
