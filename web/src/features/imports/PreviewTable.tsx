import { Badge, Table, Text, Tooltip } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { ImportObject, Preview, PreviewRow } from './importApi.ts';
import { fieldLabel } from './targets.ts';

/** Whether a warning is about this field (a label column's warning counts for its email or phone). */
const about = (field: string, w: { field: string }) => w.field === field || w.field.startsWith(`${field}.`);

function StatusBadge({ row }: { row: PreviewRow }) {
  const { t } = useTranslation();
  const color = row.status === 'error' ? 'red.9' : row.status === 'warning' ? 'yellow.4' : 'teal.9';
  return (
    <Badge color={color} variant="filled" autoContrast size="sm" tt="none" style={{ overflow: 'visible', flexShrink: 0 }}>
      {t(`imports.status.${row.status}`)}
    </Badge>
  );
}

/** The first rows as they will be imported: one column per field, cells with a warning marked and explained. */
export function PreviewTable({ preview, object }: { preview: Preview; object: ImportObject }) {
  const { t } = useTranslation();
  const fields = preview.fields;
  return (
    <Table.ScrollContainer minWidth={Math.max(480, 160 * fields.length)}>
      <Table verticalSpacing="xs" striped aria-label={t('imports.previewTable')}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('imports.row')}</Table.Th>
            <Table.Th>{t('imports.outcome')}</Table.Th>
            {fields.map((f) => (
              <Table.Th key={f}>
                {f === 'email' || f === 'phone' ? t(`fields.${f}`) : fieldLabel(t, f, preview.customFields, object)}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {preview.rows.map((r) => (
            <Table.Tr key={r.row} data-testid={`preview-row-${r.row}`}>
              <Table.Td>{r.row}</Table.Td>
              <Table.Td style={{ whiteSpace: 'nowrap', minWidth: 110 }}>
                <StatusBadge row={r} />
              </Table.Td>
              {r.status === 'error' ? (
                <Table.Td colSpan={fields.length}>
                  <Text size="sm" c="red.9">
                    {r.errors.map((e) => e.message).join('; ')}
                  </Text>
                </Table.Td>
              ) : (
                fields.map((f) => {
                  const warnings = r.warnings.filter((w) => about(f, w));
                  return (
                    <Table.Td
                      key={f}
                      data-warning={warnings.length ? 'true' : undefined}
                      style={warnings.length ? { background: 'var(--mantine-color-yellow-light)' } : undefined}
                    >
                      <Text size="sm">{r.values[f] ?? ''}</Text>
                      {warnings.map((w) => (
                        <Tooltip key={`${w.column}-${w.value}`} label={w.column ?? w.field} withArrow>
                          <Text size="xs" style={{ display: 'flex', gap: 4, alignItems: 'flex-start' }}>
                            <IconAlertTriangle
                              size={12}
                              aria-hidden
                              color="var(--mantine-color-orange-9)"
                              style={{ flexShrink: 0, marginTop: 2 }}
                            />
                            <span>{w.message}</span>
                          </Text>
                        </Tooltip>
                      ))}
                    </Table.Td>
                  );
                })
              )}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
