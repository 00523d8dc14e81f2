import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { formatNumber } from '../../format.ts';

/**
 * How many records a list holds: "1,234 rows", or "about 12,000 rows" when the server estimated
 * (lists too long to count cheaply). The number is in the member's locale, the words in the app's
 * language; `count` picks the plural form.
 */
export function RowCount({ total, estimate }: { total: number; estimate: boolean }) {
  const { t } = useTranslation();
  const n = formatNumber(total);
  return (
    <Badge variant="light" color="gray" tt="none" data-testid="row-count">
      {estimate ? t('list.rowsAbout', { count: total, n }) : t('list.rows', { count: total, n })}
    </Badge>
  );
}
