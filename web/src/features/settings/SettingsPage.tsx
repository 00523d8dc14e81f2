import { Button, Card, PasswordInput, Select, Stack, Tabs, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { getCountries } from 'libphonenumber-js/min';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, unwrap } from '../../api.ts';
import { localeName, supportedLocales } from '../../i18n.ts';
import { navigate, useLocation } from '../../router.tsx';
import { applySession, sessionKey, useMe } from '../../session.ts';
import { MailboxSettings } from '../email/MailboxSettings.tsx';
import { SignatureSettings } from '../email/SignatureSettings.tsx';
import { TemplateSettings } from '../email/TemplateSettings.tsx';
import { TrackingSetting } from '../email/TrackingSetting.tsx';
import { UndoWindowSetting } from '../email/UndoWindowSetting.tsx';
import RoutingSettings from '../tickets/RoutingSettings.tsx';
import SlaSettings from '../tickets/SlaSettings.tsx';
import { SupportAddresses } from '../tickets/SupportAddresses.tsx';
import { ApiKeySettings } from './ApiKeySettings.tsx';
import { AuditSettings } from './AuditSettings.tsx';
import { CalendarFeedSettings } from './CalendarFeedSettings.tsx';
import { FieldSettings } from './FieldSettings.tsx';
import { JobSettings } from './JobSettings.tsx';
import { MacroSettings } from './MacroSettings.tsx';
import { NoticeSender } from './NoticeSender.tsx';
import { NotificationPreferences } from './NotificationPreferences.tsx';
import { ObjectSettings } from './ObjectSettings.tsx';
import { PipelineSettings } from './PipelineSettings.tsx';
import { PortalSettings } from './PortalSettings.tsx';
import { RoleSettings } from './RoleSettings.tsx';
import { SessionSettings } from './SessionSettings.tsx';
import { SsoSettings } from './SsoSettings.tsx';
import { InvitationSettings, MemberSettings } from './TeamSettings.tsx';
import { TeamTreeSettings } from './TeamTreeSettings.tsx';
import { TwoFactorRequirement, TwoFactorSettings } from './TwoFactorSettings.tsx';
import { WebhookSettings } from './WebhookSettings.tsx';

/** Every country with a phone numbering plan, named in the user's language, alphabetically. */
function useCountryOptions() {
  const { i18n } = useTranslation();
  return useMemo(() => {
    const names = new Intl.DisplayNames([i18n.language], { type: 'region' });
    return getCountries()
      .map((c) => ({ value: c, label: names.of(c) ?? c }))
      .sort((a, b) => a.label.localeCompare(b.label, i18n.language));
  }, [i18n.language]);
}

function WorkspaceSettings() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const ws = useQuery({ queryKey: ['workspace'], queryFn: async () => unwrap(await api.GET('/api/v1/workspace')) });
  const [name, setName] = useState<string | null>(null);
  const [currency, setCurrency] = useState<string | null>(null);
  // undefined: unchanged; null: no country (every number needs its country code).
  const [country, setCountry] = useState<string | null | undefined>(undefined);
  const countries = useCountryOptions();
  const save = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.PATCH('/api/v1/workspace', {
          body: { name: name ?? undefined, currency: currency ?? undefined, country, version: ws.data?.version },
        }),
      ),
    onSuccess: async () => {
      notifications.show({ color: 'green', message: t('list.saved') });
      void qc.invalidateQueries({ queryKey: ['workspace'] });
      // Phones are formatted for the workspace's country, so the session's copy of it must be fresh.
      await qc.invalidateQueries({ queryKey: sessionKey });
      const s = qc.getQueryData(sessionKey);
      if (s) applySession(s as never);
    },
  });
  const err = save.error instanceof ApiError ? save.error : null;
  if (!ws.data) return null;
  return (
    <Card withBorder maw={480}>
      <Stack>
        <TextInput
          label={t('settings.workspaceName')}
          value={name ?? ws.data.name}
          onChange={(e) => setName(e.currentTarget.value)}
          error={err?.fieldMessage('name')}
        />
        <TextInput
          label={t('settings.currency')}
          value={currency ?? ws.data.currency}
          onChange={(e) => setCurrency(e.currentTarget.value.toUpperCase())}
          maxLength={3}
          error={err?.fieldMessage('currency')}
        />
        <Select
          label={t('settings.country')}
          description={t('settings.countryHint')}
          data={countries}
          searchable
          clearable
          value={country === undefined ? ws.data.country : country}
          onChange={(v) => setCountry(v)}
          error={err?.fieldMessage('country')}
        />
        {err && !err.errors.length && <div role="alert">{err.message}</div>}
        <Button onClick={() => save.mutate()} loading={save.isPending} w="fit-content">
          {t('record.save')}
        </Button>
      </Stack>
    </Card>
  );
}

function ProfileSettings() {
  const { t } = useTranslation();
  const me = useMe();
  const qc = useQueryClient();
  const [name, setName] = useState(me.member.name);
  const [locale, setLocale] = useState(me.member.locale);
  const [timeZone, setTimeZone] = useState(me.member.timeZone);
  const zones = (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? [
    me.member.timeZone,
    'UTC',
  ];
  const save = useMutation({
    mutationFn: async () => unwrap(await api.PATCH('/api/v1/me', { body: { name, locale, timeZone } })),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: sessionKey });
      const s = qc.getQueryData(sessionKey);
      if (s) applySession(s as never);
      notifications.show({ color: 'green', message: t('list.saved') });
    },
  });
  const err = save.error instanceof ApiError ? save.error : null;
  return (
    <Card withBorder maw={480}>
      <Stack>
        <TextInput label={t('auth.name')} value={name} onChange={(e) => setName(e.currentTarget.value)} error={err?.fieldMessage('name')} />
        <Select
          label={t('settings.locale')}
          data={supportedLocales.map((l) => ({ value: l, label: localeName(l) }))}
          value={locale}
          onChange={(v) => v && setLocale(v)}
          error={err?.fieldMessage('locale')}
        />
        <Select
          label={t('settings.timeZone')}
          searchable
          data={[...new Set([me.member.timeZone, ...zones])]}
          value={timeZone}
          onChange={(v) => v && setTimeZone(v)}
          error={err?.fieldMessage('timeZone')}
        />
        <Button onClick={() => save.mutate()} loading={save.isPending} w="fit-content">
          {t('record.save')}
        </Button>
      </Stack>
    </Card>
  );
}

/** My password: the current one is asked for; my other sessions end when it changes. */
function PasswordSettings() {
  const { t } = useTranslation();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const change = useMutation({
    mutationFn: async () => unwrap(await api.POST('/api/v1/me/password', { body: { currentPassword: current, newPassword: next } })),
    onSuccess: () => {
      setCurrent('');
      setNext('');
      notifications.show({ color: 'green', message: t('settings.passwordChanged') });
    },
  });
  const err = change.error instanceof ApiError ? change.error : null;
  return (
    <Card withBorder maw={480}>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          if (!change.isPending) change.mutate();
        }}
      >
        <Stack>
          <Title order={2} size="h5">
            {t('settings.changePassword')}
          </Title>
          <PasswordInput
            label={t('settings.currentPassword')}
            autoComplete="current-password"
            value={current}
            onChange={(e) => setCurrent(e.currentTarget.value)}
            error={err?.fieldMessage('currentPassword')}
          />
          <PasswordInput
            label={t('settings.newPassword')}
            autoComplete="new-password"
            value={next}
            onChange={(e) => setNext(e.currentTarget.value)}
            error={err?.fieldMessage('newPassword')}
          />
          {err && !err.errors.length && <div role="alert">{err.message}</div>}
          <Button type="submit" loading={change.isPending} disabled={!current || !next} w="fit-content">
            {t('settings.changePassword')}
          </Button>
        </Stack>
      </form>
    </Card>
  );
}

const tabs = [
  'workspace',
  'members',
  'teams',
  'routing',
  'sla',
  'portal',
  'accessRoles',
  'invitations',
  'pipelines',
  'objects',
  'fields',
  'apiKeys',
  'webhooks',
  'jobs',
  'audit',
  'mailboxes',
  'templates',
  'macros',
  'profile',
] as const;
/** What a member or a read-only member may change here: their own profile; the rest is for admins (the server refuses it too). */
const everyoneTabs = ['mailboxes', 'templates', 'macros', 'profile'];

export default function SettingsPage() {
  const { t } = useTranslation();
  const { query } = useLocation();
  const me = useMe();
  const isAdmin = me.member.role === 'owner' || me.member.role === 'admin';
  const shown = tabs.filter((k) => isAdmin || everyoneTabs.includes(k));
  const asked = query.get('tab') ?? '';
  // A member's own page opens on their profile; an admin's on the workspace.
  const tab = (shown as readonly string[]).includes(asked) ? asked : isAdmin ? shown[0] : 'profile';
  return (
    <Stack>
      <Title order={1} size="h2">
        {t('settings.title')}
      </Title>
      <Tabs value={tab} onChange={(v) => navigate(`/settings?tab=${v}`, { replace: true })} keepMounted={false}>
        <Tabs.List style={{ flexWrap: 'wrap' }}>
          {shown.map((k) => (
            <Tabs.Tab key={k} value={k}>
              {t(`settings.${k}`)}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        <Tabs.Panel value="workspace" pt="md">
          <Stack>
            <WorkspaceSettings />
            <TwoFactorRequirement />
            <SsoSettings />
          </Stack>
        </Tabs.Panel>
        <Tabs.Panel value="members" pt="md">
          <MemberSettings />
        </Tabs.Panel>
        <Tabs.Panel value="teams" pt="md">
          <TeamTreeSettings />
        </Tabs.Panel>
        <Tabs.Panel value="routing" pt="md">
          <RoutingSettings />
        </Tabs.Panel>
        <Tabs.Panel value="sla" pt="md">
          <SlaSettings />
        </Tabs.Panel>
        <Tabs.Panel value="portal" pt="md">
          <PortalSettings />
        </Tabs.Panel>
        <Tabs.Panel value="accessRoles" pt="md">
          <RoleSettings />
        </Tabs.Panel>
        <Tabs.Panel value="invitations" pt="md">
          <InvitationSettings />
        </Tabs.Panel>
        <Tabs.Panel value="pipelines" pt="md">
          <PipelineSettings />
        </Tabs.Panel>
        <Tabs.Panel value="objects" pt="md">
          <ObjectSettings />
        </Tabs.Panel>
        <Tabs.Panel value="fields" pt="md">
          <FieldSettings />
        </Tabs.Panel>
        <Tabs.Panel value="apiKeys" pt="md">
          <ApiKeySettings />
        </Tabs.Panel>
        <Tabs.Panel value="webhooks" pt="md">
          <WebhookSettings />
        </Tabs.Panel>
        <Tabs.Panel value="jobs" pt="md">
          <JobSettings />
        </Tabs.Panel>
        <Tabs.Panel value="audit" pt="md">
          <AuditSettings />
        </Tabs.Panel>
        <Tabs.Panel value="mailboxes" pt="md">
          <Stack>
            <MailboxSettings />
            {isAdmin && <NoticeSender />}
            {isAdmin && <SupportAddresses />}
          </Stack>
        </Tabs.Panel>
        <Tabs.Panel value="templates" pt="md">
          <Stack gap="xl">
            <TemplateSettings />
            <SignatureSettings />
            {isAdmin && <UndoWindowSetting />}
            {isAdmin && <TrackingSetting />}
          </Stack>
        </Tabs.Panel>
        <Tabs.Panel value="macros" pt="md">
          <MacroSettings />
        </Tabs.Panel>
        <Tabs.Panel value="profile" pt="md">
          <Stack>
            <ProfileSettings />
            <NotificationPreferences />
            <CalendarFeedSettings />
            <PasswordSettings />
            <TwoFactorSettings />
            <SessionSettings />
          </Stack>
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
