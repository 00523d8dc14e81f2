import { Button, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, unwrap } from '../../api.ts';
import { browserSettings } from '../../i18n.ts';
import { Link } from '../../router.tsx';
import { AuthLayout } from './AuthLayout.tsx';
import { useSignedIn } from './useSignedIn.ts';

export default function SignUp() {
  const { t } = useTranslation();
  const [form, setForm] = useState({ name: '', email: '', password: '', workspaceName: '' });
  const signedIn = useSignedIn();
  const signup = useMutation({
    mutationFn: async () => unwrap(await api.POST('/api/v1/auth/signup', { body: { ...form, ...browserSettings() } })),
    onSuccess: signedIn,
  });
  const err = signup.error instanceof ApiError ? signup.error : null;
  const fieldErr = (k: string) => err?.fieldMessage(k);
  const set = (k: keyof typeof form) => (e: { currentTarget: { value: string } }) => setForm({ ...form, [k]: e.currentTarget.value });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    signup.mutate();
  };
  const general = signup.error && !err?.errors.length ? signup.error.message : null;
  return (
    <AuthLayout title={t('auth.signUp')} error={general}>
      <form onSubmit={submit} noValidate>
        <Stack>
          <TextInput
            label={t('auth.name')}
            required
            autoComplete="name"
            value={form.name}
            onChange={set('name')}
            error={fieldErr('name')}
            data-autofocus
          />
          <TextInput
            label={t('auth.email')}
            // Not type="email": browsers refuse non-ASCII local parts (josé@…) and rewrite Unicode domains to xn--.
            type="text"
            inputMode="email"
            required
            autoComplete="email"
            value={form.email}
            onChange={set('email')}
            error={fieldErr('email')}
          />
          <PasswordInput
            label={t('auth.password')}
            description={t('auth.passwordHint')}
            required
            autoComplete="new-password"
            value={form.password}
            onChange={set('password')}
            error={fieldErr('password')}
          />
          <TextInput
            label={t('auth.workspaceName')}
            required
            value={form.workspaceName}
            onChange={set('workspaceName')}
            error={fieldErr('workspaceName')}
          />
          <Button type="submit" loading={signup.isPending}>
            {t('auth.signUp')}
          </Button>
        </Stack>
      </form>
      <Text size="sm">
        {/* A link inside a sentence is underlined: in dark mode its colour alone hardly sets it apart. */}
        {t('auth.haveAccount')}{' '}
        <Link to="/signin" underline="always">
          {t('auth.signInInstead')}
        </Link>
      </Text>
    </AuthLayout>
  );
}
