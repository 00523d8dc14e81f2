import { Button, Group, Paper, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api.ts';
import { formatDateTime } from '../../format.ts';
import { outboxKey } from './ComposeEmail.tsx';

type Item = NonNullable<ReturnType<typeof useOutbox>['data']>[number];

const useOutbox = () =>
  useQuery({
    queryKey: outboxKey,
    queryFn: async () => unwrap(await api.GET('/api/v1/email-outbox')).data,
    // Until they go: the list shrinks as the outbox job sends them (or says which failed); often
    // while one is due within the minute (an undo window ending), so a failure shows at once.
    refetchInterval: (q) => {
      const pending = (q.state.data ?? []).filter((x) => x.status === 'queued' || x.status === 'sending');
      if (!pending.length) return false;
      return pending.some((x) => Date.parse(x.sendAt) < Date.now() + 60_000) ? 2_000 : 15_000;
    },
  });

/**
 * Your emails to this address that have not gone, on the record's timeline: scheduled ones with a
 * way to cancel them, and failed ones with the reason, to send again or discard.
 */
export function ScheduledEmails({ address }: { address: string }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const outbox = useOutbox();
  const mine = (outbox.data ?? []).filter(
    (x) => ((x.scheduled && x.status === 'queued') || x.status === 'failed') && x.to.some((a) => a.toLowerCase() === address.toLowerCase()),
  );
  if (!mine.length) return null;
  const act = async (x: Item, action: 'cancel' | 'retry', done: string) => {
    try {
      unwrap(await api.POST(`/api/v1/email-outbox/{id}/${action}`, { params: { path: { id: x.id } } }));
      notifications.show({ color: 'green', message: done });
    } catch (e) {
      notifications.show({ color: 'red', message: e instanceof Error ? e.message : String(e) });
    }
    void qc.invalidateQueries({ queryKey: outboxKey });
  };
  return (
    <>
      {mine.map((x) =>
        x.status === 'failed' ? (
          <Paper key={x.id} withBorder p="xs" data-testid="failed-email" style={{ borderColor: 'var(--mantine-color-red-6)' }}>
            <Group justify="space-between" wrap="nowrap">
              <Text size="sm">
                <Text span fw={600}>
                  {x.subject}
                </Text>{' '}
                —{' '}
                <Text span c="red.8">
                  {t('email.notSent', { error: x.error ?? '' })}
                </Text>
              </Text>
              <Group gap="xs" wrap="nowrap">
                <Button size="compact-xs" onClick={() => act(x, 'retry', t('email.sentAgain'))}>
                  {t('email.sendAgain')}
                </Button>
                <Button size="compact-xs" variant="default" onClick={() => act(x, 'cancel', t('email.failedDiscarded'))}>
                  {t('email.discardFailed')}
                </Button>
              </Group>
            </Group>
          </Paper>
        ) : (
          <Paper key={x.id} withBorder p="xs" data-testid="scheduled-email">
            <Group justify="space-between">
              <Text size="sm">
                <Text span fw={600}>
                  {x.subject}
                </Text>{' '}
                — {t('email.scheduledFor', { date: formatDateTime(x.sendAt) })}
              </Text>
              <Button size="compact-xs" variant="default" onClick={() => act(x, 'cancel', t('email.scheduledCancelled'))}>
                {t('email.cancelScheduled')}
              </Button>
            </Group>
          </Paper>
        ),
      )}
    </>
  );
}
