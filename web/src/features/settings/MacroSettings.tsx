import {
  Badge,
  Button,
  Card,
  Checkbox,
  Group,
  Modal,
  SegmentedControl,
  Select,
  Stack,
  Table,
  TagsInput,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { macroPlaceholders } from '../../../../contract/desk.ts';
import { ticketPriorities, ticketStatuses } from '../../../../contract/support.ts';
import { ApiError, api, unwrap } from '../../api.ts';
import { useMe } from '../../session.ts';
import { Empty } from '../../ui/States.tsx';
import { useMembers } from '../../ui/useMembers.ts';
import { deskKeys, type Macro, macrosQuery } from '../tickets/desk.ts';

type Draft = {
  name: string;
  body: string;
  kind: 'reply' | 'note';
  personal: boolean;
  status: string | null;
  priority: string | null;
  assigneeId: string | null;
  addTags: string[];
  removeTags: string[];
};

const empty: Draft = {
  name: '',
  body: '',
  kind: 'reply',
  personal: false,
  status: null,
  priority: null,
  assigneeId: null,
  addTags: [],
  removeTags: [],
};

const draftOf = (m: Macro): Draft => ({
  name: m.name,
  body: m.body ?? '',
  kind: m.kind,
  personal: m.ownerId !== null,
  status: m.changes.status ?? null,
  priority: m.changes.priority ?? null,
  assigneeId: m.changes.assigneeId ?? null,
  addTags: m.changes.addTags ?? [],
  removeTags: m.changes.removeTags ?? [],
});

/** Macros: canned replies or notes with field changes. Admins keep the shared ones; everyone may keep their own. */
export function MacroSettings() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const me = useMe();
  const { members } = useMembers();
  const isAdmin = me.member.role === 'owner' || me.member.role === 'admin';
  const macros = useQuery(macrosQuery);
  const [editing, setEditing] = useState<{ id: string | null; version: number; draft: Draft } | null>(null);
  const save = useMutation({
    mutationFn: async () => {
      if (!editing) return;
      const d = editing.draft;
      const changes = {
        ...(d.status ? { status: d.status as (typeof ticketStatuses)[number] } : {}),
        ...(d.priority ? { priority: d.priority as (typeof ticketPriorities)[number] } : {}),
        ...(d.assigneeId ? { assigneeId: d.assigneeId } : {}),
        ...(d.addTags.length ? { addTags: d.addTags } : {}),
        ...(d.removeTags.length ? { removeTags: d.removeTags } : {}),
      };
      const body = { name: d.name, body: d.body.trim() ? d.body : null, kind: d.kind, changes };
      if (editing.id) {
        unwrap(
          await api.PATCH('/api/v1/ticket-macros/{id}', {
            params: { path: { id: editing.id } },
            body: { ...body, version: editing.version },
          }),
        );
      } else unwrap(await api.POST('/api/v1/ticket-macros', { body: { ...body, personal: d.personal || !isAdmin } }));
    },
    onSuccess: async () => {
      setEditing(null);
      await qc.invalidateQueries({ queryKey: deskKeys.macros });
    },
  });
  const remove = useMutation({
    mutationFn: async (id: string) => unwrap(await api.DELETE('/api/v1/ticket-macros/{id}', { params: { path: { id } } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: deskKeys.macros }),
  });
  const err = save.error instanceof ApiError ? save.error : null;
  const set = (patch: Partial<Draft>) => setEditing((e) => e && { ...e, draft: { ...e.draft, ...patch } });
  const mayChange = (m: Macro) => isAdmin || m.ownerId === me.member.id;
  const d = editing?.draft;

  return (
    <Stack>
      <Text size="sm" c="dimmed" maw={640}>
        {t('desk.macrosIntro')}
      </Text>
      <Button w="fit-content" onClick={() => setEditing({ id: null, version: 1, draft: { ...empty, personal: !isAdmin } })}>
        {t('desk.newMacro')}
      </Button>
      {macros.data?.length === 0 ? (
        <Empty>{t('desk.noMacros')}</Empty>
      ) : (
        <Card withBorder padding={0}>
          <Table data-testid="macros-table">
            <Table.Tbody>
              {(macros.data ?? []).map((m) => (
                <Table.Tr key={m.id}>
                  <Table.Td>
                    <Text size="sm" fw={600}>
                      {m.name}
                    </Text>
                    <Text size="xs" c="dimmed" lineClamp={1}>
                      {m.body ?? ''}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      <Badge variant="light">{m.kind === 'note' ? t('tickets.note') : t('tickets.reply')}</Badge>
                      {m.changes.status && <Badge variant="outline">{t(`enums.ticketStatus.${m.changes.status}`)}</Badge>}
                      {m.ownerId && <Badge color="gray">{t('desk.personal')}</Badge>}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    {mayChange(m) && (
                      <Group gap="xs" justify="flex-end">
                        <Button size="xs" variant="default" onClick={() => setEditing({ id: m.id, version: m.version, draft: draftOf(m) })}>
                          {t('desk.edit')}
                        </Button>
                        <Button size="xs" color="red" variant="subtle" onClick={() => remove.mutate(m.id)}>
                          {t('desk.delete')}
                        </Button>
                      </Group>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Card>
      )}
      <Modal opened={!!editing} onClose={() => setEditing(null)} title={editing?.id ? t('desk.editMacro') : t('desk.newMacro')} size="lg">
        {d && (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              save.mutate();
            }}
          >
            <Stack>
              <TextInput
                label={t('desk.macroName')}
                required
                value={d.name}
                onChange={(e) => set({ name: e.currentTarget.value })}
                error={err?.fieldMessage('name')}
              />
              <SegmentedControl
                aria-label={t('tickets.composerKind')}
                value={d.kind}
                onChange={(v) => set({ kind: v as Draft['kind'] })}
                data={[
                  { value: 'reply', label: t('tickets.reply') },
                  { value: 'note', label: t('tickets.note') },
                ]}
                w="fit-content"
              />
              <Textarea
                label={t('desk.macroBody')}
                description={t('desk.placeholders', { list: macroPlaceholders.map((p) => `{{${p}}}`).join(' ') })}
                value={d.body}
                onChange={(e) => set({ body: e.currentTarget.value })}
                autosize
                minRows={4}
                error={err?.fieldMessage('body')}
              />
              <Group grow>
                <Select
                  label={t('desk.setStatus')}
                  clearable
                  value={d.status}
                  onChange={(v) => set({ status: v })}
                  data={ticketStatuses.map((s) => ({ value: s, label: t(`enums.ticketStatus.${s}`) }))}
                />
                <Select
                  label={t('desk.setPriority')}
                  clearable
                  value={d.priority}
                  onChange={(v) => set({ priority: v })}
                  data={ticketPriorities.map((p) => ({ value: p, label: t(`enums.ticketPriority.${p}`) }))}
                />
                <Select
                  label={t('desk.setAssignee')}
                  clearable
                  value={d.assigneeId}
                  onChange={(v) => set({ assigneeId: v })}
                  data={members.filter((m) => !m.disabledAt).map((m) => ({ value: m.id, label: m.name }))}
                  error={err?.fieldMessage('changes')}
                />
              </Group>
              <Group grow>
                <TagsInput label={t('desk.addTags')} value={d.addTags} onChange={(v) => set({ addTags: v })} />
                <TagsInput label={t('desk.removeTags')} value={d.removeTags} onChange={(v) => set({ removeTags: v })} />
              </Group>
              {isAdmin && !editing?.id && (
                <Checkbox
                  label={t('desk.personalHint')}
                  checked={d.personal}
                  onChange={(e) => set({ personal: e.currentTarget.checked })}
                />
              )}
              {err && !err.errors.length && <div role="alert">{err.message}</div>}
              <Group justify="flex-end">
                <Button type="submit" loading={save.isPending}>
                  {t('record.save')}
                </Button>
              </Group>
            </Stack>
          </form>
        )}
      </Modal>
    </Stack>
  );
}
