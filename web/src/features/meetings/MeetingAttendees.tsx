import { Badge, Group, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Activity } from '../../api.ts';

const colors = { accepted: 'green', declined: 'red', tentative: 'yellow', 'needs-action': 'gray' } as const;

/** A meeting's place and who is asked, each with their answer, on its timeline entry. */
export function MeetingAttendees({ activity: a }: { activity: Activity }) {
  const { t } = useTranslation();
  if (a.type !== 'meeting' || (!a.attendees.length && !a.location && !a.cancelled)) return null;
  return (
    <Group gap={6} mt={4} data-testid="meeting-attendees">
      {a.cancelled && (
        <Badge color="red" variant="filled" size="sm">
          {t('meeting.cancelled')}
        </Badge>
      )}
      {a.location && (
        <Text size="sm" c="dimmed">
          {t('meeting.at', { location: a.location })}
        </Text>
      )}
      {a.attendees.map((p) => (
        <Badge
          key={`${p.contactId ?? p.memberId ?? p.email}`}
          variant="light"
          color={colors[p.status]}
          size="md"
          tt="none"
          data-testid="attendee"
          data-status={p.status}
        >
          {p.name || p.email} · {t(`meeting.status.${p.status}`)}
        </Badge>
      ))}
    </Group>
  );
}
