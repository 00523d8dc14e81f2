import { Button, Checkbox, Group, Modal, Radio, Stack, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, unwrap } from '../../api.ts';
import type { Row } from '../../records.ts';
import { navigate } from '../../router.tsx';
import { contactName } from '../../ui/names.ts';

/** Qualify and convert a lead in one step: a contact, optionally a company and a deal. */
export function ConvertLead({ lead }: { lead: Row }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const [withCompany, setWithCompany] = useState(!!lead.companyName);
  const [companyName, setCompanyName] = useState(String(lead.companyName ?? ''));
  const [withDeal, setWithDeal] = useState(true);
  const [dealName, setDealName] = useState(`${lead.companyName || contactName(lead as never)}`);
  // Contacts and companies that already exist for this lead's person and company: linking one
  // instead of creating a second is offered, and chosen at once when the match is certain.
  const matches = useQuery({
    queryKey: ['conversion-matches', lead.id],
    enabled: open,
    queryFn: async () => unwrap(await api.GET('/api/v1/leads/{id}/conversion-matches', { params: { path: { id: lead.id } } })),
  });
  const [contactChoice, setContactChoice] = useState<string | null>(null);
  const [companyChoice, setCompanyChoice] = useState<string | null>(null);
  const topContact = matches.data?.contacts[0];
  const topCompany = matches.data?.companies[0];
  const linkContact = contactChoice ?? (topContact && topContact.score >= 1 ? topContact.id : 'new');
  const linkCompany = companyChoice ?? (topCompany && topCompany.score >= 0.8 ? topCompany.id : 'new');
  const convert = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST('/api/v1/leads/{id}/convert', {
          params: { path: { id: lead.id } },
          body: {
            version: lead.version,
            ...(linkContact !== 'new' ? { contact: { existingId: linkContact } } : {}),
            company: !withCompany ? null : linkCompany !== 'new' ? { existingId: linkCompany } : { name: companyName || undefined },
            deal: withDeal ? { name: dealName } : null,
          },
        }),
      ),
    onSuccess: (r) => {
      void qc.invalidateQueries();
      notifications.show({ color: 'green', message: t('convert.done') });
      navigate(`/contacts/${r.contact.id}`);
    },
  });
  const err = convert.error instanceof ApiError ? convert.error : null;
  if (lead.status === 'converted') return null;
  return (
    <>
      <Button size="xs" onClick={() => setOpen(true)}>
        {t('record.convert')}
      </Button>
      <Modal opened={open} onClose={() => setOpen(false)} title={t('convert.title')} closeButtonProps={{ 'aria-label': t('app.close') }}>
        <Stack>
          {!!matches.data?.contacts.length && (
            <Radio.Group label={t('convert.contactMatches')} value={linkContact} onChange={setContactChoice}>
              <Stack gap={4} mt={4}>
                {matches.data.contacts.map((c) => (
                  <Radio key={c.id} value={c.id} label={t('convert.linkTo', { name: [c.title, c.subtitle].filter(Boolean).join(' · ') })} />
                ))}
                <Radio value="new" label={t('convert.newContact')} />
              </Stack>
            </Radio.Group>
          )}
          <Checkbox label={t('convert.createCompany')} checked={withCompany} onChange={(e) => setWithCompany(e.currentTarget.checked)} />
          {withCompany && !!matches.data?.companies.length && (
            <Radio.Group label={t('convert.companyMatches')} value={linkCompany} onChange={setCompanyChoice}>
              <Stack gap={4} mt={4}>
                {matches.data.companies.map((c) => (
                  <Radio key={c.id} value={c.id} label={t('convert.linkTo', { name: [c.title, c.subtitle].filter(Boolean).join(' · ') })} />
                ))}
                <Radio value="new" label={t('convert.newCompany')} />
              </Stack>
            </Radio.Group>
          )}
          {withCompany && linkCompany === 'new' && (
            <TextInput
              label={t('convert.companyName')}
              value={companyName}
              onChange={(e) => setCompanyName(e.currentTarget.value)}
              error={err?.fieldMessage('company')}
            />
          )}
          <Checkbox label={t('convert.createDeal')} checked={withDeal} onChange={(e) => setWithDeal(e.currentTarget.checked)} />
          {withDeal && (
            <TextInput
              label={t('convert.dealName')}
              value={dealName}
              onChange={(e) => setDealName(e.currentTarget.value)}
              error={err?.fieldMessage('deal')}
            />
          )}
          {err && !err.errors.length && <div role="alert">{err.message}</div>}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setOpen(false)}>
              {t('record.cancel')}
            </Button>
            <Button loading={convert.isPending} onClick={() => convert.mutate()}>
              {t('record.convert')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
