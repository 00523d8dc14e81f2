import { Badge, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, fullRows, unwrap } from '../../api.ts';
import { formatDateTime } from '../../format.ts';
import { Link } from '../../router.tsx';
import { deskKeys } from './desk.ts';
import type { Ticket } from './tickets.ts';

/**
 * The customer beside the ticket: who they are and their company, their other tickets, open deals
 * and latest emails, calls and meetings, read through the contact's own APIs (so the agent's role
 * decides what shows, as on the contact's page).
 */
export function RequesterHistory({ ticket }: { ticket: Ticket }) {
  const { t } = useTranslation();
  const contactId = ticket.requesterId;
  const data = useQuery({
    queryKey: [...deskKeys.history(contactId ?? ''), ticket.id],
    enabled: !!contactId,
    queryFn: async () => {
      const id = contactId ?? '';
      const [overview, tickets, timeline] = await Promise.all([
        api.GET('/api/v1/contacts/{id}/overview', { params: { path: { id } } }).then(unwrap),
        api
          .GET('/api/v1/tickets', {
            params: { query: { filter: JSON.stringify({ field: 'requesterId', op: 'eq', value: id }), sort: '-number', limit: 6 } },
          })
          .then(unwrap),
        api
          .GET('/api/v1/contacts/{id}/timeline', { params: { path: { id }, query: { limit: 5, types: 'email,call,meeting,chat' } } })
          .then(unwrap),
      ]);
      return {
        overview,
        tickets: fullRows<Ticket>(tickets)
          .filter((x) => x.id !== ticket.id)
          .slice(0, 5),
        timeline: timeline.data,
      };
    },
  });
  if (!contactId) return null;
  const d = data.data;
  const c = d?.overview.contact;
  const name = c ? [c.firstName, c.lastName].filter(Boolean).join(' ') || c.emails[0]?.value || t('tickets.requester') : '';
  return (
    <Card withBorder data-testid="requester-history">
      <Stack gap="xs">
        <Title order={2} size="h5">
          {t('desk.customer')}
        </Title>
        {data.isError && (
          <Text size="sm" c="dimmed">
            {t('desk.historyUnavailable')}
          </Text>
        )}
        {c && (
          <>
            <Link to={`/contacts/${c.id}`} size="sm" fw={600}>
              {name}
            </Link>
            {c.companies.map((co) => (
              <Link key={co.companyId} to={`/companies/${co.companyId}`} size="sm">
                {co.name}
              </Link>
            ))}
          </>
        )}
        {d && (
          <>
            <Text size="xs" fw={600} c="dimmed" tt="uppercase">
              {t('desk.earlierTickets')}
            </Text>
            {d.tickets.length === 0 && (
              <Text size="sm" c="dimmed">
                {t('desk.none')}
              </Text>
            )}
            {d.tickets.map((x) => (
              <Group key={x.id} justify="space-between" gap="xs" wrap="nowrap">
                <Link to={`/tickets/${x.id}`} size="sm">
                  #{x.number} {x.subject}
                </Link>
                <Badge size="xs" variant="light">
                  {t(`enums.ticketStatus.${x.status}`)}
                </Badge>
              </Group>
            ))}
            <Text size="xs" fw={600} c="dimmed" tt="uppercase">
              {t('desk.openDeals')}
            </Text>
            {d.overview.openDeals.length === 0 && (
              <Text size="sm" c="dimmed">
                {t('desk.none')}
              </Text>
            )}
            {d.overview.openDeals.slice(0, 5).map((deal) => (
              <Group key={deal.id} justify="space-between" gap="xs" wrap="nowrap">
                <Link to={`/deals/${deal.id}`} size="sm">
                  {deal.name}
                </Link>
                <Text size="xs" c="dimmed">
                  {deal.stageName}
                </Text>
              </Group>
            ))}
            <Text size="xs" fw={600} c="dimmed" tt="uppercase">
              {t('desk.recentActivity')}
            </Text>
            {d.timeline.length === 0 && (
              <Text size="sm" c="dimmed">
                {t('desk.none')}
              </Text>
            )}
            {d.timeline.map((a) => (
              <Text key={a.id} size="sm" lineClamp={1}>
                {t(`desk.activity.${a.type}`)} · {a.subject || '—'}{' '}
                <Text span size="xs" c="dimmed">
                  {formatDateTime(a.occurredAt)}
                </Text>
              </Text>
            ))}
          </>
        )}
      </Stack>
    </Card>
  );
}
