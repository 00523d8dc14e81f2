import { Alert, Badge, Button, Card, Grid, Group, SimpleGrid, Stack, Tabs, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api.ts';
import {
  apiSegment,
  type BuiltInType,
  deleteRecord,
  getRecord,
  isCustom,
  linkTypeOf,
  type ObjectType,
  patchRecord,
  type Row,
  recordKeys,
  restoreRecord,
  webPath,
} from '../../records.ts';
import { Link } from '../../router.tsx';
import { useMe } from '../../session.ts';
import { ConfirmModal } from '../../ui/ConfirmModal.tsx';
import { contactName } from '../../ui/names.ts';
import { ErrorState, LoadingRows } from '../../ui/States.tsx';
import { useObjectLabel } from '../../ui/useObjects.ts';
import { type Column, columnsFor } from '../lists/columns.ts';
import { useFields, useLookups } from '../lists/ListPage.tsx';
import { useRelationNames } from '../lists/RecordPicker.tsx';
import { RecordListChips } from '../static-lists/RecordListChips.tsx';
import { ConsentPanel } from './ConsentPanel.tsx';
import { ContactPhoto } from './ContactPhoto.tsx';
import { ContactPrivacy } from './ContactPrivacy.tsx';
import { ContactValuesField } from './ContactValuesField.tsx';
import { ConvertLead } from './ConvertLead.tsx';
import { DealOutcome } from './DealOutcome.tsx';
import { EditableField } from './EditableField.tsx';
import { HistoryPanel } from './HistoryPanel.tsx';
import { CompanyRelated, ContactRelated, DealRelated } from './Related.tsx';
import { SharePanel } from './SharePanel.tsx';
import { TasksPanel } from './TasksPanel.tsx';
import { Timeline } from './Timeline.tsx';

type RecordType = Exclude<ObjectType, 'task'>;

const builtInDetails: Record<Exclude<BuiltInType, 'task'>, string[]> = {
  contact: ['firstName', 'lastName', 'email', 'phone', 'title', 'lifecycleStage', 'source', 'ownerId', 'lastActivityAt'],
  company: ['name', 'domain', 'industry', 'size', 'phone', 'ownerId', 'lastActivityAt'],
  deal: [
    'name',
    'amountMinor',
    'currency',
    'pipelineId',
    'stageId',
    'status',
    'probability',
    'expectedCloseDate',
    'closeReason',
    'ownerId',
  ],
  lead: ['firstName', 'lastName', 'email', 'phone', 'companyName', 'title', 'status', 'source', 'ownerId'],
};

/** The API field a detail shows when its column is named otherwise (a contact's `phone` shows its `phones`). */
const answerField: Record<string, string> = { email: 'emails', phone: 'phones' };

/** The built-in fields a record page shows above its custom ones; a custom object's record shows its name and owner. */
const detailKeys = (t: RecordType) => (isCustom(t) ? ['name', 'ownerId', 'lastActivityAt'] : builtInDetails[t]);

function titleOf(type: RecordType, r: Row) {
  return type === 'contact' || type === 'lead' ? contactName(r as never) : String(r.name ?? '');
}

export default function RecordPage({ type, id }: { type: RecordType; id: string }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const baseLookups = useLookups();
  const label = useObjectLabel(type);
  // Fields the member's role hides: the server leaves them out; the page shows no empty box for them.
  const rules = useMe().fieldRules[linkTypeOf(type)] ?? {};
  const isHidden = (c: Column) =>
    [c.key, c.field, type === 'contact' ? answerField[c.key] : undefined].some((f) => f && rules[f] === 'hidden');
  const fields = useFields(type);
  const record = useQuery({ queryKey: recordKeys.one(type, id), queryFn: () => getRecord(type, id) });
  const recordName = useRelationNames(fields.data ?? [], record.data ? [record.data] : []);
  const lookups = { ...baseLookups, recordName };
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  // A change someone else's change got in the way of: kept, to apply again on the fresh record or let go.
  const [conflict, setConflict] = useState<{ col: Column; value: string | null } | null>(null);
  const columns = columnsFor(type, fields.data ?? []);
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: recordKeys.one(type, id) });
    void qc.invalidateQueries({ queryKey: recordKeys.history(type, id) });
    void qc.invalidateQueries({ queryKey: [apiSegment(type), 'list'] });
  };
  const save = useMutation({
    mutationFn: ({ col, value, version }: { col: Column; value: string | null; version?: number }) =>
      patchRecord(type, id, version ?? record.data?.version ?? 1, col.toPatch?.(value, record.data, lookups) ?? {}),
    onSuccess: (row, { col }) => {
      qc.setQueryData(recordKeys.one(type, id), row);
      setFieldErrors((e) => ({ ...e, [col.key]: '' }));
      setConflict(null);
      refresh();
    },
    onError: (e, { col, value }) => {
      if (e instanceof ApiError && e.status === 409 && e.code === 'version_conflict') {
        setConflict({ col, value });
        refresh();
      } else if (e instanceof ApiError && e.status === 409) {
        notifications.show({ color: 'orange', message: t('list.conflict') });
        refresh();
      } else if (e instanceof ApiError && e.errors.length) setFieldErrors((x) => ({ ...x, [col.key]: e.errors[0].message }));
      else notifications.show({ color: 'red', message: e.message });
    },
  });
  const [confirmingDelete, setConfirmingDelete] = useState(false);
  const trash = useMutation({
    mutationFn: () => (record.data?.deletedAt ? restoreRecord(type, id) : deleteRecord(type, id)),
    onSuccess: () => {
      setConfirmingDelete(false);
      refresh();
    },
  });

  if (record.error)
    return record.error instanceof ApiError && record.error.status === 404 ? (
      <Alert color="gray">
        {t('record.notFound')} <Link to={webPath(type)}>{t('record.back')}</Link>
      </Alert>
    ) : (
      <ErrorState error={record.error} onRetry={() => record.refetch()} />
    );
  if (record.isPending) return <LoadingRows rows={6} />;
  const row = record.data;
  const details = [
    // A deal's won/lost reason is shown once it is closed; an open deal has none.
    ...detailKeys(type)
      .filter((k) => k !== 'closeReason' || row.status !== 'open')
      .map((k) => columns.find((c) => c.key === k)),
    ...columns.filter((c) => c.key.startsWith('custom.')),
  ].filter((c): c is Column => !!c && !isHidden(c));
  const fieldLabel = (f: string) => {
    const c = columns.find((x) => x.key === f || x.field === f);
    if (c) return c.label.startsWith('fields.') ? t(c.label) : c.label;
    // Fields no column shows (closedAt, pipelineId, emails …) still read as words, not as API names.
    return t(`fields.${f}`, { defaultValue: f.replace(/([A-Z])/g, ' $1').replace(/^./, (x) => x.toUpperCase()) });
  };
  /** A value of a field as the record page shows it: the field's own column formats it on a copy of the record. */
  const formatValue = (f: string, value: unknown) => {
    const c = columns.find((x) => x.key === f || (x.field === f && x.key === f));
    if (!c) return undefined;
    const probe = f.startsWith('custom.') ? { ...row, custom: { ...row.custom, [f.slice(7)]: value } } : { ...row, [f]: value };
    return c.display(probe as Row, lookups) || undefined;
  };

  return (
    <Stack>
      <Group justify="space-between" wrap="wrap">
        <Group gap="xs">
          {type === 'contact' && <ContactPhoto contactId={row.id as string} name={titleOf(type, row)} />}
          <Badge variant="light">{label.one}</Badge>
          <Title order={1} size="h2">
            {titleOf(type, row)}
          </Title>
          {type === 'deal' && row.status !== 'open' && (
            <Badge color={row.status === 'won' ? 'green' : 'red'}>{t(`record.${row.status}`)}</Badge>
          )}
        </Group>
        <Group gap="xs">
          {type === 'deal' && !row.deletedAt && <DealOutcome deal={row} />}
          {type === 'lead' && !row.deletedAt && <ConvertLead lead={row} />}
          {type === 'contact' && (
            <ContactPrivacy contactId={row.id as string} name={titleOf(type, row) === '—' ? (row.id as string) : titleOf(type, row)} />
          )}
          <Button
            size="xs"
            variant="default"
            color={row.deletedAt ? undefined : 'red'}
            onClick={() => (row.deletedAt ? trash.mutate() : setConfirmingDelete(true))}
            loading={trash.isPending}
          >
            {row.deletedAt ? t('record.restore') : t('record.delete')}
          </Button>
          <ConfirmModal
            opened={confirmingDelete}
            title={t('trash.confirmDelete', { name: titleOf(type, row) })}
            text={t('trash.confirmDeleteText')}
            confirmLabel={t('record.delete')}
            loading={trash.isPending}
            onConfirm={() => trash.mutate()}
            onClose={() => setConfirmingDelete(false)}
          />
        </Group>
      </Group>
      {row.deletedAt && <Alert color="orange">{t('record.deletedBanner')}</Alert>}
      {conflict && (
        <Alert
          color="orange"
          role="alert"
          title={t('record.conflictTitle', { field: fieldLabel(conflict.col.key) })}
          // The light variant's orange title is too faint to read (axe: contrast).
          styles={{ title: { color: 'var(--mantine-color-text)' } }}
        >
          <Stack gap="xs">
            <div>{t('record.conflictMine', { value: conflict.value || t('record.empty') })}</div>
            <Group gap="xs">
              <Button
                size="xs"
                onClick={() => save.mutate({ col: conflict.col, value: conflict.value, version: row.version })}
                loading={save.isPending}
              >
                {t('record.applyMine')}
              </Button>
              <Button size="xs" variant="default" onClick={() => setConflict(null)}>
                {t('record.keepTheirs')}
              </Button>
            </Group>
          </Stack>
        </Alert>
      )}
      <Card withBorder>
        <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }} spacing="md" verticalSpacing="sm">
          {details.map((c) =>
            type === 'contact' && (c.key === 'email' || c.key === 'phone') ? (
              <ContactValuesField
                key={c.key}
                row={row}
                kind={c.key === 'email' ? 'emails' : 'phones'}
                onSaved={(next) => {
                  qc.setQueryData(recordKeys.one(type, id), next);
                  refresh();
                }}
              />
            ) : (
              <EditableField
                key={c.key}
                row={row}
                col={c}
                lookups={lookups}
                // Only a refusal naming the field reopens it with what was typed; a clash shows theirs and the banner above.
                onSave={(value, version) =>
                  save.mutateAsync({ col: c, value, version }).catch((e) => {
                    if (e instanceof ApiError && e.errors.length) throw e;
                  })
                }
                error={fieldErrors[c.key] || undefined}
              />
            ),
          )}
        </SimpleGrid>
      </Card>
      <Grid>
        <Grid.Col span={{ base: 12, md: 8 }}>
          <Tabs defaultValue="timeline" keepMounted={false}>
            <Tabs.List>
              <Tabs.Tab value="timeline">{t('record.timeline')}</Tabs.Tab>
              <Tabs.Tab value="tasks">{t('record.tasks')}</Tabs.Tab>
              <Tabs.Tab value="history">{t('record.history')}</Tabs.Tab>
            </Tabs.List>
            <Tabs.Panel value="timeline" pt="sm">
              <Timeline
                type={type}
                id={id}
                emailTo={type === 'contact' ? (row as { emails?: { value: string }[] }).emails?.[0]?.value : undefined}
              />
            </Tabs.Panel>
            <Tabs.Panel value="tasks" pt="sm">
              <TasksPanel type={type} id={id} />
            </Tabs.Panel>
            <Tabs.Panel value="history" pt="sm">
              <HistoryPanel type={type} id={id} fieldLabel={fieldLabel} formatValue={formatValue} />
            </Tabs.Panel>
          </Tabs>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Stack>
            {type === 'contact' && <ContactRelated contact={row} />}
            {type === 'company' && <CompanyRelated company={row} />}
            {type === 'deal' && <DealRelated deal={row} />}
            <RecordListChips type={type} id={id} />
            {!row.deletedAt && <SharePanel recordType={linkTypeOf(type)} id={id} />}
            {type === 'contact' && !row.deletedAt && <ConsentPanel contactId={id} />}
          </Stack>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
