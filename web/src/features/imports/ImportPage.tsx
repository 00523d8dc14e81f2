import { Alert, Button, Group, List, Paper, Select, Stack, Text, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconFileImport, IconRefresh } from '@tabler/icons-react';
import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { navigate, useLocation } from '../../router.tsx';
import { useMe } from '../../session.ts';
import { ErrorState, LoadingRows } from '../../ui/States.tsx';
import { useObjectTypes } from '../../ui/useObjects.ts';
import { ConstantsEditor } from './ConstantsEditor.tsx';
import { FileDrop } from './FileDrop.tsx';
import { ImportRun } from './ImportRun.tsx';
import { builtInImportObjects, type Choice, type Dedupe, type ImportObject, previewFile, type Reading, startImport } from './importApi.ts';
import { MappingTable } from './MappingTable.tsx';
import { PreviewTable } from './PreviewTable.tsx';
import { ReadingOptions } from './ReadingOptions.tsx';
import { isGenericObject } from './targets.ts';

const dedupes: Dedupe[] = ['skip', 'update', 'none'];

/** Which file, read how, mapped how: the preview's key, so every change previews again. */
const fileKey = (f: File) => `${f.name}:${f.size}:${f.lastModified}`;

/**
 * The import screen: choose a file and what it holds, check how it was read and mapped (change any
 * column, add values for every row, make a custom field from a column), see the first rows as they
 * will be imported, then follow the import to its summary.
 */
export default function ImportPage() {
  const { t } = useTranslation();
  const { query } = useLocation();
  const me = useMe();
  const objectTypes = useObjectTypes();
  const asked = query.get('object') ?? '';
  const object: ImportObject =
    (builtInImportObjects as string[]).includes(asked) || /^custom:[a-z][a-z0-9_]*$/.test(asked) ? asked : 'contact';
  const generic = isGenericObject(object);
  const [file, setFile] = useState<File | null>(null);
  const [reading, setReading] = useState<Reading>({});
  // null: the server's suggestion (or a remembered mapping); set once the person changes anything.
  const [choice, setChoice] = useState<Choice | null>(null);
  const [dedupe, setDedupe] = useState<Dedupe>('skip');
  const [importId, setImportId] = useState<string | null>(null);
  const mayCreateFields = me.member.role === 'owner' || me.member.role === 'admin';

  // Typing a constant or a new field's name previews again once the typing pauses, not per key.
  const [settled] = useDebouncedValue(choice, 300);
  const preview = useQuery({
    queryKey: ['import-preview', file && fileKey(file), object, reading, settled],
    queryFn: () => previewFile(file as File, object, reading, settled),
    enabled: !!file && !importId,
    placeholderData: keepPreviousData,
    retry: false,
  });
  const start = useMutation({
    mutationFn: () => startImport(file as File, object, reading, choice ?? preview.data?.mapping ?? null, dedupe),
    onSuccess: setImportId,
  });

  const setObject = (o: string) => {
    navigate(`/import?object=${o}`, { replace: true });
    setChoice(null);
  };
  const chooseFile = (f: File) => {
    setFile(f);
    setReading({});
    setChoice(null);
  };
  const changeReading = (r: Reading) => {
    setReading({ ...reading, ...r });
    // Another delimiter or header makes other columns: their mapping starts again from the suggestion.
    if (r.delimiter !== undefined || r.header !== undefined) setChoice(null);
  };
  const current = choice ?? preview.data?.mapping ?? { columns: [], constants: [] };
  const startOver = () => {
    setFile(null);
    setChoice(null);
    setReading({});
    setImportId(null);
    start.reset();
  };

  return (
    <Stack maw={1100}>
      <Group justify="space-between" wrap="wrap">
        <Title order={1} size="h2">
          {t('imports.title')}
        </Title>
        {(file || importId) && (
          <Button variant="subtle" leftSection={<IconRefresh size={16} />} onClick={startOver}>
            {t('imports.startOver')}
          </Button>
        )}
      </Group>
      {importId ? (
        <Paper withBorder p="md">
          <ImportRun id={importId} />
        </Paper>
      ) : (
        <>
          <Paper withBorder p="md">
            <Stack>
              <Stack gap={4}>
                <Text fw={500} id="import-object-label">
                  {t('imports.object')}
                </Text>
                <Select
                  aria-labelledby="import-object-label"
                  value={object}
                  onChange={(v) => v && setObject(v)}
                  allowDeselect={false}
                  data={[
                    ...builtInImportObjects.map((o) => ({ value: o, label: t(`imports.objects.${o}`) })),
                    // Each custom object by its own label.
                    ...(objectTypes.data ?? []).map((o) => ({ value: `custom:${o.key}`, label: o.labelPlural })),
                  ]}
                  w={260}
                />
              </Stack>
              {file ? (
                <Text size="sm">{t('imports.fileChosen', { name: file.name, size: (file.size / 1024).toFixed(1) })}</Text>
              ) : (
                <FileDrop onFile={chooseFile} />
              )}
            </Stack>
          </Paper>
          {file && preview.isPending && <LoadingRows rows={4} />}
          {file && preview.error && <ErrorState error={preview.error} onRetry={() => preview.refetch()} />}
          {file && preview.data && (
            <>
              <Paper withBorder p="md">
                <Stack>
                  <Title order={2} size="h4">
                    {t('imports.reading')}
                  </Title>
                  <ReadingOptions file={preview.data.file} onChange={changeReading} />
                </Stack>
              </Paper>
              <Paper withBorder p="md">
                <Stack>
                  <Title order={2} size="h4">
                    {t('imports.mapping')}
                  </Title>
                  {preview.data.savedMapping && !choice && <Alert color="blue">{t('imports.savedMapping')}</Alert>}
                  <MappingTable
                    preview={preview.data}
                    object={object}
                    choice={current}
                    mayCreateFields={mayCreateFields}
                    onChange={setChoice}
                  />
                  <ConstantsEditor preview={preview.data} object={object} choice={current} onChange={setChoice} />
                </Stack>
              </Paper>
              <Paper withBorder p="md">
                <Stack>
                  <Title order={2} size="h4">
                    {t('imports.preview')}
                  </Title>
                  {preview.data.problem && (
                    <Alert color="red" title={t('imports.cannotImport')}>
                      {preview.data.problem}
                    </Alert>
                  )}
                  {preview.data.notes.length > 0 && (
                    <Alert
                      color="yellow"
                      title={t('imports.notes')}
                      styles={{ title: { color: 'var(--mantine-color-text)' } }}
                      data-testid="import-notes"
                    >
                      <List size="sm">
                        {preview.data.notes.slice(0, 20).map((n) => (
                          <List.Item key={`${n.row}:${n.message}`}>{n.message}</List.Item>
                        ))}
                      </List>
                    </Alert>
                  )}
                  <PreviewTable preview={preview.data} object={object} />
                  <Group align="end" wrap="wrap">
                    {generic ? (
                      // Deals, tasks, activities … have no key to find duplicates by: every row is created.
                      <Text size="sm" c="dimmed" maw={360}>
                        {t('imports.everyRowCreated')}
                      </Text>
                    ) : (
                      <Select
                        label={t('imports.dedupe')}
                        description={t(`imports.dedupeHint.${object as 'contact' | 'company'}`)}
                        data={dedupes.map((d) => ({ value: d, label: t(`imports.dedupeModes.${d}`) }))}
                        value={dedupe}
                        allowDeselect={false}
                        onChange={(v) => v && setDedupe(v as Dedupe)}
                        w={260}
                      />
                    )}
                    <Button
                      leftSection={<IconFileImport size={16} />}
                      onClick={() => start.mutate()}
                      loading={start.isPending}
                      disabled={!!preview.data.problem || preview.isFetching || settled !== choice}
                    >
                      {t('imports.start')}
                    </Button>
                  </Group>
                  {start.error && <Alert color="red">{start.error.message}</Alert>}
                </Stack>
              </Paper>
            </>
          )}
        </>
      )}
    </Stack>
  );
}
