import { Alert, Badge, Button, Code, Group, Modal, Stack, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type GetResult, unwrap } from '../../api.ts';
import { formatDateTime } from '../../format.ts';
import { ErrorState, LoadingRows } from '../../ui/States.tsx';
import type { Webhook } from './WebhookSettings.tsx';

type Delivery = GetResult<'/api/v1/webhooks/{id}/deliveries'>['data'][number];
const colors = { pending: 'gray', succeeded: 'green', failed: 'red' } as const;

/** The body laid out for reading (the bytes sent and signed are the compact ones). */
function readable(body: string) {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

/** One delivery's tries: when, what the receiver answered (the start of it), how long, and why a try failed. */
function AttemptLog({ webhookId, delivery, onClose }: { webhookId: string; delivery: Delivery | null; onClose: () => void }) {
  const { t } = useTranslation();
  const detail = useQuery({
    queryKey: ['webhooks', webhookId, 'deliveries', delivery?.id],
    enabled: !!delivery,
    queryFn: async () =>
      unwrap(
        await api.GET('/api/v1/webhooks/{id}/deliveries/{deliveryId}', {
          params: { path: { id: webhookId, deliveryId: delivery?.id ?? '' } },
        }),
      ),
  });
  return (
    <Modal opened={!!delivery} onClose={onClose} title={delivery?.eventType} size="xl" closeButtonProps={{ 'aria-label': t('app.close') }}>
      {detail.error ? (
        <ErrorState error={detail.error} />
      ) : !detail.data ? (
        <LoadingRows />
      ) : (
        <Stack>
          {detail.data.attemptLog.map((a) => (
            <Stack key={a.id} gap={4}>
              <Group gap="xs">
                <Text fw={600} size="sm">
                  {t('webhooks.attempt', { n: a.attempt })}
                  {a.replay ? ` (${t('webhooks.replayTry')})` : ''}
                </Text>
                <Text size="sm">{formatDateTime(a.at)}</Text>
                <Text size="sm">{a.statusCode ?? '—'}</Text>
                <Text size="sm">{t('webhooks.ms', { n: a.durationMs })}</Text>
              </Group>
              {a.error && <Text size="sm">{a.error}</Text>}
              {a.responseBody ? (
                // Focusable, so that a keyboard can scroll a long answer (axe: scrollable-region-focusable).
                <Code block tabIndex={0} style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all', maxHeight: 160, overflow: 'auto' }}>
                  {a.responseBody}
                  {a.responseTruncated ? ` ${t('webhooks.truncated')}` : ''}
                </Code>
              ) : null}
            </Stack>
          ))}
          <Title order={3} size="h6">
            {t('webhooks.body')}
          </Title>
          <Code block tabIndex={0} style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all', maxHeight: 320, overflow: 'auto' }}>
            {readable(detail.data.body)}
          </Code>
        </Stack>
      )}
    </Modal>
  );
}

/** The delivery log of one endpoint, newest first, following pending deliveries as they are tried. */
export function WebhookDeliveries({ webhook }: { webhook: Webhook }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [open, setOpen] = useState<Delivery | null>(null);
  const key = ['webhooks', webhook.id, 'deliveries'];
  const list = useQuery({
    queryKey: key,
    queryFn: async () => unwrap(await api.GET('/api/v1/webhooks/{id}/deliveries', { params: { path: { id: webhook.id } } })).data,
    // Deliveries come in as events happen elsewhere: the log follows them while it is open.
    refetchInterval: 2_000,
  });
  const replay = useMutation({
    mutationFn: async (d: Delivery) =>
      unwrap(
        await api.POST('/api/v1/webhooks/{id}/deliveries/{deliveryId}/replay', { params: { path: { id: webhook.id, deliveryId: d.id } } }),
      ),
    onSuccess: () => notifications.show({ color: 'green', message: t('webhooks.replayed') }),
    onSettled: () => qc.invalidateQueries({ queryKey: key }),
  });
  return (
    <Stack gap="xs" component="section" aria-labelledby="webhook-deliveries">
      <Title order={2} size="h5" id="webhook-deliveries" style={{ overflowWrap: 'anywhere' }}>
        {t('webhooks.deliveriesOf', { url: webhook.url })}
      </Title>
      {replay.error && (
        <Alert color="red" role="alert">
          {replay.error.message}
        </Alert>
      )}
      {list.error ? (
        <ErrorState error={list.error} />
      ) : !list.data ? (
        <LoadingRows />
      ) : list.data.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('webhooks.noDeliveries')}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={760}>
          <Table data-testid="webhook-deliveries">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('webhooks.time')}</Table.Th>
                <Table.Th>{t('webhooks.event')}</Table.Th>
                <Table.Th>{t('webhooks.status')}</Table.Th>
                <Table.Th>{t('webhooks.code')}</Table.Th>
                <Table.Th>{t('webhooks.duration')}</Table.Th>
                <Table.Th>{t('webhooks.tries')}</Table.Th>
                <Table.Th>{t('webhooks.error')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data.map((d) => (
                <Table.Tr key={d.id} data-status={d.status}>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(d.lastAttemptAt ?? d.createdAt)}</Table.Td>
                  <Table.Td>
                    <Code>{d.eventType}</Code>
                  </Table.Td>
                  <Table.Td>
                    <Badge
                      variant="light"
                      color={colors[d.status]}
                      styles={{ root: { color: 'var(--mantine-color-text)', minWidth: 'max-content' } }}
                    >
                      {t(`webhooks.deliveryStatuses.${d.status}`)}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{d.lastStatusCode ?? '—'}</Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>
                    {d.lastDurationMs == null ? '—' : t('webhooks.ms', { n: d.lastDurationMs })}
                  </Table.Td>
                  <Table.Td>{d.attempts}</Table.Td>
                  <Table.Td style={{ minWidth: 160, maxWidth: 320, overflowWrap: 'anywhere' }}>{d.lastError ?? ''}</Table.Td>
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap">
                      <Button size="xs" variant="subtle" onClick={() => setOpen(d)}>
                        {t('webhooks.details')}
                      </Button>
                      <Button
                        size="xs"
                        variant="default"
                        onClick={() => replay.mutate(d)}
                        loading={replay.isPending && replay.variables?.id === d.id}
                        disabled={!webhook.enabled}
                      >
                        {t('webhooks.replay')}
                      </Button>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <AttemptLog webhookId={webhook.id} delivery={open} onClose={() => setOpen(null)} />
    </Stack>
  );
}
