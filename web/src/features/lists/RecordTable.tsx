import { Anchor, Card, Checkbox, Group, NumberInput, Select, Stack, Text, TextInput, UnstyledButton } from '@mantine/core';
import { IconArrowDown, IconArrowUp } from '@tabler/icons-react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Row } from '../../records.ts';
import { Link } from '../../router.tsx';
import { useMembers } from '../../ui/useMembers.ts';
import { type Column, cellEditable, type Lookups } from './columns.ts';

interface Props {
  rows: Row[];
  columns: Column[];
  lookups: Lookups;
  sort: string;
  onSort: (field: string) => void;
  selected: Set<string>;
  onSelect: (ids: Set<string>) => void;
  onEdit: (row: Row, col: Column, value: string | null) => void;
  onEndReached: () => void;
  phone: boolean;
}

function CellEditor({
  row,
  col,
  lookups,
  onDone,
}: {
  row: Row;
  col: Column;
  lookups: Lookups;
  onDone: (v: string | null | undefined) => void;
}) {
  const { members } = useMembers();
  const raw = col.key.startsWith('custom.') ? row.custom?.[col.key.slice(7)] : row[col.key];
  const [value, setValue] = useState<string>(col.editValue?.(row) ?? (raw == null ? '' : String(raw)));
  const keys = (e: React.KeyboardEvent) => {
    if (e.key === 'Enter') onDone(value);
    if (e.key === 'Escape') onDone(undefined);
  };
  const label = col.label.startsWith('fields.') ? lookups.t(col.label) : col.label;
  if (col.edit === 'enum' || col.edit === 'member')
    return (
      <Select
        size="xs"
        aria-label={label}
        autoFocus
        defaultDropdownOpened
        data={col.edit === 'member' ? members.map((m) => ({ value: m.id, label: m.name })) : [...(col.editOptions ?? col.options ?? [])]}
        value={value || null}
        onChange={(v) => onDone(v)}
        onBlur={() => onDone(undefined)}
        clearable
        comboboxProps={{ withinPortal: true }}
      />
    );
  if (col.edit === 'number')
    return (
      <NumberInput
        size="xs"
        aria-label={label}
        autoFocus
        value={value}
        onChange={(v) => setValue(String(v))}
        onKeyDown={keys}
        onBlur={() => onDone(value)}
      />
    );
  return (
    <TextInput
      size="xs"
      aria-label={label}
      autoFocus
      value={value}
      onChange={(e) => setValue(e.currentTarget.value)}
      onKeyDown={keys}
      onBlur={() => onDone(value)}
    />
  );
}

export function RecordTable({ rows, columns, lookups, sort, onSort, selected, onSelect, onEdit, onEndReached, phone }: Props) {
  const { t } = useTranslation();
  const parent = useRef<HTMLDivElement>(null);
  const [editing, setEditing] = useState<{ id: string; key: string } | null>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => parent.current,
    estimateSize: () => (phone ? 104 : 40),
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const last = items.at(-1)?.index ?? 0;
  useEffect(() => {
    if (rows.length && last >= rows.length - 15) onEndReached();
  }, [last, rows.length, onEndReached]);

  const width = 44 + columns.reduce((n, c) => n + c.width, 0);
  const toggle = (id: string) => {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    onSelect(next);
  };
  const allSelected = rows.length > 0 && rows.every((r) => selected.has(r.id));
  const label = (c: Column) => (c.label.startsWith('fields.') ? t(c.label) : c.label);
  const cell = (row: Row, c: Column) => {
    if (editing?.id === row.id && editing.key === c.key)
      return (
        <CellEditor
          row={row}
          col={c}
          lookups={lookups}
          onDone={(v) => {
            setEditing(null);
            if (v !== undefined) onEdit(row, c, v);
          }}
        />
      );
    const text = c.display(row, lookups);
    // A column may link only some rows (a task related to nothing has no record to open).
    const href = c.href?.(row);
    if (href)
      return (
        <Link to={href} size="sm" fw={500}>
          {text || '—'}
        </Link>
      );
    const out = text ? c.link?.(row) : null;
    if (out)
      return (
        <Anchor href={out} size="sm" truncate>
          {text}
        </Anchor>
      );
    return (
      <Text size="sm" truncate>
        {text}
      </Text>
    );
  };

  if (phone)
    return (
      <div ref={parent} style={{ height: 'calc(100dvh - 190px)', overflow: 'auto' }} data-testid="record-cards">
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((v) => {
            const row = rows[v.index];
            const [first, ...rest] = columns;
            return (
              <div
                key={row.id}
                style={{ position: 'absolute', top: 0, left: 0, right: 0, transform: `translateY(${v.start}px)`, padding: '4px 0' }}
              >
                <Card withBorder padding="sm" h={96}>
                  <Stack gap={2}>
                    {cell(row, first)}
                    {rest.slice(0, 3).map((c) => (
                      <Text key={c.key} size="xs" c="dimmed" truncate>
                        {label(c)}: {c.display(row, lookups) || '—'}
                      </Text>
                    ))}
                  </Stack>
                </Card>
              </div>
            );
          })}
        </div>
      </div>
    );

  const arrow = (c: Column) => (sort === c.field ? <IconArrowUp size={14} /> : sort === `-${c.field}` ? <IconArrowDown size={14} /> : null);
  return (
    <div
      ref={parent}
      style={{
        height: 'calc(100dvh - 210px)',
        minHeight: 300,
        overflow: 'auto',
        border: '1px solid var(--mantine-color-default-border)',
        borderRadius: 8,
      }}
      role="table"
      aria-rowcount={rows.length}
    >
      <div
        className="rp-table-row"
        role="row"
        style={{ width, position: 'sticky', top: 0, zIndex: 2, background: 'var(--mantine-color-body)', height: 40, fontWeight: 600 }}
      >
        <div className="rp-cell" style={{ width: 44 }} role="columnheader">
          <Checkbox
            aria-label={t('list.selectAll')}
            checked={allSelected}
            indeterminate={!allSelected && selected.size > 0}
            onChange={() => onSelect(allSelected ? new Set() : new Set(rows.map((r) => r.id)))}
          />
        </div>
        {columns.map((c) => (
          <div
            key={c.key}
            className="rp-cell"
            style={{ width: c.width }}
            role="columnheader"
            aria-sort={sort === c.field ? 'ascending' : sort === `-${c.field}` ? 'descending' : undefined}
          >
            {c.field ? (
              <UnstyledButton onClick={() => onSort(c.field as string)} fz="sm" fw={600}>
                <Group gap={4} wrap="nowrap">
                  {label(c)}
                  {arrow(c)}
                </Group>
              </UnstyledButton>
            ) : (
              <Text size="sm" fw={600}>
                {label(c)}
              </Text>
            )}
          </div>
        ))}
      </div>
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative', width }} role="rowgroup">
        {items.map((v) => {
          const row = rows[v.index];
          return (
            <div
              key={row.id}
              className="rp-table-row"
              role="row"
              style={{ position: 'absolute', top: 0, left: 0, width, height: 40, transform: `translateY(${v.start}px)` }}
            >
              <div className="rp-cell" style={{ width: 44 }} role="cell">
                <Checkbox aria-label={t('list.selectRow')} checked={selected.has(row.id)} onChange={() => toggle(row.id)} />
              </div>
              {columns.map((c) => (
                <div
                  key={c.key}
                  className="rp-cell"
                  style={{ width: c.width }}
                  role="cell"
                  title={cellEditable(c) ? t('record.editHint') : undefined}
                  onDoubleClick={cellEditable(c) ? () => setEditing({ id: row.id, key: c.key }) : undefined}
                  onKeyDown={cellEditable(c) ? (e) => e.key === 'F2' && setEditing({ id: row.id, key: c.key }) : undefined}
                  tabIndex={cellEditable(c) ? 0 : undefined}
                >
                  {cell(row, c)}
                </div>
              ))}
            </div>
          );
        })}
      </div>
    </div>
  );
}
