import {
  ActionIcon,
  AppShell,
  Avatar,
  Burger,
  Group,
  Menu,
  NavLink,
  Text,
  Tooltip,
  UnstyledButton,
  useComputedColorScheme,
  useMantineColorScheme,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { spotlight } from '@mantine/spotlight';
import {
  IconBolt,
  IconBook,
  IconBox,
  IconBuilding,
  IconCalendar,
  IconChartBar,
  IconChecklist,
  IconCopy,
  IconCurrencyDollar,
  IconHome,
  IconLayoutKanban,
  IconLifebuoy,
  IconListDetails,
  IconLogout,
  IconMessages,
  IconMoon,
  IconSearch,
  IconSettings,
  IconSun,
  IconTargetArrow,
  IconTrash,
  IconUser,
  IconUsers,
} from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { api, setCsrfToken } from '../api.ts';
import { useLiveUpdates } from '../live.ts';
import { navigate } from '../router.tsx';
import { sessionKey, useMe } from '../session.ts';
import { CommandPalette } from './CommandPalette.tsx';
import { NotificationBell } from './NotificationBell.tsx';
import { useObjectTypes } from './useObjects.ts';

const nav = [
  { to: '/', key: 'nav.home', icon: IconHome },
  { to: '/contacts', key: 'nav.contacts', icon: IconUsers },
  { to: '/companies', key: 'nav.companies', icon: IconBuilding },
  { to: '/leads', key: 'nav.leads', icon: IconTargetArrow },
  { to: '/deals', key: 'nav.deals', icon: IconCurrencyDollar },
  { to: '/deals/board', key: 'nav.board', icon: IconLayoutKanban },
  { to: '/tasks', key: 'nav.tasks', icon: IconChecklist },
  { to: '/tickets', key: 'nav.tickets', icon: IconLifebuoy },
  { to: '/chat', key: 'nav.chat', icon: IconMessages },
  { to: '/calendar', key: 'nav.calendar', icon: IconCalendar },
  { to: '/lists', key: 'nav.lists', icon: IconListDetails },
  { to: '/knowledge', key: 'nav.knowledge', icon: IconBook },
  { to: '/reports', key: 'nav.reports', icon: IconChartBar },
  { to: '/automation', key: 'nav.automation', icon: IconBolt },
  { to: '/duplicates', key: 'nav.duplicates', icon: IconCopy },
  { to: '/trash', key: 'nav.trash', icon: IconTrash },
  { to: '/settings', key: 'nav.settings', icon: IconSettings },
] as const;

function isActive(to: string, path: string) {
  if (to === '/') return path === '/';
  if (to === '/deals') return path === '/deals' || (path.startsWith('/deals/') && path !== '/deals/board');
  return path === to || path.startsWith(`${to}/`);
}

export function Shell({ path, children }: { path: string; children: ReactNode }) {
  const { t } = useTranslation();
  const [opened, { toggle, close }] = useDisclosure();
  const me = useMe();
  const qc = useQueryClient();
  const { setColorScheme } = useMantineColorScheme();
  const scheme = useComputedColorScheme('light');
  const objects = useObjectTypes();
  useLiveUpdates(!!me);

  const signOut = async () => {
    await api.POST('/api/v1/auth/logout');
    setCsrfToken(null);
    qc.clear();
    qc.setQueryData(sessionKey, null);
    navigate('/signin', { replace: true });
  };
  const go = (to: string) => {
    navigate(to);
    close();
  };

  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={t('nav.menu')} />
            <Text fw={700} size="lg">
              {t('app.name')}
            </Text>
            <Text c="dimmed" size="sm" visibleFrom="sm" truncate maw={200}>
              {me.workspace.name}
            </Text>
          </Group>
          <Group gap="xs" wrap="nowrap">
            <Tooltip label={`${t('nav.search')} (Ctrl+K)`}>
              <ActionIcon variant="default" size="lg" onClick={() => spotlight.open()} aria-label={t('nav.search')}>
                <IconSearch size={18} />
              </ActionIcon>
            </Tooltip>
            <NotificationBell />
            <Tooltip label={t('nav.darkMode')}>
              <ActionIcon
                variant="default"
                size="lg"
                onClick={() => setColorScheme(scheme === 'light' ? 'dark' : 'light')}
                aria-label={t('nav.darkMode')}
              >
                {scheme === 'light' ? <IconMoon size={18} /> : <IconSun size={18} />}
              </ActionIcon>
            </Tooltip>
            <Menu position="bottom-end" withinPortal>
              <Menu.Target>
                <UnstyledButton aria-label={t('nav.userMenu')}>
                  <Avatar color="indigo" radius="xl" size="md">
                    <IconUser size={18} />
                  </Avatar>
                </UnstyledButton>
              </Menu.Target>
              <Menu.Dropdown>
                <Menu.Label>{me.member.email}</Menu.Label>
                <Menu.Item leftSection={<IconUser size={16} />} onClick={() => navigate('/settings?tab=profile')}>
                  {t('nav.profile')}
                </Menu.Item>
                <Menu.Item leftSection={<IconLogout size={16} />} onClick={signOut}>
                  {t('auth.signOut')}
                </Menu.Item>
              </Menu.Dropdown>
            </Menu>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" component="nav" aria-label={t('nav.main')} className="rp-navbar" data-opened={opened || undefined}>
        {nav.map((n) => (
          <NavLink
            key={n.to}
            href={n.to}
            label={t(n.key)}
            leftSection={<n.icon size={18} stroke={1.6} />}
            active={isActive(n.to, path)}
            onClick={(e) => {
              e.preventDefault();
              go(n.to);
            }}
          />
        ))}
        {/* The workspace's own objects, after the built-in ones. */}
        {(objects.data ?? []).map((o) => (
          <NavLink
            key={o.key}
            href={`/o/${o.key}`}
            label={o.labelPlural}
            leftSection={<IconBox size={18} stroke={1.6} />}
            active={isActive(`/o/${o.key}`, path)}
            onClick={(e) => {
              e.preventDefault();
              go(`/o/${o.key}`);
            }}
          />
        ))}
      </AppShell.Navbar>
      <AppShell.Main>{children}</AppShell.Main>
      <CommandPalette />
    </AppShell>
  );
}
