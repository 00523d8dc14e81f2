import { Button, Group, Select, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { RecordLink } from '../../api.ts';
import { listRecords } from '../../records.ts';
import { Link } from '../../router.tsx';
import { recordTitle } from '../lists/RecordPicker.tsx';
import { AddLinkForm, UnlinkButton } from './LinkControls.tsx';

/** The kinds of record an activity or a task is linked to from a record page. */
const pickable = ['contact', 'company', 'deal'] as const;
const pathOf: Record<string, string> = { contact: 'contacts', company: 'companies', deal: 'deals', lead: 'leads' };

/** The names of linked records, one list request per type. */
function useLinkNames(links: RecordLink[]) {
  const byType = new Map<string, string[]>();
  for (const l of links) if (pathOf[l.recordType]) byType.set(l.recordType, [...(byType.get(l.recordType) ?? []), l.recordId]);
  const key = [...byType].map(([t, ids]) => `${t}:${[...ids].sort().join(',')}`).sort();
  const names = useQuery({
    queryKey: ['link-names', key],
    enabled: key.length > 0,
    // A link added keeps the names already known on screen while the new one loads.
    placeholderData: (previous) => previous,
    queryFn: async () => {
      const out = new Map<string, string>();
      for (const [type, ids] of byType) {
        const page = await listRecords(type as 'contact', { filter: JSON.stringify({ field: 'id', op: 'in', value: ids }), limit: 200 });
        for (const r of page.rows) out.set(r.id, recordTitle(type, r));
      }
      return out;
    },
  });
  return (id: string) => names.data?.get(id);
}

/**
 * The records an activity or a task is linked to, each removable (after asking), and a form to link
 * one more. `min` keeps the last link of an activity, which must concern something.
 */
export function LinkedRecords({
  links,
  onChange,
  pending,
  error,
  min = 0,
}: {
  links: RecordLink[];
  onChange: (next: RecordLink[]) => Promise<unknown>;
  pending?: boolean;
  error?: string;
  min?: number;
}) {
  const { t } = useTranslation();
  const nameOf = useLinkNames(links);
  const [type, setType] = useState<(typeof pickable)[number]>('contact');
  return (
    <Stack gap={4} mt="xs">
      <Text size="xs" c="dimmed">
        {t('links.linkedTo')}
      </Text>
      {links.map((l) => {
        // A custom object's record is linked by id alone; it is named by its kind.
        const name = pathOf[l.recordType] ? (nameOf(l.recordId) ?? '…') : t('links.record');
        return (
          <Group key={`${l.recordType}:${l.recordId}`} justify="space-between" wrap="nowrap" gap="xs">
            <Text size="sm">
              {pathOf[l.recordType] ? <Link to={`/${pathOf[l.recordType]}/${l.recordId}`}>{name}</Link> : name}{' '}
              <Text span size="xs" c="dimmed">
                ({t(`objects.${l.recordType}`, { defaultValue: l.recordType })})
              </Text>
            </Text>
            <UnlinkButton
              name={name}
              pending={pending}
              disabled={links.length <= min}
              disabledReason={t('links.lastLink')}
              onConfirm={() => onChange(links.filter((x) => x !== l))}
            />
          </Group>
        );
      })}
      <Group gap="xs" align="flex-start" wrap="wrap">
        <Select
          size="xs"
          w={130}
          mt="xs"
          aria-label={t('links.recordType')}
          data={pickable.map((p) => ({ value: p, label: t(`objects.${p}`) }))}
          value={type}
          onChange={(v) => v && setType(v as typeof type)}
          allowDeselect={false}
        />
        <div style={{ flex: 1, minWidth: 180 }}>
          <AddLinkForm
            key={type}
            target={type}
            pickerLabel={t('links.record')}
            submitLabel={t('links.link')}
            pending={pending}
            error={error}
            onAdd={(id) =>
              links.some((l) => l.recordId === id) ? Promise.resolve() : onChange([...links, { recordType: type, recordId: id }])
            }
          />
        </div>
      </Group>
    </Stack>
  );
}

/** A button that shows or hides an activity's or a task's links. */
export function LinksToggle({ count, open, onToggle }: { count: number; open: boolean; onToggle: () => void }) {
  const { t } = useTranslation();
  return (
    <Button size="compact-xs" variant="subtle" onClick={onToggle} aria-expanded={open}>
      {t('links.toggle', { count })}
    </Button>
  );
}
