import { Badge, Button, Group, SegmentedControl, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ticketQueues } from '../../../../contract/support.ts';
import { api, fullRows, unwrap } from '../../api.ts';
import { formatDateTime, formatNumber } from '../../format.ts';
import { Link } from '../../router.tsx';
import { useMe } from '../../session.ts';
import { Empty, ErrorState, LoadingRows } from '../../ui/States.tsx';
import { useMembers } from '../../ui/useMembers.ts';
import { AgentAvailability } from './AgentAvailability.tsx';
import { rememberQueue } from './desk.ts';
import { NewTicket } from './NewTicket.tsx';
import { SlaBadge } from './SlaBadge.tsx';
import { type Queue, queueCountsQuery, queueFilter, type Ticket, ticketKeys } from './tickets.ts';

/** The agent's workspace: the queues with their counts, and the open tickets of the queue picked. */
export default function TicketsPage() {
  const { t } = useTranslation();
  const me = useMe();
  const { nameOf } = useMembers();
  const [queue, setQueue] = useState<Queue>('all');
  const [creating, setCreating] = useState(false);
  const counts = useQuery(queueCountsQuery);
  const teams = useQuery({ queryKey: ['teams'], queryFn: async () => unwrap(await api.GET('/api/v1/teams')).data });
  const myTeams = (teams.data ?? []).filter((x) => x.managerId === me.member.id || x.memberIds.includes(me.member.id)).map((x) => x.id);
  const list = useQuery({
    queryKey: [...ticketKeys.list(queue), myTeams.join(',')],
    enabled: queue !== 'my_team' || teams.isSuccess,
    queryFn: async () =>
      fullRows<Ticket>(
        unwrap(
          await api.GET('/api/v1/tickets', {
            params: { query: { filter: queueFilter(queue, me.member.id, myTeams), sort: '-number', limit: 100 } },
          }),
        ),
      ),
  });
  // The ticket page's j and k walk this list.
  useEffect(() => {
    if (list.data) rememberQueue(list.data.map((x) => x.id));
  }, [list.data]);

  return (
    <Stack>
      <Group justify="space-between" wrap="wrap">
        <Title order={1} size="h2">
          {t('tickets.title')}
        </Title>
        {me.member.role !== 'read-only' && <Button onClick={() => setCreating(true)}>{t('tickets.new')}</Button>}
      </Group>
      <AgentAvailability
        teamMemberIds={(teams.data ?? []).filter((x) => myTeams.includes(x.id)).flatMap((x) => [...x.memberIds, x.managerId ?? ''])}
      />
      <SegmentedControl
        aria-label={t('tickets.queues')}
        value={queue}
        onChange={(v) => setQueue(v as Queue)}
        data={ticketQueues.map((q) => ({
          value: q,
          label: `${t(`tickets.queue.${q}`)} (${counts.data ? formatNumber(counts.data[q]) : '…'})`,
        }))}
        data-testid="ticket-queues"
      />
      {list.error ? (
        <ErrorState error={list.error} onRetry={() => list.refetch()} />
      ) : list.isPending ? (
        <LoadingRows rows={4} />
      ) : list.data.length === 0 ? (
        <Empty>{t('tickets.empty')}</Empty>
      ) : (
        <Table.ScrollContainer minWidth={720}>
          <Table striped data-testid="tickets-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>#</Table.Th>
                <Table.Th>{t('tickets.subject')}</Table.Th>
                <Table.Th>{t('tickets.status')}</Table.Th>
                <Table.Th>{t('tickets.priority')}</Table.Th>
                <Table.Th>{t('tickets.assignee')}</Table.Th>
                <Table.Th>{t('tickets.sla.title')}</Table.Th>
                <Table.Th>{t('tickets.created')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data.map((x) => (
                <Table.Tr key={x.id}>
                  <Table.Td>{x.number}</Table.Td>
                  <Table.Td>
                    <Link to={`/tickets/${x.id}`} size="sm" fw={600}>
                      {x.subject}
                    </Link>
                  </Table.Td>
                  <Table.Td>
                    <Badge color="gray.2" c="var(--mantine-color-text)" variant="filled">
                      {t(`enums.ticketStatus.${x.status}`)}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{t(`enums.ticketPriority.${x.priority}`)}</Table.Td>
                  <Table.Td>
                    {nameOf(x.assigneeId) || (
                      <Text c="dimmed" size="sm">
                        {t('tickets.unassigned')}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <SlaBadge ticket={x} />
                  </Table.Td>
                  <Table.Td>{formatDateTime(x.createdAt)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <NewTicket opened={creating} onClose={() => setCreating(false)} />
    </Stack>
  );
}
