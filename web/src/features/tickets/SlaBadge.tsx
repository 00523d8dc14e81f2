import { Badge, Tooltip } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../format.ts';
import type { Ticket } from './tickets.ts';

const colours = { ok: 'teal.1', breaching_soon: 'yellow.2', breached: 'red.1', none: 'gray.1' } as const;

/** Where a ticket stands against its SLA, with the nearest due time; light colours keep the text colour (axe contrast). */
export function SlaBadge({
  ticket,
}: {
  ticket: Pick<Ticket, 'slaState' | 'firstResponseDueAt' | 'nextResponseDueAt' | 'resolutionDueAt'>;
}) {
  const { t } = useTranslation();
  if (ticket.slaState === 'none') return null;
  const due = [ticket.firstResponseDueAt, ticket.nextResponseDueAt, ticket.resolutionDueAt].filter((d): d is string => !!d).sort()[0];
  return (
    <Tooltip label={due ? t('tickets.dueAt', { when: formatDateTime(due) }) : t(`tickets.sla.${ticket.slaState}`)}>
      <Badge color={colours[ticket.slaState]} c="var(--mantine-color-text)" variant="filled" data-testid="sla-badge">
        {t(`tickets.sla.${ticket.slaState}`)}
      </Badge>
    </Tooltip>
  );
}

/** One due time of a ticket, in words: "First response due 2 Mar, 10:00". */
export function DueLine({ label, at }: { label: string; at: string | null }) {
  const { t } = useTranslation();
  if (!at) return null;
  return (
    <Badge color="gray.1" c="var(--mantine-color-text)" variant="filled" tt="none">
      {label}: {t('tickets.dueAt', { when: formatDateTime(at) })}
    </Badge>
  );
}
