import { Alert, Anchor, Badge, Button, Group, Menu, Modal, Stack, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, unwrap } from '../../api.ts';
import { navigate } from '../../router.tsx';
import { useMe } from '../../session.ts';

const problemText = (e: Error) => (e instanceof ApiError ? (e.errors[0]?.message ? `${e.errors[0].message}` : e.message) : e.message);

/**
 * A contact's privacy tools, for admins: hand over their data (a ZIP), hold them (no erasure until
 * lifted, e.g. in litigation), or erase them for good — typed confirmation, every copy redacted
 * (server/modules/privacy). Each export and erasure goes into the privacy register.
 */
export function ContactPrivacy({ contactId, name }: { contactId: string; name: string }) {
  const { t } = useTranslation();
  const me = useMe();
  const admin = me.member.role === 'owner' || me.member.role === 'admin';
  const qc = useQueryClient();
  const [erasing, setErasing] = useState(false);
  const [holding, setHolding] = useState(false);
  const [confirm, setConfirm] = useState('');
  const [reason, setReason] = useState('');
  const key = ['legal-hold', contactId];
  const hold = useQuery({
    queryKey: key,
    enabled: admin,
    queryFn: async () => unwrap(await api.GET('/api/v1/contacts/{id}/legal-hold', { params: { path: { id: contactId } } })).hold,
  });
  const erase = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST('/api/v1/contacts/{id}/erasure', {
          params: { path: { id: contactId } },
          body: { confirm, ...(reason.trim() ? { reason: reason.trim() } : {}) },
        }),
      ),
    onSuccess: () => {
      notifications.show({ color: 'green', message: t('privacy.erased', { name }) });
      // Everything else may have changed (lists, timelines, search); the contact's own queries are
      // left alone, or the page would refetch a contact that is gone before it leaves.
      void qc.invalidateQueries({ predicate: (q) => !JSON.stringify(q.queryKey).includes(contactId) });
      navigate('/contacts');
    },
  });
  const setHold = useMutation({
    mutationFn: async () =>
      unwrap(await api.PUT('/api/v1/contacts/{id}/legal-hold', { params: { path: { id: contactId } }, body: { reason: reason.trim() } })),
    onSuccess: () => {
      setHolding(false);
      setReason('');
      void qc.invalidateQueries({ queryKey: key });
    },
  });
  const lift = useMutation({
    mutationFn: async () => unwrap(await api.DELETE('/api/v1/contacts/{id}/legal-hold', { params: { path: { id: contactId } } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: key }),
    onError: (e) => notifications.show({ color: 'red', message: problemText(e) }),
  });
  if (!admin) return null;
  const held = hold.data ?? null;
  const close = () => {
    setErasing(false);
    setHolding(false);
    setConfirm('');
    setReason('');
    erase.reset();
    setHold.reset();
  };
  return (
    <>
      {held && (
        // The text in the page's colour: orange on light orange is below 4.5:1 (axe: color-contrast).
        <Badge color="orange" variant="light" title={held.reason} styles={{ root: { color: 'var(--mantine-color-text)' } }}>
          {t('privacy.onHold')}
        </Badge>
      )}
      <Menu position="bottom-end" withinPortal>
        <Menu.Target>
          <Button size="xs" variant="default">
            {t('privacy.menu')}
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          {/* A plain link: the browser downloads the ZIP with the session's cookie. */}
          <Menu.Item component="a" href={`/api/v1/contacts/${contactId}/personal-data`} download>
            {t('privacy.export')}
          </Menu.Item>
          {held ? (
            <Menu.Item onClick={() => lift.mutate()}>{t('privacy.liftHold')}</Menu.Item>
          ) : (
            <Menu.Item onClick={() => setHolding(true)}>{t('privacy.hold')}</Menu.Item>
          )}
          <Menu.Item color="red" onClick={() => setErasing(true)}>
            {t('privacy.erase')}
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
      <Modal opened={holding} onClose={close} title={t('privacy.holdTitle', { name })} closeButtonProps={{ 'aria-label': t('app.close') }}>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            setHold.mutate();
          }}
        >
          <Stack gap="sm">
            <Text size="sm">{t('privacy.holdText')}</Text>
            <TextInput
              label={t('privacy.holdReason')}
              value={reason}
              onChange={(e) => setReason(e.currentTarget.value)}
              required
              data-autofocus
            />
            {setHold.error && (
              <Alert color="red" role="alert">
                {problemText(setHold.error)}
              </Alert>
            )}
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                {t('record.cancel')}
              </Button>
              <Button type="submit" loading={setHold.isPending} disabled={!reason.trim()}>
                {t('privacy.holdConfirm')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
      <Modal opened={erasing} onClose={close} title={t('privacy.eraseTitle', { name })} closeButtonProps={{ 'aria-label': t('app.close') }}>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            erase.mutate();
          }}
        >
          <Stack gap="sm">
            <Text size="sm">{t('privacy.eraseText')}</Text>
            <Text size="sm">
              <Anchor href={`/api/v1/contacts/${contactId}/personal-data`} download>
                {t('privacy.exportFirst')}
              </Anchor>
            </Text>
            <TextInput label={t('privacy.eraseReason')} value={reason} onChange={(e) => setReason(e.currentTarget.value)} />
            <TextInput
              label={t('privacy.eraseConfirm', { name })}
              value={confirm}
              onChange={(e) => setConfirm(e.currentTarget.value)}
              autoComplete="off"
              data-autofocus
            />
            {erase.error && (
              <Alert color="red" role="alert">
                {problemText(erase.error)}
              </Alert>
            )}
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                {t('record.cancel')}
              </Button>
              {/* red.8: white on the default red is below 4.5:1 (axe: color-contrast). */}
              <Button
                type="submit"
                color="red.8"
                loading={erase.isPending}
                disabled={confirm.trim().toLowerCase() !== name.trim().toLowerCase()}
              >
                {t('privacy.eraseButton')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </>
  );
}
