import { Button, Group, Modal, Select, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { openTicketStatuses } from '../../../../contract/support.ts';
import { ApiError, api, fullRows, unwrap } from '../../api.ts';
import { Link } from '../../router.tsx';
import { relationsQuery } from './desk.ts';
import { type Ticket, ticketKeys } from './tickets.ts';

/** "Merge a ticket into this one": pick a duplicate among the open tickets; it is closed and linked here. */
export function MergeTicket({ ticket }: { ticket: Ticket }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const [sourceId, setSourceId] = useState<string | null>(null);
  const candidates = useQuery({
    queryKey: [...ticketKeys.all, 'merge-candidates', ticket.id],
    enabled: open,
    queryFn: async () =>
      fullRows<Ticket>(
        unwrap(
          await api.GET('/api/v1/tickets', {
            params: {
              query: { filter: JSON.stringify({ field: 'status', op: 'in', value: [...openTicketStatuses] }), sort: '-number', limit: 100 },
            },
          }),
        ),
      ).filter((x) => x.id !== ticket.id),
  });
  const merge = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST('/api/v1/tickets/{id}/merge', {
          params: { path: { id: ticket.id } },
          body: { sourceId: sourceId ?? '', version: ticket.version },
        }),
      ),
    onSuccess: async () => {
      setOpen(false);
      setSourceId(null);
      notifications.show({ color: 'green', message: t('desk.merged') });
      await qc.invalidateQueries({ queryKey: ticketKeys.all });
    },
    onError: (e) => notifications.show({ color: 'red', message: e instanceof ApiError ? e.message : String(e) }),
  });
  return (
    <>
      <Button variant="default" onClick={() => setOpen(true)}>
        {t('desk.mergeInto')}
      </Button>
      <Modal opened={open} onClose={() => setOpen(false)} title={t('desk.mergeTitle', { number: ticket.number })}>
        <Stack>
          <Text size="sm" c="dimmed">
            {t('desk.mergeHint')}
          </Text>
          <Select
            label={t('desk.duplicate')}
            searchable
            data-autofocus
            value={sourceId}
            onChange={setSourceId}
            data={(candidates.data ?? []).map((x) => ({ value: x.id, label: `#${x.number} ${x.subject}` }))}
          />
          <Group justify="flex-end">
            <Button disabled={!sourceId} loading={merge.isPending} onClick={() => merge.mutate()}>
              {t('desk.merge')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}

/** "Merged into #4", "Split from #2" …: the tickets this one is tied to. */
export function TicketRelations({ ticketId }: { ticketId: string }) {
  const { t } = useTranslation();
  const relations = useQuery(relationsQuery(ticketId));
  if (!relations.data?.length) return null;
  return (
    <Stack gap={2} data-testid="ticket-relations">
      {relations.data.map((r) => (
        <Text key={`${r.kind}-${r.ticketId}`} size="sm">
          {t(`desk.relation.${r.kind}`)}{' '}
          <Link to={`/tickets/${r.ticketId}`}>
            #{r.number} {r.subject}
          </Link>
        </Text>
      ))}
    </Stack>
  );
}
