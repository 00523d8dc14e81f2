import { Alert, Button, Code, CopyButton, Group, Modal, MultiSelect, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, unwrap } from '../../api.ts';
import { type FilterDraft, noFilter, useFilterValue, WebhookFilter } from './WebhookFilter.tsx';

/**
 * The choices of the events field: everything, everything of one object (`contact.*`), or one
 * event of the catalog — the server's list, so a new event type appears here by itself.
 */
function useEventOptions() {
  const { t } = useTranslation();
  const catalog = useQuery({
    queryKey: ['webhooks', 'event-types'],
    queryFn: async () => unwrap(await api.GET('/api/v1/webhooks/event-types')).data,
    staleTime: Number.POSITIVE_INFINITY,
  });
  return useMemo(() => {
    const types = catalog.data ?? [];
    const objects = [...new Set(types.map((e) => e.type.split('.')[0]))].sort();
    const objectName = (o: string) => t(`objects.${o}`, { defaultValue: o.replace(/_/g, ' ') });
    return [
      { group: t('webhooks.all'), items: [{ value: '*', label: t('webhooks.all') }] },
      {
        group: t('webhooks.byObject'),
        items: objects.map((o) => ({ value: `${o}.*`, label: t('webhooks.allOf', { object: objectName(o) }) })),
      },
      ...objects.map((o) => ({
        group: objectName(o),
        items: types.filter((e) => e.type.startsWith(`${o}.`)).map((e) => ({ value: e.type, label: e.type })),
      })),
    ];
  }, [catalog.data, t]);
}

/** The form that adds an endpoint; the secret it answers goes to `onCreated`, to be shown once. */
export function WebhookForm({ opened, onClose, onCreated }: { opened: boolean; onClose: () => void; onCreated: (secret: string) => void }) {
  const { t } = useTranslation();
  const options = useEventOptions();
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<string[]>([]);
  const [description, setDescription] = useState('');
  const [filter, setFilter] = useState<FilterDraft>(noFilter);
  const filterValue = useFilterValue(filter).value;
  const create = useMutation({
    mutationFn: async () =>
      unwrap(await api.POST('/api/v1/webhooks', { body: { url: url.trim(), eventTypes: events, description, filter: filterValue } })),
    onSuccess: (w) => {
      setUrl('');
      setEvents([]);
      setDescription('');
      setFilter(noFilter());
      create.reset();
      onCreated(w.secret);
    },
  });
  const err = create.error instanceof ApiError ? create.error : null;
  /** An edit answers the refusal: its message goes until the next try. */
  const edited = () => {
    if (create.error) create.reset();
  };
  return (
    <Modal opened={opened} onClose={onClose} title={t('webhooks.add')} size="lg" closeButtonProps={{ 'aria-label': t('app.close') }}>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          if (!create.isPending) create.mutate();
        }}
      >
        <Stack>
          <TextInput
            label={t('webhooks.url')}
            description={t('webhooks.urlHint')}
            placeholder="https://"
            required
            value={url}
            onChange={(e) => {
              setUrl(e.currentTarget.value);
              edited();
            }}
            error={err?.fieldMessage('url')}
            data-autofocus
          />
          <MultiSelect
            label={t('webhooks.events')}
            description={t('webhooks.eventsHint')}
            required
            searchable
            data={options}
            value={events}
            onChange={(v) => {
              setEvents(v);
              edited();
            }}
            error={err?.fieldMessage('eventTypes')}
            maxDropdownHeight={280}
            comboboxProps={{ withinPortal: true }}
          />
          <WebhookFilter
            draft={filter}
            onChange={(d) => {
              setFilter(d);
              edited();
            }}
            error={err?.fieldMessage('filter')}
          />
          <Textarea
            label={t('webhooks.description')}
            autosize
            minRows={2}
            maxLength={500}
            value={description}
            onChange={(e) => {
              setDescription(e.currentTarget.value);
              edited();
            }}
            error={err?.fieldMessage('description')}
          />
          {err && !err.errors.length && (
            <Alert color="red" role="alert">
              {err.message}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('record.cancel')}
            </Button>
            <Button type="submit" loading={create.isPending} disabled={!url.trim() || !events.length}>
              {t('webhooks.create')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** A signing secret, shown this once with a Copy button: the server never answers it again. */
export function SecretModal({ secret, onClose }: { secret: string | null; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Modal
      opened={!!secret}
      onClose={onClose}
      title={t('webhooks.secretTitle')}
      size="lg"
      closeButtonProps={{ 'aria-label': t('app.close') }}
    >
      <Stack>
        <Text size="sm">{t('webhooks.secretOnce')}</Text>
        <Code block data-testid="webhook-secret" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
          {secret}
        </Code>
        <Group justify="space-between">
          <CopyButton value={secret ?? ''}>
            {({ copied, copy }) => (
              <Button variant="default" onClick={copy}>
                {copied ? t('webhooks.copied') : t('webhooks.copy')}
              </Button>
            )}
          </CopyButton>
          <Button onClick={onClose}>{t('webhooks.done')}</Button>
        </Group>
      </Stack>
    </Modal>
  );
}
