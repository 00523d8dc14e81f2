import { Button, Card, Code, Group, NumberInput, PasswordInput, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, type GetResult, unwrap } from '../../api.ts';
import { ConfirmModal } from '../../ui/ConfirmModal.tsx';

// Automation → Settings, for admins: the rate guard (runs a workspace may start per minute) and the
// named secrets that "call a webhook" steps send in headers as {{secret.NAME}}. A secret's value is
// typed once and never shown again; rotating it means typing a new one.

type Secret = GetResult<'/api/v1/automation/secrets'>['data'][number];
const settingsKey = ['automation', 'settings'];
const secretsKey = ['automation', 'secrets'];

const fieldError = (e: unknown, field: string) =>
  e instanceof ApiError ? (e.errors.find((x) => x.field === field)?.message ?? (e.errors.length ? undefined : e.message)) : undefined;

function RateGuard() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const settings = useQuery({ queryKey: settingsKey, queryFn: async () => unwrap(await api.GET('/api/v1/automation/settings')) });
  const [value, setValue] = useState<number | string>('');
  useEffect(() => {
    if (settings.data) setValue(settings.data.runsPerMinute);
  }, [settings.data]);
  const save = useMutation({
    mutationFn: async () => unwrap(await api.PATCH('/api/v1/automation/settings', { body: { runsPerMinute: Number(value) } })),
    onSuccess: (next) => {
      qc.setQueryData(settingsKey, next);
      notifications.show({ color: 'green', message: t('list.saved') });
    },
  });
  const valid = Number.isInteger(Number(value)) && Number(value) >= 1 && Number(value) <= 100_000;
  return (
    <Card withBorder maw={560}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (valid) save.mutate();
        }}
      >
        <Stack gap="xs">
          <Title order={3} size="h4">
            {t('automation.settings.rateTitle')}
          </Title>
          <Text size="sm" c="dimmed">
            {t('automation.settings.rateIntro')}
          </Text>
          <Group align="flex-end">
            <NumberInput
              label={t('automation.settings.runsPerMinute')}
              min={1}
              max={100_000}
              allowDecimal={false}
              value={value}
              onChange={setValue}
              disabled={!settings.data}
              error={valid ? fieldError(save.error, 'body.runsPerMinute') : t('automation.settings.runsPerMinuteRange')}
              w={220}
            />
            <Button type="submit" loading={save.isPending} disabled={!valid || value === settings.data?.runsPerMinute}>
              {t('record.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}

function SecretForm({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const [value, setSecret] = useState('');
  const add = useMutation({
    mutationFn: async () => unwrap(await api.POST('/api/v1/automation/secrets', { body: { name, value } })),
    onSuccess: () => {
      setName('');
      setSecret('');
      onDone();
    },
  });
  return (
    <form
      aria-label={t('automation.settings.addSecret')}
      onSubmit={(e) => {
        e.preventDefault();
        add.mutate();
      }}
    >
      <Group align="flex-start">
        <TextInput
          label={t('automation.settings.secretName')}
          placeholder="CRM_TOKEN"
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          error={fieldError(add.error, 'body.name')}
          required
        />
        <PasswordInput
          label={t('automation.settings.secretValue')}
          value={value}
          onChange={(e) => setSecret(e.currentTarget.value)}
          error={fieldError(add.error, 'body.value')}
          autoComplete="off"
          required
          w={260}
        />
        <Button type="submit" mt={25} loading={add.isPending} disabled={!name || !value}>
          {t('automation.settings.addSecret')}
        </Button>
      </Group>
    </form>
  );
}

function Secrets() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const list = useQuery({ queryKey: secretsKey, queryFn: async () => unwrap(await api.GET('/api/v1/automation/secrets')).data });
  const refresh = () => qc.invalidateQueries({ queryKey: secretsKey });
  const [rotating, setRotating] = useState<Secret | null>(null);
  const [next, setNext] = useState('');
  const [removing, setRemoving] = useState<Secret | null>(null);
  const rotate = useMutation({
    mutationFn: async (s: Secret) =>
      unwrap(await api.PATCH('/api/v1/automation/secrets/{id}', { params: { path: { id: s.id } }, body: { value: next } })),
    onSuccess: () => {
      setRotating(null);
      setNext('');
      notifications.show({ color: 'green', message: t('list.saved') });
      refresh();
    },
  });
  const remove = useMutation({
    mutationFn: async (s: Secret) => unwrap(await api.DELETE('/api/v1/automation/secrets/{id}', { params: { path: { id: s.id } } })),
    onSettled: () => {
      setRemoving(null);
      refresh();
    },
    onError: (e) => notifications.show({ color: 'red', message: e instanceof Error ? e.message : String(e) }),
  });
  return (
    <Card withBorder>
      <Stack gap="sm">
        <Title order={3} size="h4">
          {t('automation.settings.secretsTitle')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('automation.settings.secretsIntro')} <Code>{'Authorization: Bearer {{secret.CRM_TOKEN}}'}</Code>
        </Text>
        {list.data?.length ? (
          <Table.ScrollContainer minWidth={520}>
            <Table>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('automation.settings.secretName')}</Table.Th>
                  <Table.Th>{t('automation.settings.usedBy')}</Table.Th>
                  <Table.Th>{t('automation.settings.changed')}</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.data.map((s) => (
                  <Table.Tr key={s.id} data-testid="secret-row">
                    <Table.Td>
                      <Code>{`{{secret.${s.name}}}`}</Code>
                    </Table.Td>
                    <Table.Td>{s.usedBy.length ? s.usedBy.map((r) => r.name).join(', ') : t('automation.settings.unused')}</Table.Td>
                    <Table.Td>{new Date(s.updatedAt).toLocaleString()}</Table.Td>
                    <Table.Td>
                      {rotating?.id === s.id ? (
                        <form
                          aria-label={t('automation.settings.rotateForm', { name: s.name })}
                          onSubmit={(e) => {
                            e.preventDefault();
                            rotate.mutate(s);
                          }}
                        >
                          <Group gap="xs" wrap="nowrap">
                            <PasswordInput
                              aria-label={t('automation.settings.newValue')}
                              placeholder={t('automation.settings.newValue')}
                              value={next}
                              onChange={(e) => setNext(e.currentTarget.value)}
                              autoComplete="off"
                              size="xs"
                            />
                            <Button type="submit" size="xs" disabled={!next} loading={rotate.isPending}>
                              {t('record.save')}
                            </Button>
                          </Group>
                        </form>
                      ) : (
                        <Group gap="xs" justify="flex-end" wrap="nowrap">
                          <Button size="xs" variant="default" onClick={() => setRotating(s)}>
                            {t('automation.settings.rotate')}
                          </Button>
                          <Button size="xs" variant="subtle" color="red.8" onClick={() => setRemoving(s)} disabled={s.usedBy.length > 0}>
                            {t('automation.settings.deleteSecret')}
                          </Button>
                        </Group>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        ) : (
          <Text size="sm">{t('automation.settings.noSecrets')}</Text>
        )}
        <SecretForm onDone={refresh} />
      </Stack>
      <ConfirmModal
        opened={removing !== null}
        title={t('automation.settings.deleteSecret')}
        text={t('automation.settings.deleteSecretText', { name: removing?.name ?? '' })}
        confirmLabel={t('automation.settings.deleteSecret')}
        loading={remove.isPending}
        onConfirm={() => removing && remove.mutate(removing)}
        onClose={() => setRemoving(null)}
      />
    </Card>
  );
}

export function AutomationSettings() {
  return (
    <Stack>
      <RateGuard />
      <Secrets />
    </Stack>
  );
}
