import { Stack, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { HistoryEntry } from '../../api.ts';
import { formatDate, formatDateTime } from '../../format.ts';
import { type ObjectType, recordHistory, recordKeys } from '../../records.ts';
import { Empty, LoadingRows } from '../../ui/States.tsx';
import { useMembers } from '../../ui/useMembers.ts';
import { usePipelines } from '../../ui/usePipelines.ts';

/** One edit: the changes a request made to the record, by one person, at one time. */
interface Edit {
  key: string;
  at: string;
  actorId: string | null;
  actorType: string;
  action: string;
  changes: HistoryEntry[];
}

/** The history rows (newest first, one per changed field) as edits: rows of one request belong together. */
export function groupEdits(rows: HistoryEntry[]): Edit[] {
  const edits: Edit[] = [];
  for (const h of rows) {
    const key = `${h.requestId ?? h.id}|${h.actorId}|${h.action}`;
    const last = edits.at(-1);
    if (last && last.key === key && h.requestId) last.changes.push(h);
    else edits.push({ key, at: h.at, actorId: h.actorId, actorType: h.actorType, action: h.action, changes: h.field ? [h] : [] });
  }
  return edits;
}

const isoTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
const isoDay = /^\d{4}-\d{2}-\d{2}$/;

export function HistoryPanel({
  type,
  id,
  fieldLabel,
  formatValue,
}: {
  type: ObjectType;
  id: string;
  fieldLabel: (field: string) => string;
  /** How the record page shows a value of a field (stage and member names, money, dates), or undefined to fall back. */
  formatValue?: (field: string, value: unknown) => string | undefined;
}) {
  const { t } = useTranslation();
  const { nameOf } = useMembers();
  const { pipelines } = usePipelines();
  const history = useQuery({ queryKey: recordKeys.history(type, id), queryFn: () => recordHistory(type, id) });
  /** A value as a person reads it: names for ids, dates in their locale, lists as lists. */
  const show = (field: string, v: unknown): string => {
    if (v == null || v === '' || (Array.isArray(v) && v.length === 0)) return '—';
    const shown = formatValue?.(field, v);
    if (shown) return shown;
    if (field === 'pipelineId') return pipelines.find((p) => p.id === v)?.name ?? String(v);
    if (field === 'ownerId' || field === 'assigneeId' || field === 'createdBy') return nameOf(v as string) || String(v);
    if (typeof v === 'string' && isoTime.test(v)) return formatDateTime(v);
    if (typeof v === 'string' && isoDay.test(v)) return formatDate(v);
    if (typeof v === 'boolean') return v ? t('record.yes') : t('record.no');
    if (Array.isArray(v))
      return v
        .map((x) =>
          x && typeof x === 'object'
            ? String((x as { value?: unknown; name?: unknown }).value ?? (x as { name?: unknown }).name ?? '')
            : String(x),
        )
        .filter(Boolean)
        .join(', ');
    if (typeof v === 'object')
      return Object.values(v as Record<string, unknown>)
        .filter(Boolean)
        .join(', ');
    return String(v);
  };
  if (history.isPending) return <LoadingRows />;
  if (!history.data?.length) return <Empty>{t('record.noHistory')}</Empty>;
  return (
    <Table.ScrollContainer minWidth={480}>
      <Table striped data-testid="history">
        <Table.Tbody>
          {groupEdits(history.data).map((edit) => (
            <Table.Tr key={`${edit.key}|${edit.at}`}>
              <Table.Td style={{ verticalAlign: 'top', width: 180 }}>
                <Text size="xs" c="dimmed">
                  {formatDateTime(edit.at)}
                </Text>
                <Text size="xs">{nameOf(edit.actorId) || t(`record.actor.${edit.actorType}`, { defaultValue: edit.actorType })}</Text>
              </Table.Td>
              <Table.Td>
                {edit.changes.length ? (
                  <Stack gap={4}>
                    {edit.changes.map((h) => (
                      <Text size="sm" key={h.id}>
                        <Text span fw={600}>
                          {fieldLabel(h.field as string)}
                        </Text>
                        {': '}
                        <s>{show(h.field as string, h.oldValue)}</s> → {show(h.field as string, h.newValue)}
                      </Text>
                    ))}
                  </Stack>
                ) : (
                  <Text size="sm">{t(`record.did.${edit.action}`, { defaultValue: edit.action })}</Text>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
