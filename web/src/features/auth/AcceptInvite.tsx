import { Button, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, unwrap } from '../../api.ts';
import { browserSettings } from '../../i18n.ts';
import { Link, useLocation } from '../../router.tsx';
import { AuthLayout } from './AuthLayout.tsx';
import { useSignedIn } from './useSignedIn.ts';

export default function AcceptInvite() {
  const { t } = useTranslation();
  const token = useLocation().query.get('token') ?? '';
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const signedIn = useSignedIn();
  // Who invites, to which workspace and as what: the token goes in a POST body, not in a logged URL.
  const details = useQuery({
    queryKey: ['invitation-details', token],
    queryFn: async () => unwrap(await api.POST('/api/v1/auth/invitation-details', { body: { token } })),
    enabled: !!token,
    staleTime: Number.POSITIVE_INFINITY,
  });
  const accept = useMutation({
    mutationFn: async () =>
      unwrap(await api.POST('/api/v1/auth/accept-invitation', { body: { token, name, password, ...browserSettings() } })),
    onSuccess: signedIn,
  });
  const err = accept.error instanceof ApiError ? accept.error : null;
  // One message for every link that cannot be used: the server does not say why, nor do we.
  const refused = (e: unknown) => e instanceof ApiError && e.status === 404;
  const gone = refused(details.error) || refused(accept.error);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    accept.mutate();
  };
  const error = !token
    ? t('auth.inviteMissing')
    : gone
      ? t('auth.inviteNotFound')
      : details.error
        ? details.error.message
        : err && !err.errors.length
          ? err.message
          : null;
  return (
    <AuthLayout title={t('auth.inviteTitle')} error={error}>
      {details.data && (
        <Text data-testid="invite-from">
          {t('auth.inviteFrom', {
            inviter: details.data.inviterName,
            workspace: details.data.workspaceName,
            role: t(`auth.inviteAs.${details.data.role}`),
          })}
        </Text>
      )}
      {gone || !token ? (
        <Text size="sm">
          <Link to="/signin">{t('auth.backToSignIn')}</Link>
        </Text>
      ) : (
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
            <Button type="submit" loading={accept.isPending}>
              {t('auth.acceptInvite')}
            </Button>
          </Stack>
        </form>
      )}
    </AuthLayout>
  );
}
