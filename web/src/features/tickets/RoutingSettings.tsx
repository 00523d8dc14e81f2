import { Button, Card, Group, Select, Stack, Switch, Table, TagsInput, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { routingMethods } from '../../../../contract/support.ts';
import { ApiError, api, unwrap } from '../../api.ts';
import { RoutingRules } from './RoutingRules.tsx';
import { agentsQuery, routingKeys, type SupportAgent, teamRoutingQuery } from './routing.ts';

type Method = (typeof routingMethods)[number];

const failed = (e: unknown) => notifications.show({ color: 'red', message: e instanceof ApiError ? e.message : String(e) });

/** One team's method and "reassign when away", and the skills of its members. */
function TeamRouting({ teamId, memberIds }: { teamId: string; memberIds: string[] }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const current = useQuery(teamRoutingQuery(teamId));
  const [method, setMethod] = useState<Method>('manual');
  const [reassign, setReassign] = useState(false);
  useEffect(() => {
    if (current.data) {
      setMethod(current.data.method);
      setReassign(current.data.reassignWhenAway);
    }
  }, [current.data]);
  const save = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.PUT('/api/v1/teams/{id}/routing', { params: { path: { id: teamId } }, body: { method, reassignWhenAway: reassign } }),
      ),
    onSuccess: () => {
      notifications.show({ color: 'green', message: t('list.saved') });
      void qc.invalidateQueries({ queryKey: routingKeys.team(teamId) });
    },
    onError: failed,
  });
  const agents = useQuery(agentsQuery);
  const members = (agents.data ?? []).filter((a) => memberIds.includes(a.memberId));
  if (!current.data) return null;
  return (
    <Stack>
      <Group align="flex-end">
        <Select
          label={t('routing.method')}
          data={routingMethods.map((m) => ({ value: m, label: t(`routing.methods.${m}`) }))}
          value={method}
          onChange={(v) => v && setMethod(v as Method)}
          allowDeselect={false}
          w={240}
        />
        <Switch label={t('routing.reassignWhenAway')} checked={reassign} onChange={(e) => setReassign(e.currentTarget.checked)} mb={8} />
        <Button onClick={() => save.mutate()} loading={save.isPending}>
          {t('record.save')}
        </Button>
      </Group>
      <Text size="sm" c="dimmed">
        {t(`routing.methodHint.${method}`)}
      </Text>
      {members.length === 0 ? (
        <Text size="sm">{t('routing.noMembers')}</Text>
      ) : (
        <Table data-testid="routing-agents">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('routing.agent')}</Table.Th>
              <Table.Th>{t('routing.statusLabel')}</Table.Th>
              <Table.Th>{t('routing.skills')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {members.map((a) => (
              <AgentRow key={a.memberId} agent={a} />
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}

function AgentRow({ agent }: { agent: SupportAgent }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const save = useMutation({
    mutationFn: async (skills: string[]) =>
      unwrap(await api.PUT('/api/v1/support-agents/{id}/skills', { params: { path: { id: agent.memberId } }, body: { skills } })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: routingKeys.agents }),
    onError: failed,
  });
  return (
    <Table.Tr>
      <Table.Td>{agent.name}</Table.Td>
      <Table.Td>{t(`routing.status.${agent.status}`)}</Table.Td>
      <Table.Td>
        <TagsInput
          aria-label={t('routing.skillsOf', { name: agent.name })}
          value={agent.skills}
          onChange={(skills) => save.mutate(skills)}
          size="xs"
        />
      </Table.Td>
    </Table.Tr>
  );
}

/** Settings → Routing: each team's routing, and the workspace's ordered rules. */
export default function RoutingSettings() {
  const { t } = useTranslation();
  const teams = useQuery({ queryKey: ['teams'], queryFn: async () => unwrap(await api.GET('/api/v1/teams')).data });
  const [teamId, setTeamId] = useState<string | null>(null);
  const team = (teams.data ?? []).find((x) => x.id === teamId);
  return (
    <Stack maw={960}>
      <Card withBorder>
        <Stack>
          <Title order={2} size="h5">
            {t('routing.teamTitle')}
          </Title>
          <Select
            label={t('routing.team')}
            placeholder={t('routing.pickTeam')}
            data={(teams.data ?? []).map((x) => ({ value: x.id, label: x.name }))}
            value={teamId}
            onChange={setTeamId}
            w={320}
          />
          {team && <TeamRouting key={team.id} teamId={team.id} memberIds={team.memberIds} />}
        </Stack>
      </Card>
      <RoutingRules teams={teams.data ?? []} />
    </Stack>
  );
}
