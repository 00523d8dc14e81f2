import { Button, Group, Radio, Stack, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueries, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, unwrap } from '../../api.ts';
import { formatMoney } from '../../format.ts';
import { getRecord, type Row, recordKeys, webPath } from '../../records.ts';
import { navigate, useLocation } from '../../router.tsx';
import { ErrorState, LoadingRows } from '../../ui/States.tsx';
import { useMembers } from '../../ui/useMembers.ts';
import { usePipelines } from '../../ui/usePipelines.ts';
import { type DuplicateType, joinedFields, mergeFields, mergePaths, duplicateTypes as types } from './duplicates.ts';

const ALL = 'all';

const isEmpty = (v: unknown) =>
  v === null ||
  v === undefined ||
  v === '' ||
  (Array.isArray(v) && !v.length) ||
  (typeof v === 'object' && !Object.keys(v as object).length);

function fieldValue(r: Row, field: string): unknown {
  if (field === 'amount')
    return r.amountMinor === null || r.amountMinor === undefined ? null : { amountMinor: r.amountMinor, currency: r.currency };
  return field.startsWith('custom.') ? r.custom?.[field.slice(7)] : r[field];
}

/** The defaults the server would take too: the survivor's value unless empty, else the first that is not; lists joined. */
function defaults(fields: string[], rows: Row[]): Record<string, string> {
  const picks: Record<string, string> = {};
  for (const f of fields) picks[f] = joinedFields.has(f) ? ALL : (rows.find((r) => !isEmpty(fieldValue(r, f))) ?? rows[0]).id;
  return picks;
}

/** Side by side: the records to merge, one column each; pick the one that stays and, field by field, whose value it keeps. */
export default function MergePage() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const { nameOf } = useMembers();
  const { stageOf } = usePipelines();
  const { query } = useLocation();
  const type = (types as string[]).includes(query.get('type') ?? '') ? (query.get('type') as DuplicateType) : 'contact';
  const ids = (query.get('ids') ?? '').split(',').filter(Boolean);
  const loaded = useQueries({ queries: ids.map((id) => ({ queryKey: recordKeys.one(type, id), queryFn: () => getRecord(type, id) })) });
  const rows = loaded.every((q) => q.data) ? loaded.map((q) => q.data as Row) : null;
  // A deal's company by name, not id.
  const companyIds = [...new Set((rows ?? []).map((r) => r.companyId).filter((id): id is string => typeof id === 'string'))];
  const companies = useQueries({
    queries: companyIds.map((id) => ({ queryKey: recordKeys.one('company', id), queryFn: () => getRecord('company', id) })),
  });
  const companyName = new Map(companies.flatMap((q) => (q.data ? [[q.data.id, String(q.data.name ?? '')] as const] : [])));
  const customKeys = [...new Set((rows ?? []).flatMap((r) => Object.keys(r.custom ?? {})))].sort();
  const fields = [...mergeFields[type], ...customKeys.map((k) => `custom.${k}`)];
  const [survivor, setSurvivor] = useState<string | null>(null);
  const [picked, setPicked] = useState<Record<string, string> | null>(null);
  const survivorId = survivor ?? ids[0];
  const ordered = rows ? [...rows.filter((r) => r.id === survivorId), ...rows.filter((r) => r.id !== survivorId)] : [];
  const picks = picked ?? (rows ? defaults(fields, ordered) : {});

  const undo = useMutation({
    mutationFn: async (mergeId: string) => unwrap(await api.POST('/api/v1/merges/{id}/undo', { params: { path: { id: mergeId } } })),
    onSuccess: () => {
      notifications.clean();
      notifications.show({ color: 'green', message: t('duplicates.undone') });
      void qc.invalidateQueries();
    },
    onError: (e) => notifications.show({ color: 'red', message: e.message }),
  });
  const merge = useMutation({
    mutationFn: async () => {
      const body = {
        survivorId,
        mergedIds: ids.filter((id) => id !== survivorId),
        fields: Object.fromEntries(Object.entries(picks).filter(([, v]) => v !== ALL)),
        versions: Object.fromEntries((rows ?? []).map((r) => [r.id, r.version])),
      };
      return unwrap(await api.POST(mergePaths[type], { body }));
    },
    onSuccess: (r) => {
      void qc.invalidateQueries();
      navigate(`${webPath(type)}/${survivorId}`);
      notifications.show({
        id: `merge-${r.merge.id}`,
        color: 'green',
        autoClose: false,
        message: (
          <Group justify="space-between" wrap="nowrap">
            <Text size="sm">{t('duplicates.merged', { count: r.merge.mergedIds.length })}</Text>
            <Button size="compact-xs" variant="light" onClick={() => undo.mutate(r.merge.id)}>
              {t('duplicates.undo')}
            </Button>
          </Group>
        ),
      });
    },
  });
  const err = merge.error instanceof ApiError ? merge.error : null;

  const show = (field: string, v: unknown): string => {
    if (isEmpty(v)) return '—';
    if (field === 'ownerId') return nameOf(String(v)) || String(v);
    if (field === 'companyId') return companyName.get(String(v)) || String(v);
    if (field === 'stageId') {
      const stage = stageOf(String(v));
      return stage ? `${stage.pipelineName} · ${stage.name}` : String(v);
    }
    if (field === 'amount') {
      const { amountMinor, currency } = v as { amountMinor: number; currency: string };
      return formatMoney(amountMinor, currency);
    }
    if (Array.isArray(v))
      return v.map((i) => (typeof i === 'object' && i ? String((i as { value?: unknown }).value ?? '') : String(i))).join(', ');
    if (typeof v === 'object')
      return Object.values(v as object)
        .filter(Boolean)
        .join(', ');
    return String(v);
  };
  const fieldLabel = (f: string) => (f.startsWith('custom.') ? f.slice(7) : t(`fields.${f}`));

  if (ids.length < 2) return <ErrorState error={new Error(t('duplicates.pickTwo'))} />;
  const failed = loaded.find((q) => q.error);
  if (failed?.error) return <ErrorState error={failed.error} />;
  if (!rows) return <LoadingRows rows={6} />;
  return (
    <Stack>
      <Title order={2}>{t('duplicates.mergeTitle', { count: rows.length })}</Title>
      <Text size="sm" c="dimmed">
        {t('duplicates.mergeIntro')}
      </Text>
      <Table withTableBorder withColumnBorders>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('duplicates.field')}</Table.Th>
            {rows.map((r, i) => (
              <Table.Th key={r.id}>
                <Radio
                  name="survivor"
                  checked={survivorId === r.id}
                  onChange={() => {
                    setSurvivor(r.id);
                    setPicked(null);
                  }}
                  label={t('duplicates.keepRecord', { n: i + 1 })}
                />
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {fields.map((f) => (
            <Table.Tr key={f}>
              <Table.Td>
                <Stack gap={4}>
                  <Text size="sm" fw={500}>
                    {fieldLabel(f)}
                  </Text>
                  {joinedFields.has(f) && (
                    <Radio
                      size="xs"
                      name={`pick-${f}`}
                      checked={picks[f] === ALL}
                      onChange={() => setPicked({ ...picks, [f]: ALL })}
                      label={t('duplicates.joinAll')}
                    />
                  )}
                </Stack>
              </Table.Td>
              {rows.map((r) => (
                <Table.Td key={r.id}>
                  <Radio
                    size="xs"
                    name={`pick-${f}`}
                    checked={picks[f] === r.id}
                    onChange={() => setPicked({ ...picks, [f]: r.id })}
                    label={show(f, fieldValue(r, f))}
                  />
                </Table.Td>
              ))}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {err && <div role="alert">{err.message}</div>}
      <Group justify="flex-end">
        <Button variant="default" onClick={() => navigate(`/duplicates?type=${type}`)}>
          {t('record.cancel')}
        </Button>
        <Button loading={merge.isPending} onClick={() => merge.mutate()}>
          {t('duplicates.mergeNow')}
        </Button>
      </Group>
    </Stack>
  );
}
