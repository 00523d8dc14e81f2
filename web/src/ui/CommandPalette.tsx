import { useDebouncedValue } from '@mantine/hooks';
import { Spotlight, type SpotlightActionData } from '@mantine/spotlight';
import { IconBuilding, IconCurrencyDollar, IconLayoutKanban, IconPlus, IconSearch, IconSettings, IconUser } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../api.ts';
import { navigate } from '../router.tsx';
import { contactName } from './names.ts';

// Ctrl+K: records found by name through the list filters (`contains`), plus actions.
async function searchRecords(q: string) {
  const filter = (field: string) => JSON.stringify({ field, op: 'contains', value: q });
  const [contacts, companies, deals] = await Promise.all([
    api.GET('/api/v1/contacts', { params: { query: { filter: filter('name'), limit: 5 } } }).then(unwrap),
    api.GET('/api/v1/companies', { params: { query: { filter: filter('name'), limit: 5 } } }).then(unwrap),
    api.GET('/api/v1/deals', { params: { query: { filter: filter('name'), limit: 5 } } }).then(unwrap),
  ]);
  return { contacts: contacts.data, companies: companies.data, deals: deals.data };
}

export function CommandPalette() {
  const { t } = useTranslation();
  const [query, setQuery] = useState('');
  const [q] = useDebouncedValue(query.trim(), 150);
  const found = useQuery({ queryKey: ['palette', q], queryFn: () => searchRecords(q), enabled: q.length > 0, staleTime: 5_000 });

  const records: SpotlightActionData[] = [
    ...(found.data?.contacts ?? []).map((c) => ({
      id: `contact-${c.id}`,
      label: contactName(c),
      description: t('objects.contact'),
      leftSection: <IconUser size={18} />,
      onClick: () => navigate(`/contacts/${c.id}`),
    })),
    ...(found.data?.companies ?? []).map((c) => ({
      id: `company-${c.id}`,
      label: c.name,
      description: t('objects.company'),
      leftSection: <IconBuilding size={18} />,
      onClick: () => navigate(`/companies/${c.id}`),
    })),
    ...(found.data?.deals ?? []).map((d) => ({
      id: `deal-${d.id}`,
      label: d.name,
      description: t('objects.deal'),
      leftSection: <IconCurrencyDollar size={18} />,
      onClick: () => navigate(`/deals/${d.id}`),
    })),
  ];
  const actions: SpotlightActionData[] = [
    {
      id: 'new-contact',
      label: t('search.createContact'),
      leftSection: <IconPlus size={18} />,
      onClick: () => navigate('/contacts?new=1'),
    },
    {
      id: 'new-company',
      label: t('search.createCompany'),
      leftSection: <IconPlus size={18} />,
      onClick: () => navigate('/companies?new=1'),
    },
    { id: 'new-deal', label: t('search.createDeal'), leftSection: <IconPlus size={18} />, onClick: () => navigate('/deals?new=1') },
    { id: 'go-board', label: t('search.goDeals'), leftSection: <IconLayoutKanban size={18} />, onClick: () => navigate('/deals/board') },
    { id: 'go-settings', label: t('search.goSettings'), leftSection: <IconSettings size={18} />, onClick: () => navigate('/settings') },
  ];
  const lower = query.trim().toLowerCase();
  const shownActions = lower ? actions.filter((a) => a.label?.toLowerCase().includes(lower)) : actions;

  return (
    <Spotlight
      actions={[...records, ...shownActions]}
      query={query}
      onQueryChange={setQuery}
      shortcut={['mod + K']}
      // The server already matched the records; only the fixed actions are filtered here.
      filter={(_q, all) => all}
      nothingFound={found.isFetching ? '…' : t('search.nothing')}
      searchProps={{ leftSection: <IconSearch size={18} />, placeholder: t('search.placeholder'), 'aria-label': t('nav.search') }}
      highlightQuery
      scrollable
      maxHeight={420}
    />
  );
}
