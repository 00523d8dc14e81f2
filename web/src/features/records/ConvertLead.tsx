import { Button, Checkbox, Group, Modal, Stack, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
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
  const convert = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST('/api/v1/leads/{id}/convert', {
          params: { path: { id: lead.id } },
          body: {
            version: lead.version,
            company: withCompany ? { name: companyName || undefined } : null,
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
      <Modal opened={open} onClose={() => setOpen(false)} title={t('convert.title')}>
        <Stack>
          <Checkbox label={t('convert.createCompany')} checked={withCompany} onChange={(e) => setWithCompany(e.currentTarget.checked)} />
          {withCompany && (
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
