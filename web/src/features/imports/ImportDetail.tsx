import { Paper, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ImportRun } from './ImportRun.tsx';
import { getImport } from './importApi.ts';

/** An import's own page (`/imports/<id>`): its progress or summary, and its undo. */
export default function ImportDetail({ id }: { id: string }) {
  const { t } = useTranslation();
  // The same query ImportRun follows: the file name comes with it.
  const imp = useQuery({ queryKey: ['import', id], queryFn: () => getImport(id) });
  return (
    <Stack>
      <Stack gap={0}>
        <Title order={1} size="h2">
          {t('imports.pageTitle')}
        </Title>
        {imp.data?.fileName && <Text c="dimmed">{imp.data.fileName}</Text>}
      </Stack>
      <Paper withBorder p="md">
        <ImportRun id={id} onPage />
      </Paper>
    </Stack>
  );
}
