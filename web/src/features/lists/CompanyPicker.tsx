import { Select } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, type Company, fullRows, unwrap } from '../../api.ts';

/** A company chosen by typing part of its name. */
export function CompanyPicker({ label, value, onChange }: { label: string; value: string | null; onChange: (id: string | null) => void }) {
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search, 150);
  const found = useQuery({
    queryKey: ['companies', 'picker', q],
    queryFn: async () => {
      const filter = q ? JSON.stringify({ field: 'name', op: 'contains', value: q }) : undefined;
      return fullRows<Company>(unwrap(await api.GET('/api/v1/companies', { params: { query: { filter, limit: 20, sort: 'name' } } })));
    },
  });
  return (
    <Select
      label={label}
      searchable
      clearable
      searchValue={search}
      onSearchChange={setSearch}
      data={(found.data ?? []).map((c) => ({ value: c.id, label: c.name }))}
      value={value}
      onChange={onChange}
      filter={({ options }) => options}
      nothingFoundMessage="—"
    />
  );
}
