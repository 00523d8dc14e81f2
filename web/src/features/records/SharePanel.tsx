import { Badge, Button, Card, Group, Select, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api.ts';
import type { paths } from '../../api-types.ts';
import { useMembers } from '../../ui/useMembers.ts';

type Access = 'read' | 'edit';
/** The object types a record of which can be shared: every type of the registry. */
type ShareType = paths['/api/v1/records/{type}/{id}/shares']['get']['parameters']['path']['type'];

/**
 * Who a record is shared with beyond their role's reach, and a control to share it with a member or
 * a team, to read or to edit. The server refuses sharing to whoever may not edit the record.
 */
export function SharePanel({ recordType, id }: { recordType: ShareType; id: string }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const { members, nameOf } = useMembers();
  const key = ['shares', recordType, id];
  const path = { params: { path: { type: recordType, id } } };
  const shares = useQuery({
    queryKey: key,
    queryFn: async () => unwrap(await api.GET('/api/v1/records/{type}/{id}/shares', path)).data,
  });
  const teams = useQuery({ queryKey: ['teams'], queryFn: async () => unwrap(await api.GET('/api/v1/teams')).data });
  const [grantee, setGrantee] = useState<string | null>(null);
  const [access, setAccess] = useState<Access>('read');
  const fail = (e: unknown) => notifications.show({ color: 'red', message: e instanceof Error ? e.message : String(e) });
  const done = () => void qc.invalidateQueries({ queryKey: key });
  const add = useMutation({
    mutationFn: async () => {
      const [kind, granteeId] = (grantee ?? '').split(':');
      const body = kind === 'team' ? { teamId: granteeId, access } : { memberId: granteeId, access };
      return unwrap(await api.POST('/api/v1/records/{type}/{id}/shares', { ...path, body }));
    },
    onSuccess: () => {
      setGrantee(null);
      done();
    },
    onError: fail,
  });
  const remove = useMutation({
    mutationFn: async (shareId: string) =>
      unwrap(await api.DELETE('/api/v1/records/{type}/{id}/shares/{shareId}', { params: { path: { type: recordType, id, shareId } } })),
    onSuccess: done,
    onError: fail,
  });
  const teamName = (teamId: string | null) => teams.data?.find((x) => x.id === teamId)?.name ?? '';
  const options = [
    { group: t('share.members'), items: members.filter((m) => !m.disabledAt).map((m) => ({ value: `member:${m.id}`, label: m.name })) },
    { group: t('share.teams'), items: (teams.data ?? []).map((x) => ({ value: `team:${x.id}`, label: x.name })) },
  ];
  return (
    <Card withBorder>
      <Stack gap="xs">
        <Title order={2} size="h5">
          {t('share.title')}
        </Title>
        {shares.data?.length ? (
          shares.data.map((s) => {
            const who = s.memberId ? nameOf(s.memberId) : t('share.team', { name: teamName(s.teamId) });
            return (
              <Group key={s.id} justify="space-between" wrap="nowrap">
                <Text size="sm">{who}</Text>
                <Group gap={4} wrap="nowrap">
                  <Badge variant="light" styles={{ label: { color: 'var(--mantine-color-text)' } }}>
                    {t(`share.access.${s.access}`)}
                  </Badge>
                  <Button
                    size="compact-xs"
                    variant="subtle"
                    aria-label={t('share.remove', { name: who })}
                    onClick={() => remove.mutate(s.id)}
                  >
                    ×
                  </Button>
                </Group>
              </Group>
            );
          })
        ) : (
          <Text size="sm" c="dimmed">
            {t('share.none')}
          </Text>
        )}
        <Select
          size="xs"
          aria-label={t('share.with')}
          placeholder={t('share.with')}
          data={options}
          value={grantee}
          onChange={setGrantee}
          searchable
        />
        <Group gap="xs">
          <Select
            size="xs"
            w={130}
            aria-label={t('share.accessLabel')}
            data={(['read', 'edit'] as const).map((a) => ({ value: a, label: t(`share.access.${a}`) }))}
            value={access}
            allowDeselect={false}
            onChange={(v) => v && setAccess(v as Access)}
          />
          <Button size="xs" onClick={() => add.mutate()} disabled={!grantee} loading={add.isPending}>
            {t('share.add')}
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}
