import { Alert, Anchor, Button, Group, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, unwrap } from '../../api.ts';
import { Link, useLocation } from '../../router.tsx';
import { signedInBefore } from '../../session.ts';
import { AuthLayout } from './AuthLayout.tsx';
import { CodeStep, EnrolStep } from './SecondFactorStep.tsx';
import { useSignedIn } from './useSignedIn.ts';

export default function SignIn() {
  const { t } = useTranslation();
  const query = useLocation().query;
  const passwordChanged = query.get('reset') === '1';
  // Where a refused single sign-on lands: the reason, worded here.
  const ssoError = query.get('sso_error');
  const [returning] = useState(signedInBefore);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const signedIn = useSignedIn();
  const login = useMutation({
    mutationFn: async () => unwrap(await api.POST('/api/v1/auth/login', { body: { email, password } })),
    onSuccess: signedIn,
  });
  const sso = useMutation({
    mutationFn: async () => unwrap(await api.POST('/api/v1/auth/sso/start', { body: { email } })),
    onSuccess: (r) => location.assign(r.redirectUrl),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    login.mutate();
  };
  const err = login.error;
  // A right password may still need a second factor: the answer's challenge carries on from here.
  const second =
    err instanceof ApiError && typeof err.body.challenge === 'string' ? { code: err.code, challenge: err.body.challenge } : null;
  if (second?.code === 'two_factor_required')
    return (
      <AuthLayout title={t('twoFactor.signInTitle')}>
        <CodeStep key={second.challenge} challenge={second.challenge} onSignedIn={signedIn} />
      </AuthLayout>
    );
  if (second?.code === 'two_factor_enrolment_required')
    return (
      <AuthLayout title={t('twoFactor.setUpTitle')}>
        <EnrolStep key={second.challenge} challenge={second.challenge} onSignedIn={signedIn} />
      </AuthLayout>
    );
  const failed = err ?? sso.error;
  const message =
    err instanceof ApiError && err.status === 401
      ? t('auth.badLogin')
      : (failed?.message ?? (ssoError ? t(`sso.errors.${ssoError}`, { defaultValue: t('sso.errors.sso_failed') }) : undefined));
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
          <Button
            variant="default"
            loading={sso.isPending}
            onClick={() => {
              if (email.includes('@')) sso.mutate();
            }}
            disabled={!email.includes('@')}
          >
            {t('sso.signIn')}
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
