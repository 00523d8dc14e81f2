import { Anchor, Button, Card, Group, Stack, Text, Textarea } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CHAT_MESSAGE_MAX } from '../../../../contract/chat.ts';
import { ApiError, api, unwrap } from '../../api.ts';
import { formatDateTime } from '../../format.ts';
import { Link, navigate } from '../../router.tsx';
import { ErrorState, LoadingRows } from '../../ui/States.tsx';
import { useMembers } from '../../ui/useMembers.ts';
import { chatKeys, conversationQuery } from './chat.ts';

/** One conversation: its messages as they arrive, the reply box, and close / turn into a ticket. */
export function ChatThread({ id, mayWrite }: { id: string; mayWrite: boolean }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const { nameOf } = useMembers();
  const detail = useQuery(conversationQuery(id));
  const [body, setBody] = useState('');
  const end = useRef<HTMLDivElement>(null);
  const count = detail.data?.messages.length ?? 0;
  useEffect(() => {
    if (count) end.current?.scrollIntoView?.({ block: 'nearest' });
  }, [count]);
  const onError = (e: Error) => notifications.show({ color: 'red', message: e instanceof ApiError ? e.message : String(e) });
  const refresh = () => qc.invalidateQueries({ queryKey: chatKeys.all });
  const send = useMutation({
    mutationFn: async () =>
      unwrap(await api.POST('/api/v1/chat/conversations/{id}/messages', { params: { path: { id } }, body: { body } })),
    onSuccess: async () => {
      setBody('');
      await refresh();
    },
    onError,
  });
  const close = useMutation({
    mutationFn: async () => unwrap(await api.POST('/api/v1/chat/conversations/{id}/close', { params: { path: { id } } })),
    onSuccess: refresh,
    onError,
  });
  const toTicket = useMutation({
    mutationFn: async () => unwrap(await api.POST('/api/v1/chat/conversations/{id}/ticket', { params: { path: { id } } })),
    onSuccess: async (made) => {
      await refresh();
      notifications.show({ color: 'green', message: t('chat.ticketMade', { number: made.number }) });
      navigate(`/tickets/${made.ticketId}`);
    },
    onError,
  });

  if (detail.error) return <ErrorState error={detail.error} onRetry={() => detail.refetch()} />;
  if (detail.isPending) return <LoadingRows rows={3} />;
  const { conversation: c, messages } = detail.data;
  const open = c.status === 'open';
  return (
    <Stack>
      <Group justify="space-between">
        <div>
          <Text fw={600}>{c.visitorName ?? c.visitorEmail ?? t('chat.visitor')}</Text>
          <Text size="sm" c="dimmed">
            {[c.visitorEmail, c.pageUrl].filter(Boolean).join(' · ')}
          </Text>
          {c.contactId && (
            <Anchor component={Link} to={`/contacts/${c.contactId}`} size="sm">
              {t('chat.openContact')}
            </Anchor>
          )}
        </div>
        {mayWrite && (
          <Group gap="xs">
            {c.ticketId ? (
              <Anchor component={Link} to={`/tickets/${c.ticketId}`}>
                {t('chat.openTicket')}
              </Anchor>
            ) : (
              <Button variant="default" loading={toTicket.isPending} onClick={() => toTicket.mutate()}>
                {t('chat.toTicket')}
              </Button>
            )}
            {open && (
              <Button variant="default" color="red" loading={close.isPending} onClick={() => close.mutate()}>
                {t('chat.close')}
              </Button>
            )}
          </Group>
        )}
      </Group>
      <Stack gap="xs" data-testid="chat-messages" aria-live="polite">
        {messages.map((m) =>
          m.author === 'system' ? (
            <Text key={m.id} size="sm" c="dimmed" ta="center" fs="italic">
              {m.body === 'The conversation was closed.' ? t('chat.wasClosed') : m.body}
            </Text>
          ) : (
            <Card
              key={m.id}
              withBorder
              padding="xs"
              data-author={m.author}
              bg={m.author === 'agent' ? 'var(--mantine-color-blue-light)' : undefined}
              ml={m.author === 'agent' ? 'xl' : 0}
              mr={m.author === 'visitor' ? 'xl' : 0}
            >
              <Group justify="space-between" gap="xs">
                <Text size="xs" fw={600}>
                  {m.author === 'agent' && m.authorMemberId ? nameOf(m.authorMemberId) : (c.visitorName ?? t('chat.visitor'))}
                </Text>
                <Text size="xs" c="dimmed">
                  {formatDateTime(m.createdAt)}
                </Text>
              </Group>
              <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
                {m.body}
              </Text>
            </Card>
          ),
        )}
        <div ref={end} />
      </Stack>
      {mayWrite && open && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (body.trim()) send.mutate();
          }}
        >
          <Stack gap="xs">
            <Textarea
              label={t('chat.reply')}
              value={body}
              maxLength={CHAT_MESSAGE_MAX}
              autosize
              minRows={2}
              onChange={(e) => setBody(e.currentTarget.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' && !e.shiftKey) {
                  e.preventDefault();
                  if (body.trim()) send.mutate();
                }
              }}
            />
            <Group justify="flex-end">
              <Button type="submit" loading={send.isPending} disabled={!body.trim()}>
                {t('chat.send')}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Stack>
  );
}
