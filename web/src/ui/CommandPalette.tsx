import { useDebouncedValue } from '@mantine/hooks';
import { Spotlight, type SpotlightActionData, type SpotlightActionGroupData } from '@mantine/spotlight';
import {
  IconBox,
  IconBuilding,
  IconCurrencyDollar,
  IconLayoutKanban,
  IconPlus,
  IconSearch,
  IconSettings,
  IconTargetArrow,
  IconUser,
} from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../api.ts';
import { navigate } from '../router.tsx';
import { linkedRecordPath } from './linkedRecord.ts';
import { useObjectTypes } from './useObjects.ts';

// Ctrl+K: records found by the search index (every word starts a name, email, domain, phone or
// company name; accents and case ignored), plus actions.
const searchRecords = (q: string) => api.GET('/api/v1/search', { params: { query: { q, limit: 12 } } }).then(unwrap);

const kinds = {
  contact: { icon: IconUser, path: 'contacts' },
  company: { icon: IconBuilding, path: 'companies' },
  lead: { icon: IconTargetArrow, path: 'leads' },
  deal: { icon: IconCurrencyDollar, path: 'deals' },
} as const;

export function CommandPalette() {
  const { t } = useTranslation();
  const [query, setQuery] = useState('');
  const [q] = useDebouncedValue(query.trim(), 120);
  const found = useQuery({ queryKey: ['palette', q], queryFn: () => searchRecords(q), enabled: q.length > 0, staleTime: 5_000 });
  const objects = useObjectTypes();

  // Hits grouped by object (Contacts, Companies, a custom object's records …), the groups in the
  // order of their best hit: the server ranks prefix matches before close spellings.
  const groups = new Map<string, SpotlightActionData[]>();
  for (const hit of found.data?.data ?? []) {
    let group: string;
    let action: SpotlightActionData;
    if (hit.type === 'custom_record') {
      // A record of a custom object: the hit's subtitle is its object's key, grouped under the object's name.
      const objectKey = hit.subtitle ?? '';
      group = objects.data?.find((o) => o.key === objectKey)?.labelPlural ?? objectKey;
      action = {
        id: `${hit.type}-${hit.id}`,
        label: hit.title || '—',
        leftSection: <IconBox size={18} />,
        onClick: () => navigate(linkedRecordPath({ recordType: hit.type, recordId: hit.id, objectKey })),
      };
    } else {
      const kind = kinds[hit.type];
      group = t(`nav.${kind.path}`);
      action = {
        id: `${hit.type}-${hit.id}`,
        label: hit.title || '—',
        description: hit.subtitle ?? undefined,
        leftSection: <kind.icon size={18} />,
        onClick: () => navigate(`/${kind.path}/${hit.id}`),
      };
    }
    groups.set(group, [...(groups.get(group) ?? []), action]);
  }
  const records: SpotlightActionGroupData[] = [...groups].map(([group, list]) => ({ group, actions: list }));
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
      actions={[...records, ...(shownActions.length ? [{ group: t('search.actions'), actions: shownActions }] : [])]}
      query={query}
      onQueryChange={setQuery}
      shortcut={['mod + K']}
      // Ctrl+K opens search from anywhere, a form field included (by default an input swallows it,
      // also the search's own input while it closes after a pick, so a quick second Ctrl+K did nothing).
      tagsToIgnore={[]}
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
