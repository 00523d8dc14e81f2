import { Alert, Badge, Button, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { RuleDefinition } from '../../../../contract/automation.ts';
import { api, unwrap } from '../../api.ts';
import { Link } from '../../router.tsx';
import { RecordPicker } from '../lists/RecordPicker.tsx';
import { automationKeys, type Rule } from './useAutomation.ts';

// Trying a rule on a record: a dry run says what each step would do without doing it (of the rule
// as it stands in the editor, saved or not); "Run now" starts a real run of a saved manual rule.

/** Objects whose records the record picker can find by name. */
const pickable = (object: string | null) => !!object && object !== 'task' && object !== 'activity';

const outcomeColor: Record<string, string> = {
  would_run: 'teal',
  branch: 'indigo',
  would_wait: 'yellow',
  would_fail: 'red',
  stopped: 'gray',
};

export function DryRunPanel({ rule, object, definition }: { rule: Rule | null; object: string | null; definition: () => RuleDefinition }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [recordId, setRecordId] = useState<string | null>(null);
  const dry = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST('/api/v1/automation/dry-run', { body: { definition: definition(), recordId: recordId ?? undefined } as never }),
      ),
  });
  const run = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST('/api/v1/automation/rules/{id}/run', {
          params: { path: { id: rule?.id as string } },
          body: { recordIds: recordId ? [recordId] : [] },
        }),
      ).runs,
    onSuccess: () => void qc.invalidateQueries({ queryKey: automationKeys.all }),
  });
  const manual = rule?.definition.trigger.type === 'manual';
  const needsRecord = pickable(object);
  return (
    <Paper withBorder p="md" radius="md" maw={880} component="section" aria-label={t('automation.tryIt')}>
      <Stack gap="sm">
        <Title order={2} size="h4">
          {t('automation.tryIt')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('automation.tryItHelp')}
        </Text>
        <Group align="flex-end" gap="sm" wrap="wrap">
          {needsRecord && (
            <div style={{ minWidth: 240 }}>
              <Text component="span" size="sm" fw={500} display="block" mb={4}>
                {t('automation.record')}
              </Text>
              <RecordPicker
                target={object as string}
                label={t('automation.record')}
                value={recordId}
                onChange={setRecordId}
                placeholder={t('automation.pickRecord')}
              />
            </div>
          )}
          <Button variant="light" onClick={() => dry.mutate()} loading={dry.isPending} disabled={needsRecord && !recordId}>
            {t('automation.dryRun')}
          </Button>
          {manual && (
            <Button variant="default" onClick={() => run.mutate()} loading={run.isPending} disabled={needsRecord && !recordId}>
              {t('automation.runNow')}
            </Button>
          )}
        </Group>
        {dry.error && (
          <Alert color="red" role="alert">
            {dry.error.message}
          </Alert>
        )}
        {run.error && (
          <Alert color="red" role="alert">
            {run.error.message}
          </Alert>
        )}
        {run.data && (
          <Alert color="teal" role="status">
            {t('automation.runStarted')}{' '}
            {run.data.map((r) => (
              <Link key={r.id} to={`/automation/runs/${r.id}`}>
                {t('automation.openRun')}
              </Link>
            ))}
          </Alert>
        )}
        {dry.data && (
          <Stack gap="xs" aria-label={t('automation.dryRunResult')} role="region">
            <Alert
              color={dry.data.matched ? 'teal' : 'gray'}
              role="status"
              title={dry.data.matched ? t('automation.wouldRun') : t('automation.wouldNotRun')}
            >
              <Text size="sm">{dry.data.conditions}</Text>
            </Alert>
            {dry.data.steps.length > 0 && (
              <Table.ScrollContainer minWidth={420}>
                <Table>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>{t('automation.step')}</Table.Th>
                      <Table.Th>{t('automation.outcome')}</Table.Th>
                      <Table.Th>{t('automation.whatItDoes')}</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {dry.data.steps.map((s) => (
                      <Table.Tr key={s.path}>
                        <Table.Td>{s.label ?? t(`automation.action.${s.action}`, { defaultValue: s.action ?? s.type })}</Table.Td>
                        <Table.Td>
                          <Badge variant="light" color={outcomeColor[s.outcome] ?? 'gray'}>
                            {t(`automation.dryOutcome.${s.outcome}`)}
                          </Badge>
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm">{s.description}</Text>
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            )}
          </Stack>
        )}
      </Stack>
    </Paper>
  );
}
