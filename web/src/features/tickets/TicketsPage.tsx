import { Badge, Button, Checkbox, Group, SegmentedControl, Stack, Table, Text, Title } from '@mantine/core';
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
import { type BulkResult, BulkSummary, TicketBulkBar } from './TicketBulkBar.tsx';
import { type Queue, queueCountsQuery, queueFilter, type Ticket, ticketKeys } from './tickets.ts';

/** The agent's workspace: the queues with their counts, and the open tickets of the queue picked. */
export default function TicketsPage() {
  const { t } = useTranslation();
  const me = useMe();
  const { nameOf } = useMembers();
  const [queue, setQueue] = useState<Queue>('all');
  const [creating, setCreating] = useState(false);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  // The row last checked or unchecked by hand: a shift-click sets every row from it to the one clicked.
  const [anchor, setAnchor] = useState<number | null>(null);
  const [summary, setSummary] = useState<BulkResult | null>(null);
  const mayWrite = me.member.role !== 'read-only';
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
  // A selection belongs to the queue it was made in.
  // biome-ignore lint/correctness/useExhaustiveDependencies: cleared when the queue changes, not read
  useEffect(() => {
    setSelected(new Set());
    setAnchor(null);
  }, [queue]);
  const rows = list.data ?? [];
  const allSelected = rows.length > 0 && rows.every((x) => selected.has(x.id));
  const toggle = (index: number, range: boolean) => {
    const id = rows[index].id;
    const on = !selected.has(id);
    const next = new Set(selected);
    const [from, to] = range && anchor !== null ? [Math.min(anchor, index), Math.max(anchor, index)] : [index, index];
    for (let i = from; i <= to; i++) {
      if (on) next.add(rows[i].id);
      else next.delete(rows[i].id);
    }
    setSelected(next);
    setAnchor(index);
  };

  return (
    <Stack>
      <Group justify="space-between" wrap="wrap">
        <Title order={1} size="h2">
          {t('tickets.title')}
        </Title>
        {mayWrite && <Button onClick={() => setCreating(true)}>{t('tickets.new')}</Button>}
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
      {summary && <BulkSummary result={summary} onClose={() => setSummary(null)} />}
      {mayWrite && selected.size > 0 && (
        <TicketBulkBar
          ids={rows.filter((x) => selected.has(x.id)).map((x) => x.id)}
          teams={teams.data ?? []}
          onDone={(result) => {
            setSummary(result);
            // What was refused stays selected, to act on again once its reason is dealt with.
            setSelected(new Set(result.results.filter((r) => r.outcome === 'refused').map((r) => r.id)));
          }}
          onClear={() => setSelected(new Set())}
        />
      )}
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
                {mayWrite && (
                  <Table.Th w={40}>
                    <Checkbox
                      aria-label={t('desk.bulk.selectAll')}
                      checked={allSelected}
                      indeterminate={!allSelected && selected.size > 0}
                      onChange={() => {
                        setSelected(allSelected ? new Set() : new Set(rows.map((x) => x.id)));
                        setAnchor(null);
                      }}
                    />
                  </Table.Th>
                )}
                <Table.Th>#</Table.Th>
                <Table.Th>{t('tickets.subject')}</Table.Th>
                <Table.Th>{t('tickets.status')}</Table.Th>
                <Table.Th>{t('tickets.priority')}</Table.Th>
                <Table.Th>{t('tickets.assignee')}</Table.Th>
                <Table.Th>{t('desk.bulk.tags')}</Table.Th>
                <Table.Th>{t('tickets.sla.title')}</Table.Th>
                <Table.Th>{t('tickets.created')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data.map((x, i) => (
                <Table.Tr
                  key={x.id}
                  // A bar at the row's start marks it selected; a tinted row would dim its link below AA contrast.
                  style={selected.has(x.id) ? { boxShadow: 'inset 4px 0 0 var(--mantine-primary-color-filled)' } : undefined}
                >
                  {mayWrite && (
                    <Table.Td>
                      <Checkbox
                        aria-label={t('desk.bulk.selectTicket', { number: x.number })}
                        checked={selected.has(x.id)}
                        onChange={(e) => toggle(i, (e.nativeEvent as MouseEvent).shiftKey === true)}
                      />
                    </Table.Td>
                  )}
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
                    <Text size="xs">{x.tags.join(', ')}</Text>
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
