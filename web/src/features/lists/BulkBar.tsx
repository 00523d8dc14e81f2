import { Button, Group, Modal, Paper, Select, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { bulkFieldsOf, bulkUpdate, deleteRecord, type ObjectType, patchRecord, type Row, recordKeys } from '../../records.ts';
import { useMembers } from '../../ui/useMembers.ts';
import { RunRuleSelect } from '../automation/RunRuleSelect.tsx';
import { AddToListSelect } from '../static-lists/AddToListSelect.tsx';
import { type Column, cellEditable, optionData } from './columns.ts';

/** Bulk actions on the selected rows: edit one field, assign an owner, add to a list, run a rule, move to the trash. */
export function BulkBar({
  type,
  ids,
  rows,
  columns,
  onDone,
}: {
  type: ObjectType;
  ids: string[];
  rows: Row[];
  columns: Column[];
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const { members } = useMembers();
  const [field, setField] = useState<string | null>(null);
  const [value, setValue] = useState('');
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const editable = columns.filter((c) => cellEditable(c) && c.toPatch);
  const ownerKey = type === 'task' ? 'assigneeId' : 'ownerId';

  const run = async (change: (r: Row) => Promise<unknown>) => {
    setBusy(true);
    const chosen = rows.filter((r) => ids.includes(r.id));
    const results = await Promise.allSettled(chosen.map(change));
    const failed = results.filter((r) => r.status === 'rejected').length;
    setBusy(false);
    void qc.invalidateQueries({ queryKey: recordKeys.all(type) });
    notifications.show({
      color: failed ? 'orange' : 'green',
      message: failed ? `${chosen.length - failed}/${chosen.length}` : t('list.saved'),
    });
    onDone();
  };
  // Owners, stages and statuses go to the server in one request; other fields are patched record by record.
  const runBulk = async (set: Record<string, unknown>) => {
    setBusy(true);
    try {
      await bulkUpdate(type, ids, set);
      notifications.show({ color: 'green', message: t('list.saved') });
    } catch (e) {
      notifications.show({ color: 'red', message: (e as Error).message });
    }
    setBusy(false);
    void qc.invalidateQueries({ queryKey: recordKeys.all(type) });
    onDone();
  };
  const col = editable.find((c) => c.key === field);
  const apply = () => {
    if (!col) return;
    const change = col.toPatch?.(value) ?? {};
    if (bulkFieldsOf(type).includes(col.key)) void runBulk(change);
    else void run((r) => patchRecord(type, r.id, r.version, col.toPatch?.(value, r) ?? change));
  };

  return (
    <Paper withBorder p="xs">
      <Group gap="xs" wrap="wrap">
        <Text size="sm" fw={600}>
          {t('list.selected', { count: ids.length })}
        </Text>
        <Select
          size="xs"
          aria-label={t('list.editField')}
          placeholder={t('list.editField')}
          data={editable
            .filter((c) => c.edit !== 'member')
            .map((c) => ({ value: c.key, label: c.label.startsWith('fields.') ? t(c.label) : c.label }))}
          value={field}
          onChange={setField}
          w={160}
        />
        {col &&
          (col.edit === 'enum' ? (
            <Select
              size="xs"
              aria-label={t('list.value')}
              data={optionData(col, t, true)}
              value={value || null}
              onChange={(v) => setValue(v ?? '')}
              w={150}
            />
          ) : (
            <TextInput size="xs" aria-label={t('list.value')} value={value} onChange={(e) => setValue(e.currentTarget.value)} w={150} />
          ))}
        {col && (
          <Button size="xs" loading={busy} onClick={apply}>
            {t('list.apply')}
          </Button>
        )}
        <Select
          size="xs"
          aria-label={t('list.assignOwner')}
          placeholder={t('list.assignOwner')}
          data={members.map((m) => ({ value: m.id, label: m.name }))}
          onChange={(v) => v && runBulk({ [ownerKey]: v })}
          w={170}
        />
        <AddToListSelect type={type} ids={ids} onDone={onDone} />
        <RunRuleSelect type={type} ids={ids} onDone={onDone} />
        <Button size="xs" color="red" variant="light" loading={busy} onClick={() => setConfirming(true)}>
          {t('list.delete')}
        </Button>
      </Group>
      <Modal opened={confirming} onClose={() => setConfirming(false)} title={t('list.delete')}>
        <Text size="sm">{t('list.deleteConfirm', { count: ids.length })}</Text>
        <Group justify="flex-end" mt="md">
          <Button variant="default" onClick={() => setConfirming(false)}>
            {t('record.cancel')}
          </Button>
          <Button
            color="red"
            onClick={() => {
              setConfirming(false);
              void run((r) => deleteRecord(type, r.id));
            }}
          >
            {t('list.delete')}
          </Button>
        </Group>
      </Modal>
    </Paper>
  );
}
