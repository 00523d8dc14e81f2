import {
  ActionIcon,
  Box,
  Button,
  Group,
  Indicator,
  Popover,
  ScrollArea,
  Stack,
  Text,
  Tooltip,
  UnstyledButton,
  VisuallyHidden,
} from '@mantine/core';
import { IconBell } from '@tabler/icons-react';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type GetResult, unwrap } from '../api.ts';
import { relativeTime } from '../format.ts';
import { segmentOf } from '../records.ts';
import { navigate } from '../router.tsx';
import { useMembers } from './useMembers.ts';

type Notification = GetResult<'/api/v1/notifications'>['data'][number];

// The notification centre: a bell in the header with the unread count, and the member's notices
// newest first. Both queries start with 'notifications', so a notification pushed over the live
// stream (to this member alone) marks them stale and they are read again.

const PAGE = 20;
export const unreadKey = ['notifications', 'unread-count'];
const listKey = ['notifications', 'list'];

/** Where a notice leads: the record it is about (a built-in object, or a custom object by its key). */
export function notificationHref(n: Pick<Notification, 'recordType' | 'recordId'>) {
  if (!n.recordType || !n.recordId) return null;
  const builtIn = (segmentOf as Record<string, string>)[n.recordType];
  if (builtIn) return `/${builtIn}/${n.recordId}`;
  if (n.recordType === 'custom_record') return null;
  return `/o/${n.recordType}/${n.recordId}`;
}

export function NotificationBell() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [opened, setOpened] = useState(false);
  const { nameOf } = useMembers();
  const count = useQuery({
    queryKey: unreadKey,
    queryFn: async () => unwrap(await api.GET('/api/v1/notifications/unread-count')).count,
  });
  const list = useInfiniteQuery({
    queryKey: listKey,
    enabled: opened,
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) =>
      unwrap(await api.GET('/api/v1/notifications', { params: { query: { limit: PAGE, ...(pageParam ? { cursor: pageParam } : {}) } } })),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const refresh = () => qc.invalidateQueries({ queryKey: ['notifications'] });
  const markRead = useMutation({
    mutationFn: async (id: string) => unwrap(await api.POST('/api/v1/notifications/{id}/read', { params: { path: { id } } })),
    onSettled: refresh,
  });
  const markAll = useMutation({
    mutationFn: async () => unwrap(await api.POST('/api/v1/notifications/read-all')),
    onSettled: refresh,
  });

  const unread = count.data ?? 0;
  const items = list.data?.pages.flatMap((p) => p.data) ?? [];
  const label = unread ? t('notifications.bellUnread', { count: unread }) : t('notifications.bell');

  const open = (n: Notification) => {
    if (!n.readAt) markRead.mutate(n.id);
    const href = notificationHref(n);
    setOpened(false);
    if (href) navigate(href);
  };

  // A digest carries its counts as data, said here in the member's language.
  const digestText = (body: string | null) => {
    try {
      const d = JSON.parse(body ?? '{}') as { overdue?: number; dueToday?: number; unreadMentions?: number };
      return t('notifications.digest', { overdue: d.overdue ?? 0, dueToday: d.dueToday ?? 0, unreadMentions: d.unreadMentions ?? 0 });
    } catch {
      return '';
    }
  };

  const heading = (n: Notification) => {
    switch (n.kind) {
      case 'task_reminder':
        return t('notifications.kinds.task_reminder');
      case 'mention':
        return t('notifications.mentionedBy', { name: nameOf(n.actorId) || t('notifications.someone') });
      case 'assignment':
        return t('notifications.kinds.assignment');
      case 'digest':
        return t('notifications.kinds.digest');
      default:
        return null;
    }
  };

  return (
    <>
      {/* Announced when the count changes, without moving focus. */}
      <VisuallyHidden role="status" aria-live="polite" data-testid="unread-announcer">
        {count.isSuccess ? t('notifications.unreadCount', { count: unread }) : ''}
      </VisuallyHidden>
      <Popover opened={opened} onChange={setOpened} position="bottom-end" width={380} shadow="md" withinPortal trapFocus returnFocus>
        <Popover.Target>
          <Tooltip label={t('notifications.bell')} disabled={opened}>
            <Indicator
              label={unread > 99 ? '99+' : unread}
              size={18}
              offset={4}
              color="red"
              disabled={!unread}
              data-testid="notification-badge"
            >
              <ActionIcon variant="default" size="lg" aria-label={label} aria-expanded={opened} onClick={() => setOpened((o) => !o)}>
                <IconBell size={18} />
              </ActionIcon>
            </Indicator>
          </Tooltip>
        </Popover.Target>
        <Popover.Dropdown p={0} role="dialog" aria-label={t('notifications.title')} maw="calc(100vw - 16px)">
          <Group
            justify="space-between"
            px="md"
            py="xs"
            wrap="nowrap"
            style={{ borderBottom: '1px solid var(--mantine-color-default-border)' }}
          >
            <Text fw={600} component="h2" size="md" m={0}>
              {t('notifications.title')}
            </Text>
            <Button variant="subtle" size="compact-sm" onClick={() => markAll.mutate()}>
              {t('notifications.markAllRead')}
            </Button>
          </Group>
          <ScrollArea.Autosize mah="min(480px, 70vh)" type="auto">
            {list.isPending ? (
              <Text p="md" c="dimmed" size="sm">
                {t('app.loading')}
              </Text>
            ) : list.isError ? (
              <Text p="md" c="red" size="sm">
                {t('app.error')}
              </Text>
            ) : !items.length ? (
              <Text p="md" c="dimmed" size="sm">
                {t('notifications.empty')}
              </Text>
            ) : (
              <Stack gap={0} component="ul" m={0} p={0} style={{ listStyle: 'none' }} aria-label={t('notifications.title')}>
                {items.map((n) => {
                  const head = heading(n);
                  return (
                    <Box component="li" key={n.id} style={{ borderBottom: '1px solid var(--mantine-color-default-border)' }}>
                      <UnstyledButton
                        w="100%"
                        px="md"
                        py="sm"
                        onClick={() => open(n)}
                        data-unread={!n.readAt || undefined}
                        className="rp-notification"
                      >
                        <Group gap="sm" align="flex-start" wrap="nowrap">
                          <Box
                            mt={6}
                            w={8}
                            h={8}
                            style={{ borderRadius: 4, flex: 'none', background: n.readAt ? 'transparent' : 'var(--mantine-color-blue-6)' }}
                            aria-hidden
                          />
                          <Box style={{ minWidth: 0, flex: 1 }}>
                            {!n.readAt && <VisuallyHidden>{t('notifications.unread')}: </VisuallyHidden>}
                            {head && (
                              <Text size="sm" fw={n.readAt ? 500 : 700}>
                                {head}
                              </Text>
                            )}
                            <Text size="sm" fw={head || n.readAt ? 400 : 700} lineClamp={2}>
                              {n.kind === 'digest' ? digestText(n.body) : n.title}
                            </Text>
                            {n.body && n.kind !== 'task_reminder' && n.kind !== 'digest' && (
                              <Text size="xs" c="dimmed" lineClamp={2}>
                                {n.body}
                              </Text>
                            )}
                            <Text size="xs" c="dimmed" component="time" dateTime={n.createdAt}>
                              {relativeTime(n.createdAt)}
                            </Text>
                          </Box>
                        </Group>
                      </UnstyledButton>
                    </Box>
                  );
                })}
              </Stack>
            )}
            {list.hasNextPage && (
              <Group justify="center" p="xs">
                <Button variant="subtle" size="compact-sm" loading={list.isFetchingNextPage} onClick={() => list.fetchNextPage()}>
                  {t('notifications.loadMore')}
                </Button>
              </Group>
            )}
          </ScrollArea.Autosize>
        </Popover.Dropdown>
      </Popover>
    </>
  );
}
