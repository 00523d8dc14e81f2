import { Badge, Group, SegmentedControl, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { agentStatuses } from '../../../../contract/support.ts';
import { ApiError, api, unwrap } from '../../api.ts';
import { useMe } from '../../session.ts';
import { agentsQuery, routingKeys, statusColor } from './routing.ts';
import { ticketKeys } from './tickets.ts';

type Status = (typeof agentStatuses)[number];

/**
 * The agent's own support status (only online agents are given tickets) and, beside it, the
 * status of the people in the agent's teams (everyone when the agent is in none).
 */
export function AgentAvailability({ teamMemberIds }: { teamMemberIds: string[] }) {
  const { t } = useTranslation();
  const me = useMe();
  const qc = useQueryClient();
  const agents = useQuery(agentsQuery);
  const mine = agents.data?.find((a) => a.memberId === me.member.id);
  const set = useMutation({
    mutationFn: async (status: Status) => unwrap(await api.PUT('/api/v1/support-agents/me/status', { body: { status } })),
    onSuccess: async (a) => {
      notifications.show({ color: 'green', message: t('routing.statusSet', { status: t(`routing.status.${a.status}`) }) });
      await qc.invalidateQueries({ queryKey: routingKeys.agents });
      // Going away hands tickets on in the background: the queues change soon after.
      setTimeout(() => void qc.invalidateQueries({ queryKey: ticketKeys.all }), 1500);
    },
    onError: (e) => notifications.show({ color: 'red', message: e instanceof ApiError ? e.message : String(e) }),
  });
  const colleagues = (agents.data ?? []).filter(
    (a) => a.memberId !== me.member.id && (!teamMemberIds.length || teamMemberIds.includes(a.memberId)),
  );
  return (
    <Group gap="md" wrap="wrap" data-testid="agent-availability">
      {me.member.role !== 'read-only' && (
        <Group gap="xs">
          <Text size="sm" id="my-status-label">
            {t('routing.myStatus')}
          </Text>
          <SegmentedControl
            aria-labelledby="my-status-label"
            size="xs"
            value={mine?.status ?? 'off'}
            onChange={(v) => set.mutate(v as Status)}
            disabled={!agents.data || set.isPending}
            data={agentStatuses.map((s) => ({ value: s, label: t(`routing.status.${s}`) }))}
          />
        </Group>
      )}
      {colleagues.length > 0 && (
        <Group gap={6} wrap="wrap" aria-label={t('routing.colleagues')} role="list">
          {colleagues.map((a) => (
            <Badge
              key={a.memberId}
              role="listitem"
              variant="filled"
              color={statusColor[a.status]}
              c="var(--mantine-color-text)"
              tt="none"
              data-status={a.status}
            >
              {a.name}: {t(`routing.status.${a.status}`)}
            </Badge>
          ))}
        </Group>
      )}
    </Group>
  );
}
