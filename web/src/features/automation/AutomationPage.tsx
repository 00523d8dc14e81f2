import { Stack, Tabs, Text, Title } from '@mantine/core';
import { lazy } from 'react';
import { useTranslation } from 'react-i18next';
import { match, navigate, useLocation } from '../../router.tsx';
import { useMe } from '../../session.ts';
import { AutomationSettings } from './AutomationSettings.tsx';
import { RuleList } from './RuleList.tsx';
import { RunLog } from './RunLog.tsx';

// Automation: /automation (rules, and the run log of all of them), /automation/rules/new and
// /automation/rules/:id (the step editor), /automation/runs/:id (one run's log). Every member
// reads rules and runs; admins write them, as the server's permissions say.

const RuleEditorPage = lazy(() => import('./RuleEditor.tsx'));
const RunDetailPage = lazy(() => import('./RunDetailPage.tsx'));

export default function AutomationPage() {
  const { t } = useTranslation();
  const { path, query } = useLocation();
  const me = useMe();
  const admin = me.member.role === 'owner' || me.member.role === 'admin';
  if (path === '/automation/rules/new') return <RuleEditorPage id={null} />;
  const rule = match('/automation/rules/:id', path);
  if (rule) return <RuleEditorPage id={rule.id} />;
  const run = match('/automation/runs/:id', path);
  if (run) return <RunDetailPage key={run.id} id={run.id} />;
  const asked = query.get('tab');
  const tab = asked === 'runs' ? 'runs' : asked === 'settings' && admin ? 'settings' : 'rules';
  return (
    <Stack>
      <Title order={1} size="h2">
        {t('automation.title')}
      </Title>
      <Text size="sm" c="dimmed">
        {admin ? t('automation.intro') : t('automation.introReadOnly')}
      </Text>
      <Tabs
        value={tab}
        onChange={(v) => navigate(v === 'rules' ? '/automation' : `/automation?tab=${v}`, { replace: true })}
        keepMounted={false}
      >
        <Tabs.List>
          <Tabs.Tab value="rules">{t('automation.rules')}</Tabs.Tab>
          <Tabs.Tab value="runs">{t('automation.runLog')}</Tabs.Tab>
          {admin && <Tabs.Tab value="settings">{t('automation.settings.tab')}</Tabs.Tab>}
        </Tabs.List>
        <Tabs.Panel value="rules" pt="md">
          <RuleList admin={admin} />
        </Tabs.Panel>
        <Tabs.Panel value="runs" pt="md">
          <RunLog />
        </Tabs.Panel>
        {admin && (
          <Tabs.Panel value="settings" pt="md">
            <AutomationSettings />
          </Tabs.Panel>
        )}
      </Tabs>
    </Stack>
  );
}
