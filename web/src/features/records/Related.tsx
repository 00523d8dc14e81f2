import { Badge, Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Contact, type Deal, fullRows, unwrap } from '../../api.ts';
import { formatMoney } from '../../format.ts';
import type { Row } from '../../records.ts';
import { Link } from '../../router.tsx';
import { contactName } from '../../ui/names.ts';
import { LoadingRows } from '../../ui/States.tsx';
import { AddLinkForm, UnlinkButton } from './LinkControls.tsx';
import { useRecordLinks } from './useRecordLinks.ts';

interface Item {
  id: string;
  to: string;
  label: string;
  extra?: string;
  badge?: string;
  actions?: ReactNode;
}

function Section({ title, items, pending, children }: { title: string; items: Item[]; pending?: boolean; children?: ReactNode }) {
  const { t } = useTranslation();
  return (
    <Card withBorder component="section" aria-label={title}>
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
            <Group key={i.id} justify="space-between" wrap="nowrap" gap="xs">
              <div>
                <Link to={i.to} size="sm">
                  {i.label}
                </Link>
                {i.badge && (
                  <Badge size="xs" variant="light" ml={6}>
                    {i.badge}
                  </Badge>
                )}
                {i.extra && (
                  <Text size="xs" c="dimmed">
                    {i.extra}
                  </Text>
                )}
              </div>
              {i.actions && (
                <Group gap={2} wrap="nowrap">
                  {i.actions}
                </Group>
              )}
            </Group>
          ))}
        </Stack>
      )}
      {children}
    </Card>
  );
}

const dealsWhere = async (filter: unknown) =>
  fullRows<Deal>(
    unwrap(await api.GET('/api/v1/deals', { params: { query: { filter: JSON.stringify(filter), limit: 50, sort: '-updatedAt' } } })),
  );
const dealItems = (deals: Deal[] | undefined): Item[] =>
  (deals ?? []).map((d) => ({ id: d.id, to: `/deals/${d.id}`, label: d.name, extra: formatMoney(d.amountMinor, d.currency) }));

export function ContactRelated({ contact }: { contact: Row }) {
  const { t } = useTranslation();
  const links = useRecordLinks();
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
        items={companies.map((c) => ({
          id: c.companyId,
          to: `/companies/${c.companyId}`,
          label: c.name,
          extra: c.role ?? undefined,
          badge: c.isPrimary ? t('links.primary') : undefined,
          actions: (
            <>
              {!c.isPrimary && (
                <Button
                  size="compact-xs"
                  variant="subtle"
                  aria-label={t('links.makePrimaryNamed', { name: c.name })}
                  onClick={() => links.makePrimary.mutate({ contactId: contact.id, companyId: c.companyId })}
                >
                  {t('links.makePrimary')}
                </Button>
              )}
              <UnlinkButton
                name={c.name}
                pending={links.contactCompany.isPending}
                onConfirm={() => links.contactCompany.mutateAsync({ contactId: contact.id, companyId: c.companyId, remove: true })}
              />
            </>
          ),
        }))}
      >
        <AddLinkForm
          target="company"
          pickerLabel={t('links.company')}
          submitLabel={t('links.addToCompany')}
          withRole
          pending={links.contactCompany.isPending}
          error={links.errorOf(links.contactCompany.error)}
          onAdd={(companyId, role) => links.contactCompany.mutateAsync({ contactId: contact.id, companyId, role })}
        />
      </Section>
      <Section title={t('record.deals')} items={dealItems(deals.data)} pending={deals.isPending} />
    </>
  );
}

export function CompanyRelated({ company }: { company: Row }) {
  const { t } = useTranslation();
  const links = useRecordLinks();
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
        pending={people.isPending}
        items={(people.data ?? []).map((c) => {
          const link = c.companies.find((l) => l.companyId === company.id);
          const name = contactName(c);
          return {
            id: c.id,
            to: `/contacts/${c.id}`,
            label: name,
            extra: [link?.role, c.title].filter(Boolean).join(' · ') || undefined,
            badge: link?.isPrimary ? t('links.primary') : undefined,
            actions: (
              <>
                {!link?.isPrimary && (
                  <Button
                    size="compact-xs"
                    variant="subtle"
                    aria-label={t('links.makePrimaryNamed', { name })}
                    onClick={() => links.makePrimary.mutate({ contactId: c.id, companyId: company.id })}
                  >
                    {t('links.makePrimary')}
                  </Button>
                )}
                <UnlinkButton
                  name={name}
                  pending={links.contactCompany.isPending}
                  onConfirm={() => links.contactCompany.mutateAsync({ contactId: c.id, companyId: company.id, remove: true })}
                />
              </>
            ),
          };
        })}
      >
        <AddLinkForm
          target="contact"
          pickerLabel={t('links.contact')}
          submitLabel={t('links.addContact')}
          withRole
          pending={links.contactCompany.isPending}
          error={links.errorOf(links.contactCompany.error)}
          onAdd={(contactId, role) => links.contactCompany.mutateAsync({ contactId, companyId: company.id, role })}
        />
      </Section>
      <Section title={t('record.deals')} items={dealItems(deals.data)} pending={deals.isPending} />
    </>
  );
}

export function DealRelated({ deal }: { deal: Row }) {
  const { t } = useTranslation();
  const links = useRecordLinks();
  const linked = (deal.contacts as Deal['contacts']) ?? [];
  const ids = linked.map((c) => c.contactId);
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
  const roleOf = (id: string) => linked.find((l) => l.contactId === id)?.role ?? undefined;
  return (
    <>
      <Section
        title={t('fields.company')}
        items={
          company.data
            ? [
                {
                  id: company.data.id,
                  to: `/companies/${company.data.id}`,
                  label: company.data.name,
                  actions: (
                    <UnlinkButton
                      name={company.data.name}
                      pending={links.dealCompany.isPending}
                      onConfirm={() => links.dealCompany.mutateAsync({ dealId: deal.id, companyId: null })}
                    />
                  ),
                },
              ]
            : []
        }
        pending={!!companyId && company.isPending}
      >
        {!companyId && (
          <AddLinkForm
            target="company"
            pickerLabel={t('links.company')}
            submitLabel={t('links.setCompany')}
            pending={links.dealCompany.isPending}
            error={links.errorOf(links.dealCompany.error)}
            onAdd={(id) => links.dealCompany.mutateAsync({ dealId: deal.id, companyId: id })}
          />
        )}
      </Section>
      <Section
        title={t('record.contacts')}
        pending={ids.length > 0 && contacts.isPending}
        items={(contacts.data ?? []).map((c) => ({
          id: c.id,
          to: `/contacts/${c.id}`,
          label: contactName(c),
          extra: roleOf(c.id),
          actions: (
            <UnlinkButton
              name={contactName(c)}
              pending={links.dealContact.isPending}
              onConfirm={() => links.dealContact.mutateAsync({ dealId: deal.id, contactId: c.id, remove: true })}
            />
          ),
        }))}
      >
        <AddLinkForm
          target="contact"
          pickerLabel={t('links.contact')}
          submitLabel={t('links.addContact')}
          withRole
          pending={links.dealContact.isPending}
          error={links.errorOf(links.dealContact.error)}
          onAdd={(contactId, role) => links.dealContact.mutateAsync({ dealId: deal.id, contactId, role })}
        />
      </Section>
    </>
  );
}
