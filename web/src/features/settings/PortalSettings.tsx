import { Alert, Anchor, Button, Card, Select, Stack, Switch, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, unwrap } from '../../api.ts';
import { mailboxesKey } from '../email/MailboxSettings.tsx';
import { useHelpCentre } from '../knowledge/useKnowledge.ts';

export const portalSettingsKey = ['portal-settings'] as const;

/**
 * Settings → Customer portal, for admins: the shared mailbox portal mail (sign-in links,
 * satisfaction surveys) goes out from — none: the one notifications use — and whether a signed-in
 * customer also sees their company's tickets. Where the portal is follows from the help centre's address.
 */
export function PortalSettings() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const settings = useQuery({ queryKey: portalSettingsKey, queryFn: async () => unwrap(await api.GET('/api/v1/portal/settings')) });
  const mailboxes = useQuery({ queryKey: mailboxesKey, queryFn: async () => unwrap(await api.GET('/api/v1/mailboxes')).data });
  const centre = useHelpCentre();
  const [sender, setSender] = useState('');
  const [companyTickets, setCompanyTickets] = useState(false);
  useEffect(() => {
    if (!settings.data) return;
    setSender(settings.data.senderMailboxId ?? '');
    setCompanyTickets(settings.data.companyTickets);
  }, [settings.data]);
  const save = useMutation({
    mutationFn: async () =>
      unwrap(await api.PATCH('/api/v1/portal/settings', { body: { senderMailboxId: sender || null, companyTickets } })),
    onSuccess: (next) => {
      qc.setQueryData(portalSettingsKey, next);
      notifications.show({ color: 'green', message: t('list.saved') });
    },
  });
  const err = save.error instanceof ApiError ? save.error : null;
  const shared = (mailboxes.data ?? []).filter((m) => m.shared);
  // A mailbox chosen earlier and no longer listed (removed meanwhile) still shows, so the admin sees what is set.
  const options = [
    { value: '', label: t('portalSettings.noSender') },
    ...shared.map((m) => ({ value: m.id, label: `${m.name} <${m.address}>` })),
    ...(sender && !shared.some((m) => m.id === sender) ? [{ value: sender, label: t('portalSettings.missingSender') }] : []),
  ];
  if (!settings.data) return null;
  const path = centre.data?.path ? `${centre.data.path}/portal` : null;
  return (
    <Card withBorder maw={640} data-testid="portal-settings">
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          if (!save.isPending) save.mutate();
        }}
      >
        <Stack gap="sm">
          <Title order={2} size="h5">
            {t('portalSettings.title')}
          </Title>
          <Text size="sm" c="dimmed">
            {path ? (
              <>
                {t('portalSettings.where')}{' '}
                <Anchor href={path} target="_blank" rel="noopener">
                  {`${location.origin}${path}`}
                </Anchor>
              </>
            ) : (
              t('portalSettings.noHelpCentre')
            )}
          </Text>
          <Select
            label={t('portalSettings.sender')}
            description={shared.length ? t('portalSettings.senderHint') : t('portalSettings.noShared')}
            data={options}
            value={sender}
            allowDeselect={false}
            onChange={(v) => setSender(v ?? '')}
            error={err?.fieldMessage('senderMailboxId')}
          />
          <Switch
            label={t('portalSettings.companyTickets')}
            description={t('portalSettings.companyTicketsHint')}
            checked={companyTickets}
            onChange={(e) => setCompanyTickets(e.currentTarget.checked)}
            error={err?.fieldMessage('companyTickets')}
          />
          {err && !err.errors.length && (
            <Alert role="alert" color="red">
              {err.message}
            </Alert>
          )}
          <Button type="submit" loading={save.isPending} w="fit-content">
            {t('record.save')}
          </Button>
        </Stack>
      </form>
    </Card>
  );
}
