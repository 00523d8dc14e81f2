import { Badge, Button, Checkbox, Group, Menu, Modal, NavLink, Popover, Stack, Switch, Text, TextInput, Title } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconColumns, IconDownload, IconFilter, IconPlus, IconUpload } from '@tabler/icons-react';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, type SavedView, unwrap } from '../../api.ts';
import { fieldsKeyOf, type ObjectType, patchRecord, type Row, recordKeys, webPath } from '../../records.ts';
import { navigate, useLocation } from '../../router.tsx';
import { useMe } from '../../session.ts';
import { Empty, ErrorState, LoadingRows } from '../../ui/States.tsx';
import { useMembers } from '../../ui/useMembers.ts';
import { useObjectLabel } from '../../ui/useObjects.ts';
import { usePipelines } from '../../ui/usePipelines.ts';
import { BulkBar } from './BulkBar.tsx';
import { CreateRecordModal } from './CreateRecordModal.tsx';
import { type Column, columnsFor, defaultColumnsOf, type Lookups } from './columns.ts';
import { exportHref } from './exportLink.ts';
import { FilterBuilder } from './FilterBuilder.tsx';
import { countConditions, type FilterGroup, hasIncomplete, toFilter } from './filterGroup.ts';
import { DEFAULT_SORT, fieldsQuery, listQuery, listRequest, viewsQuery } from './listQuery.ts';
import { listHref, readListState, storeColumns, storedColumns } from './listState.ts';
import { useRelationNames } from './RecordPicker.tsx';
import { RecordTable } from './RecordTable.tsx';
import { RowCount } from './RowCount.tsx';

const emptyGroup = (): FilterGroup => ({ mode: 'and', items: [] });

export function useFields(type: ObjectType | 'activity') {
  return useQuery(fieldsQuery(type));
}

export function useLookups(): Lookups {
  const { t } = useTranslation();
  const { nameOf } = useMembers();
  const { stageOf, pipelines } = usePipelines();
  return { t, memberName: nameOf, stageName: (id) => stageOf(id)?.name ?? '', pipelines };
}

export default function ListPage({ type }: { type: ObjectType }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const phone = useMediaQuery('(max-width: 48em)') ?? false;
  const { query } = useLocation();
  const baseLookups = useLookups();
  const fields = useFields(type);
  const allColumns = useMemo(() => columnsFor(type, fields.data ?? []), [type, fields.data]);
  const label = useObjectLabel(type);
  const me = useMe();
  // The list as the address says (Back, reload, a shared link), else as this person left it.
  const [initial] = useState(() => readListState(query));
  const [chosen, setChosen] = useState<string[] | null>(initial.columns ?? storedColumns(me.member.id, type));
  const setVisible = (cols: string[] | null) => {
    setChosen(cols);
    storeColumns(me.member.id, type, cols);
  };
  // Until a person or a view chooses columns, the object's defaults (a custom object's first fields among them).
  const visible = chosen ?? defaultColumnsOf(type, fields.data ?? []);
  const [sort, setSort] = useState(initial.sort ?? DEFAULT_SORT);
  const [draft, setDraft] = useState<FilterGroup>(initial.filter ?? emptyGroup());
  const [applied, setApplied] = useState<FilterGroup>(initial.filter ?? emptyGroup());
  const [viewId, setViewId] = useState<string | null>(initial.view);
  useEffect(() => {
    const href = listHref(webPath(type), new URLSearchParams(location.search), {
      filter: countConditions(applied) ? applied : null,
      sort: sort === DEFAULT_SORT ? null : sort,
      view: viewId,
      columns: chosen,
    });
    navigate(href, { replace: true, keepScroll: true });
  }, [type, applied, sort, viewId, chosen]);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [saveOpen, setSaveOpen] = useState(false);
  const [filterOpen, setFilterOpen] = useState(false);
  const [filterErrors, setFilterErrors] = useState(false);
  const applyFilter = () => {
    if (hasIncomplete(draft)) {
      setFilterErrors(true);
      return;
    }
    setFilterErrors(false);
    setApplied(draft);
    setFilterOpen(false);
  };
  const creating = query.get('new') === '1';

  const filter = toFilter(applied, allColumns);
  // Null while a filter on a custom field waits for its definition (see listRequest).
  const params = listRequest(type, applied, sort, viewId, fields.data);
  const list = useInfiniteQuery({
    ...listQuery(type, params ?? { sort }),
    enabled: params !== null,
  });
  const rows = useMemo(() => list.data?.pages.flatMap((p) => p.rows) ?? [], [list.data]);
  const counted = list.data?.pages[0];
  const recordName = useRelationNames(fields.data ?? [], rows);
  const lookups = { ...baseLookups, recordName };
  const columns = visible.map((k) => allColumns.find((c) => c.key === k)).filter((c): c is Column => !!c);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = list;
  const onEndReached = useCallback(() => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);

  const views = useQuery(viewsQuery(type));

  const edit = useMutation({
    mutationFn: ({ row, col, value }: { row: Row; col: Column; value: string | null }) =>
      patchRecord(type, row.id, row.version, col.toPatch?.(value, row, baseLookups) ?? {}),
    onSuccess: () => notifications.show({ message: t('list.saved'), color: 'green', autoClose: 1500 }),
    onError: (e) =>
      notifications.show({ color: 'red', message: e instanceof ApiError && e.status === 409 ? t('list.conflict') : e.message }),
    onSettled: () => qc.invalidateQueries({ queryKey: recordKeys.all(type) }),
  });

  const applyView = (v: SavedView | null) => {
    setViewId(v?.id ?? null);
    setChosen(v?.columns?.length ? v.columns : storedColumns(me.member.id, type));
    if (v?.sort) setSort(v.sort);
    setDraft(emptyGroup());
    setApplied(emptyGroup());
    setSelected(new Set());
  };

  const onSort = (field: string) => setSort((s) => (s === field ? `-${field}` : field));

  const nFilters = countConditions(applied);
  return (
    <Group align="flex-start" wrap="nowrap" gap="md">
      {!phone && (
        <Stack w={200} gap={2} style={{ flexShrink: 0 }} component="aside" aria-label={t('list.views')}>
          <Text size="xs" fw={700} c="dimmed" tt="uppercase" mb={4}>
            {t('list.views')}
          </Text>
          <NavLink label={t('list.allRecords')} active={!viewId} onClick={() => applyView(null)} />
          {(views.data ?? []).map((v) => (
            <NavLink
              key={v.id}
              label={v.name}
              description={v.visibility === 'shared' ? t('list.shared') : t('list.private')}
              // The active link's own description colour is too faint on its tint (axe: contrast).
              styles={{ description: { color: 'var(--mantine-color-text)' } }}
              active={viewId === v.id}
              onClick={() => applyView(v)}
            />
          ))}
          <Button size="xs" variant="subtle" mt="xs" onClick={() => setSaveOpen(true)}>
            {t('list.saveView')}
          </Button>
        </Stack>
      )}
      <Stack style={{ flex: 1, minWidth: 0 }} gap="sm">
        <Group justify="space-between" wrap="wrap" gap="xs">
          <Group gap="xs">
            <Title order={1} size="h2">
              {label.many}
            </Title>
            {counted?.total !== undefined && (
              <RowCount
                // An estimate from stale statistics may be below what is already on screen; never say fewer.
                total={counted.totalIsEstimate ? Math.max(counted.total, rows.length + (hasNextPage ? 1 : 0)) : counted.total}
                estimate={!!counted.totalIsEstimate}
              />
            )}
          </Group>
          <Group gap="xs">
            <Popover width={phone ? 340 : 640} position="bottom-end" withinPortal trapFocus opened={filterOpen} onChange={setFilterOpen}>
              <Popover.Target>
                <Button
                  variant="default"
                  onClick={() => setFilterOpen((o) => !o)}
                  leftSection={<IconFilter size={16} />}
                  rightSection={nFilters ? <Badge size="xs">{nFilters}</Badge> : null}
                >
                  {t('list.filter')}
                </Button>
              </Popover.Target>
              <Popover.Dropdown>
                <Stack>
                  <FilterBuilder group={draft} columns={allColumns} onChange={setDraft} showErrors={filterErrors} />
                  <Group justify="flex-end">
                    <Button
                      size="xs"
                      variant="default"
                      onClick={() => {
                        setDraft(emptyGroup());
                        setApplied(emptyGroup());
                        setFilterErrors(false);
                      }}
                    >
                      {t('list.clear')}
                    </Button>
                    <Button size="xs" onClick={applyFilter}>
                      {t('list.apply')}
                    </Button>
                  </Group>
                </Stack>
              </Popover.Dropdown>
            </Popover>
            <Menu closeOnItemClick={false} position="bottom-end" withinPortal>
              <Menu.Target>
                <Button variant="default" leftSection={<IconColumns size={16} />}>
                  {t('list.columns')}
                </Button>
              </Menu.Target>
              <Menu.Dropdown mah={400} style={{ overflowY: 'auto' }}>
                {allColumns.map((c) => (
                  <Menu.Item key={c.key}>
                    <Checkbox
                      label={c.label.startsWith('fields.') ? t(c.label) : c.label}
                      checked={visible.includes(c.key)}
                      onChange={() => setVisible(visible.includes(c.key) ? visible.filter((k) => k !== c.key) : [...visible, c.key])}
                    />
                  </Menu.Item>
                ))}
              </Menu.Dropdown>
            </Menu>
            {/* Every object can be imported (custom ones as `custom:<key>`, as the import screen names them). */}
            <Button variant="default" leftSection={<IconUpload size={16} />} onClick={() => navigate(`/import?object=${type}`)}>
              {t('imports.button')}
            </Button>
            <Menu position="bottom-end" withinPortal>
              <Menu.Target>
                <Button variant="default" leftSection={<IconDownload size={16} />}>
                  {t('list.export')}
                </Button>
              </Menu.Target>
              <Menu.Dropdown>
                {(['csv', 'json', ...(type === 'contact' ? (['vcard'] as const) : [])] as const).map((format) => (
                  <Menu.Item key={format} component="a" href={exportHref(type, params ?? { sort }, visible, format)} download>
                    {t(`list.exportAs.${format}`)}
                  </Menu.Item>
                ))}
              </Menu.Dropdown>
            </Menu>
            <Button leftSection={<IconPlus size={16} />} onClick={() => navigate(`${webPath(type)}?new=1`)}>
              {t('list.new')}
            </Button>
          </Group>
        </Group>
        {selected.size > 0 && (
          <BulkBar type={type} ids={[...selected]} rows={rows} columns={allColumns} onDone={() => setSelected(new Set())} />
        )}
        {list.error ? (
          <ErrorState error={list.error} onRetry={() => list.refetch()} />
        ) : list.isPending ? (
          <LoadingRows rows={8} />
        ) : rows.length === 0 ? (
          <Empty>{nFilters || viewId ? t('list.emptyFiltered') : t('list.empty')}</Empty>
        ) : (
          <RecordTable
            rows={rows}
            columns={columns}
            lookups={lookups}
            sort={sort}
            onSort={onSort}
            selected={selected}
            onSelect={setSelected}
            onEdit={(row, col, value) => edit.mutate({ row, col, value })}
            onEndReached={onEndReached}
            phone={phone}
          />
        )}
        {isFetchingNextPage && (
          <Text size="xs" c="dimmed">
            {t('list.loadingMore')}
          </Text>
        )}
      </Stack>
      <CreateRecordModal
        type={type}
        opened={creating}
        onClose={() => navigate(webPath(type), { replace: true })}
        onCreated={(r) => type !== 'task' && navigate(`${webPath(type)}/${r.id}`)}
      />
      <SaveViewModal
        opened={saveOpen}
        onClose={() => setSaveOpen(false)}
        type={type}
        filter={filter}
        sort={sort}
        columns={visible}
        onSaved={applyView}
      />
    </Group>
  );
}

function SaveViewModal(props: {
  opened: boolean;
  onClose: () => void;
  type: ObjectType;
  filter: unknown;
  sort: string;
  columns: string[];
  onSaved: (v: SavedView) => void;
}) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [name, setName] = useState('');
  const [shared, setShared] = useState(false);
  const save = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST('/api/v1/views', {
          body: {
            objectType: fieldsKeyOf(props.type),
            name,
            filter: props.filter ?? undefined,
            sort: props.sort,
            columns: props.columns,
            visibility: shared ? 'shared' : 'private',
          },
        }),
      ) as SavedView,
    onSuccess: (v) => {
      void qc.invalidateQueries({ queryKey: ['views', props.type] });
      props.onClose();
      props.onSaved(v);
    },
  });
  const err = save.error instanceof ApiError ? save.error : null;
  return (
    <Modal opened={props.opened} onClose={props.onClose} title={t('list.saveView')}>
      <Stack>
        <TextInput
          label={t('list.viewName')}
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          error={err?.messageFor('name')}
          data-autofocus
        />
        <Switch label={t('list.shared')} checked={shared} onChange={(e) => setShared(e.currentTarget.checked)} />
        <Group justify="flex-end">
          <Button onClick={() => save.mutate()} loading={save.isPending} disabled={!name}>
            {t('record.save')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
