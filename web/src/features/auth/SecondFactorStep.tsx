import { Button, Stack } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, type SessionInfo, unwrap } from '../../api.ts';
import { CodeInput, RecoveryCodesShown, SecretDisplay } from './TwoFactorPieces.tsx';

/** The step after a right password when the member has two-factor on: a code, or a recovery code. */
export function CodeStep({ challenge, onSignedIn }: { challenge: string; onSignedIn: (s: SessionInfo) => void }) {
  const { t } = useTranslation();
  const [code, setCode] = useState('');
  const send = useMutation({
    mutationFn: async () => unwrap(await api.POST('/api/v1/auth/two-factor', { body: { challenge, code: code.trim() } })),
    onSuccess: onSignedIn,
  });
  const err = send.error instanceof ApiError ? send.error : null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    send.mutate();
  };
  return (
    <form onSubmit={submit}>
      <Stack>
        <CodeInput value={code} onChange={setCode} allowRecovery error={err?.fieldMessage('code') ?? err?.message} />
        <Button type="submit" loading={send.isPending}>
          {t('twoFactor.verify')}
        </Button>
      </Stack>
    </form>
  );
}

/** The step after a right password when the workspace requires two-factor and the member has none yet. */
export function EnrolStep({ challenge, onSignedIn }: { challenge: string; onSignedIn: (s: SessionInfo) => void }) {
  const { t } = useTranslation();
  const [code, setCode] = useState('');
  const [done, setDone] = useState<{ session: SessionInfo; recoveryCodes: string[] } | null>(null);
  const setup = useMutation({
    mutationFn: async () => unwrap(await api.POST('/api/v1/auth/two-factor/enrol', { body: { challenge } })),
  });
  const confirm = useMutation({
    mutationFn: async () => unwrap(await api.POST('/api/v1/auth/two-factor/enrol/confirm', { body: { challenge, code: code.trim() } })),
    onSuccess: (r) => setDone(r as { session: SessionInfo; recoveryCodes: string[] }),
  });
  const err = (confirm.error ?? setup.error) instanceof ApiError ? ((confirm.error ?? setup.error) as ApiError) : null;
  if (done)
    return (
      <Stack>
        <RecoveryCodesShown codes={done.recoveryCodes} />
        <Button onClick={() => onSignedIn(done.session)}>{t('twoFactor.continue')}</Button>
      </Stack>
    );
  if (!setup.data)
    return (
      <Stack>
        <div>{t('twoFactor.requiredIntro')}</div>
        {err && <div role="alert">{err.message}</div>}
        <Button onClick={() => setup.mutate()} loading={setup.isPending}>
          {t('twoFactor.setUp')}
        </Button>
      </Stack>
    );
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        confirm.mutate();
      }}
    >
      <Stack>
        <SecretDisplay secret={setup.data.secret} uri={setup.data.uri} />
        <CodeInput value={code} onChange={setCode} error={err?.fieldMessage('code') ?? err?.message} />
        <Button type="submit" loading={confirm.isPending}>
          {t('twoFactor.confirm')}
        </Button>
      </Stack>
    </form>
  );
}
