import { Stack, Table, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { formatMoney, formatNumber } from '../../format.ts';
import type { Amount } from './useReports.ts';

export interface FigureRow {
  key: string;
  label: string;
  count: number;
  amounts: Amount[];
}

/**
 * A table that scrolls sideways where it does not fit (a phone, a narrow card). The scrolling
 * region takes the keyboard focus, so that arrow keys reach its hidden columns, and is named.
 */
export function ScrollTable({ label, minWidth, children }: { label: string; minWidth: number; children: ReactNode }) {
  return (
    <Table.ScrollContainer minWidth={minWidth} scrollAreaProps={{ viewportProps: { tabIndex: 0, role: 'region', 'aria-label': label } }}>
      {children}
    </Table.ScrollContainer>
  );
}

/** Money in several currencies, one line each: amounts in different currencies are never added up. */
export function Amounts({ values }: { values: { currency: string; minor: number }[] }) {
  if (!values.length) return <Text size="sm">–</Text>;
  return (
    <Stack gap={0}>
      {values.map((a) => (
        <Text key={a.currency} component="div" size="sm" style={{ whiteSpace: 'nowrap' }}>
          {formatMoney(a.minor, a.currency)}
        </Text>
      ))}
    </Stack>
  );
}

const amount = (list: Amount[]) => list.map((a) => ({ currency: a.currency, minor: a.amountMinor }));
const weighted = (list: Amount[]) => list.map((a) => ({ currency: a.currency, minor: a.weightedMinor }));

/** Totals per currency over the rows. */
function totals(rows: FigureRow[]) {
  const by = new Map<string, Amount>();
  for (const r of rows)
    for (const a of r.amounts) {
      const t = by.get(a.currency) ?? { currency: a.currency, amountMinor: 0, weightedMinor: 0 };
      t.amountMinor += a.amountMinor;
      t.weightedMinor += a.weightedMinor;
      by.set(a.currency, t);
    }
  return [...by.values()].sort((a, b) => a.currency.localeCompare(b.currency));
}

/** The figures a chart draws, as a table: deals, amount and weighted amount per row, and their totals. */
export function FigureTable({ label, head, rows }: { label: string; head: string; rows: FigureRow[] }) {
  const { t } = useTranslation();
  const sum = totals(rows);
  return (
    <ScrollTable label={label} minWidth={300}>
      <Table aria-label={label} striped verticalSpacing={4} fz="sm">
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">{head}</Table.Th>
            <Table.Th scope="col" ta="right">
              {t('reports.deals')}
            </Table.Th>
            <Table.Th scope="col" ta="right">
              {t('reports.amount')}
            </Table.Th>
            <Table.Th scope="col" ta="right">
              {t('reports.weighted')}
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((r) => (
            <Table.Tr key={r.key}>
              <Table.Th scope="row" fw={500}>
                {r.label}
              </Table.Th>
              <Table.Td ta="right">{formatNumber(r.count)}</Table.Td>
              <Table.Td ta="right">
                <Amounts values={amount(r.amounts)} />
              </Table.Td>
              <Table.Td ta="right">
                <Amounts values={weighted(r.amounts)} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
        <Table.Tfoot>
          <Table.Tr>
            <Table.Th scope="row">{t('reports.total')}</Table.Th>
            <Table.Td ta="right" fw={600}>
              {formatNumber(rows.reduce((n, r) => n + r.count, 0))}
            </Table.Td>
            <Table.Td ta="right" fw={600}>
              <Amounts values={amount(sum)} />
            </Table.Td>
            <Table.Td ta="right" fw={600}>
              <Amounts values={weighted(sum)} />
            </Table.Td>
          </Table.Tr>
        </Table.Tfoot>
      </Table>
    </ScrollTable>
  );
}
