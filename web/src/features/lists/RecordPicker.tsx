import { Select } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { customType, listRecords, type ObjectType, type Row } from '../../records.ts';
import { contactName } from '../../ui/names.ts';

const builtIn = new Set(['company', 'contact', 'lead', 'deal']);
/** The object a relation field points to: a built-in one, or a custom object by its key. */
export const targetType = (target: string): ObjectType => (builtIn.has(target) ? (target as ObjectType) : customType(target));
/** How a record is named in a picker or a cell. */
export const recordTitle = (target: string, r: Row) =>
  target === 'contact' || target === 'lead' ? contactName(r as never) : String(r.name ?? '');

/** A record of `target` chosen by typing part of its name (the value a relation field holds). */
export function RecordPicker({
  target,
  label,
  value,
  onChange,
  onBlur,
  autoFocus,
  placeholder,
}: {
  target: string;
  label: string;
  value: string | null;
  onChange: (id: string | null) => void;
  onBlur?: () => void;
  autoFocus?: boolean;
  placeholder?: string;
}) {
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search, 150);
  const found = useQuery({
    queryKey: ['picker', target, q],
    queryFn: () =>
      listRecords(targetType(target), {
        filter: q ? JSON.stringify({ field: 'name', op: 'contains', value: q }) : undefined,
        limit: 20,
      }),
  });
  return (
    <Select
      size="xs"
      aria-label={label}
      placeholder={placeholder}
      autoFocus={autoFocus}
      defaultDropdownOpened={autoFocus}
      searchable
      clearable
      searchValue={search}
      onSearchChange={setSearch}
      data={(found.data?.rows ?? []).map((r) => ({ value: r.id, label: recordTitle(target, r) }))}
      value={value}
      onChange={onChange}
      onBlur={onBlur}
      filter={({ options }) => options}
      nothingFoundMessage="—"
    />
  );
}

/**
 * The names of the records that relation fields of `rows` point to, fetched a target at a time
 * (one list request filtered by id), so that cells show "Acme", not an id.
 */
export function useRelationNames(fields: { key: string; type: string; target?: string | null }[], rows: Row[]) {
  const wanted = new Map<string, Set<string>>();
  for (const f of fields) {
    if (f.type !== 'relation' || !f.target) continue;
    for (const r of rows) {
      const v = r.custom?.[f.key];
      if (typeof v === 'string') {
        const ids = wanted.get(f.target) ?? new Set();
        ids.add(v);
        wanted.set(f.target, ids);
      }
    }
  }
  const key = [...wanted].map(([t, ids]) => `${t}:${[...ids].sort().join(',')}`).sort();
  const names = useQuery({
    queryKey: ['relation-names', key],
    enabled: key.length > 0,
    queryFn: async () => {
      const out = new Map<string, string>();
      for (const [target, ids] of wanted) {
        const page = await listRecords(targetType(target), {
          filter: JSON.stringify({ field: 'id', op: 'in', value: [...ids].slice(0, 500) }),
          limit: 200,
        });
        for (const r of page.rows) out.set(r.id, recordTitle(target, r));
      }
      return out;
    },
  });
  return (id: string) => names.data?.get(id);
}
