import { Alert, Button, Group, List, Loader, Modal, Stack, Text } from '@mantine/core';
import { IconArrowBackUp } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api.ts';
import { type Import, previewUndo, type UndoPreview, undoImport } from './importApi.ts';

/** The words for each record type an undo counts. */
const countKeys = {
  contact: 'contacts',
  company: 'companies',
  lead: 'leads',
  deal: 'deals',
  task: 'tasks',
  activity: 'activities',
  custom_record: 'records',
} as const;

/** "812 contacts and 3 companies", leaving out what is zero. */
function useCounted() {
  const { t } = useTranslation();
  return (c: Partial<Record<keyof typeof countKeys, number>>) =>
    (Object.keys(countKeys) as (keyof typeof countKeys)[])
      .map((k) => (c[k] ? t(`imports.undo.${countKeys[k]}`, { count: c[k] }) : null))
      .filter(Boolean)
      .join(t('imports.undo.and'));
}

/** What an undo will do, in words, from its preview. */
function PlanText({ plan }: { plan: UndoPreview }) {
  const { t } = useTranslation();
  const counted = useCounted();
  const trash = counted(plan.willTrash);
  const restore = counted(plan.willRestore);
  return (
    <Stack gap="xs" data-testid="undo-plan">
      {trash && <Text size="sm">{t('imports.undo.willTrash', { what: trash })}</Text>}
      {restore && <Text size="sm">{t('imports.undo.willRestore', { what: restore })}</Text>}
      {!trash && !restore && <Text size="sm">{t('imports.undo.nothing')}</Text>}
      {plan.skippedCount > 0 && <Text size="sm">{t('imports.undo.willSkip', { count: plan.skippedCount })}</Text>}
    </Stack>
  );
}

/**
 * Undo of a finished import, on its page: a summary of what will happen first (from the server's
 * preview), then the undo job's progress and what it did, fields it left alone included.
 */
export function UndoImport({ imp }: { imp: Import }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const counted = useCounted();
  const [open, setOpen] = useState(false);
  const plan = useQuery({ queryKey: ['import-undo', imp.id], queryFn: () => previewUndo(imp.id), enabled: open });
  const undo = useMutation({
    mutationFn: () => undoImport(imp.id),
    onSuccess: (data) => {
      qc.setQueryData(['import', imp.id], data);
      setOpen(false);
    },
  });
  const u = imp.undo;
  if (u && (u.status === 'queued' || u.status === 'running'))
    return (
      <Group gap="xs" aria-live="polite">
        <Loader size="sm" />
        <Text>{t('imports.undo.running')}</Text>
      </Group>
    );
  if (u?.status === 'completed') {
    const trashed = counted(u.trashed);
    const restored = counted(u.restored);
    return (
      <Alert color="blue" title={t('imports.undo.done')} styles={{ title: { color: 'var(--mantine-color-text)' } }} data-testid="undo-done">
        <Stack gap={4}>
          {trashed && <Text size="sm">{t('imports.undo.trashed', { what: trashed })}</Text>}
          {restored && <Text size="sm">{t('imports.undo.restored', { what: restored })}</Text>}
          {u.skippedCount > 0 && (
            <>
              <Text size="sm">{t('imports.undo.skipped', { count: u.skippedCount })}</Text>
              <List size="sm">
                {u.skipped.slice(0, 10).map((s) => (
                  <List.Item key={`${s.recordId}:${s.field}`}>{s.field ? `${s.field}: ${s.reason}` : s.reason}</List.Item>
                ))}
              </List>
            </>
          )}
        </Stack>
      </Alert>
    );
  }
  const error = undo.error instanceof ApiError ? undo.error.message : null;
  return (
    <Stack gap="xs">
      {u?.status === 'failed' && (
        <Alert color="red" title={t('imports.undo.failed')} styles={{ title: { color: 'var(--mantine-color-text)' } }}>
          {u.failure}
        </Alert>
      )}
      <Group>
        <Button variant="default" color="red" leftSection={<IconArrowBackUp size={16} />} onClick={() => setOpen(true)}>
          {t('imports.undo.button')}
        </Button>
      </Group>
      <Modal
        opened={open}
        onClose={() => setOpen(false)}
        title={t('imports.undo.title')}
        closeButtonProps={{ 'aria-label': t('app.close') }}
      >
        {plan.data ? (
          <Stack>
            <PlanText plan={plan.data} />
            {!plan.data.possible && <Alert color="yellow">{plan.data.reason}</Alert>}
            {error && <Alert color="red">{error}</Alert>}
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setOpen(false)}>
                {t('record.cancel')}
              </Button>
              {/* red.8: white on the default red is below 4.5:1 (axe: color-contrast). */}
              <Button color="red.8" onClick={() => undo.mutate()} loading={undo.isPending} disabled={!plan.data.possible} data-autofocus>
                {t('imports.undo.confirm')}
              </Button>
            </Group>
          </Stack>
        ) : plan.error ? (
          <Alert color="red">{plan.error.message}</Alert>
        ) : (
          <Loader size="sm" />
        )}
      </Modal>
    </Stack>
  );
}
