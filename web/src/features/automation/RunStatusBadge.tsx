import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';

const colors: Record<string, string> = {
  queued: 'gray',
  running: 'blue',
  waiting: 'yellow',
  completed: 'teal',
  failed: 'red',
  cancelled: 'gray',
  skipped: 'gray',
  done: 'teal',
  branch: 'indigo',
  resumed: 'blue',
  timed_out: 'orange',
  stopped: 'gray',
};

/** A run's status or a step's outcome, in words and a colour (dark shades: the light badge's text must reach 4.5:1). */
export function RunStatusBadge({ status }: { status: string }) {
  const { t } = useTranslation();
  return (
    <Badge variant="light" color={`${colors[status] ?? 'gray'}.9`}>
      {t(`automation.status.${status}`, { defaultValue: status })}
    </Badge>
  );
}
