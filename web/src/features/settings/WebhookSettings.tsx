import { Alert, Badge, Button, Group, Stack, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Fragment, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type GetResult, unwrap } from '../../api.ts';
import { formatDateTime } from '../../format.ts';
import { ConfirmModal } from '../../ui/ConfirmModal.tsx';
import { ErrorState, LoadingRows } from '../../ui/States.tsx';
import { useRuleLabels } from '../automation/labels.ts';
import { WebhookDeliveries } from './WebhookDeliveries.tsx';
import { SecretModal, WebhookForm } from './WebhookForm.tsx';

export type Webhook = GetResult<'/api/v1/webhooks'>['data'][number];
export const webhooksKey = ['webhooks'] as const;

function StatusBadge({ w }: { w: Webhook }) {
  const { t } = useTranslation();
  const [color, label] = !w.enabled
    ? w.disabledReason
      ? ['red', t('webhooks.turnedOff')]
      : ['gray', t('webhooks.off')]
    : w.consecutiveFailures > 0
      ? ['orange', t('webhooks.failing')]
      : ['green', t('webhooks.active')];
  // The page's text colour on the light tint: the variant's own coloured text is too faint (axe: contrast);
  // never narrower than its word (a squeezed table column would cut it to an ellipsis).
  return (
    <Badge variant="light" color={color} styles={{ root: { color: 'var(--mantine-color-text)', minWidth: 'max-content' } }}>
      {label}
    </Badge>
  );
}

/** Settings → Webhooks: the workspace's endpoints, their secrets (shown once), and each one's delivery log. */
export function WebhookSettings() {
  const { t } = useTranslation();
  const { objectLabel } = useRuleLabels();
  const qc = useQueryClient();
  const list = useQuery({ queryKey: webhooksKey, queryFn: async () => unwrap(await api.GET('/api/v1/webhooks')).data });
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  const [rotating, setRotating] = useState<Webhook | null>(null);
  const [deleting, setDeleting] = useState<Webhook | null>(null);
  const [logOf, setLogOf] = useState<string | null>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: webhooksKey });

  const toggle = useMutation({
    mutationFn: async (w: Webhook) =>
      unwrap(
        await api.PATCH('/api/v1/webhooks/{id}', { params: { path: { id: w.id } }, body: { enabled: !w.enabled, version: w.version } }),
      ),
    onSettled: refresh,
  });
  const rotate = useMutation({
    mutationFn: async (w: Webhook) => unwrap(await api.POST('/api/v1/webhooks/{id}/rotate-secret', { params: { path: { id: w.id } } })),
    onSuccess: (w) => {
      setRotating(null);
      setSecret(w.secret);
    },
    onSettled: refresh,
  });
  const remove = useMutation({
    mutationFn: async (w: Webhook) => unwrap(await api.DELETE('/api/v1/webhooks/{id}', { params: { path: { id: w.id } } })),
    onSuccess: (w) => {
      setDeleting(null);
      if (logOf === w.id) setLogOf(null);
      notifications.show({ color: 'green', message: t('webhooks.deleted') });
    },
    onSettled: refresh,
  });
  const failed = toggle.error ?? rotate.error ?? remove.error;
  const shown = list.data?.find((w) => w.id === logOf);

  return (
    <Stack>
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <Text size="sm" maw={640}>
          {t('webhooks.intro')}
        </Text>
        <Button onClick={() => setCreating(true)} style={{ flexShrink: 0 }}>
          {t('webhooks.add')}
        </Button>
      </Group>
      {failed && (
        <Alert color="red" role="alert">
          {failed.message}
        </Alert>
      )}
      {list.error ? (
        <ErrorState error={list.error} onRetry={() => list.refetch()} />
      ) : !list.data ? (
        <LoadingRows />
      ) : list.data.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('webhooks.none')}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={860}>
          <Table data-testid="webhooks" verticalSpacing="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('webhooks.url')}</Table.Th>
                <Table.Th>{t('webhooks.events')}</Table.Th>
                <Table.Th>{t('webhooks.status')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data.map((w) => (
                <Fragment key={w.id}>
                  <Table.Tr data-webhook={w.url}>
                    <Table.Td style={{ minWidth: 220, maxWidth: 360, overflowWrap: 'anywhere' }}>
                      <Text size="sm" ff="monospace">
                        {w.url}
                      </Text>
                      {w.description && (
                        <Text size="xs" c="dimmed">
                          {w.description}
                        </Text>
                      )}
                      {w.previousSecretExpiresAt && (
                        <Text size="xs" c="dimmed">
                          {t('webhooks.previousUntil', { date: formatDateTime(w.previousSecretExpiresAt) })}
                        </Text>
                      )}
                      {w.enabled && w.consecutiveFailures > 0 && w.failingSince && (
                        <Text size="xs" c="dimmed">
                          {t('webhooks.failures', { count: w.consecutiveFailures, since: formatDateTime(w.failingSince) })}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td style={{ maxWidth: 260 }}>
                      <Text size="sm">{w.eventTypes.map((e) => (e === '*' ? t('webhooks.all') : e)).join(', ')}</Text>
                      {w.filter && (
                        <Text size="xs" c="dimmed" data-testid="webhook-filter">
                          {t('webhooks.filtered', { object: objectLabel(w.filter.object) })}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <StatusBadge w={w} />
                    </Table.Td>
                    <Table.Td>
                      <Group gap="xs" wrap="nowrap" justify="flex-end">
                        <Button
                          size="xs"
                          variant="default"
                          onClick={() => setLogOf(logOf === w.id ? null : w.id)}
                          aria-pressed={logOf === w.id}
                        >
                          {t('webhooks.deliveries')}
                        </Button>
                        <Button
                          size="xs"
                          variant="subtle"
                          onClick={() => toggle.mutate(w)}
                          loading={toggle.isPending && toggle.variables?.id === w.id}
                        >
                          {w.enabled ? t('webhooks.turnOff') : t('webhooks.turnOn')}
                        </Button>
                        <Button size="xs" variant="subtle" onClick={() => setRotating(w)}>
                          {t('webhooks.rotate')}
                        </Button>
                        {/* Plain, not red: a red subtle label is too faint on white (axe: color-contrast); the confirmation is red. */}
                        <Button size="xs" variant="default" onClick={() => setDeleting(w)}>
                          {t('webhooks.delete')}
                        </Button>
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                  {w.disabledReason && w.failingSince && (
                    // The admins' notice, in their language; the server's own words (disabledReason) name the last error
                    // in the delivery log's terms, and the log has every try.
                    <Table.Tr data-webhook-notice={w.url}>
                      <Table.Td colSpan={4} pt={0}>
                        <Alert
                          color="red"
                          p="xs"
                          title={t('webhooks.turnedOffTitle')}
                          styles={{ title: { color: 'var(--mantine-color-text)' } }}
                        >
                          <Text size="sm">
                            {t('webhooks.failures', { count: w.consecutiveFailures, since: formatDateTime(w.failingSince) })}.{' '}
                            {t('webhooks.turnOnHint')}
                          </Text>
                        </Alert>
                      </Table.Td>
                    </Table.Tr>
                  )}
                </Fragment>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {shown && <WebhookDeliveries webhook={shown} />}
      <WebhookForm
        opened={creating}
        onClose={() => setCreating(false)}
        onCreated={(s) => {
          setCreating(false);
          setSecret(s);
          void refresh();
        }}
      />
      <SecretModal secret={secret} onClose={() => setSecret(null)} />
      <ConfirmModal
        opened={!!rotating}
        title={t('webhooks.rotateTitle')}
        text={t('webhooks.rotateText')}
        confirmLabel={t('webhooks.rotate')}
        loading={rotate.isPending}
        onConfirm={() => rotating && rotate.mutate(rotating)}
        onClose={() => setRotating(null)}
      />
      <ConfirmModal
        opened={!!deleting}
        title={t('webhooks.deleteTitle')}
        text={t('webhooks.deleteText', { url: deleting?.url ?? '' })}
        confirmLabel={t('webhooks.delete')}
        loading={remove.isPending}
        onConfirm={() => deleting && remove.mutate(deleting)}
        onClose={() => setDeleting(null)}
      />
    </Stack>
  );
}
