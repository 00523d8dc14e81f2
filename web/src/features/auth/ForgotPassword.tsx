import { Alert, Button, Stack, Text, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { Link } from '../../router.tsx';
import { AuthLayout } from './AuthLayout.tsx';

export default function ForgotPassword() {
  const { t } = useTranslation();
  const [email, setEmail] = useState('');
  // The answer is the same whether or not the email has a login, so the page says the same either way.
  const request = useMutation({
    mutationFn: async () => {
      await api.POST('/api/v1/auth/forgot-password', { body: { email } });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    request.mutate();
  };
  const done = request.isSuccess || request.isError;
  return (
    <AuthLayout title={t('auth.forgotTitle')}>
      {done ? (
        <Alert color="blue" role="status">
          {t('auth.forgotSent')}
        </Alert>
      ) : (
        <form onSubmit={submit}>
          <Stack>
            <Text size="sm">{t('auth.forgotIntro')}</Text>
            <TextInput
              label={t('auth.email')}
              // Not type="email": browsers refuse non-ASCII local parts (josé@…) and rewrite Unicode domains to xn--.
              type="text"
              inputMode="email"
              autoComplete="email"
              required
              value={email}
              onChange={(e) => setEmail(e.currentTarget.value)}
              data-autofocus
            />
            <Button type="submit" loading={request.isPending}>
              {t('auth.forgotSubmit')}
            </Button>
          </Stack>
        </form>
      )}
      <Text size="sm">
        <Link to="/signin">{t('auth.backToSignIn')}</Link>
      </Text>
    </AuthLayout>
  );
}
