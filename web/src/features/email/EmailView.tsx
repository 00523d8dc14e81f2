import { Alert, Box, Button, Group, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, type GetResult, unwrap } from '../../api.ts';
import { LoadingRows } from '../../ui/States.tsx';

export type EmailMessage = GetResult<'/api/v1/emails/{id}'>;

/**
 * The HTML of an email inside a sandboxed frame: no scripts (no allow-scripts), no same origin (it
 * cannot reach the app's cookies or API), forms and top navigation off; links may open a new tab.
 * The server sanitised it already; the sandbox is the second wall.
 */
function HtmlBody({ html, title }: { html: string; title: string }) {
  const doc = `<!doctype html><html><head><meta charset="utf-8"><base target="_blank"><style>body{font:14px/1.45 system-ui,sans-serif;margin:0;padding:8px 10px;color:#222;overflow-wrap:anywhere}img{max-width:100%}</style></head><body>${html}</body></html>`;
  return (
    <iframe
      title={title}
      data-testid="email-html"
      sandbox="allow-popups allow-popups-to-escape-sandbox"
      srcDoc={doc}
      style={{
        width: '100%',
        minHeight: 160,
        border: '1px solid var(--mantine-color-default-border)',
        borderRadius: 4,
        background: '#fff',
      }}
    />
  );
}

const people = (list: { address: string; name: string }[]) => list.map((a) => (a.name ? `${a.name} <${a.address}>` : a.address)).join(', ');

/** An email of the timeline, opened: who, to whom, and its body (HTML in the sandbox, else the text). */
export function EmailView({ activityId, onReply }: { activityId: string; onReply: (e: EmailMessage) => void }) {
  const { t } = useTranslation();
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
      {e.attachments.length > 0 && (
        <Text size="xs" c="dimmed">
          {t('email.attachments', { count: e.attachments.length })}: {e.attachments.map((a) => a.filename ?? a.contentType).join(', ')}
        </Text>
      )}
      {e.html ? (
        <HtmlBody html={e.html} title={e.subject || t('email.body')} />
      ) : (
        <Box component="pre" data-testid="email-text" style={{ whiteSpace: 'pre-wrap', font: 'inherit', fontSize: 14, margin: 0 }}>
          {e.text}
        </Box>
      )}
      <Group>
        <Button size="compact-xs" variant="light" onClick={() => onReply(e)}>
          {t('email.reply')}
        </Button>
      </Group>
    </Stack>
  );
}
