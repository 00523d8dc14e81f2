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

// The text keeps the page's own colour: a light badge's coloured text misses 4.5:1 (as in Settings → Jobs).
const textColour = { root: { color: 'var(--mantine-color-text)', minWidth: 'max-content' } };

/** A run's status or a step's outcome, in words and a colour. */
export function RunStatusBadge({ status }: { status: string }) {
  const { t } = useTranslation();
  return (
    <Badge variant="light" color={colors[status] ?? 'gray'} styles={textColour}>
      {t(`automation.status.${status}`, { defaultValue: status })}
    </Badge>
  );
}

/** Whether a rule runs: active or paused. */
export function RuleStateBadge({ enabled }: { enabled: boolean }) {
  const { t } = useTranslation();
  return (
    <Badge variant="light" color={enabled ? 'teal' : 'gray'} styles={textColour}>
      {enabled ? t('automation.active') : t('automation.paused')}
    </Badge>
  );
}
