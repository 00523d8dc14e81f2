import { Alert, Button, Code, CopyButton, List, Stack, Text, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/**
 * The secret of a new authenticator, as text: no QR package is among the app's dependencies, and
 * every authenticator app takes the secret typed in (or the otpauth:// link on a phone).
 */
export function SecretDisplay({ secret, uri }: { secret: string; uri: string }) {
  const { t } = useTranslation();
  const grouped = secret.match(/.{1,4}/g)?.join(' ') ?? secret;
  return (
    <Stack gap="xs">
      <Text size="sm">{t('twoFactor.scanIntro')}</Text>
      <Text size="sm" fw={500}>
        {t('twoFactor.secretLabel')}
      </Text>
      <Code block data-testid="totp-secret" aria-label={t('twoFactor.secretLabel')} style={{ whiteSpace: 'pre-wrap' }}>
        {grouped}
      </Code>
      <Text size="sm">
        <a href={uri}>{t('twoFactor.openInApp')}</a>
      </Text>
      <CopyButton value={uri}>
        {({ copied, copy }) => (
          <Button variant="light" size="xs" onClick={copy} w="fit-content">
            {copied ? t('twoFactor.copied') : t('twoFactor.copyLink')}
          </Button>
        )}
      </CopyButton>
    </Stack>
  );
}

/** Six digits from the app; `allowRecovery` also takes a recovery code (at sign-in only). */
export function CodeInput({
  value,
  onChange,
  error,
  allowRecovery = false,
}: {
  value: string;
  onChange: (v: string) => void;
  error?: string;
  allowRecovery?: boolean;
}) {
  const { t } = useTranslation();
  if (allowRecovery)
    return (
      <TextInput
        label={t('twoFactor.codeOrRecovery')}
        description={t('twoFactor.codeOrRecoveryHint')}
        autoComplete="one-time-code"
        required
        value={value}
        onChange={(e) => onChange(e.currentTarget.value)}
        error={error}
        data-autofocus
      />
    );
  return (
    <TextInput
      label={t('twoFactor.code')}
      inputMode="numeric"
      autoComplete="one-time-code"
      maxLength={7}
      required
      value={value}
      onChange={(e) => onChange(e.currentTarget.value)}
      error={error}
      data-autofocus
    />
  );
}

/** The recovery codes, shown once after enrolment. */
export function RecoveryCodesShown({ codes }: { codes: string[] }) {
  const { t } = useTranslation();
  return (
    <Alert color="yellow" title={t('twoFactor.recoveryTitle')}>
      <Stack gap="xs">
        <Text size="sm">{t('twoFactor.recoveryIntro')}</Text>
        <List size="sm" data-testid="recovery-codes" ff="monospace">
          {codes.map((c) => (
            <List.Item key={c}>{c}</List.Item>
          ))}
        </List>
        <CopyButton value={codes.join('\n')}>
          {({ copied, copy }) => (
            <Button variant="light" size="xs" onClick={copy} w="fit-content">
              {copied ? t('twoFactor.copied') : t('twoFactor.copyCodes')}
            </Button>
          )}
        </CopyButton>
      </Stack>
    </Alert>
  );
}
