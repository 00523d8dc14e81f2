import { Alert, Badge, Button, Code, Group, MultiSelect, Select, Stack, Table, TagsInput, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, unwrap } from '../../api.ts';
import { formatDateTime } from '../../format.ts';

const roles = ['admin', 'member', 'read-only'] as const;

/** The scope choices: everything, or each object of the API read or write (GET /api-keys/scopes). */
function useScopeOptions() {
  const { t } = useTranslation();
  const q = useQuery({ queryKey: ['api-keys', 'scopes'], queryFn: async () => unwrap(await api.GET('/api/v1/api-keys/scopes')) });
  return useMemo(
    () => [
      { value: 'all', label: t('apiKeys.allScopes') },
      ...(q.data?.objects ?? []).flatMap((o) => [
        { value: `${o}:read`, label: `${o}:read` },
        { value: `${o}:write`, label: `${o}:write` },
      ]),
    ],
    [q.data, t],
  );
}

export function ApiKeySettings() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const list = useQuery({ queryKey: ['api-keys'], queryFn: async () => unwrap(await api.GET('/api/v1/api-keys')).data });
  const scopeOptions = useScopeOptions();
  const [name, setName] = useState('');
  const [role, setRole] = useState<(typeof roles)[number]>('member');
  const [scopes, setScopes] = useState<string[]>([]);
  const [expires, setExpires] = useState('');
  const [ips, setIps] = useState<string[]>([]);
  const [secret, setSecret] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST('/api/v1/api-keys', {
          body: {
            name,
            role,
            ...(scopes.length ? { scopes } : {}),
            // The browser's datetime-local value is local time without a zone; Date reads it so.
            ...(expires ? { expiresAt: new Date(expires).toISOString() } : {}),
            ...(ips.length ? { allowedIps: ips } : {}),
          },
        }),
      ),
    onSuccess: (k) => {
      setName('');
      setScopes([]);
      setExpires('');
      setIps([]);
      setSecret(k.key ?? null);
      void qc.invalidateQueries({ queryKey: ['api-keys'] });
    },
  });
  const revoke = useMutation({
    mutationFn: async (id: string) => unwrap(await api.DELETE('/api/v1/api-keys/{id}', { params: { path: { id } } })),
    onSettled: () => qc.invalidateQueries({ queryKey: ['api-keys'] }),
  });
  const err = create.error instanceof ApiError ? create.error : null;
  /** The first problem with any entry of a list field (`allowedIps.2`), with the entry it names. */
  const listError = (field: string, values: string[]) => {
    const e = err?.errors.find((x) => x.field.startsWith(`body.${field}.`));
    if (!e) return err?.messageFor(field);
    return `${values[Number(e.field.split('.').pop())] ?? ''}: ${e.message}`;
  };
  return (
    <Stack>
      <Group align="flex-end" wrap="wrap">
        <TextInput
          label={t('settings.keyName')}
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          error={err?.messageFor('name')}
        />
        <Select
          label={t('settings.role')}
          data={roles.map((r) => ({ value: r, label: t(`settings.roles.${r}`) }))}
          value={role}
          onChange={(v) => v && setRole(v as typeof role)}
          w={150}
        />
        <TextInput
          label={t('apiKeys.expiresAt')}
          description={t('apiKeys.expiresHint')}
          type="datetime-local"
          value={expires}
          onChange={(e) => setExpires(e.currentTarget.value)}
          error={err?.messageFor('expiresAt')}
        />
      </Group>
      <MultiSelect
        label={t('apiKeys.scopes')}
        description={t('apiKeys.scopesHint')}
        data={scopeOptions}
        value={scopes}
        onChange={setScopes}
        searchable
        maw={640}
        error={listError('scopes', scopes)}
      />
      <TagsInput
        label={t('apiKeys.allowedIps')}
        description={t('apiKeys.allowedIpsHint')}
        value={ips}
        onChange={setIps}
        maw={640}
        error={listError('allowedIps', ips)}
      />
      <Button onClick={() => create.mutate()} loading={create.isPending} disabled={!name} w="fit-content">
        {t('settings.createKey')}
      </Button>
      {secret && (
        <Alert color="yellow" title={t('settings.keyOnce')} styles={{ title: { color: 'var(--mantine-color-text)' } }}>
          <Code block data-testid="new-api-key">
            {secret}
          </Code>
        </Alert>
      )}
      <Table.ScrollContainer minWidth={720}>
        <Table>
          <Table.Tbody>
            {(list.data ?? []).map((k) => (
              <Table.Tr key={k.id} data-testid="api-key-row">
                <Table.Td>{k.name}</Table.Td>
                <Table.Td>
                  <Code>{k.prefix}…</Code>
                </Table.Td>
                <Table.Td>{t(`settings.roles.${k.role}`, { defaultValue: k.role })}</Table.Td>
                <Table.Td>
                  <Text size="sm">{k.scopes.includes('all') ? t('apiKeys.allScopes') : k.scopes.join(', ')}</Text>
                  {k.allowedIps.length > 0 && (
                    <Text size="xs" c="dimmed">
                      {t('apiKeys.onlyFrom', { ips: k.allowedIps.join(', ') })}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  {k.expiresAt ? `${t('settings.expires')} ${formatDateTime(k.expiresAt)}` : ''}
                  {k.lastUsedAt && (
                    <Text size="xs" c="dimmed">
                      {`${t('settings.lastUsed')} ${formatDateTime(k.lastUsedAt)}`}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  {k.revokedAt ? (
                    <Badge color="gray">{t('settings.revoked')}</Badge>
                  ) : (
                    <Button size="xs" variant="subtle" color="red" onClick={() => revoke.mutate(k.id)}>
                      {t('settings.revoke')}
                    </Button>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}
