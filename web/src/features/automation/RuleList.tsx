import { ActionIcon, Button, Group, Stack, Table, Text, Tooltip } from '@mantine/core';
import { IconPlayerPause, IconPlayerPlay, IconTrash } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { RuleDefinition } from '../../../../contract/automation.ts';
import { api, unwrap } from '../../api.ts';
import { formatDateTime } from '../../format.ts';
import { Link, navigate } from '../../router.tsx';
import { ConfirmModal } from '../../ui/ConfirmModal.tsx';
import { Empty, ErrorState, LoadingRows } from '../../ui/States.tsx';
import { FollowUpTemplate } from './FollowUpTemplate.tsx';
import { useRuleLabels } from './labels.ts';
import { RuleStateBadge, RunStatusBadge } from './RunStatusBadge.tsx';
import { triggerSummary } from './triggerSummary.ts';
import { automationKeys, type RuleSummary, useRules } from './useAutomation.ts';

// The rules of the workspace: whether each is active, when it runs in words, how its runs went;
// admins pause, resume and delete them here.

export function RuleList({ admin }: { admin: boolean }) {
  const labels = useRuleLabels();
  const { t } = labels;
  const qc = useQueryClient();
  const rules = useRules();
  const [deleting, setDeleting] = useState<RuleSummary | null>(null);
  const [followUp, setFollowUp] = useState(false);
  const toggle = useMutation({
    mutationFn: async (r: RuleSummary) => {
      const path = r.enabled ? '/api/v1/automation/rules/{id}/disable' : '/api/v1/automation/rules/{id}/enable';
      return unwrap(await api.POST(path, { params: { path: { id: r.id } } }));
    },
    onSettled: () => void qc.invalidateQueries({ queryKey: automationKeys.all }),
  });
  const remove = useMutation({
    mutationFn: async (r: RuleSummary) => unwrap(await api.DELETE('/api/v1/automation/rules/{id}', { params: { path: { id: r.id } } })),
    onSuccess: () => setDeleting(null),
    onSettled: () => void qc.invalidateQueries({ queryKey: automationKeys.all }),
  });
  if (rules.error) return <ErrorState error={rules.error} onRetry={() => rules.refetch()} />;
  if (!rules.data) return <LoadingRows />;
  return (
    <Stack gap="sm">
      {admin && (
        <Group gap="xs">
          <Button onClick={() => navigate('/automation/rules/new')}>{t('automation.newRule')}</Button>
          <Button variant="default" onClick={() => setFollowUp(true)}>
            {t('automation.followUpOpen')}
          </Button>
          <FollowUpTemplate opened={followUp} onClose={() => setFollowUp(false)} />
        </Group>
      )}
      {toggle.error && (
        <Text c="red.8" size="sm" role="alert">
          {toggle.error.message}
        </Text>
      )}
      {rules.data.length === 0 ? (
        <Empty>{t('automation.noRules')}</Empty>
      ) : (
        <Table.ScrollContainer minWidth={720}>
          <Table striped aria-label={t('automation.rules')} verticalSpacing="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('automation.name')}</Table.Th>
                <Table.Th>{t('automation.ruleStatus')}</Table.Th>
                <Table.Th>{t('automation.when')}</Table.Th>
                <Table.Th>{t('automation.lastRun')}</Table.Th>
                <Table.Th>{t('automation.runCount')}</Table.Th>
                {admin && <Table.Th>{t('automation.actionsColumn')}</Table.Th>}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rules.data.map((r) => (
                <Table.Tr key={r.id}>
                  <Table.Td>
                    <Link to={`/automation/rules/${r.id}`}>{r.name}</Link>
                  </Table.Td>
                  <Table.Td>
                    <RuleStateBadge enabled={r.enabled} />
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{triggerSummary((r.definition as RuleDefinition).trigger, labels)}</Text>
                  </Table.Td>
                  <Table.Td>
                    {r.runs.lastAt ? (
                      <Group gap={6} wrap="nowrap">
                        <Text size="sm">{formatDateTime(r.runs.lastAt)}</Text>
                        {r.runs.lastStatus && <RunStatusBadge status={r.runs.lastStatus} />}
                      </Group>
                    ) : (
                      <Text size="sm" c="dimmed">
                        {t('automation.never')}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Link to={`/automation/rules/${r.id}?tab=runs`}>
                      {t('automation.runCounts', { total: r.runs.total, failed: r.runs.failed })}
                    </Link>
                  </Table.Td>
                  {admin && (
                    <Table.Td>
                      <Group gap={4} wrap="nowrap">
                        <Tooltip label={r.enabled ? t('automation.pause') : t('automation.resume')}>
                          <ActionIcon
                            variant="subtle"
                            color="gray"
                            onClick={() => toggle.mutate(r)}
                            aria-label={`${r.enabled ? t('automation.pause') : t('automation.resume')}: ${r.name}`}
                          >
                            {r.enabled ? <IconPlayerPause size={16} /> : <IconPlayerPlay size={16} />}
                          </ActionIcon>
                        </Tooltip>
                        <Tooltip label={t('automation.delete')}>
                          <ActionIcon
                            variant="subtle"
                            color="red.8"
                            onClick={() => setDeleting(r)}
                            aria-label={`${t('automation.delete')}: ${r.name}`}
                          >
                            <IconTrash size={16} />
                          </ActionIcon>
                        </Tooltip>
                      </Group>
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <ConfirmModal
        opened={!!deleting}
        title={t('automation.deleteTitle')}
        text={t('automation.deleteText', { name: deleting?.name ?? '' })}
        confirmLabel={t('automation.delete')}
        loading={remove.isPending}
        onConfirm={() => deleting && remove.mutate(deleting)}
        onClose={() => setDeleting(null)}
      />
    </Stack>
  );
}
