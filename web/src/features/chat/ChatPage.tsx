import { Badge, Card, Code, Grid, Group, SegmentedControl, Stack, Text, Title, UnstyledButton } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../format.ts';
import { useMe } from '../../session.ts';
import { ErrorState, LoadingRows } from '../../ui/States.tsx';
import { useHelpCentre } from '../knowledge/useKnowledge.ts';
import { ChatThread } from './ChatThread.tsx';
import { conversationsQuery, useChatStream } from './chat.ts';

/** The snippet a customer's website embeds; it needs the workspace's public address (Knowledge base → Help centre). */
function EmbedCode() {
  const { t } = useTranslation();
  const centre = useHelpCentre();
  const slug = centre.data?.slug;
  return (
    <Card withBorder padding="sm">
      <Text size="sm" fw={600}>
        {t('chat.embedTitle')}
      </Text>
      {slug ? (
        <Code
          block
          data-testid="chat-embed"
          style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}
        >{`<script src="${location.origin}/chat/widget.js" data-workspace="${slug}" async></script>`}</Code>
      ) : (
        <Text size="sm" c="dimmed">
          {t('chat.embedNeedsSlug')}
        </Text>
      )}
    </Card>
  );
}

/** Live chat with website visitors: open (or closed) conversations on the left, the one chosen on the right. */
export default function ChatPage() {
  const { t } = useTranslation();
  const me = useMe();
  useChatStream();
  const [status, setStatus] = useState<'open' | 'closed'>('open');
  const [chosen, setChosen] = useState<string | null>(null);
  const list = useQuery(conversationsQuery(status));
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>{t('chat.title')}</Title>
        <Badge color="green" variant="light">
          {t('chat.youAreOnline')}
        </Badge>
      </Group>
      <Grid>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Stack gap="xs">
            <SegmentedControl
              aria-label={t('chat.status')}
              value={status}
              onChange={(v) => setStatus(v as 'open' | 'closed')}
              data={[
                { value: 'open', label: t('chat.open') },
                { value: 'closed', label: t('chat.closed') },
              ]}
            />
            {list.error ? (
              <ErrorState error={list.error} onRetry={() => list.refetch()} />
            ) : list.isPending ? (
              <LoadingRows rows={3} />
            ) : list.data.length === 0 ? (
              <Text c="dimmed" size="sm">
                {status === 'open' ? t('chat.noneOpen') : t('chat.noneClosed')}
              </Text>
            ) : (
              <Stack gap={4} component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }} aria-label={t('chat.conversations')}>
                {list.data.map((c) => (
                  <li key={c.id}>
                    <UnstyledButton
                      onClick={() => setChosen(c.id)}
                      aria-current={chosen === c.id ? 'true' : undefined}
                      w="100%"
                      p="xs"
                      style={{
                        borderRadius: 6,
                        border: '1px solid var(--mantine-color-default-border)',
                        background: chosen === c.id ? 'var(--mantine-color-blue-light)' : undefined,
                      }}
                    >
                      <Group justify="space-between" gap="xs" wrap="nowrap">
                        <Text size="sm" fw={600} truncate>
                          {c.visitorName ?? c.visitorEmail ?? t('chat.visitor')}
                        </Text>
                        {c.lastMessageAt && (
                          <Text size="xs" c="dimmed">
                            {formatDateTime(c.lastMessageAt)}
                          </Text>
                        )}
                      </Group>
                      <Text size="sm" c="dimmed" truncate>
                        {c.lastMessage}
                      </Text>
                    </UnstyledButton>
                  </li>
                ))}
              </Stack>
            )}
            <EmbedCode />
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 8 }}>
          {chosen ? (
            <ChatThread key={chosen} id={chosen} mayWrite={me.member.role !== 'read-only'} />
          ) : (
            <Text c="dimmed">{t('chat.choose')}</Text>
          )}
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
