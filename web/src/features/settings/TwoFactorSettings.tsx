import { Badge, Button, Card, Checkbox, Group, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, unwrap } from '../../api.ts';
import { CodeInput, RecoveryCodesShown, SecretDisplay } from '../auth/TwoFactorPieces.tsx';

const statusKey = ['me', 'two-factor'];

/** My two-factor sign-in: set it up (secret, first code, recovery codes once) or turn it off with a current code. */
export function TwoFactorSettings() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const status = useQuery({ queryKey: statusKey, queryFn: async () => unwrap(await api.GET('/api/v1/me/two-factor')) });
  const [code, setCode] = useState('');
  const [codes, setCodes] = useState<string[] | null>(null);
  const setup = useMutation({ mutationFn: async () => unwrap(await api.POST('/api/v1/me/two-factor/setup')) });
  const confirm = useMutation({
    mutationFn: async () => unwrap(await api.POST('/api/v1/me/two-factor/confirm', { body: { code: code.trim() } })),
    onSuccess: (r) => {
      setCodes(r.recoveryCodes);
      setCode('');
      setup.reset();
      void qc.invalidateQueries({ queryKey: statusKey });
    },
  });
  const disable = useMutation({
    mutationFn: async () => unwrap(await api.POST('/api/v1/me/two-factor/disable', { body: { code: code.trim() } })),
    onSuccess: () => {
      setCode('');
      setCodes(null);
      notifications.show({ color: 'green', message: t('twoFactor.turnedOff') });
      void qc.invalidateQueries({ queryKey: statusKey });
    },
  });
  const renew = useMutation({
    mutationFn: async () => unwrap(await api.POST('/api/v1/me/two-factor/recovery-codes', { body: { code: code.trim() } })),
    onSuccess: (r) => {
      setCodes(r.recoveryCodes);
      setCode('');
      void qc.invalidateQueries({ queryKey: statusKey });
    },
  });
  const failed = confirm.error ?? disable.error ?? setup.error ?? renew.error;
  const err = failed instanceof ApiError ? failed : null;
  const s = status.data;
  if (!s) return null;
  return (
    <Card withBorder maw={480}>
      <Stack>
        <Group justify="space-between">
          <Title order={2} size="h5">
            {t('twoFactor.title')}
          </Title>
          <Badge color={s.enabled ? 'green' : 'gray'} data-testid="two-factor-state">
            {s.enabled ? t('twoFactor.on') : t('twoFactor.off')}
          </Badge>
        </Group>
        {codes && <RecoveryCodesShown codes={codes} />}
        {s.enabled ? (
          <>
            <Text size="sm">{t('twoFactor.codesLeft', { count: s.recoveryCodesLeft })}</Text>
            {s.required && <Text size="sm">{t('twoFactor.requiredByWorkspace')}</Text>}
            <form
              onSubmit={(e) => {
                e.preventDefault();
                disable.mutate();
              }}
            >
              <Stack>
                <CodeInput value={code} onChange={setCode} error={err?.fieldMessage('code') ?? err?.message} />
                <Group>
                  <Button variant="default" loading={renew.isPending} disabled={!code.trim()} onClick={() => renew.mutate()}>
                    {t('twoFactor.newCodes')}
                  </Button>
                  {!s.required && (
                    <Button type="submit" color="red" variant="light" loading={disable.isPending}>
                      {t('twoFactor.turnOff')}
                    </Button>
                  )}
                </Group>
              </Stack>
            </form>
          </>
        ) : setup.data ? (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              confirm.mutate();
            }}
          >
            <Stack>
              <SecretDisplay secret={setup.data.secret} uri={setup.data.uri} />
              <CodeInput value={code} onChange={setCode} error={err?.fieldMessage('code') ?? err?.message} />
              <Button type="submit" loading={confirm.isPending} w="fit-content">
                {t('twoFactor.confirm')}
              </Button>
            </Stack>
          </form>
        ) : (
          <>
            <Text size="sm">{s.required ? t('twoFactor.requiredIntro') : t('twoFactor.intro')}</Text>
            <Button onClick={() => setup.mutate()} loading={setup.isPending} w="fit-content">
              {t('twoFactor.setUp')}
            </Button>
          </>
        )}
      </Stack>
    </Card>
  );
}

/** The admin's switch: password users must have two-factor; those without it set it up at their next sign-in. */
export function TwoFactorRequirement() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const key = ['workspace', 'security'];
  const q = useQuery({ queryKey: key, queryFn: async () => unwrap(await api.GET('/api/v1/workspace/security')) });
  const save = useMutation({
    mutationFn: async (requireTwoFactor: boolean) => unwrap(await api.PUT('/api/v1/workspace/security', { body: { requireTwoFactor } })),
    onSuccess: (r) => {
      qc.setQueryData(key, r);
      notifications.show({ color: 'green', message: t('list.saved') });
    },
  });
  if (!q.data) return null;
  return (
    <Card withBorder maw={480}>
      <Stack>
        <Title order={2} size="h5">
          {t('twoFactor.workspaceTitle')}
        </Title>
        <Checkbox
          label={t('twoFactor.requireLabel')}
          description={t('twoFactor.requireHint')}
          checked={q.data.requireTwoFactor}
          disabled={save.isPending}
          onChange={(e) => save.mutate(e.currentTarget.checked)}
        />
      </Stack>
    </Card>
  );
}
