import { Button, Group, Modal, NumberInput, Select, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { followUpObjects } from '../../../../contract/automation.ts';
import { ApiError, api, unwrap } from '../../api.ts';
import { navigate } from '../../router.tsx';
import { useRuleLabels } from './labels.ts';
import { automationKeys } from './useAutomation.ts';

// The ready-made rule "follow up if no activity in N days", added in one step: the server builds a
// normal rule from it (a date trigger on the last activity, a task for the owner), which then opens
// in the editor like any other.

export function FollowUpTemplate({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t, objectLabel } = useRuleLabels();
  const qc = useQueryClient();
  const [object, setObject] = useState<(typeof followUpObjects)[number]>('deal');
  const [days, setDays] = useState<number | string>(14);
  const [taskTitle, setTaskTitle] = useState('');
  // The task's title in the admin's language, with the record's name filled in by the rule (a placeholder, not i18n).
  const defaultTitle = `${t('automation.followUpTaskPrefix')} {{record.name}}`;
  const create = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST('/api/v1/automation/templates/{key}', {
          params: { path: { key: 'follow_up_no_activity' } },
          body: { object, days: Number(days), taskTitle: taskTitle.trim() || defaultTitle },
        }),
      ) as { id: string },
    onSuccess: (rule) => {
      void qc.invalidateQueries({ queryKey: automationKeys.all });
      onClose();
      navigate(`/automation/rules/${rule.id}`);
    },
  });
  const err = create.error instanceof ApiError ? create.error : null;
  return (
    <Modal opened={opened} onClose={onClose} title={t('automation.followUpTitle')} closeButtonProps={{ 'aria-label': t('app.close') }}>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          if (!create.isPending) create.mutate();
        }}
      >
        <Stack>
          <Text size="sm">{t('automation.followUpHint')}</Text>
          <Select
            label={t('automation.followUpObject')}
            data={followUpObjects.map((o) => ({ value: o, label: objectLabel(o) }))}
            value={object}
            onChange={(v) => v && setObject(v as typeof object)}
            allowDeselect={false}
            comboboxProps={{ withinPortal: true }}
            error={err?.fieldMessage('object')}
          />
          <NumberInput
            label={t('automation.followUpDays')}
            min={1}
            max={365}
            allowDecimal={false}
            value={days}
            onChange={setDays}
            error={err?.fieldMessage('days')}
          />
          <TextInput
            label={t('automation.followUpTask')}
            placeholder={defaultTitle}
            value={taskTitle}
            onChange={(e) => setTaskTitle(e.currentTarget.value)}
            error={err?.fieldMessage('taskTitle')}
          />
          {err && !err.errors.length && (
            <Text c="red.8" size="sm" role="alert">
              {err.message}
            </Text>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('record.cancel')}
            </Button>
            <Button type="submit" loading={create.isPending} disabled={!days}>
              {t('automation.followUpCreate')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
