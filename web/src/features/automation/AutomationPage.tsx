import { Stack, Tabs, Text, Title } from '@mantine/core';
import { lazy } from 'react';
import { useTranslation } from 'react-i18next';
import { match, navigate, useLocation } from '../../router.tsx';
import { useMe } from '../../session.ts';
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
  const tab = query.get('tab') === 'runs' ? 'runs' : 'rules';
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
        onChange={(v) => navigate(v === 'runs' ? '/automation?tab=runs' : '/automation', { replace: true })}
        keepMounted={false}
      >
        <Tabs.List>
          <Tabs.Tab value="rules">{t('automation.rules')}</Tabs.Tab>
          <Tabs.Tab value="runs">{t('automation.runLog')}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="rules" pt="md">
          <RuleList admin={admin} />
        </Tabs.Panel>
        <Tabs.Panel value="runs" pt="md">
          <RunLog />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
