import { Alert, Button, Group, Progress, SimpleGrid, Stack, Text } from '@mantine/core';
import { IconDownload, IconX } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { type ObjectType, webPath } from '../../records.ts';
import { Link } from '../../router.tsx';
import { cancelImport, getImport, type Import, isFinished, isSettled } from './importApi.ts';
import { UndoImport } from './UndoImport.tsx';

function Count({ label, value, testId }: { label: string; value: number; testId: string }) {
  return (
    <Stack gap={0} data-testid={testId}>
      <Text size="xl" fw={700}>
        {value.toLocaleString()}
      </Text>
      <Text size="sm" c="dimmed">
        {label}
      </Text>
    </Stack>
  );
}

/** The summary of a finished import: its counts, the errors CSV and the way to the records. */
function Summary({ imp, onPage }: { imp: Import; onPage: boolean }) {
  const { t } = useTranslation();
  const c = imp.counts;
  // The list the records went to: `/deals`, a custom object's `/o/<key>`; activities show on the timelines of what they name.
  const type = imp.objectType;
  const listPath = type === 'activity' ? null : webPath(type as ObjectType);
  return (
    <Stack>
      <Alert
        color={imp.status === 'completed' ? 'green' : imp.status === 'failed' ? 'red' : 'yellow'}
        title={t(`imports.finished.${imp.status}`)}
        // The light variants' coloured titles are too faint on their backgrounds (yellow: 2.7:1).
        styles={{ title: { color: 'var(--mantine-color-text)' } }}
      >
        {imp.failure ??
          (imp.status === 'cancelled'
            ? t('imports.summaryCancelled', { rows: c.rows.toLocaleString(), total: (imp.totalRows ?? c.rows).toLocaleString() })
            : t('imports.summaryText', { rows: c.rows.toLocaleString() }))}
      </Alert>
      <SimpleGrid cols={{ base: 2, sm: 5 }}>
        <Count label={t('imports.counts.created')} value={c.created} testId="count-created" />
        <Count label={t('imports.counts.updated')} value={c.updated} testId="count-updated" />
        <Count label={t('imports.counts.skipped')} value={c.duplicates} testId="count-skipped" />
        <Count label={t('imports.counts.warned')} value={c.warned} testId="count-warned" />
        <Count label={t('imports.counts.rejected')} value={c.rejected} testId="count-rejected" />
      </SimpleGrid>
      {c.companiesCreated > 0 && <Text size="sm">{t('imports.companiesCreated', { count: c.companiesCreated })}</Text>}
      <Group>
        {c.rejected + c.warned > 0 && (
          <Button
            component="a"
            href={`/api/v1/imports/${imp.id}/errors.csv`}
            download
            variant="default"
            leftSection={<IconDownload size={16} />}
          >
            {t('imports.downloadErrors')}
          </Button>
        )}
        {listPath && (
          <Link to={listPath}>
            {t(type === 'company' ? 'imports.openCompanies' : type === 'contact' ? 'imports.openContacts' : 'imports.openRecords')}
          </Link>
        )}
        {!onPage && <Link to={`/imports/${imp.id}`}>{t('imports.page')}</Link>}
      </Group>
      <UndoImport imp={imp} />
    </Stack>
  );
}

/** A running import: a live progress bar (read every half second) and cancel, then its summary. */
export function ImportRun({ id, onPage = false }: { id: string; onPage?: boolean }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const imp = useQuery({
    queryKey: ['import', id],
    queryFn: () => getImport(id),
    refetchInterval: (q) => (q.state.data && isSettled(q.state.data) ? false : 500),
  });
  const cancel = useMutation({
    mutationFn: () => cancelImport(id),
    onSuccess: (data) => qc.setQueryData(['import', id], data),
  });
  const data = imp.data;
  if (!data) return null;
  if (isFinished(data.status)) return <Summary imp={data} onPage={onPage} />;
  const total = data.totalRows ?? 0;
  const pct = total ? Math.round((data.counts.rows / total) * 100) : 0;
  return (
    <Stack>
      <Text fw={500} aria-live="polite">
        {data.status === 'cancelling'
          ? t('imports.cancelling')
          : t('imports.progress', { done: data.counts.rows.toLocaleString(), total: total.toLocaleString() })}
      </Text>
      <Progress value={pct} size="lg" animated aria-label={t('imports.progressLabel')} data-testid="import-progress" />
      <Group>
        <Button
          variant="default"
          color="red"
          leftSection={<IconX size={16} />}
          onClick={() => cancel.mutate()}
          loading={cancel.isPending}
          disabled={data.status === 'cancelling'}
        >
          {t('imports.cancel')}
        </Button>
      </Group>
    </Stack>
  );
}
