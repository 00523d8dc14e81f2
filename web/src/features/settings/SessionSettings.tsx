import { Alert, Badge, Button, Card, Group, Stack, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api.ts';
import { formatDateTime } from '../../format.ts';
import { ErrorState, LoadingRows } from '../../ui/States.tsx';

type SessionRow = { id: string; device: string; ip: string | null; createdAt: string; lastSeenAt: string; current: boolean };

/** The rows of a sessions list: device, IP, since when, last seen, and Revoke for every one but the current. */
function SessionTable({ rows, onRevoke, revoking }: { rows: SessionRow[]; onRevoke: (id: string) => void; revoking: string | null }) {
  const { t } = useTranslation();
  if (!rows.length) {
    return (
      <Text size="sm" c="dimmed">
        {t('sessions.none')}
      </Text>
    );
  }
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('sessions.device')}</Table.Th>
            <Table.Th>{t('sessions.ip')}</Table.Th>
            <Table.Th>{t('sessions.lastSeen')}</Table.Th>
            <Table.Th>{t('sessions.since')}</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((s) => (
            <Table.Tr key={s.id} data-testid="session-row" data-current={s.current || undefined}>
              <Table.Td>
                <Group gap="xs">
                  {s.device}
                  {s.current && (
                    <Badge
                      variant="light"
                      color="green"
                      style={{ flexShrink: 0 }}
                      styles={{ label: { color: 'var(--mantine-color-text)', overflow: 'visible' } }}
                    >
                      {t('sessions.thisBrowser')}
                    </Badge>
                  )}
                </Group>
              </Table.Td>
              <Table.Td>{s.ip ?? ''}</Table.Td>
              <Table.Td>{formatDateTime(s.lastSeenAt)}</Table.Td>
              <Table.Td>{formatDateTime(s.createdAt)}</Table.Td>
              <Table.Td>
                {!s.current && (
                  <Button
                    size="xs"
                    variant="subtle"
                    color="red"
                    aria-label={`${t('sessions.revoke')}: ${s.device}, ${s.ip ?? ''}`}
                    loading={revoking === s.id}
                    onClick={() => onRevoke(s.id)}
                  >
                    {t('sessions.revoke')}
                  </Button>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** "Where you're signed in": my live sessions, each revocable, and sign out everywhere else. */
export function SessionSettings() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const key = ['me', 'sessions'];
  const list = useQuery({ queryKey: key, queryFn: async () => unwrap(await api.GET('/api/v1/me/sessions')).data });
  const revoke = useMutation({
    mutationFn: async (id: string) => unwrap(await api.DELETE('/api/v1/me/sessions/{id}', { params: { path: { id } } })),
    onSettled: () => qc.invalidateQueries({ queryKey: key }),
  });
  const others = useMutation({
    mutationFn: async () => unwrap(await api.POST('/api/v1/me/sessions/revoke-others')),
    onSuccess: (r) => notifications.show({ color: 'green', message: t('sessions.othersEnded', { count: r.revoked }) }),
    onSettled: () => qc.invalidateQueries({ queryKey: key }),
  });
  const failed = revoke.error ?? others.error;
  return (
    <Card withBorder maw={900}>
      <Stack>
        <Title order={2} size="h5">
          {t('sessions.title')}
        </Title>
        {failed && (
          <Alert color="red" role="alert">
            {failed.message}
          </Alert>
        )}
        {list.error ? (
          <ErrorState error={list.error} />
        ) : !list.data ? (
          <LoadingRows rows={2} />
        ) : (
          <>
            <SessionTable
              rows={list.data}
              onRevoke={(id) => revoke.mutate(id)}
              revoking={revoke.isPending ? (revoke.variables ?? null) : null}
            />
            {list.data.some((s) => !s.current) && (
              <Button variant="light" color="red" w="fit-content" loading={others.isPending} onClick={() => others.mutate()}>
                {t('sessions.signOutOthers')}
              </Button>
            )}
          </>
        )}
      </Stack>
    </Card>
  );
}

/** An admin's view of one member's sessions, on the members page. */
export function MemberSessions({ memberId, name }: { memberId: string; name: string }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const key = ['members', memberId, 'sessions'];
  const list = useQuery({
    queryKey: key,
    queryFn: async () => unwrap(await api.GET('/api/v1/members/{id}/sessions', { params: { path: { id: memberId } } })).data,
  });
  const revoke = useMutation({
    mutationFn: async (sessionId: string) =>
      unwrap(await api.DELETE('/api/v1/members/{id}/sessions/{sessionId}', { params: { path: { id: memberId, sessionId } } })),
    onSettled: () => qc.invalidateQueries({ queryKey: key }),
  });
  return (
    <Stack gap="xs" data-testid="member-sessions">
      <Title order={3} size="h6">
        {t('sessions.memberTitle', { name })}
      </Title>
      {revoke.error && (
        <Alert color="red" role="alert">
          {revoke.error.message}
        </Alert>
      )}
      {list.error ? (
        <ErrorState error={list.error} />
      ) : !list.data ? (
        <LoadingRows rows={1} />
      ) : (
        <SessionTable
          rows={list.data}
          onRevoke={(id) => revoke.mutate(id)}
          revoking={revoke.isPending ? (revoke.variables ?? null) : null}
        />
      )}
    </Stack>
  );
}
