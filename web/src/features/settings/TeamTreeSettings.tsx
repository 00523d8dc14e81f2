import { ActionIcon, Badge, Button, Card, Group, MultiSelect, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconTrash, IconX } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Team } from '../../../../contract/access.ts';
import { ApiError, api, unwrap } from '../../api.ts';
import { ConfirmModal } from '../../ui/ConfirmModal.tsx';
import { useMembers } from '../../ui/useMembers.ts';

const teamsKey = ['teams'];

/** Teams in tree order, each with its depth: a parent before the teams below it. */
function treeOrder(teams: Team[]) {
  const below = new Map<string | null, Team[]>();
  for (const t of teams) {
    const parent = t.parentTeamId && teams.some((x) => x.id === t.parentTeamId) ? t.parentTeamId : null;
    below.set(parent, [...(below.get(parent) ?? []), t]);
  }
  const out: { team: Team; depth: number }[] = [];
  const walk = (parent: string | null, depth: number) => {
    for (const t of (below.get(parent) ?? []).sort((a, b) => a.name.localeCompare(b.name))) {
      out.push({ team: t, depth });
      walk(t.id, depth + 1);
    }
  };
  walk(null, 0);
  return out;
}

function NewTeam({ teams }: { teams: Team[] }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const { members } = useMembers();
  const [name, setName] = useState('');
  const [parentTeamId, setParent] = useState<string | null>(null);
  const [managerId, setManager] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: async () => unwrap(await api.POST('/api/v1/teams', { body: { name, parentTeamId, managerId } })),
    onSuccess: () => {
      setName('');
      setParent(null);
      setManager(null);
      notifications.show({ color: 'green', message: t('list.saved') });
      void qc.invalidateQueries({ queryKey: teamsKey });
    },
  });
  const err = create.error instanceof ApiError ? create.error : null;
  return (
    <Card withBorder maw={720}>
      <Stack>
        <Title order={2} size="h5">
          {t('teams.new')}
        </Title>
        <Group align="flex-start" grow>
          <TextInput
            label={t('teams.name')}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={err?.fieldMessage('name')}
          />
          <Select
            label={t('teams.parent')}
            placeholder={t('teams.noParent')}
            data={teams.map((x) => ({ value: x.id, label: x.name }))}
            value={parentTeamId}
            onChange={setParent}
            clearable
            error={err?.fieldMessage('parentTeamId')}
          />
          <Select
            label={t('teams.manager')}
            data={members.map((m) => ({ value: m.id, label: m.name }))}
            value={managerId}
            onChange={setManager}
            clearable
            searchable
            error={err?.fieldMessage('managerId')}
          />
        </Group>
        <Button onClick={() => create.mutate()} loading={create.isPending} disabled={!name.trim()} w="fit-content">
          {t('teams.create')}
        </Button>
      </Stack>
    </Card>
  );
}

function TeamRow({ team, depth, teams }: { team: Team; depth: number; teams: Team[] }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const { members, nameOf } = useMembers();
  const [adding, setAdding] = useState<string[]>([]);
  const [confirming, setConfirming] = useState(false);
  const done = () => void qc.invalidateQueries({ queryKey: teamsKey });
  const fail = (e: unknown) => notifications.show({ color: 'red', message: e instanceof Error ? e.message : String(e) });
  const move = useMutation({
    mutationFn: async (parentTeamId: string | null) =>
      unwrap(await api.PATCH('/api/v1/teams/{id}', { params: { path: { id: team.id } }, body: { parentTeamId, version: team.version } })),
    onSuccess: done,
    onError: fail,
  });
  const add = useMutation({
    mutationFn: async () =>
      unwrap(await api.POST('/api/v1/teams/{id}/members', { params: { path: { id: team.id } }, body: { ids: adding } })),
    onSuccess: () => {
      setAdding([]);
      done();
    },
    onError: fail,
  });
  const remove = useMutation({
    mutationFn: async (id: string) =>
      unwrap(await api.POST('/api/v1/teams/{id}/members/remove', { params: { path: { id: team.id } }, body: { ids: [id] } })),
    onSuccess: done,
    onError: fail,
  });
  const del = useMutation({
    mutationFn: async () => unwrap(await api.DELETE('/api/v1/teams/{id}', { params: { path: { id: team.id } } })),
    onSuccess: done,
    onError: fail,
    onSettled: () => setConfirming(false),
  });
  const outside = members.filter((m) => !team.memberIds.includes(m.id));
  return (
    <Table.Tr>
      <Table.Td style={{ paddingLeft: 12 + depth * 24 }}>
        <Text fw={600}>{team.name}</Text>
        {team.managerId && (
          <Text size="xs" c="dimmed">
            {t('teams.managedBy', { name: nameOf(team.managerId) })}
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        <Select
          aria-label={t('teams.parentOf', { name: team.name })}
          placeholder={t('teams.noParent')}
          data={teams.filter((x) => x.id !== team.id).map((x) => ({ value: x.id, label: x.name }))}
          value={team.parentTeamId}
          onChange={(v) => move.mutate(v)}
          clearable
          size="xs"
          w={180}
        />
      </Table.Td>
      <Table.Td>
        <Group gap={4} mb={6}>
          {team.memberIds.map((id) => (
            <Badge
              key={id}
              variant="light"
              color="gray"
              c="var(--mantine-color-text)"
              rightSection={
                <ActionIcon
                  size="xs"
                  variant="transparent"
                  aria-label={t('teams.removeMember', { name: nameOf(id), team: team.name })}
                  onClick={() => remove.mutate(id)}
                >
                  <IconX size={12} />
                </ActionIcon>
              }
            >
              {nameOf(id)}
            </Badge>
          ))}
        </Group>
        <Group gap="xs" wrap="nowrap">
          <MultiSelect
            aria-label={t('teams.addTo', { name: team.name })}
            placeholder={t('teams.addMembers')}
            data={outside.map((m) => ({ value: m.id, label: m.name }))}
            value={adding}
            onChange={setAdding}
            searchable
            size="xs"
            w={220}
          />
          <Button
            size="xs"
            variant="default"
            disabled={!adding.length}
            loading={add.isPending}
            onClick={() => add.mutate()}
            aria-label={t('teams.addButton', { name: team.name })}
          >
            {t('teams.add')}
          </Button>
        </Group>
      </Table.Td>
      <Table.Td>
        <ActionIcon variant="subtle" color="red" aria-label={t('teams.delete', { name: team.name })} onClick={() => setConfirming(true)}>
          <IconTrash size={16} />
        </ActionIcon>
        <ConfirmModal
          opened={confirming}
          title={t('teams.delete', { name: team.name })}
          text={t('teams.deleteText')}
          confirmLabel={t('roles.deleteShort')}
          loading={del.isPending}
          onConfirm={() => del.mutate()}
          onClose={() => setConfirming(false)}
        />
      </Table.Td>
    </Table.Tr>
  );
}

/** Settings → Teams (admins): the team tree, who is in each team and who manages it. */
export function TeamTreeSettings() {
  const { t } = useTranslation();
  const teams = useQuery({ queryKey: teamsKey, queryFn: async () => unwrap(await api.GET('/api/v1/teams')).data });
  if (!teams.data) return null;
  return (
    <Stack gap="lg">
      <Text size="sm" c="dimmed">
        {t('teams.intro')}
      </Text>
      {teams.data.length > 0 && (
        <Table.ScrollContainer minWidth={720}>
          <Table verticalSpacing="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('teams.team')}</Table.Th>
                <Table.Th>{t('teams.parent')}</Table.Th>
                <Table.Th>{t('teams.members')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {treeOrder(teams.data).map(({ team, depth }) => (
                <TeamRow key={team.id} team={team} depth={depth} teams={teams.data} />
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <NewTeam teams={teams.data} />
    </Stack>
  );
}
