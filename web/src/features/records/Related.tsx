import { Card, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, type Contact, type Deal, fullRows, unwrap } from '../../api.ts';
import { formatMoney } from '../../format.ts';
import type { Row } from '../../records.ts';
import { Link } from '../../router.tsx';
import { contactName } from '../../ui/names.ts';
import { LoadingRows } from '../../ui/States.tsx';

function Section({
  title,
  items,
  pending,
}: {
  title: string;
  items: { id: string; to: string; label: string; extra?: string }[];
  pending?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <Card withBorder>
      <Title order={2} size="h5" mb="xs">
        {title}
      </Title>
      {pending ? (
        <LoadingRows rows={2} />
      ) : items.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('record.noRelated')}
        </Text>
      ) : (
        <Stack gap={4}>
          {items.map((i) => (
            <div key={i.id}>
              <Link to={i.to} size="sm">
                {i.label}
              </Link>
              {i.extra && (
                <Text size="xs" c="dimmed">
                  {i.extra}
                </Text>
              )}
            </div>
          ))}
        </Stack>
      )}
    </Card>
  );
}

const dealsWhere = async (filter: unknown) =>
  fullRows<Deal>(
    unwrap(await api.GET('/api/v1/deals', { params: { query: { filter: JSON.stringify(filter), limit: 50, sort: '-updatedAt' } } })),
  );
const dealItems = (deals: Deal[] | undefined) =>
  (deals ?? []).map((d) => ({ id: d.id, to: `/deals/${d.id}`, label: d.name, extra: formatMoney(d.amountMinor, d.currency) }));

export function ContactRelated({ contact }: { contact: Row }) {
  const { t } = useTranslation();
  const companies = (contact.companies as Contact['companies']) ?? [];
  // The deals this contact is on (deal_contacts), trash excluded.
  const deals = useQuery({
    queryKey: ['deals', 'of-contact', contact.id],
    queryFn: async () => unwrap(await api.GET('/api/v1/contacts/{id}/deals', { params: { path: { id: contact.id } } })).data,
  });
  return (
    <>
      <Section
        title={t('record.companies')}
        items={companies.map((c) => ({ id: c.companyId, to: `/companies/${c.companyId}`, label: c.name, extra: c.role ?? undefined }))}
      />
      <Section title={t('record.deals')} items={dealItems(deals.data)} pending={deals.isPending} />
    </>
  );
}

export function CompanyRelated({ company }: { company: Row }) {
  const { t } = useTranslation();
  const people = useQuery({
    queryKey: ['contacts', 'of-company', company.id],
    queryFn: async () =>
      fullRows<Contact>(unwrap(await api.GET('/api/v1/companies/{id}/contacts', { params: { path: { id: company.id } } }))),
  });
  const deals = useQuery({
    queryKey: ['deals', 'of-company', company.id],
    queryFn: () => dealsWhere({ field: 'companyId', op: 'eq', value: company.id }),
  });
  return (
    <>
      <Section
        title={t('record.people')}
        items={(people.data ?? []).map((c) => ({ id: c.id, to: `/contacts/${c.id}`, label: contactName(c), extra: c.title ?? undefined }))}
        pending={people.isPending}
      />
      <Section title={t('record.deals')} items={dealItems(deals.data)} pending={deals.isPending} />
    </>
  );
}

export function DealRelated({ deal }: { deal: Row }) {
  const { t } = useTranslation();
  const ids = ((deal.contacts as Deal['contacts']) ?? []).map((c) => c.contactId);
  const contacts = useQuery({
    queryKey: ['contacts', 'of-deal', deal.id, ids],
    queryFn: async () =>
      fullRows<Contact>(
        unwrap(
          await api.GET('/api/v1/contacts', {
            params: { query: { filter: JSON.stringify({ field: 'id', op: 'in', value: ids }), limit: 100 } },
          }),
        ),
      ),
    enabled: ids.length > 0,
  });
  const companyId = deal.companyId as string | null;
  const company = useQuery({
    queryKey: ['companies', 'one', companyId],
    queryFn: async () => unwrap(await api.GET('/api/v1/companies/{id}', { params: { path: { id: companyId as string } } })),
    enabled: !!companyId,
  });
  return (
    <>
      <Section
        title={t('fields.company')}
        items={company.data ? [{ id: company.data.id, to: `/companies/${company.data.id}`, label: company.data.name }] : []}
        pending={!!companyId && company.isPending}
      />
      <Section
        title={t('record.contacts')}
        items={(contacts.data ?? []).map((c) => ({ id: c.id, to: `/contacts/${c.id}`, label: contactName(c) }))}
        pending={ids.length > 0 && contacts.isPending}
      />
    </>
  );
}
