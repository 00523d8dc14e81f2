import { Button, Card, Group, SegmentedControl, Stack, Text, Textarea } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, unwrap } from '../../api.ts';
import { formatDateTime } from '../../format.ts';
import { ErrorState, LoadingRows } from '../../ui/States.tsx';
import { useMembers } from '../../ui/useMembers.ts';
import { messagesQuery, ticketKeys } from './tickets.ts';

/** A ticket's replies and internal notes, oldest first, and the composer under them. */
export function Conversation({ ticketId, mayWrite }: { ticketId: string; mayWrite: boolean }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const { nameOf } = useMembers();
  const messages = useQuery(messagesQuery(ticketId));
  const [kind, setKind] = useState<'reply' | 'note'>('reply');
  const [body, setBody] = useState('');
  const send = useMutation({
    mutationFn: async () =>
      unwrap(await api.POST('/api/v1/tickets/{id}/messages', { params: { path: { id: ticketId } }, body: { kind, body } })),
    onSuccess: async () => {
      setBody('');
      await qc.invalidateQueries({ queryKey: ticketKeys.all });
    },
    onError: (e) => notifications.show({ color: 'red', message: e instanceof ApiError ? e.message : String(e) }),
  });

  return (
    <Stack>
      {messages.error ? (
        <ErrorState error={messages.error} onRetry={() => messages.refetch()} />
      ) : messages.isPending ? (
        <LoadingRows rows={2} />
      ) : messages.data.length === 0 ? (
        <Text c="dimmed" size="sm">
          {t('tickets.noMessages')}
        </Text>
      ) : (
        <Stack gap="xs" data-testid="conversation">
          {messages.data.map((m) => (
            <Card
              key={m.id}
              withBorder
              padding="sm"
              bg={m.kind === 'note' ? 'yellow.0' : undefined}
              data-kind={m.kind}
              aria-label={m.kind === 'note' ? t('tickets.note') : t('tickets.reply')}
            >
              <Group justify="space-between" gap="xs">
                <Text size="sm" fw={600}>
                  {m.authorMemberId ? nameOf(m.authorMemberId) : t('tickets.requester')} ·{' '}
                  {m.kind === 'note' ? t('tickets.note') : t('tickets.reply')}
                </Text>
                <Text size="xs" c="dimmed">
                  {formatDateTime(m.createdAt)}
                </Text>
              </Group>
              <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                {m.body}
              </Text>
            </Card>
          ))}
        </Stack>
      )}
      {mayWrite && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            send.mutate();
          }}
        >
          <Stack gap="xs">
            <SegmentedControl
              aria-label={t('tickets.composerKind')}
              value={kind}
              onChange={(v) => setKind(v as 'reply' | 'note')}
              data={[
                { value: 'reply', label: t('tickets.reply') },
                { value: 'note', label: t('tickets.note') },
              ]}
              w="fit-content"
            />
            <Textarea
              label={kind === 'note' ? t('tickets.noteLabel') : t('tickets.replyLabel')}
              value={body}
              onChange={(e) => setBody(e.currentTarget.value)}
              autosize
              minRows={3}
              maxLength={20_000}
            />
            <Group justify="flex-end">
              <Button type="submit" loading={send.isPending} disabled={!body.trim()}>
                {kind === 'note' ? t('tickets.addNote') : t('tickets.sendReply')}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Stack>
  );
}
