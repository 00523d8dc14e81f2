import { ActionIcon, Button, Card, Group, NumberInput, Select, Stack, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconArrowDown, IconArrowUp, IconTrash } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { stageKinds } from '../../../../contract/enums.ts';
import { ApiError, api, type Pipeline, unwrap } from '../../api.ts';
import { usePipelines } from '../../ui/usePipelines.ts';

type StageDraft = { id?: string; name: string; probability: number; kind: 'open' | 'won' | 'lost' };

function PipelineEditor({ pipeline }: { pipeline: Pipeline }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [name, setName] = useState(pipeline.name);
  const [stages, setStages] = useState<StageDraft[]>(
    pipeline.stages.map((s) => ({ id: s.id, name: s.name, probability: s.probability, kind: s.kind })),
  );
  const save = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.PATCH('/api/v1/pipelines/{id}', {
          params: { path: { id: pipeline.id } },
          body: { name, stages, version: pipeline.version },
        }),
      ),
    onSuccess: () => notifications.show({ color: 'green', message: t('list.saved') }),
    onSettled: () => qc.invalidateQueries({ queryKey: ['pipelines'] }),
  });
  const set = (i: number, s: Partial<StageDraft>) => setStages((l) => l.map((x, j) => (j === i ? { ...x, ...s } : x)));
  const swap = (i: number, j: number) =>
    setStages((l) => {
      const c = [...l];
      [c[i], c[j]] = [c[j], c[i]];
      return c;
    });
  const err = save.error instanceof ApiError ? save.error : null;
  return (
    <Card withBorder>
      <Stack gap="xs">
        <TextInput label={t('fields.pipeline')} value={name} onChange={(e) => setName(e.currentTarget.value)} maw={320} />
        {stages.map((s, i) => (
          <Group key={s.id ?? `new-${i}`} gap="xs" wrap="wrap" align="flex-end">
            <TextInput
              aria-label={t('settings.stageName')}
              value={s.name}
              onChange={(e) => set(i, { name: e.currentTarget.value })}
              w={200}
            />
            <NumberInput
              aria-label={t('settings.probability')}
              value={s.probability}
              min={0}
              max={100}
              onChange={(v) => set(i, { probability: Number(v) || 0 })}
              w={90}
              suffix="%"
            />
            <Select
              aria-label={t('settings.kind')}
              data={stageKinds.map((v) => ({ value: v, label: t(`enums.stageKind.${v}`) }))}
              value={s.kind}
              onChange={(v) => v && set(i, { kind: v as StageDraft['kind'] })}
              w={100}
            />
            <ActionIcon variant="subtle" disabled={i === 0} onClick={() => swap(i, i - 1)} aria-label={t('settings.moveUp')}>
              <IconArrowUp size={16} />
            </ActionIcon>
            <ActionIcon
              variant="subtle"
              disabled={i === stages.length - 1}
              onClick={() => swap(i, i + 1)}
              aria-label={t('settings.moveDown')}
            >
              <IconArrowDown size={16} />
            </ActionIcon>
            <ActionIcon
              variant="subtle"
              color="red"
              onClick={() => setStages((l) => l.filter((_, j) => j !== i))}
              aria-label={t('settings.remove')}
            >
              <IconTrash size={16} />
            </ActionIcon>
          </Group>
        ))}
        {err && <div role="alert">{err.errors[0]?.message ?? err.message}</div>}
        <Group>
          <Button variant="light" size="xs" onClick={() => setStages((l) => [...l, { name: '', probability: 50, kind: 'open' }])}>
            {t('settings.addStage')}
          </Button>
          <Button size="xs" onClick={() => save.mutate()} loading={save.isPending}>
            {t('record.save')}
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}

export function PipelineSettings() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const { pipelines } = usePipelines();
  const create = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST('/api/v1/pipelines', {
          body: {
            name: t('settings.newPipeline'),
            stages: [
              { name: t('settings.firstStage'), probability: 20 },
              { name: t('enums.stageKind.won'), probability: 100, kind: 'won' },
              { name: t('enums.stageKind.lost'), probability: 0, kind: 'lost' },
            ],
          },
        }),
      ),
    onSettled: () => qc.invalidateQueries({ queryKey: ['pipelines'] }),
  });
  return (
    <Stack>
      <Title order={2} size="h4">
        {t('settings.pipelines')}
      </Title>
      {pipelines.map((p) => (
        <PipelineEditor key={`${p.id}-${p.version}`} pipeline={p} />
      ))}
      <Button variant="default" w="fit-content" onClick={() => create.mutate()} loading={create.isPending}>
        {t('settings.newPipeline')}
      </Button>
    </Stack>
  );
}
