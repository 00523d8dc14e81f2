import { Button, Group, Modal, Select, Stack, Textarea, useComputedColorScheme } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api.ts';
import { patchRecord, type Row } from '../../records.ts';
import { usePipelines } from '../../ui/usePipelines.ts';

/** Won / lost buttons: move the deal to its pipeline's won or lost stage, with a reason; a closed deal can be reopened. */
export function DealOutcome({ deal }: { deal: Row }) {
  const { t } = useTranslation();
  // Outline text must reach 4.5:1 on either background: dark shades on white, light ones on dark grey.
  const dark = useComputedColorScheme('light') === 'dark';
  const qc = useQueryClient();
  const { pipelines } = usePipelines();
  const [status, setStatus] = useState<'won' | 'lost' | null>(null);
  const [reason, setReason] = useState('');
  const pipeline = pipelines.find((p) => p.id === deal.pipelineId);
  const close = useMutation({
    mutationFn: async (kind: 'won' | 'lost') => {
      const stage = pipeline?.stages.find((s) => s.kind === kind);
      if (!stage) throw new Error(t(`record.noStage.${kind}`));
      return patchRecord('deal', deal.id, deal.version, { stageId: stage.id, closeReason: reason || null });
    },
    onSuccess: () => {
      setStatus(null);
      setReason('');
      void qc.invalidateQueries({ queryKey: ['deals'] });
    },
    onError: (e) =>
      notifications.show({ color: 'red', message: e instanceof ApiError && e.status === 409 ? t('list.conflict') : e.message }),
  });
  if (deal.status !== 'open') return <Reopen deal={deal} />;
  return (
    <>
      <Button size="xs" color={dark ? 'teal.4' : 'teal.9'} variant="outline" onClick={() => setStatus('won')}>
        {t('record.markWon')}
      </Button>
      <Button size="xs" color={dark ? 'red.4' : 'red.9'} variant="outline" onClick={() => setStatus('lost')}>
        {t('record.markLost')}
      </Button>
      <Modal
        opened={!!status}
        onClose={() => setStatus(null)}
        title={t('board.reasonTitle', { status: status ? t(`record.${status}`) : '' })}
      >
        <Stack>
          <Textarea
            label={t('record.reason')}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            autosize
            minRows={2}
            data-autofocus
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setStatus(null)}>
              {t('record.cancel')}
            </Button>
            <Button color={status === 'won' ? 'green' : 'red'} loading={close.isPending} onClick={() => status && close.mutate(status)}>
              {status ? t(`record.${status}`) : ''}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}

/**
 * Reopens a won or lost deal: it moves to an open stage of its pipeline (the first unless the person
 * picks another), and the server clears the reason it was closed for, keeping it in the history.
 */
function Reopen({ deal }: { deal: Row }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const { pipelines } = usePipelines();
  const [open, setOpen] = useState(false);
  const openStages = pipelines.find((p) => p.id === deal.pipelineId)?.stages.filter((s) => s.kind === 'open') ?? [];
  const [stageId, setStageId] = useState<string | null>(null);
  const chosen = stageId ?? openStages[0]?.id ?? null;
  const reopen = useMutation({
    mutationFn: () => patchRecord('deal', deal.id, deal.version, { stageId: chosen }),
    onSuccess: () => {
      setOpen(false);
      void qc.invalidateQueries({ queryKey: ['deals'] });
    },
    onError: (e) =>
      notifications.show({ color: 'red', message: e instanceof ApiError && e.status === 409 ? t('list.conflict') : e.message }),
  });
  return (
    <>
      <Button size="xs" variant="light" onClick={() => setOpen(true)} disabled={!openStages.length}>
        {t('record.reopen')}
      </Button>
      <Modal opened={open} onClose={() => setOpen(false)} title={t('record.reopenTitle')}>
        <Stack>
          <Select
            label={t('fields.stage')}
            data={openStages.map((s) => ({ value: s.id, label: s.name }))}
            value={chosen}
            onChange={setStageId}
            allowDeselect={false}
            data-autofocus
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setOpen(false)}>
              {t('record.cancel')}
            </Button>
            <Button loading={reopen.isPending} disabled={!chosen} onClick={() => reopen.mutate()}>
              {t('record.reopen')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
