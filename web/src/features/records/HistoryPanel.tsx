import { Stack, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../format.ts';
import { type ObjectType, recordHistory, recordKeys } from '../../records.ts';
import { Empty, LoadingRows } from '../../ui/States.tsx';
import { useMembers } from '../../ui/useMembers.ts';

const show = (v: unknown) => (v == null || v === '' ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v));

export function HistoryPanel({ type, id, fieldLabel }: { type: ObjectType; id: string; fieldLabel: (field: string) => string }) {
  const { t } = useTranslation();
  const { nameOf } = useMembers();
  const history = useQuery({ queryKey: recordKeys.history(type, id), queryFn: () => recordHistory(type, id) });
  if (history.isPending) return <LoadingRows />;
  if (!history.data?.length) return <Empty>{t('record.noHistory')}</Empty>;
  return (
    <Table.ScrollContainer minWidth={480}>
      <Table striped data-testid="history">
        <Table.Tbody>
          {history.data.map((h) => (
            <Table.Tr key={h.id}>
              <Table.Td>
                <Text size="xs" c="dimmed">
                  {formatDateTime(h.at)}
                </Text>
                <Text size="xs">{nameOf(h.actorId) || h.actorType}</Text>
              </Table.Td>
              <Table.Td>
                {h.field ? (
                  <Stack gap={0}>
                    <Text size="sm" fw={600}>
                      {fieldLabel(h.field)}
                    </Text>
                    <Text size="sm">
                      <s>{show(h.oldValue)}</s> → {show(h.newValue)}
                    </Text>
                  </Stack>
                ) : (
                  <Text size="sm">{t(`record.${h.action}`, { defaultValue: h.action })}</Text>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
