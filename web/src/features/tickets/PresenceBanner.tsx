import { Alert, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useMembers } from '../../ui/useMembers.ts';
import type { OtherAgent } from './usePresence.ts';

/** "Ann is viewing" / "Ann is replying": the collision warning at the top of a ticket. */
export function PresenceBanner({ others }: { others: OtherAgent[] }) {
  const { t } = useTranslation();
  const { nameOf } = useMembers();
  if (!others.length) return null;
  const replying = others.some((o) => o.state === 'replying');
  return (
    <Alert color={replying ? 'orange' : 'blue'} role="status" aria-live="polite" data-testid="presence" py="xs">
      <Stack gap={2}>
        {others.map((o) => (
          <Text key={o.memberId} size="sm" fw={o.state === 'replying' ? 600 : undefined}>
            {t(o.state === 'replying' ? 'desk.isReplying' : 'desk.isViewing', { name: nameOf(o.memberId) || t('desk.someone') })}
          </Text>
        ))}
      </Stack>
    </Alert>
  );
}
