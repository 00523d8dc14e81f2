import { Button, Card, CopyButton, Group, Stack, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api.ts';
import { formatDateTime } from '../../format.ts';

const key = ['calendar', 'feed'];

/**
 * "My profile": my private .ics feed address. The server keeps only a hash of its token, so the
 * address is shown once, when it is made; a new one replaces the old, and revoking ends it.
 */
export function CalendarFeedSettings() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const feed = useQuery({ queryKey: key, queryFn: async () => unwrap(await api.GET('/api/v1/calendar/feed')) });
  const [url, setUrl] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: async () => unwrap(await api.POST('/api/v1/calendar/feed')),
    onSuccess: (made) => {
      setUrl(made.url);
      qc.setQueryData(key, { active: made.active, createdAt: made.createdAt });
      notifications.show({ color: 'green', message: t('calendar.feed.created') });
    },
  });
  const revoke = useMutation({
    mutationFn: async () => unwrap(await api.DELETE('/api/v1/calendar/feed')),
    onSuccess: (next) => {
      setUrl(null);
      qc.setQueryData(key, next);
      notifications.show({ color: 'green', message: t('calendar.feed.revoked') });
    },
  });
  const active = feed.data?.active ?? false;
  return (
    <Card withBorder maw={640}>
      <Stack gap="sm">
        <Title order={3} size="h4">
          {t('calendar.feed.title')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('calendar.feed.intro')}
        </Text>
        {url ? (
          <Group align="end" gap="xs" wrap="nowrap">
            <TextInput label={t('calendar.feed.url')} value={url} readOnly style={{ flex: 1 }} onFocus={(e) => e.currentTarget.select()} />
            <CopyButton value={url}>
              {({ copied, copy }) => (
                <Button variant="default" onClick={copy}>
                  {copied ? t('calendar.feed.copied') : t('calendar.feed.copy')}
                </Button>
              )}
            </CopyButton>
          </Group>
        ) : (
          feed.data && (
            <Text size="sm" data-testid="calendar-feed-state">
              {active ? t('calendar.feed.since', { date: formatDateTime(feed.data.createdAt) }) : t('calendar.feed.none')}
            </Text>
          )
        )}
        <Group gap="xs">
          <Button onClick={() => create.mutate()} loading={create.isPending} disabled={!feed.data}>
            {active ? t('calendar.feed.renew') : t('calendar.feed.create')}
          </Button>
          {active && (
            <Button color="red.9" variant="outline" onClick={() => revoke.mutate()} loading={revoke.isPending}>
              {t('calendar.feed.revoke')}
            </Button>
          )}
        </Group>
      </Stack>
    </Card>
  );
}
