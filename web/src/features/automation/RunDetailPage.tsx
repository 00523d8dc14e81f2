import { Alert, Anchor, Button, Code, Group, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api.ts';
import { formatDateTime } from '../../format.ts';
import { webPath } from '../../records.ts';
import { Link } from '../../router.tsx';
import { useMe } from '../../session.ts';
import { ErrorState, LoadingRows } from '../../ui/States.tsx';
import { targetType } from '../lists/RecordPicker.tsx';
import { runDuration, triggerWords } from './RunLog.tsx';
import { RunStatusBadge } from './RunStatusBadge.tsx';
import { automationKeys, isUnfinished, useRun } from './useAutomation.ts';

// One run: what started it, each step with its input as run, its outcome, duration and error;
// retry a failed run from the failed step, cancel one not yet finished.

/** A step's place in words: `1.then.0` → "2 › Then › 1" (people count from one). */
const pathWords = (t: TFunction, path: string) =>
  path
    .split('.')
    .map((p) => (/^\d+$/.test(p) ? String(Number(p) + 1) : t(p === 'then' ? 'automation.thenBranch' : 'automation.elseBranch')))
    .join(' › ');

const json = (v: unknown) => (v == null ? '' : JSON.stringify(v, null, 2));

export default function RunDetailPage({ id }: { id: string }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const me = useMe();
  const admin = me.member.role === 'owner' || me.member.role === 'admin';
  const run = useRun(id);
  const act = useMutation({
    mutationFn: async (verb: 'retry' | 'cancel') =>
      verb === 'retry'
        ? unwrap(await api.POST('/api/v1/automation/runs/{id}/retry', { params: { path: { id } } }))
        : unwrap(await api.POST('/api/v1/automation/runs/{id}/cancel', { params: { path: { id } } })),
    onSuccess: (r) => {
      qc.setQueryData(automationKeys.run(id), r);
      void qc.invalidateQueries({ queryKey: automationKeys.all });
    },
  });
  if (run.error) return <ErrorState error={run.error} onRetry={() => run.refetch()} />;
  if (!run.data)
    return (
      <Stack>
        <Title order={1} size="h2">
          {t('automation.run')}
        </Title>
        <LoadingRows rows={5} />
      </Stack>
    );
  const r = run.data;
  const trigger = r.trigger as Record<string, unknown>;
  const recordHref =
    r.recordId && r.objectType && r.objectType !== 'activity' && r.objectType !== 'task'
      ? `${webPath(targetType(r.objectType))}/${r.recordId}`
      : null;
  return (
    <Stack>
      <Anchor component={Link} to={`/automation/rules/${r.ruleId}?tab=runs`} size="sm">
        {t('automation.runsOf', { rule: r.ruleName })}
      </Anchor>
      <Group gap="sm" wrap="wrap">
        <Title order={1} size="h2">
          {t('automation.runOf', { rule: r.ruleName })}
        </Title>
        <RunStatusBadge status={r.status} />
      </Group>
      <Paper withBorder p="md" radius="md">
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs">
          <Fact label={t('automation.triggeredBy')} value={triggerWords(t, r)} />
          <Fact label={t('automation.started')} value={formatDateTime(r.startedAt ?? r.createdAt)} />
          <Fact label={t('automation.duration')} value={runDuration(r) || '—'} />
          <Fact label={t('automation.versionLabel')} value={String(r.ruleVersion)} />
          {recordHref && (
            <Stack gap={0}>
              <Text size="xs" c="dimmed">
                {t('automation.record')}
              </Text>
              <Link to={recordHref}>{t('automation.openRecord')}</Link>
            </Stack>
          )}
          {r.resumeAt && <Fact label={t('automation.resumeAt')} value={formatDateTime(r.resumeAt)} />}
        </SimpleGrid>
        {(r.error || r.reason) && (
          <Alert
            color={r.error ? 'red' : 'gray'}
            mt="sm"
            role={r.error ? 'alert' : undefined}
            title={r.error ? t('automation.error') : undefined}
          >
            {r.error ?? r.reason}
          </Alert>
        )}
        {admin && (
          <Group mt="sm">
            {r.status === 'failed' && (
              <Button onClick={() => act.mutate('retry')} loading={act.isPending && act.variables === 'retry'}>
                {t('automation.retry')}
              </Button>
            )}
            {isUnfinished(r.status) && (
              <Button
                color="red.8"
                variant="light"
                onClick={() => act.mutate('cancel')}
                loading={act.isPending && act.variables === 'cancel'}
              >
                {t('automation.cancelRun')}
              </Button>
            )}
          </Group>
        )}
        {act.error && (
          <Alert color="red" role="alert" mt="sm">
            {act.error.message}
          </Alert>
        )}
      </Paper>
      <Title order={2} size="h4">
        {t('automation.steps')}
      </Title>
      {r.steps.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('automation.noStepsRun')}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={720}>
          <Table aria-label={t('automation.steps')} verticalSpacing="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('automation.step')}</Table.Th>
                <Table.Th>{t('automation.outcome')}</Table.Th>
                <Table.Th>{t('automation.whatHappened')}</Table.Th>
                <Table.Th>{t('automation.input.label')}</Table.Th>
                <Table.Th>{t('automation.duration')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {r.steps.map((s) => (
                <Table.Tr key={s.seq}>
                  <Table.Td>
                    <Text size="sm" fw={500}>
                      {s.label ??
                        (s.action ? t(`automation.action.${s.action}`, { defaultValue: s.action }) : t(`automation.stepType.${s.type}`))}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {t('automation.stepAt', { path: pathWords(t, s.path) })}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <RunStatusBadge status={s.outcome} />
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{s.detail}</Text>
                    {s.error && (
                      <Text size="sm" c="red.8">
                        {s.error}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td maw={320}>
                    {s.input != null && (
                      <Code block tabIndex={0} style={{ maxHeight: 160, overflow: 'auto' }}>
                        {json(s.input)}
                      </Code>
                    )}
                  </Table.Td>
                  <Table.Td>{`${s.durationMs} ms`}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Title order={2} size="h4">
        {t('automation.triggerEvent')}
      </Title>
      <Code block tabIndex={0} aria-label={t('automation.triggerEvent')} style={{ maxHeight: 280, overflow: 'auto' }}>
        {json(trigger)}
      </Code>
      {r.causes.length > 0 && (
        <Text size="sm" c="dimmed">
          {t('automation.causes', { causes: r.causes.join(' → ') })}
        </Text>
      )}
    </Stack>
  );
}

function Fact({ label, value }: { label: string; value: string }) {
  return (
    <Stack gap={0}>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm">{value}</Text>
    </Stack>
  );
}
