import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ApiError, type Contact, type Deal } from '../../api.ts';
import { getRecord, patchRecord } from '../../records.ts';

type CompanyLink = Contact['companies'][number];
type DealLink = Deal['contacts'][number];

const companyInput = (l: CompanyLink) => ({ companyId: l.companyId, role: l.role, isPrimary: l.isPrimary });

/**
 * The links a record page makes and removes: a contact at a company (with a role, one primary), a
 * deal's contacts and its company. Each reads the record it changes afresh and sends its whole new
 * set with that version, so a link someone else added a moment ago is kept, not overwritten.
 */
export function useRecordLinks() {
  const qc = useQueryClient();
  const settled = () => {
    for (const key of ['contacts', 'companies', 'deals']) void qc.invalidateQueries({ queryKey: [key] });
  };
  const notify = (e: Error) => notifications.show({ color: 'red', message: e.message });

  const contactCompany = useMutation({
    mutationFn: async (v: { contactId: string; companyId: string; role?: string | null; remove?: boolean }) => {
      const contact = (await getRecord('contact', v.contactId)) as unknown as Contact;
      const kept = contact.companies.filter((l) => l.companyId !== v.companyId).map(companyInput);
      const next = v.remove ? kept : [...kept, { companyId: v.companyId, role: v.role ?? null, isPrimary: !kept.some((l) => l.isPrimary) }];
      // A contact whose primary company goes keeps a primary one, if it still works anywhere.
      if (next.length && !next.some((l) => l.isPrimary)) next[0].isPrimary = true;
      return patchRecord('contact', contact.id, contact.version, { companies: next });
    },
    onSettled: settled,
    onError: (e, v) => v.remove && notify(e),
  });

  const makePrimary = useMutation({
    mutationFn: async (v: { contactId: string; companyId: string }) => {
      const contact = (await getRecord('contact', v.contactId)) as unknown as Contact;
      const next = contact.companies.map((l) => ({ ...companyInput(l), isPrimary: l.companyId === v.companyId }));
      return patchRecord('contact', contact.id, contact.version, { companies: next });
    },
    onSettled: settled,
    onError: notify,
  });

  const dealContact = useMutation({
    mutationFn: async (v: { dealId: string; contactId: string; role?: string | null; remove?: boolean }) => {
      const deal = (await getRecord('deal', v.dealId)) as unknown as Deal;
      const kept: DealLink[] = deal.contacts.filter((l) => l.contactId !== v.contactId);
      const next = v.remove ? kept : [...kept, { contactId: v.contactId, role: v.role ?? null }];
      return patchRecord('deal', deal.id, deal.version, { contacts: next });
    },
    onSettled: settled,
    onError: (e, v) => v.remove && notify(e),
  });

  const dealCompany = useMutation({
    mutationFn: async (v: { dealId: string; companyId: string | null }) => {
      const deal = await getRecord('deal', v.dealId);
      return patchRecord('deal', deal.id, deal.version, { companyId: v.companyId });
    },
    onSettled: settled,
    onError: (e, v) => v.companyId === null && notify(e),
  });

  /** What an add form shows when the server refused the link: the field's reason, in words. */
  const errorOf = (e: Error | null) => (e ? (e instanceof ApiError ? (e.errors[0]?.message ?? e.message) : e.message) : undefined);

  return { contactCompany, makePrimary, dealContact, dealCompany, errorOf };
}
