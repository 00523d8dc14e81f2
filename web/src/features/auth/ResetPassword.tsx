import { Button, PasswordInput, Stack, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, unwrap } from '../../api.ts';
import { Link, navigate, useLocation } from '../../router.tsx';
import { sessionKey } from '../../session.ts';
import { AuthLayout } from './AuthLayout.tsx';

export default function ResetPassword() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const token = useLocation().query.get('token') ?? '';
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const reset = useMutation({
    mutationFn: async () => unwrap(await api.POST('/api/v1/auth/reset-password', { body: { token, password } })),
    onSuccess: async () => {
      // Every session of this login has ended, this browser's included if it was one of them.
      await qc.invalidateQueries({ queryKey: sessionKey });
      navigate('/signin?reset=1', { replace: true });
    },
  });
  const err = reset.error instanceof ApiError ? reset.error : null;
  const general = !token
    ? t('auth.resetMissing')
    : err?.status === 404
      ? t('auth.resetNotFound')
      : reset.error && !err?.errors.length
        ? reset.error.message
        : null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (password !== repeat) {
      setMismatch(true);
      return;
    }
    setMismatch(false);
    reset.mutate();
  };
  return (
    <AuthLayout title={t('auth.resetTitle')} error={general}>
      <form onSubmit={submit} noValidate>
        <Stack>
          <PasswordInput
            label={t('auth.newPassword')}
            description={t('auth.passwordHint')}
            required
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            error={err?.fieldMessage('password')}
            data-autofocus
          />
          <PasswordInput
            label={t('auth.repeatPassword')}
            required
            autoComplete="new-password"
            value={repeat}
            onChange={(e) => {
              setRepeat(e.currentTarget.value);
              setMismatch(false);
            }}
            error={mismatch ? t('auth.passwordMismatch') : undefined}
          />
          <Button type="submit" disabled={!token || !password || !repeat} loading={reset.isPending}>
            {t('auth.resetSubmit')}
          </Button>
        </Stack>
      </form>
      <Text size="sm">
        <Link to="/signin">{t('auth.backToSignIn')}</Link>
      </Text>
    </AuthLayout>
  );
}
