import { Badge, Tooltip } from '@mantine/core';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api.ts';
import { ticketKeys } from './tickets.ts';

export const satisfactionQuery = (id: string) =>
  queryOptions({
    queryKey: [...ticketKeys.one(id), 'satisfaction'] as const,
    queryFn: async () => unwrap(await api.GET('/api/v1/tickets/{id}/satisfaction', { params: { path: { id } } })),
  });

/** The requester's rating of a solved ticket (from the survey email or the portal), with their comment on hover. */
export function SatisfactionBadge({ ticketId }: { ticketId: string }) {
  const { t } = useTranslation();
  const q = useQuery(satisfactionQuery(ticketId));
  const rating = q.data?.rating;
  if (!rating) return null;
  const comment = q.data?.comment;
  return (
    <Tooltip label={comment ? t('tickets.csat.comment', { comment }) : t('tickets.csat.noComment')} multiline maw={320}>
      {/* Light colours keep the text colour, as the SLA badge does (axe contrast). */}
      <Badge color={rating === 'good' ? 'teal.1' : 'red.1'} c="var(--mantine-color-text)" variant="filled" data-testid="csat-badge">
        {t(`tickets.csat.${rating}`)}
      </Badge>
    </Tooltip>
  );
}
