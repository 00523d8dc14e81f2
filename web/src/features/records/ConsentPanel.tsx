import { Alert, Badge, Button, Card, Group, SegmentedControl, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, unwrap } from '../../api.ts';
import { formatDateTime } from '../../format.ts';

/**
 * A contact's consent: what holds now for each purpose (the latest record), with where and when it
 * was given and to which wording, and a short form to record a new one (granted or withdrawn). Every
 * record is kept; nothing is edited (server/modules/privacy/consents.ts).
 */
export function ConsentPanel({ contactId }: { contactId: string }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const key = ['consents', contactId];
  const consents = useQuery({
    queryKey: key,
    queryFn: async () => unwrap(await api.GET('/api/v1/contacts/{id}/consents', { params: { path: { id: contactId } } })),
  });
  const [adding, setAdding] = useState(false);
  const [purpose, setPurpose] = useState('');
  const [status, setStatus] = useState<'granted' | 'withdrawn'>('granted');
  const [source, setSource] = useState('');
  const [wording, setWording] = useState('');
  const record = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST('/api/v1/contacts/{id}/consents', {
          params: { path: { id: contactId } },
          body: { purpose, status, source, ...(wording.trim() ? { wordingVersion: wording.trim() } : {}) },
        }),
      ),
    onSuccess: () => {
      setAdding(false);
      setPurpose('');
      setSource('');
      setWording('');
      void qc.invalidateQueries({ queryKey: key });
    },
  });
  const title = t('consent.title');
  return (
    <Card withBorder component="section" aria-label={title}>
      <Title order={2} size="h5" mb="xs">
        {title}
      </Title>
      <Stack gap={6}>
        {consents.data?.current.length === 0 && (
          <Text size="sm" c="dimmed">
            {t('consent.none')}
          </Text>
        )}
        {consents.data?.current.map((c) => (
          <Group key={c.id} gap="xs" justify="space-between" wrap="nowrap" data-testid="consent">
            <Stack gap={0}>
              <Text size="sm" fw={600}>
                {c.purpose}
              </Text>
              <Text size="xs" c="dimmed">
                {t('consent.detail', { source: c.source, date: formatDateTime(c.at) })}
                {c.wordingVersion ? ` · ${t('consent.wording', { version: c.wordingVersion })}` : ''}
              </Text>
            </Stack>
            <Badge
              variant="light"
              color={c.status === 'granted' ? 'green' : 'gray'}
              // The page's text colour (contrast), and never cut to "WITH…" beside a long purpose.
              styles={{ root: { color: 'var(--mantine-color-text)', minWidth: 'max-content', flexShrink: 0 } }}
            >
              {t(`consent.${c.status}`)}
            </Badge>
          </Group>
        ))}
        {adding ? (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              record.mutate();
            }}
          >
            <Stack gap="xs">
              <TextInput
                size="xs"
                label={t('consent.purpose')}
                placeholder={t('consent.purposeHint')}
                value={purpose}
                onChange={(e) => setPurpose(e.currentTarget.value)}
                required
              />
              <SegmentedControl
                size="xs"
                value={status}
                onChange={(v) => setStatus(v as 'granted' | 'withdrawn')}
                data={[
                  { value: 'granted', label: t('consent.granted') },
                  { value: 'withdrawn', label: t('consent.withdrawn') },
                ]}
              />
              <TextInput
                size="xs"
                label={t('consent.source')}
                placeholder={t('consent.sourceHint')}
                value={source}
                onChange={(e) => setSource(e.currentTarget.value)}
                required
              />
              <TextInput
                size="xs"
                label={t('consent.wordingVersion')}
                value={wording}
                onChange={(e) => setWording(e.currentTarget.value)}
              />
              {record.error && (
                <Alert color="red" role="alert" p="xs">
                  {record.error instanceof ApiError ? (record.error.errors[0]?.message ?? record.error.message) : record.error.message}
                </Alert>
              )}
              <Group justify="flex-end" gap="xs">
                <Button size="compact-sm" variant="default" onClick={() => setAdding(false)}>
                  {t('record.cancel')}
                </Button>
                <Button size="compact-sm" type="submit" loading={record.isPending} disabled={!purpose.trim() || !source.trim()}>
                  {t('consent.save')}
                </Button>
              </Group>
            </Stack>
          </form>
        ) : (
          <Group>
            <Button size="compact-sm" variant="light" onClick={() => setAdding(true)}>
              {t('consent.add')}
            </Button>
          </Group>
        )}
      </Stack>
    </Card>
  );
}
