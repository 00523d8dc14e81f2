import { Alert, Badge, Button, Code, CopyButton, Group, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, unwrap } from '../../api.ts';
import { formatDateTime } from '../../format.ts';
import { useMe } from '../../session.ts';
import { ErrorState, LoadingRows } from '../../ui/States.tsx';
import { MemberSessions } from './SessionSettings.tsx';

const roles = ['admin', 'member', 'read-only'] as const;

type ResetLink = { name: string; url: string; expiresAt: string };

/** The reset link, shown once: the server keeps only its hash. */
function ResetLinkAlert({ link }: { link: ResetLink }) {
  const { t } = useTranslation();
  return (
    <Alert
      color="yellow"
      title={t('settings.resetLinkFor', { name: link.name })}
      styles={{ title: { color: 'var(--mantine-color-text)' } }}
      data-testid="reset-link"
    >
      <Stack gap="xs">
        <Text size="sm">{t('settings.resetLinkOnce', { name: link.name, expires: formatDateTime(link.expiresAt) })}</Text>
        <Code block style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
          {link.url}
        </Code>
        <CopyButton value={link.url}>
          {({ copied, copy }) => (
            <Button size="xs" variant="default" onClick={copy} w="fit-content">
              {copied ? t('settings.copied') : t('settings.copy')}
            </Button>
          )}
        </CopyButton>
      </Stack>
    </Alert>
  );
}

export function MemberSettings() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const me = useMe();
  const isAdmin = me.member.role === 'owner' || me.member.role === 'admin';
  // Only an owner may create a reset link for an admin or an owner.
  const canReset = (role: string) => isAdmin && (me.member.role === 'owner' || (role !== 'owner' && role !== 'admin'));
  const members = useQuery({ queryKey: ['members'], queryFn: async () => unwrap(await api.GET('/api/v1/members')).data });
  const requests = useQuery({
    queryKey: ['password-resets'],
    queryFn: async () => unwrap(await api.GET('/api/v1/password-resets')).data,
    enabled: isAdmin,
  });
  const update = useMutation({
    mutationFn: async ({ id, body }: { id: string; body: { role?: (typeof roles)[number]; disabled?: boolean } }) =>
      unwrap(await api.PATCH('/api/v1/members/{id}', { params: { path: { id } }, body })),
    onSettled: () => qc.invalidateQueries({ queryKey: ['members'] }),
  });
  const revokeReset = useMutation({
    mutationFn: async (id: string) => unwrap(await api.DELETE('/api/v1/password-resets/{id}', { params: { path: { id } } })),
    onSettled: () => qc.invalidateQueries({ queryKey: ['password-resets'] }),
  });
  const [link, setLink] = useState<ResetLink | null>(null);
  const [sessionsOf, setSessionsOf] = useState<{ id: string; name: string } | null>(null);
  const resetTwoFactor = useMutation({
    mutationFn: async ({ id }: { id: string; name: string }) =>
      unwrap(await api.POST('/api/v1/members/{id}/two-factor/reset', { params: { path: { id } } })),
    onSuccess: (_r, { name }) => notifications.show({ color: 'green', message: t('sessions.twoFactorReset', { name }) }),
  });
  const createReset = useMutation({
    mutationFn: async ({ id }: { id: string; name: string }) =>
      unwrap(await api.POST('/api/v1/members/{id}/password-reset', { params: { path: { id } } })),
    onMutate: () => setLink(null),
    onSuccess: (r, { name }) => {
      setLink({ name, url: `${window.location.origin}${r.path}`, expiresAt: r.expiresAt });
      void qc.invalidateQueries({ queryKey: ['password-resets'] });
    },
  });
  if (members.error) return <ErrorState error={members.error} />;
  if (!members.data) return <LoadingRows />;
  const resetButton = (id: string, name: string) => (
    <Button
      size="xs"
      variant="subtle"
      aria-label={`${t('settings.createResetLink')}: ${name}`}
      loading={createReset.isPending && createReset.variables?.id === id}
      onClick={() => createReset.mutate({ id, name })}
    >
      {t('settings.createResetLink')}
    </Button>
  );
  return (
    <Stack>
      {update.error && <Alert color="red">{update.error.message}</Alert>}
      {revokeReset.error && (
        <Alert color="red" role="alert">
          {revokeReset.error.message}
        </Alert>
      )}
      {createReset.error && (
        <Alert color="red" role="alert">
          {createReset.error.message}
        </Alert>
      )}
      {resetTwoFactor.error && (
        <Alert color="red" role="alert">
          {resetTwoFactor.error.message}
        </Alert>
      )}
      {link && <ResetLinkAlert link={link} />}
      {isAdmin && (
        <Stack gap="xs" data-testid="reset-requests">
          <Title order={2} size="h5">
            {t('settings.resetRequests')}
          </Title>
          {requests.error ? (
            <ErrorState error={requests.error} />
          ) : !requests.data ? (
            <LoadingRows rows={1} />
          ) : requests.data.length === 0 ? (
            <Text size="sm" c="dimmed">
              {t('settings.noResetRequests')}
            </Text>
          ) : (
            <Table.ScrollContainer minWidth={560}>
              <Table>
                <Table.Tbody>
                  {requests.data.map((r) => (
                    <Table.Tr key={r.id} data-kind={r.kind}>
                      <Table.Td>{r.memberName}</Table.Td>
                      <Table.Td>{r.memberEmail}</Table.Td>
                      <Table.Td>
                        {r.kind === 'link'
                          ? `${t('settings.resetLinkMade', { name: members.data.find((m) => m.id === r.createdBy)?.name ?? '' })} · ${t('settings.expires')} ${formatDateTime(r.expiresAt ?? r.requestedAt)}`
                          : `${t('settings.requested')} ${formatDateTime(r.requestedAt)}`}
                      </Table.Td>
                      <Table.Td>
                        <Group gap="xs" wrap="nowrap">
                          {r.kind === 'request' &&
                            canReset(members.data.find((m) => m.id === r.memberId)?.role ?? 'owner') &&
                            resetButton(r.memberId, r.memberName)}
                          <Button
                            size="xs"
                            variant="subtle"
                            color="red"
                            aria-label={`${r.kind === 'link' ? t('settings.revoke') : t('settings.dismiss')}: ${r.memberName}`}
                            loading={revokeReset.isPending && revokeReset.variables === r.id}
                            onClick={() => revokeReset.mutate(r.id)}
                          >
                            {r.kind === 'link' ? t('settings.revoke') : t('settings.dismiss')}
                          </Button>
                        </Group>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </Stack>
      )}
      <Title order={2} size="h5">
        {t('settings.members')}
      </Title>
      <Table.ScrollContainer minWidth={560}>
        <Table>
          <Table.Tbody>
            {members.data.map((m) => (
              <Table.Tr key={m.id}>
                <Table.Td>{m.name}</Table.Td>
                <Table.Td>{m.email}</Table.Td>
                <Table.Td>
                  {m.role === 'owner' || m.id === me.member.id ? (
                    <Badge variant="light">{t(`settings.roles.${m.role}`)}</Badge>
                  ) : (
                    <Select
                      size="xs"
                      aria-label={`${t('settings.role')}: ${m.name}`}
                      data={roles.map((r) => ({ value: r, label: t(`settings.roles.${r}`) }))}
                      value={m.role}
                      onChange={(v) => v && update.mutate({ id: m.id, body: { role: v as (typeof roles)[number] } })}
                      w={140}
                    />
                  )}
                </Table.Td>
                <Table.Td>
                  {m.role !== 'owner' && m.id !== me.member.id && (
                    <Button size="xs" variant="subtle" onClick={() => update.mutate({ id: m.id, body: { disabled: !m.disabledAt } })}>
                      {m.disabledAt ? t('settings.enable') : t('settings.disable')}
                    </Button>
                  )}
                </Table.Td>
                <Table.Td>{canReset(m.role) && !m.disabledAt && resetButton(m.id, m.name)}</Table.Td>
                <Table.Td>
                  {isAdmin && (
                    // Wraps rather than widening the table past the page: names stay in view.
                    <Group gap={4}>
                      <Button
                        size="xs"
                        variant="subtle"
                        aria-label={`${t('sessions.show')}: ${m.name}`}
                        aria-pressed={sessionsOf?.id === m.id}
                        onClick={() => setSessionsOf(sessionsOf?.id === m.id ? null : { id: m.id, name: m.name })}
                      >
                        {t('sessions.show')}
                      </Button>
                      {canReset(m.role) && m.id !== me.member.id && (
                        <Button
                          size="xs"
                          variant="subtle"
                          color="red"
                          aria-label={`${t('sessions.resetTwoFactor')}: ${m.name}`}
                          loading={resetTwoFactor.isPending && resetTwoFactor.variables?.id === m.id}
                          onClick={() => resetTwoFactor.mutate({ id: m.id, name: m.name })}
                        >
                          {t('sessions.resetTwoFactor')}
                        </Button>
                      )}
                    </Group>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {sessionsOf && <MemberSessions key={sessionsOf.id} memberId={sessionsOf.id} name={sessionsOf.name} />}
    </Stack>
  );
}

export function InvitationSettings() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const list = useQuery({ queryKey: ['invitations'], queryFn: async () => unwrap(await api.GET('/api/v1/invitations')).data });
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<(typeof roles)[number]>('member');
  const [link, setLink] = useState<string | null>(null);
  const invite = useMutation({
    mutationFn: async () => unwrap(await api.POST('/api/v1/invitations', { body: { email, role } })),
    onSuccess: (inv) => {
      setEmail('');
      setLink(inv.token ? `${location.origin}/invite?token=${encodeURIComponent(inv.token)}` : null);
      void qc.invalidateQueries({ queryKey: ['invitations'] });
    },
  });
  const revoke = useMutation({
    mutationFn: async (id: string) => unwrap(await api.DELETE('/api/v1/invitations/{id}', { params: { path: { id } } })),
    onSettled: () => qc.invalidateQueries({ queryKey: ['invitations'] }),
  });
  const err = invite.error instanceof ApiError ? invite.error : null;
  return (
    <Stack>
      <Group align="flex-end" wrap="wrap">
        <TextInput
          label={t('auth.email')}
          // Not type="email": browsers refuse non-ASCII local parts (josé@…) and rewrite Unicode domains to xn--.
          type="text"
          inputMode="email"
          value={email}
          onChange={(e) => setEmail(e.currentTarget.value)}
          error={err?.messageFor('email')}
        />
        <Select
          label={t('settings.role')}
          data={roles.map((r) => ({ value: r, label: t(`settings.roles.${r}`) }))}
          value={role}
          onChange={(v) => v && setRole(v as typeof role)}
          w={150}
        />
        <Button onClick={() => invite.mutate()} loading={invite.isPending} disabled={!email}>
          {t('settings.invite')}
        </Button>
      </Group>
      {link && (
        // The token exists only in this answer (the server keeps its hash): this is the one link to copy.
        <Alert
          color="green"
          title={t('settings.inviteLink')}
          // The green title on its tint is too faint to read (axe: contrast).
          styles={{ title: { color: 'var(--mantine-color-text)' } }}
          data-testid="invite-link"
        >
          <Stack gap="xs">
            <Code block style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
              {link}
            </Code>
            <CopyButton value={link}>
              {({ copied, copy }) => (
                <Button size="xs" variant="default" onClick={copy} w="fit-content" color={copied ? 'green' : undefined}>
                  {copied ? t('settings.copied') : t('settings.copy')}
                </Button>
              )}
            </CopyButton>
          </Stack>
        </Alert>
      )}
      <Table.ScrollContainer minWidth={560}>
        <Table>
          <Table.Tbody>
            {(list.data ?? []).map((i) => (
              <Table.Tr key={i.id}>
                <Table.Td>{i.email}</Table.Td>
                <Table.Td>{t(`settings.roles.${i.role}`, { defaultValue: i.role })}</Table.Td>
                <Table.Td>
                  {i.acceptedAt
                    ? t('settings.accepted')
                    : `${t('settings.pending')} · ${t('settings.expires')} ${formatDateTime(i.expiresAt)}`}
                </Table.Td>
                <Table.Td>
                  {!i.acceptedAt && (
                    <Button size="xs" variant="subtle" color="red" onClick={() => revoke.mutate(i.id)}>
                      {t('settings.revoke')}
                    </Button>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}
