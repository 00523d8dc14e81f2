import { Alert, Button, Card, Checkbox, Code, Group, PasswordInput, Select, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, unwrap } from '../../api.ts';

type JoinRole = 'admin' | 'member' | 'read-only';
const joinRoles: JoinRole[] = ['admin', 'member', 'read-only'];

/** `group = role` lines ↔ the mapping the API takes; a line that names no known role is left out. */
const mappingText = (m: Record<string, string>) =>
  Object.entries(m)
    .map(([g, r]) => `${g} = ${r}`)
    .join('\n');
function parseMapping(text: string) {
  const out: Record<string, JoinRole> = {};
  for (const line of text.split('\n')) {
    const at = line.lastIndexOf('=');
    const group = line.slice(0, at).trim();
    const role = line.slice(at + 1).trim() as JoinRole;
    if (at > 0 && group && joinRoles.includes(role)) out[group] = role;
  }
  return out;
}

/** The workspace's OpenID Connect provider: an admin sets it up; the issuer is checked before it is saved. */
export function SsoSettings() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const key = ['workspace', 'sso'];
  const q = useQuery({ queryKey: key, queryFn: async () => unwrap(await api.GET('/api/v1/workspace/sso')) });
  const [form, setForm] = useState<{
    issuer: string;
    clientId: string;
    clientSecret: string;
    emailDomain: string;
    defaultRole: JoinRole;
    groupRoles: string;
    ssoOnly: boolean;
  } | null>(null);
  const c = q.data?.config;
  const f = form ?? {
    issuer: c?.issuer ?? '',
    clientId: c?.clientId ?? '',
    clientSecret: '',
    emailDomain: c?.emailDomain ?? '',
    defaultRole: (c?.defaultRole ?? 'member') as JoinRole,
    groupRoles: mappingText(c?.groupRoles ?? {}),
    ssoOnly: c?.ssoOnly ?? false,
  };
  const set = (patch: Partial<typeof f>) => setForm({ ...f, ...patch });
  const save = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.PUT('/api/v1/workspace/sso', {
          body: {
            issuer: f.issuer.trim(),
            clientId: f.clientId.trim(),
            ...(f.clientSecret ? { clientSecret: f.clientSecret } : {}),
            emailDomain: f.emailDomain.trim(),
            defaultRole: f.defaultRole,
            groupRoles: parseMapping(f.groupRoles),
            ssoOnly: f.ssoOnly,
          },
        }),
      ),
    onSuccess: () => {
      setForm(null);
      notifications.show({ color: 'green', message: t('sso.saved') });
      void qc.invalidateQueries({ queryKey: key });
    },
  });
  const err = save.error instanceof ApiError ? save.error : null;
  if (!q.data) return null;
  return (
    <Card withBorder maw={560}>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        <Stack>
          <Title order={2} size="h5">
            {t('sso.title')}
          </Title>
          <Text size="sm">{t('sso.intro')}</Text>
          <Stack gap={4}>
            <Text size="sm" fw={500}>
              {t('sso.redirectUri')}
            </Text>
            {/* Wrapped, not scrolled: at 375 px a scrolling <code> is a region no keyboard can reach (axe). */}
            <Code data-testid="sso-redirect-uri" style={{ whiteSpace: 'normal', overflowWrap: 'anywhere' }}>
              {q.data.redirectUri}
            </Code>
          </Stack>
          <TextInput
            label={t('sso.issuer')}
            placeholder="https://login.example.com"
            value={f.issuer}
            onChange={(e) => set({ issuer: e.currentTarget.value })}
            error={err?.fieldMessage('issuer')}
          />
          <TextInput
            label={t('sso.clientId')}
            value={f.clientId}
            onChange={(e) => set({ clientId: e.currentTarget.value })}
            error={err?.fieldMessage('clientId')}
          />
          <PasswordInput
            label={t('sso.clientSecret')}
            description={c?.hasClientSecret ? t('sso.secretKept') : undefined}
            value={f.clientSecret}
            onChange={(e) => set({ clientSecret: e.currentTarget.value })}
            error={err?.fieldMessage('clientSecret')}
          />
          <TextInput
            label={t('sso.emailDomain')}
            description={t('sso.emailDomainHint')}
            placeholder="example.com"
            value={f.emailDomain}
            onChange={(e) => set({ emailDomain: e.currentTarget.value })}
            error={err?.fieldMessage('emailDomain')}
          />
          <Select
            label={t('sso.defaultRole')}
            data={joinRoles.map((r) => ({ value: r, label: t(`settings.roles.${r}`) }))}
            value={f.defaultRole}
            onChange={(v) => v && set({ defaultRole: v as JoinRole })}
            allowDeselect={false}
          />
          <Textarea
            label={t('sso.groupRoles')}
            description={t('sso.groupRolesHint')}
            placeholder="crm-admins = admin"
            autosize
            minRows={2}
            value={f.groupRoles}
            onChange={(e) => set({ groupRoles: e.currentTarget.value })}
          />
          <Checkbox
            label={t('sso.ssoOnly')}
            description={t('sso.ssoOnlyHint')}
            checked={f.ssoOnly}
            onChange={(e) => set({ ssoOnly: e.currentTarget.checked })}
          />
          {err && !err.errors.length && (
            <Alert color="red" role="alert">
              {err.message}
            </Alert>
          )}
          <Group>
            <Button type="submit" loading={save.isPending}>
              {t('sso.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}
