import { Alert, Anchor, Button, Group, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, unwrap } from '../../api.ts';
import { Link, useLocation } from '../../router.tsx';
import { signedInBefore } from '../../session.ts';
import { AuthLayout } from './AuthLayout.tsx';
import { useSignedIn } from './useSignedIn.ts';

export default function SignIn() {
  const { t } = useTranslation();
  const passwordChanged = useLocation().query.get('reset') === '1';
  const [returning] = useState(signedInBefore);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const signedIn = useSignedIn();
  const login = useMutation({
    mutationFn: async () => unwrap(await api.POST('/api/v1/auth/login', { body: { email, password } })),
    onSuccess: signedIn,
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    login.mutate();
  };
  const err = login.error;
  const message = err instanceof ApiError && err.status === 401 ? t('auth.badLogin') : err?.message;
  return (
    <AuthLayout title={returning ? t('auth.welcome') : t('auth.signInTitle')} error={message}>
      {passwordChanged && !err && (
        <Alert color="green" role="status">
          {t('auth.resetDone')}
        </Alert>
      )}
      <form onSubmit={submit}>
        <Stack>
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
          <PasswordInput
            label={t('auth.password')}
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
          />
          <Group justify="flex-end" mt={-8}>
            <Link to="/forgot-password" size="sm">
              {t('auth.forgotLink')}
            </Link>
          </Group>
          <Button type="submit" loading={login.isPending}>
            {t('auth.signIn')}
          </Button>
        </Stack>
      </form>
      <Text size="sm">
        {/* A link inside a sentence is underlined: in dark mode its colour alone hardly sets it apart. */}
        {t('auth.noAccount')}{' '}
        <Link to="/signup" underline="always">
          {t('auth.createOne')}
        </Link>
      </Text>
      <Anchor href="/api/docs" size="xs" c="dimmed">
        API
      </Anchor>
    </AuthLayout>
  );
}
