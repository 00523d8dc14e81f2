import { Alert, Button, Card, FileInput, Group, SegmentedControl, Stack, Text, Textarea } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, unwrap } from '../../api.ts';
import { formatDateTime } from '../../format.ts';
import { MAX_ATTACHMENT_BYTES, toBase64 } from '../../ui/files.ts';
import { ErrorState, LoadingRows } from '../../ui/States.tsx';
import { useMembers } from '../../ui/useMembers.ts';
import type { ComposerRequest } from './desk.ts';
import { SplitMessage } from './SplitMessage.tsx';
import { TicketFiles } from './TicketFiles.tsx';
import { messagesQuery, ticketKeys } from './tickets.ts';

/**
 * A ticket's replies and internal notes, oldest first, and the composer under them. The composer
 * remembers the newest message when the agent starts writing: a public reply that came in since
 * makes the server refuse the send (409 newer_reply), and the agent confirms after reading it.
 */
export function Conversation({
  ticketId,
  mayWrite,
  request,
  onComposing,
}: {
  ticketId: string;
  mayWrite: boolean;
  request?: ComposerRequest;
  onComposing?: (writing: boolean) => void;
}) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const { nameOf } = useMembers();
  const messages = useQuery(messagesQuery(ticketId));
  const [kind, setKind] = useState<'reply' | 'note'>('reply');
  const [body, setBody] = useState('');
  // undefined: not writing yet; null: began when the ticket had no messages.
  const [lastSeen, setLastSeen] = useState<string | null | undefined>(undefined);
  const [newer, setNewer] = useState<string | null>(null);
  const [files, setFiles] = useState<File[]>([]);
  // The server's refusal of the files (over the cap): shown at the file input until the files change.
  const [filesError, setFilesError] = useState<string | null>(null);
  const tooLarge = files.reduce((n, f) => n + f.size, 0) > MAX_ATTACHMENT_BYTES;
  const input = useRef<HTMLTextAreaElement>(null);
  // Read through a ref in the request effect below, which must run once per request, not per refetch.
  const newestId = useRef<string | null>(null);
  newestId.current = messages.data?.at(-1)?.id ?? null;
  const newest = () => newestId.current;
  const edit = (text: string) => {
    if (lastSeen === undefined && text.trim()) setLastSeen(newest());
    setBody(text);
  };
  const writing = body.trim().length > 0;
  useEffect(() => onComposing?.(writing), [writing, onComposing]);
  // A request from outside (a shortcut, "insert link") is a new object each time: acted on once.
  useEffect(() => {
    if (!request) return;
    if (request.kind) setKind(request.kind);
    const text = request.insert;
    if (text) {
      setLastSeen((seen) => (seen === undefined ? newestId.current : seen));
      setBody((b) => (b.trim() ? `${b.trimEnd()}\n${text}` : text));
    }
    input.current?.focus();
  }, [request]);
  const send = useMutation({
    mutationFn: async (confirmed: boolean) =>
      unwrap(
        await api.POST('/api/v1/tickets/{id}/messages', {
          params: { path: { id: ticketId } },
          body: {
            kind,
            body,
            ...(kind === 'reply' ? { lastSeenMessageId: lastSeen === undefined ? newest() : lastSeen, confirmed } : {}),
            ...(files.length
              ? {
                  attachments: await Promise.all(
                    files.map(async (f) => ({
                      filename: f.name,
                      contentType: f.type || 'application/octet-stream',
                      content: await toBase64(f),
                    })),
                  ),
                }
              : {}),
          },
        }),
      ),
    onSuccess: async () => {
      setBody('');
      setFiles([]);
      setFilesError(null);
      setLastSeen(undefined);
      setNewer(null);
      await qc.invalidateQueries({ queryKey: ticketKeys.all });
    },
    onError: async (e) => {
      if (e instanceof ApiError && e.status === 409 && e.code === 'newer_reply') {
        setNewer(e.message);
        await qc.invalidateQueries({ queryKey: ticketKeys.messages(ticketId) });
        return;
      }
      // Nothing was sent: the text and the files stay, and the file input says what to change.
      if (e instanceof ApiError && e.fieldMessage('attachments')) {
        setFilesError(e.fieldMessage('attachments') ?? null);
        return;
      }
      notifications.show({ color: 'red', message: e instanceof ApiError ? e.message : String(e) });
    },
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
                <Group gap="xs">
                  <Text size="xs" c="dimmed">
                    {formatDateTime(m.createdAt)}
                  </Text>
                  {mayWrite && <SplitMessage ticketId={ticketId} messageId={m.id} />}
                </Group>
              </Group>
              <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                {m.body}
              </Text>
              <TicketFiles ticketId={ticketId} files={m.attachments} />
            </Card>
          ))}
        </Stack>
      )}
      {mayWrite && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            send.mutate(false);
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
              onChange={(e) => edit(e.currentTarget.value)}
              ref={input}
              autosize
              minRows={3}
              maxLength={20_000}
            />
            <FileInput
              label={t('tickets.attach')}
              description={t('tickets.attachHint')}
              multiple
              clearable
              clearButtonProps={{ 'aria-label': t('email.removeFiles') }}
              value={files}
              onChange={(f) => {
                setFiles(f);
                setFilesError(null);
              }}
              error={tooLarge ? t('email.attachTooLarge', { limit: '10 MB' }) : filesError}
            />
            {newer && (
              <Alert color="orange" title={t('desk.newerReplyTitle')} data-testid="newer-reply">
                <Stack gap="xs">
                  <Text size="sm">{newer}</Text>
                  <Group>
                    <Button size="xs" color="orange" onClick={() => send.mutate(true)} loading={send.isPending}>
                      {t('desk.sendAnyway')}
                    </Button>
                    <Button size="xs" variant="default" onClick={() => setNewer(null)}>
                      {t('desk.keepEditing')}
                    </Button>
                  </Group>
                </Stack>
              </Alert>
            )}
            <Group justify="flex-end">
              <Button type="submit" loading={send.isPending} disabled={!body.trim() || tooLarge}>
                {kind === 'note' ? t('tickets.addNote') : t('tickets.sendReply')}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Stack>
  );
}
