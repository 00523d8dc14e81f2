import { Button, PasswordInput, Stack, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, unwrap } from '../../api.ts';
import { browserSettings } from '../../i18n.ts';
import { useLocation } from '../../router.tsx';
import { AuthLayout } from './AuthLayout.tsx';
import { useSignedIn } from './useSignedIn.ts';

export default function AcceptInvite() {
  const { t } = useTranslation();
  const token = useLocation().query.get('token') ?? '';
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const signedIn = useSignedIn();
  const accept = useMutation({
    mutationFn: async () =>
      unwrap(await api.POST('/api/v1/auth/accept-invitation', { body: { token, name, password, ...browserSettings() } })),
    onSuccess: signedIn,
  });
  const err = accept.error instanceof ApiError ? accept.error : null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    accept.mutate();
  };
  return (
    <AuthLayout title={t('auth.inviteTitle')} error={!token ? t('auth.inviteMissing') : err && !err.errors.length ? err.message : null}>
      <form onSubmit={submit} noValidate>
        <Stack>
          <TextInput
            label={t('auth.name')}
            required
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={err?.fieldMessage('name')}
          />
          <PasswordInput
            label={t('auth.password')}
            description={t('auth.passwordHint')}
            required
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            error={err?.fieldMessage('password')}
          />
          <Button type="submit" disabled={!token} loading={accept.isPending}>
            {t('auth.acceptInvite')}
          </Button>
        </Stack>
      </form>
    </AuthLayout>
  );
}
