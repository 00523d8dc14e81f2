import { Button, Group, Modal, Stack, Textarea } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api.ts';
import { patchRecord, type Row } from '../../records.ts';
import { usePipelines } from '../../ui/usePipelines.ts';

/** Won / lost buttons: move the deal to its pipeline's won or lost stage, with a reason. */
export function DealOutcome({ deal }: { deal: Row }) {
  const { t } = useTranslation();
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
  if (deal.status !== 'open') return null;
  return (
    <>
      <Button size="xs" color="green" variant="light" onClick={() => setStatus('won')}>
        {t('record.markWon')}
      </Button>
      <Button size="xs" color="red" variant="light" onClick={() => setStatus('lost')}>
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
