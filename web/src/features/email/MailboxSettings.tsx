import {
  Alert,
  Badge,
  Button,
  Card,
  Checkbox,
  Group,
  NumberInput,
  PasswordInput,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, type GetResult, unwrap } from '../../api.ts';
import { formatDateTime } from '../../format.ts';
import { useMe } from '../../session.ts';
import { ConfirmModal } from '../../ui/ConfirmModal.tsx';
import { ErrorState, LoadingRows } from '../../ui/States.tsx';
import { MailboxOptions } from './MailboxOptions.tsx';

export type Mailbox = GetResult<'/api/v1/mailboxes'>['data'][number];
export const mailboxesKey = ['mailboxes'] as const;

function HealthBadge({ mb }: { mb: Mailbox }) {
  const { t } = useTranslation();
  const color = { ok: 'green', failing: 'red', syncing: 'blue', waiting: 'gray' }[mb.health.state];
  return (
    <Badge variant="light" color={color} styles={{ root: { color: 'var(--mantine-color-text)', minWidth: 'max-content' } }}>
      {t(`mailboxes.state.${mb.health.state}`)}
    </Badge>
  );
}

const tlsOptions = (t: (k: string) => string) => [
  { value: 'tls', label: t('mailboxes.tls.tls') },
  { value: 'starttls', label: t('mailboxes.tls.starttls') },
  { value: 'none', label: t('mailboxes.tls.none') },
];

/** The form that connects a mailbox: the server logs in to both servers before it saves, and says what failed. */
function ConnectForm({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation();
  const me = useMe();
  const isAdmin = me.member.role === 'owner' || me.member.role === 'admin';
  const [v, setV] = useState({
    name: '',
    address: me.member.email ?? '',
    imapHost: '',
    imapPort: 993,
    imapTls: 'tls' as 'tls' | 'starttls' | 'none',
    smtpHost: '',
    smtpPort: 465,
    smtpTls: 'tls' as 'tls' | 'starttls' | 'none',
    username: '',
    password: '',
    shared: false,
    syncDays: 30,
  });
  const set = <K extends keyof typeof v>(k: K, value: (typeof v)[K]) => setV((o) => ({ ...o, [k]: value }));
  const save = useMutation({
    mutationFn: async () => unwrap(await api.POST('/api/v1/mailboxes', { body: { ...v, username: v.username || v.address } })),
    onSuccess: () => {
      notifications.show({ color: 'green', message: t('mailboxes.connected') });
      onDone();
    },
  });
  const err = save.error instanceof ApiError ? save.error : null;
  return (
    <Card
      withBorder
      component="form"
      aria-label={t('mailboxes.connectForm')}
      onSubmit={(e) => {
        e.preventDefault();
        if (!save.isPending) save.mutate();
      }}
    >
      <Stack>
        <Title order={2} size="h5">
          {t('mailboxes.connect')}
        </Title>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput
            label={t('mailboxes.name')}
            required
            value={v.name}
            onChange={(e) => set('name', e.currentTarget.value)}
            error={err?.fieldMessage('name')}
          />
          <TextInput
            label={t('mailboxes.address')}
            required
            value={v.address}
            onChange={(e) => set('address', e.currentTarget.value)}
            error={err?.fieldMessage('address')}
          />
          <TextInput
            label={t('mailboxes.imapHost')}
            required
            placeholder="imap.example.com"
            value={v.imapHost}
            onChange={(e) => set('imapHost', e.currentTarget.value)}
            error={err?.fieldMessage('imapHost')}
          />
          <Group grow>
            <NumberInput
              label={t('mailboxes.imapPort')}
              min={1}
              max={65535}
              value={v.imapPort}
              onChange={(n) => set('imapPort', Number(n))}
              error={err?.fieldMessage('imapPort')}
            />
            <Select
              label={t('mailboxes.security')}
              data={tlsOptions(t)}
              value={v.imapTls}
              onChange={(s) => s && set('imapTls', s as typeof v.imapTls)}
              allowDeselect={false}
            />
          </Group>
          <TextInput
            label={t('mailboxes.smtpHost')}
            required
            placeholder="smtp.example.com"
            value={v.smtpHost}
            onChange={(e) => set('smtpHost', e.currentTarget.value)}
            error={err?.fieldMessage('smtpHost')}
          />
          <Group grow>
            <NumberInput
              label={t('mailboxes.smtpPort')}
              min={1}
              max={65535}
              value={v.smtpPort}
              onChange={(n) => set('smtpPort', Number(n))}
              error={err?.fieldMessage('smtpPort')}
            />
            <Select
              label={t('mailboxes.smtpSecurity')}
              data={tlsOptions(t)}
              value={v.smtpTls}
              onChange={(s) => s && set('smtpTls', s as typeof v.smtpTls)}
              allowDeselect={false}
            />
          </Group>
          <TextInput
            label={t('mailboxes.username')}
            description={t('mailboxes.usernameHint')}
            value={v.username}
            onChange={(e) => set('username', e.currentTarget.value)}
            error={err?.fieldMessage('username')}
          />
          <PasswordInput
            label={t('mailboxes.password')}
            description={t('mailboxes.passwordHint')}
            required
            autoComplete="off"
            value={v.password}
            onChange={(e) => set('password', e.currentTarget.value)}
            error={err?.fieldMessage('password')}
          />
          <NumberInput
            label={t('mailboxes.syncDays')}
            min={1}
            max={3650}
            value={v.syncDays}
            onChange={(n) => set('syncDays', Number(n))}
            error={err?.fieldMessage('syncDays')}
          />
        </SimpleGrid>
        {isAdmin && <Checkbox label={t('mailboxes.shared')} checked={v.shared} onChange={(e) => set('shared', e.currentTarget.checked)} />}
        {err && !err.errors.length && (
          <Alert color="red" role="alert">
            {err.message}
          </Alert>
        )}
        <Group>
          <Button type="submit" loading={save.isPending}>
            {t('mailboxes.verifyAndConnect')}
          </Button>
          <Button variant="default" onClick={onDone}>
            {t('record.cancel')}
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}

/** Settings → Mailboxes: connected mailboxes with what their last syncs truly did; connect, sync now, disconnect. */
export function MailboxSettings() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const list = useQuery({
    queryKey: mailboxesKey,
    queryFn: async () => unwrap(await api.GET('/api/v1/mailboxes')).data,
    // A sync runs in the background: the page follows it while one is under way.
    refetchInterval: (q) => (q.state.data?.some((m) => m.health.state === 'syncing' || m.health.state === 'waiting') ? 1000 : 15_000),
  });
  const [connecting, setConnecting] = useState(false);
  const [removing, setRemoving] = useState<Mailbox | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: mailboxesKey });
  const sync = useMutation({
    mutationFn: async (id: string) => unwrap(await api.POST('/api/v1/mailboxes/{id}/sync', { params: { path: { id } } })),
    onSettled: refresh,
  });
  const remove = useMutation({
    mutationFn: async (id: string) => unwrap(await api.DELETE('/api/v1/mailboxes/{id}', { params: { path: { id } } })),
    onSuccess: () => {
      setRemoving(null);
      notifications.show({ color: 'green', message: t('mailboxes.disconnected') });
    },
    onSettled: refresh,
  });
  if (list.isError) return <ErrorState error={list.error} />;
  return (
    <Stack>
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <Text size="sm" maw={640}>
          {t('mailboxes.intro')}
        </Text>
        {!connecting && (
          <Button onClick={() => setConnecting(true)} style={{ flexShrink: 0 }}>
            {t('mailboxes.connect')}
          </Button>
        )}
      </Group>
      {connecting && (
        <ConnectForm
          onDone={() => {
            setConnecting(false);
            void refresh();
          }}
        />
      )}
      {(sync.error ?? remove.error) && (
        <Alert color="red" role="alert">
          {(sync.error ?? remove.error)?.message}
        </Alert>
      )}
      {list.isPending ? (
        <LoadingRows rows={2} />
      ) : !list.data.length ? (
        <Text c="dimmed">{t('mailboxes.none')}</Text>
      ) : (
        <Table.ScrollContainer minWidth={720}>
          <Table data-testid="mailboxes" verticalSpacing="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('mailboxes.mailbox')}</Table.Th>
                <Table.Th>{t('mailboxes.health')}</Table.Th>
                <Table.Th>{t('mailboxes.lastSync')}</Table.Th>
                <Table.Th>{t('mailboxes.messages')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data.map((mb) => (
                <Table.Tr key={mb.id} data-testid="mailbox-row">
                  <Table.Td>
                    <Text size="sm" fw={600}>
                      {mb.name}{' '}
                      {mb.shared && (
                        <Badge size="xs" variant="outline">
                          {t('mailboxes.sharedBadge')}
                        </Badge>
                      )}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {mb.address} · {mb.imapHost}:{mb.imapPort}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <HealthBadge mb={mb} />
                    {mb.health.lastError && (
                      <Text size="xs" c={mb.health.state === 'failing' ? 'red.8' : undefined} data-testid="mailbox-error" mt={4}>
                        {mb.health.lastError}
                      </Text>
                    )}
                    {mb.health.stale && (
                      <Text size="xs" c="red.8" data-testid="mailbox-stale" mt={4}>
                        {t('mailboxes.stale', { minutes: mb.staleAfterMinutes })}
                      </Text>
                    )}
                    {mb.health.reconciliation && (
                      <Text size="xs" c="dimmed" data-testid="mailbox-reconciliation" mt={4}>
                        {mb.health.reconciliation.missing
                          ? t('mailboxes.reconciledGap', {
                              at: formatDateTime(mb.health.reconciliation.at),
                              missing: mb.health.reconciliation.missing,
                              repaired: mb.health.reconciliation.repaired,
                            })
                          : t('mailboxes.reconciled', { at: formatDateTime(mb.health.reconciliation.at) })}
                        {mb.health.reconciliation.vanished > 0 &&
                          ` · ${t('mailboxes.vanished', { count: mb.health.reconciliation.vanished })}`}
                        {mb.health.reconciliation.note && ` · ${mb.health.reconciliation.note}`}
                      </Text>
                    )}
                    {mb.health.consecutiveFailures > 0 && mb.health.nextSyncAt && (
                      <Text size="xs" c="dimmed">
                        {t('mailboxes.retryAt', { count: mb.health.consecutiveFailures, at: formatDateTime(mb.health.nextSyncAt) })}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{mb.health.lastSuccessAt ? formatDateTime(mb.health.lastSuccessAt) : t('mailboxes.never')}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" data-testid="mailbox-count">
                      {mb.health.messages}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {mb.health.folders.map((f) => `${f.path}: ${f.messages}`).join(' · ')}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Group gap="xs" justify="flex-end" wrap="nowrap">
                      <Button
                        size="xs"
                        variant="default"
                        loading={sync.isPending && sync.variables === mb.id}
                        onClick={() => sync.mutate(mb.id)}
                      >
                        {t('mailboxes.syncNow')}
                      </Button>
                      <Button size="xs" variant="default" onClick={() => setEditing(editing === mb.id ? null : mb.id)}>
                        {t('mailboxes.settings')}
                      </Button>
                      <Button size="xs" variant="subtle" color="red" onClick={() => setRemoving(mb)}>
                        {t('mailboxes.disconnect')}
                      </Button>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {list.data?.map(
        (mb) =>
          mb.id === editing && (
            <MailboxOptions
              key={mb.id}
              mb={mb}
              onDone={() => {
                setEditing(null);
                void refresh();
              }}
            />
          ),
      )}
      <ConfirmModal
        opened={!!removing}
        title={t('mailboxes.confirmTitle')}
        text={t('mailboxes.confirmText')}
        confirmLabel={t('mailboxes.disconnect')}
        loading={remove.isPending}
        onConfirm={() => removing && remove.mutate(removing.id)}
        onClose={() => setRemoving(null)}
      />
    </Stack>
  );
}
