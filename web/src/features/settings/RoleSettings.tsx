import { Button, Card, Checkbox, Group, Select, SimpleGrid, Stack, Table, TagsInput, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  type AccessProfile,
  type AccessScope,
  AccessScopes,
  type FieldRule,
  type ObjectAction,
  type ObjectRights,
} from '../../../../contract/access.ts';
import { trashTypes } from '../../../../contract/trash.ts';
import { ApiError, api, unwrap } from '../../api.ts';
import { type BuiltInType, segmentOf } from '../../records.ts';
import { ConfirmModal } from '../../ui/ConfirmModal.tsx';
import { useMembers } from '../../ui/useMembers.ts';
import { columnsFor } from '../lists/columns.ts';

const rolesKey = ['access-profiles'];
/** The objects a role grants rights on: those with records and an owner (custom_record: every custom object). */
const objects = trashTypes;
const scopes = ['read', 'edit', 'delete'] as const;
const actions: ObjectAction[] = ['create', 'export', 'import', 'merge', 'bulkEdit'];
const closed: ObjectRights = {
  read: 'none',
  edit: 'none',
  delete: 'none',
  create: false,
  export: false,
  import: false,
  merge: false,
  bulkEdit: false,
};

/** The grid of rights per object: a scope for reading, editing and deleting, and the actions allowed. */
function RightsGrid({ rights, onChange }: { rights: Record<string, ObjectRights>; onChange: (r: Record<string, ObjectRights>) => void }) {
  const { t } = useTranslation();
  const set = (object: string, patch: Partial<ObjectRights>) =>
    onChange({ ...rights, [object]: { ...(rights[object] ?? closed), ...patch } });
  const scopeData = AccessScopes.map((s) => ({ value: s, label: t(`roles.scope.${s}`) }));
  return (
    <Table.ScrollContainer minWidth={900}>
      <Table verticalSpacing={4}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('roles.object')}</Table.Th>
            {scopes.map((s) => (
              <Table.Th key={s}>{t(`roles.right.${s}`)}</Table.Th>
            ))}
            {actions.map((a) => (
              <Table.Th key={a}>{t(`roles.action.${a}`)}</Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {objects.map((o) => {
            const r = rights[o] ?? closed;
            const label = t(`trash.types.${o}`);
            return (
              <Table.Tr key={o}>
                <Table.Td>{label}</Table.Td>
                {scopes.map((s) => (
                  <Table.Td key={s}>
                    <Select
                      size="xs"
                      w={150}
                      aria-label={`${label}: ${t(`roles.right.${s}`)}`}
                      data={scopeData}
                      value={r[s]}
                      allowDeselect={false}
                      onChange={(v) => v && set(o, { [s]: v as AccessScope })}
                    />
                  </Table.Td>
                ))}
                {actions.map((a) => (
                  <Table.Td key={a}>
                    <Checkbox
                      aria-label={`${label}: ${t(`roles.action.${a}`)}`}
                      checked={r[a]}
                      onChange={(e) => set(o, { [a]: e.currentTarget.checked })}
                    />
                  </Table.Td>
                ))}
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

const bookkeeping = new Set(['id', 'createdAt', 'updatedAt', 'createdBy', 'deletedAt', 'lastActivityAt', 'name']);
/** A contact's list shows `email` and `phone`; its answers carry `emails` and `phones`. */
const answerField: Record<string, string> = { email: 'emails', phone: 'phones' };

/** Field names to suggest for an object: its list's columns, as the API names them; others can be typed. */
function fieldSuggestions(o: string): string[] {
  if (!Object.hasOwn(segmentOf, o)) return [];
  const keys = columnsFor(o as BuiltInType, []).map((c) => (o === 'contact' ? (answerField[c.key] ?? c.key) : c.key));
  return [...new Set(keys.filter((k) => !bookkeeping.has(k)))];
}

/** Per object, the fields the role hides and those it may only read. */
function FieldRulesGrid({
  rights,
  onChange,
}: {
  rights: Record<string, ObjectRights>;
  onChange: (r: Record<string, ObjectRights>) => void;
}) {
  const { t } = useTranslation();
  const ruled = (o: string, rule: FieldRule) =>
    Object.entries(rights[o]?.fields ?? {})
      .filter(([, r]) => r === rule)
      .map(([f]) => f);
  const set = (o: string, rule: FieldRule, names: string[]) => {
    const other: FieldRule = rule === 'hidden' ? 'read_only' : 'hidden';
    // A field is hidden or read-only, not both: the newer choice wins.
    const kept = ruled(o, other).filter((f) => !names.includes(f));
    const fields = Object.fromEntries([...kept.map((f) => [f, other]), ...names.map((f) => [f, rule])]);
    onChange({ ...rights, [o]: { ...(rights[o] ?? closed), fields } });
  };
  return (
    <Stack gap="xs">
      <Title order={3} size="h6">
        {t('roles.fieldsTitle')}
      </Title>
      <Text size="sm" c="dimmed">
        {t('roles.fieldsIntro')}
      </Text>
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="xs">
        {objects.flatMap((o) => {
          const object = t(`trash.types.${o}`);
          return (['hidden', 'read_only'] as const).map((rule) => (
            <TagsInput
              key={`${o}-${rule}`}
              size="xs"
              label={t(rule === 'hidden' ? 'roles.hidden' : 'roles.readOnly', { object })}
              data={fieldSuggestions(o)}
              value={ruled(o, rule)}
              onChange={(names) => set(o, rule, names)}
              clearable
            />
          ));
        })}
      </SimpleGrid>
    </Stack>
  );
}

/** A new role, or the edit of one: its name and its grid of rights. */
function RoleForm({ role, onDone }: { role?: AccessProfile; onDone: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [name, setName] = useState(role?.name ?? '');
  const [rights, setRights] = useState<Record<string, ObjectRights>>(role?.rights ?? {});
  const save = useMutation({
    mutationFn: async () =>
      role
        ? unwrap(
            await api.PATCH('/api/v1/access-profiles/{id}', {
              params: { path: { id: role.id } },
              body: { name, rights, version: role.version },
            }),
          )
        : unwrap(await api.POST('/api/v1/access-profiles', { body: { name, rights } })),
    onSuccess: () => {
      notifications.show({ color: 'green', message: t('list.saved') });
      void qc.invalidateQueries({ queryKey: rolesKey });
      onDone();
    },
  });
  const err = save.error instanceof ApiError ? save.error : null;
  return (
    <Stack>
      <TextInput
        label={t('roles.name')}
        value={name}
        onChange={(e) => setName(e.currentTarget.value)}
        error={err?.fieldMessage('name')}
        maw={360}
      />
      <RightsGrid rights={rights} onChange={setRights} />
      <FieldRulesGrid rights={rights} onChange={setRights} />
      {err && !err.fieldMessage('name') && <div role="alert">{err.message}</div>}
      <Group>
        <Button onClick={() => save.mutate()} loading={save.isPending} disabled={!name.trim()}>
          {role ? t('record.save') : t('roles.create')}
        </Button>
        {role && (
          <Button variant="default" onClick={onDone}>
            {t('roles.cancel')}
          </Button>
        )}
      </Group>
    </Stack>
  );
}

/** One role: who holds it (members and read-only members only), edit and delete. */
function RoleCard({ role }: { role: AccessProfile }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const { members, nameOf } = useMembers();
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const fail = (e: unknown) => notifications.show({ color: 'red', message: e instanceof Error ? e.message : String(e) });
  const done = () => void qc.invalidateQueries({ queryKey: rolesKey });
  const give = useMutation({
    mutationFn: async ({ memberId, profileId }: { memberId: string; profileId: string | null }) =>
      unwrap(await api.PUT('/api/v1/members/{id}/access-profile', { params: { path: { id: memberId } }, body: { profileId } })),
    onSuccess: done,
    onError: fail,
  });
  const del = useMutation({
    mutationFn: async () => unwrap(await api.DELETE('/api/v1/access-profiles/{id}', { params: { path: { id: role.id } } })),
    onSuccess: done,
    onError: fail,
    onSettled: () => setConfirming(false),
  });
  // Owners and admins always reach everything: a role is for members and read-only members.
  const candidates = members.filter((m) => (m.role === 'member' || m.role === 'read-only') && !role.memberIds.includes(m.id));
  return (
    <Card withBorder>
      <Stack>
        <Group justify="space-between">
          <Title order={3} size="h5">
            {role.name}
          </Title>
          <Group gap="xs">
            <Button size="xs" variant="default" onClick={() => setEditing((e) => !e)}>
              {t('roles.edit')}
            </Button>
            <Button
              size="xs"
              variant="default"
              color="red"
              onClick={() => setConfirming(true)}
              aria-label={t('roles.delete', { name: role.name })}
            >
              {t('roles.deleteShort')}
            </Button>
            <ConfirmModal
              opened={confirming}
              title={t('roles.delete', { name: role.name })}
              text={t('roles.deleteText')}
              confirmLabel={t('roles.deleteShort')}
              loading={del.isPending}
              onConfirm={() => del.mutate()}
              onClose={() => setConfirming(false)}
            />
          </Group>
        </Group>
        {editing ? (
          <RoleForm role={role} onDone={() => setEditing(false)} />
        ) : (
          <Text size="sm" c="dimmed">
            {objects
              .filter((o) => role.rights[o] && role.rights[o].read !== 'none')
              .map((o) => `${t(`trash.types.${o}`)}: ${t(`roles.scope.${role.rights[o]?.read}`)}`)
              .join(' · ') || t('roles.nothing')}
          </Text>
        )}
        <Group gap="xs">
          <Text size="sm" fw={600}>
            {t('roles.holders')}
          </Text>
          {role.memberIds.map((id) => (
            <Button key={id} size="compact-xs" variant="light" onClick={() => give.mutate({ memberId: id, profileId: null })}>
              {t('roles.takeAway', { name: nameOf(id) })}
            </Button>
          ))}
          <Select
            size="xs"
            w={220}
            aria-label={t('roles.giveTo', { name: role.name })}
            placeholder={t('roles.give')}
            data={candidates.map((m) => ({ value: m.id, label: m.name }))}
            value={null}
            onChange={(v) => v && give.mutate({ memberId: v, profileId: role.id })}
            searchable
          />
        </Group>
      </Stack>
    </Card>
  );
}

/** Settings → Roles (admins): roles that narrow what members reach, per object, by whose records they are. */
export function RoleSettings() {
  const { t } = useTranslation();
  const roles = useQuery({ queryKey: rolesKey, queryFn: async () => unwrap(await api.GET('/api/v1/access-profiles')).data });
  const [key, setKey] = useState(0);
  if (!roles.data) return null;
  return (
    <Stack gap="lg">
      <Text size="sm" c="dimmed">
        {t('roles.intro')}
      </Text>
      {roles.data.map((r) => (
        <RoleCard key={r.id} role={r} />
      ))}
      <Card withBorder>
        <Stack>
          <Title order={2} size="h5">
            {t('roles.new')}
          </Title>
          <RoleForm key={key} onDone={() => setKey((k) => k + 1)} />
        </Stack>
      </Card>
    </Stack>
  );
}
