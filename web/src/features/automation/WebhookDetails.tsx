import { Alert, Button, Code, CopyButton, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api.ts';

// Where an incoming-webhook rule is called and the secret its calls are signed with. The server
// shows a secret once (when the rule is made or the secret renewed), so the page keeps it only
// for as long as it is open.

const shownSecrets = new Map<string, string>();
/** Keeps the secret a save answered with, for the page that shows it next. */
export const rememberSecret = (ruleId: string, secret: string | undefined) => secret && shownSecrets.set(ruleId, secret);

export function WebhookDetails({ ruleId, webhookPath }: { ruleId: string | null; webhookPath: string | null | undefined }) {
  const { t } = useTranslation();
  const [secret, setSecret] = useState(() => (ruleId ? shownSecrets.get(ruleId) : undefined));
  const [busy, setBusy] = useState(false);
  if (!ruleId || !webhookPath)
    return (
      <Text size="sm" c="dimmed">
        {t('automation.webhookAfterSave')}
      </Text>
    );
  const url = `${location.origin}/api/v1${webhookPath}`;
  const renew = async () => {
    setBusy(true);
    try {
      const r = unwrap(await api.POST('/api/v1/automation/rules/{id}/webhook-secret', { params: { path: { id: ruleId } } }));
      shownSecrets.set(ruleId, r.secret);
      setSecret(r.secret);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Stack gap={6}>
      <Text size="sm" fw={500}>
        {t('automation.webhookUrl')}
      </Text>
      <Code block>{url}</Code>
      <CopyButton value={url}>
        {({ copied, copy }) => (
          <Button size="xs" variant="default" w="fit-content" onClick={copy}>
            {copied ? t('automation.copied') : t('automation.copy')}
          </Button>
        )}
      </CopyButton>
      {secret ? (
        <Alert color="yellow" title={t('automation.webhookSecret')}>
          <Text size="sm">{t('automation.secretOnce')}</Text>
          <Code block data-testid="webhook-secret">
            {secret}
          </Code>
        </Alert>
      ) : (
        <Text size="sm" c="dimmed">
          {t('automation.secretHidden')}
        </Text>
      )}
      <Text size="xs" c="dimmed">
        {t('automation.signatureHelp')}
      </Text>
      <Button size="xs" variant="light" w="fit-content" loading={busy} onClick={renew}>
        {t('automation.newSecret')}
      </Button>
    </Stack>
  );
}
