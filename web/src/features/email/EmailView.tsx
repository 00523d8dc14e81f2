import { Alert, Anchor, Box, Button, Group, Stack, Switch, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type GetResult, unwrap } from '../../api.ts';
import { relativeTime } from '../../format.ts';
import { formatBytes } from '../../ui/files.ts';
import { LoadingRows } from '../../ui/States.tsx';

export type EmailMessage = GetResult<'/api/v1/emails/{id}'>;

/** Remote images, parked by the server in data-remote-src (server/modules/email/sanitize.ts). */
const REMOTE_IMAGE = /<img\s[^>]*data-remote-src=/i;

/**
 * The HTML of an email inside a sandboxed frame: no scripts (no allow-scripts), no same origin (it
 * cannot reach the app's cookies or API), forms and top navigation off; links may open a new tab.
 * The server sanitised it when it arrived and serves it as a document of its own with its own CSP
 * (server/modules/email/frame.ts), the second wall: nothing loads, and remote images (https) only
 * once the reader asks for them.
 */
function HtmlBody({ id, html, title }: { id: string; html: string; title: string }) {
  const { t } = useTranslation();
  const [images, setImages] = useState(false);
  const blocked = !images && REMOTE_IMAGE.test(html);
  return (
    <>
      {blocked && (
        <Alert color="gray" p="xs" data-testid="email-images-blocked">
          <Group gap="xs" justify="space-between">
            <Text size="xs">{t('email.imagesBlocked')}</Text>
            <Button size="compact-xs" variant="default" onClick={() => setImages(true)}>
              {t('email.showImages')}
            </Button>
          </Group>
        </Alert>
      )}
      <iframe
        title={title}
        data-testid="email-html"
        sandbox="allow-popups allow-popups-to-escape-sandbox"
        src={`/api/v1/emails/${id}/frame${images ? '?images=true' : ''}`}
        style={{
          width: '100%',
          minHeight: 160,
          border: '1px solid var(--mantine-color-default-border)',
          borderRadius: 4,
          background: '#fff',
        }}
      />
    </>
  );
}

/** What the recipients of a tracked email did: opens (a hint: clients and scanners load images too) and the links followed. */
function TrackingSummary({ tracking }: { tracking: NonNullable<EmailMessage['tracking']> }) {
  const { t } = useTranslation();
  return (
    <Stack gap={0} data-testid="email-tracking">
      <Text size="xs" c={tracking.opens ? undefined : 'dimmed'}>
        {tracking.opens && tracking.lastOpenedAt
          ? t('email.opened', { count: tracking.opens, when: relativeTime(tracking.lastOpenedAt) })
          : t('email.notOpened')}
      </Text>
      {tracking.clicks.map((c) => (
        <Text size="xs" key={c.url} style={{ overflowWrap: 'anywhere' }}>
          {t('email.clicked', { url: c.url, count: c.count })}
        </Text>
      ))}
    </Stack>
  );
}

const people = (list: { address: string; name: string }[]) => list.map((a) => (a.name ? `${a.name} <${a.address}>` : a.address)).join(', ');

/** An email of the timeline, opened: who, to whom, and its body (HTML in the sandbox, else the text). */
export function EmailView({
  activityId,
  onReply,
  onForward,
}: {
  activityId: string;
  onReply: (e: EmailMessage) => void;
  onForward?: (e: EmailMessage) => void;
}) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const share = useMutation({
    mutationFn: async ({ threadId, shared }: { threadId: string; shared: boolean }) =>
      unwrap(await api.PATCH('/api/v1/email-threads/{id}', { params: { path: { id: threadId } }, body: { shared } })),
    // The activities of the thread gain or lose their subject and text.
    onSuccess: () => Promise.all([qc.invalidateQueries({ queryKey: ['emails'] }), qc.invalidateQueries({ queryKey: ['activities'] })]),
  });
  const email = useQuery({
    queryKey: ['emails', 'activity', activityId],
    queryFn: async () => unwrap(await api.GET('/api/v1/activities/{activityId}/email', { params: { path: { activityId } } })),
  });
  if (email.isPending) return <LoadingRows rows={2} />;
  if (email.isError)
    return (
      <Alert color="gray" mt="xs">
        {email.error.message}
      </Alert>
    );
  const e = email.data;
  return (
    <Stack gap={4} mt="xs" data-testid="email-view">
      <Text size="xs">
        <Text span fw={600}>
          {t('email.from')}:
        </Text>{' '}
        {e.from ? people([e.from]) : '—'}
      </Text>
      <Text size="xs">
        <Text span fw={600}>
          {t('email.to')}:
        </Text>{' '}
        {people(e.to)}
      </Text>
      {e.cc.length > 0 && (
        <Text size="xs">
          <Text span fw={600}>
            {t('email.cc')}:
          </Text>{' '}
          {people(e.cc)}
        </Text>
      )}
      {e.yours && e.threadId && (
        <Switch
          size="xs"
          data-testid="email-shared"
          label={t('email.sharedSwitch')}
          description={t('email.sharedHint')}
          checked={e.shared}
          disabled={share.isPending}
          onChange={(ev) => share.mutate({ threadId: e.threadId as string, shared: ev.currentTarget.checked })}
        />
      )}
      {share.error && (
        <Alert color="red" role="alert" p="xs">
          {share.error.message}
        </Alert>
      )}
      {e.tracking && <TrackingSummary tracking={e.tracking} />}
      {e.private && (
        <Alert color="gray" p="xs" data-testid="email-private">
          {t('email.privateNote')}
        </Alert>
      )}
      {e.attachments.length > 0 && (
        <Stack gap={2} data-testid="email-attachments">
          <Text size="xs" fw={600}>
            {t('email.attachments', { count: e.attachments.length })}
          </Text>
          {e.attachments.map((a, i) => (
            <Text size="xs" key={a.id ?? `missing-${i}`}>
              {a.id ? (
                // A file to save, never opened in the app's own origin (the server sends it as an attachment).
                <Anchor href={`/api/v1/emails/${e.id}/attachments/${a.id}`} download={a.filename ?? undefined}>
                  {a.filename ?? a.contentType}
                </Anchor>
              ) : (
                (a.filename ?? a.contentType)
              )}{' '}
              <Text span size="xs" c="dimmed">
                ({formatBytes(a.size)})
              </Text>
              {a.note && (
                <Text span size="xs" c="red.8">
                  {' '}
                  — {a.note}
                </Text>
              )}
            </Text>
          ))}
        </Stack>
      )}
      {e.private ? null : e.html ? (
        <HtmlBody id={e.id} html={e.html} title={e.subject || t('email.body')} />
      ) : (
        <Box component="pre" data-testid="email-text" style={{ whiteSpace: 'pre-wrap', font: 'inherit', fontSize: 14, margin: 0 }}>
          {e.text}
        </Box>
      )}
      {!e.private && (
        <Group>
          <Button size="compact-xs" variant="light" onClick={() => onReply(e)}>
            {t('email.reply')}
          </Button>
          {onForward && (
            <Button size="compact-xs" variant="light" onClick={() => onForward(e)}>
              {t('email.forward')}
            </Button>
          )}
        </Group>
      )}
    </Stack>
  );
}
