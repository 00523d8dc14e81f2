import { Button, Card, Group, NumberInput, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { trashTypes } from '../../../../contract/trash.ts';
import { ApiError, api, unwrap } from '../../api.ts';

type TrashType = (typeof trashTypes)[number];

/**
 * Admins: how many days each object's records stay in the trash before the nightly job deletes
 * them for good (empty: kept until someone deletes them). Records under legal hold always stay.
 */
export function TrashRetention() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const rules = useQuery({
    queryKey: ['retention-rules'],
    queryFn: async () => unwrap(await api.GET('/api/v1/privacy/retention-rules')).data,
  });
  const [edits, setEdits] = useState<Partial<Record<TrashType, string | number>>>({});
  const saved = (type: TrashType) => rules.data?.find((r) => r.objectType === type)?.days ?? '';
  const save = useMutation({
    mutationFn: async () => {
      for (const [type, value] of Object.entries(edits) as [TrashType, string | number][]) {
        if (value === saved(type)) continue;
        const params = { path: { objectType: type } };
        if (value === '') unwrap(await api.DELETE('/api/v1/privacy/retention-rules/{objectType}', { params }));
        else unwrap(await api.PUT('/api/v1/privacy/retention-rules/{objectType}', { params, body: { days: Number(value) } }));
      }
    },
    onSuccess: () => {
      setEdits({});
      notifications.show({ color: 'green', message: t('list.saved') });
    },
    onSettled: () => qc.invalidateQueries({ queryKey: ['retention-rules'] }),
  });
  const err = save.error instanceof ApiError ? save.error : null;
  if (!rules.data) return null;
  return (
    <Card withBorder maw={720}>
      <Stack>
        <Title order={2} size="h5">
          {t('trash.retention')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('trash.retentionHint')}
        </Text>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          {trashTypes.map((type) => (
            <NumberInput
              key={type}
              label={t('trash.retentionFor', { type: t(`trash.types.${type}`) })}
              placeholder={t('trash.retentionKeep')}
              suffix={` ${t('trash.retentionDays')}`}
              min={1}
              max={36_500}
              allowDecimal={false}
              value={edits[type] ?? saved(type)}
              onChange={(v) => setEdits((e) => ({ ...e, [type]: v }))}
              error={err && Object.hasOwn(edits, type) ? err.fieldMessage('days') : undefined}
            />
          ))}
        </SimpleGrid>
        <Group>
          <Button onClick={() => save.mutate()} loading={save.isPending} disabled={!Object.keys(edits).length}>
            {t('record.save')}
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}
