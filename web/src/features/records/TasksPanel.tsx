import { Button, Checkbox, Group, Select, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { reminderChoices } from '../../../../contract/tasks.ts';
import { ApiError, api, fullRows, type Task, unwrap } from '../../api.ts';
import { formatDateTime } from '../../format.ts';
import { linkSegment, linkTypeOf, type ObjectType } from '../../records.ts';
import { useMe } from '../../session.ts';
import { Empty, LoadingRows } from '../../ui/States.tsx';
import { useSubmitOnce } from '../../ui/useSubmitOnce.ts';
import { LinkedRecords, LinksToggle } from './LinkedRecords.tsx';

export function TasksPanel({ type, id }: { type: Exclude<ObjectType, 'task'>; id: string }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const me = useMe();
  const tasks = useQuery({
    queryKey: ['tasks', 'record', type, id],
    queryFn: async () =>
      fullRows<Task>(
        unwrap(await api.GET(`/api/v1/${linkSegment(type)}/{id}/tasks` as '/api/v1/contacts/{id}/tasks', { params: { path: { id } } })),
      ),
  });
  const [title, setTitle] = useState('');
  const [due, setDue] = useState('');
  /** Minutes before the due time, as text for the Select; '' for none. */
  const [remind, setRemind] = useState('');
  const reminderOptions = [
    { value: '', label: t('record.reminderNone') },
    ...reminderChoices.map((m) => ({ value: String(m), label: m === 0 ? t('record.reminderAt') : t(`record.reminderBefore_${m}`) })),
  ];
  const add = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST('/api/v1/tasks', {
          body: {
            title,
            dueAt: due ? new Date(due).toISOString() : null,
            reminderMinutes: due && remind !== '' ? Number(remind) : null,
            assigneeId: me.member.id,
            links: [{ recordType: linkTypeOf(type), recordId: id }],
          },
        }),
      ),
    onSuccess: () => {
      setTitle('');
      setDue('');
      setRemind('');
      void qc.invalidateQueries({ queryKey: ['tasks'] });
    },
  });
  const toggle = useMutation({
    mutationFn: async (task: Task) =>
      unwrap(
        await api.PATCH('/api/v1/tasks/{id}', { params: { path: { id: task.id } }, body: { done: !task.done, version: task.version } }),
      ),
    onSettled: () => qc.invalidateQueries({ queryKey: ['tasks'] }),
  });
  const submit = useSubmitOnce(add);
  const err = add.error instanceof ApiError ? add.error : null;
  return (
    <Stack>
      <form onSubmit={submit} noValidate>
        <Group gap="xs" align="flex-start" wrap="wrap">
          <TextInput
            size="sm"
            aria-label={t('record.taskTitle')}
            placeholder={t('record.taskTitle')}
            value={title}
            onChange={(e) => setTitle(e.currentTarget.value)}
            error={err?.fieldMessage('title')}
            style={{ flex: 1, minWidth: 180 }}
          />
          <TextInput
            size="sm"
            aria-label={t('fields.dueAt')}
            type="datetime-local"
            value={due}
            onChange={(e) => setDue(e.currentTarget.value)}
            error={err?.fieldMessage('dueAt')}
          />
          <Select
            size="sm"
            aria-label={t('record.reminder')}
            data={reminderOptions}
            value={remind}
            onChange={(v) => setRemind(v ?? '')}
            disabled={!due}
            allowDeselect={false}
            error={err?.fieldMessage('reminderMinutes')}
            w={190}
          />
          <Button type="submit" size="sm" disabled={!title} loading={add.isPending}>
            {t('record.addTask')}
          </Button>
        </Group>
      </form>
      {tasks.isPending ? (
        <LoadingRows />
      ) : !tasks.data?.length ? (
        <Empty>{t('record.noTasks')}</Empty>
      ) : (
        tasks.data.map((task) => (
          <div key={task.id}>
            <Group justify="space-between" wrap="nowrap">
              <Checkbox
                label={task.title}
                checked={task.done}
                onChange={() => toggle.mutate(task)}
                styles={{ label: { textDecoration: task.done ? 'line-through' : undefined } }}
              />
              <Stack gap={0} align="flex-end">
                <Text size="xs" c="dimmed">
                  {formatDateTime(task.dueAt)}
                </Text>
                {task.remindAt && !task.done && (
                  <Text size="xs" c="dimmed">
                    {t('record.remindAt', { date: formatDateTime(task.remindAt) })}
                  </Text>
                )}
              </Stack>
            </Group>
            <TaskLinks task={task} />
          </div>
        ))
      )}
    </Stack>
  );
}

/** The records a task concerns, shown on request, linked and unlinked in place. */
function TaskLinks({ task }: { task: Task }) {
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const relink = useMutation({
    mutationFn: async (links: Task['links']) =>
      unwrap(await api.PATCH('/api/v1/tasks/{id}', { params: { path: { id: task.id } }, body: { links, version: task.version } })),
    onSettled: () => qc.invalidateQueries({ queryKey: ['tasks'] }),
  });
  const err = relink.error instanceof ApiError ? (relink.error.errors[0]?.message ?? relink.error.message) : relink.error?.message;
  return (
    <>
      <LinksToggle count={task.links.length} open={open} onToggle={() => setOpen(!open)} />
      {open && <LinkedRecords links={task.links} onChange={relink.mutateAsync} pending={relink.isPending} error={err} />}
    </>
  );
}
