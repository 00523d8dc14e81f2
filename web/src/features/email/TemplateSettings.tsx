import { Button, Card, Group, Select, Stack, Table, Text, Textarea, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, type GetResult, unwrap } from '../../api.ts';
import { useMe } from '../../session.ts';
import { ConfirmModal } from '../../ui/ConfirmModal.tsx';
import { ErrorState, LoadingRows } from '../../ui/States.tsx';

export type EmailTemplate = GetResult<'/api/v1/email-templates'>['data'][number];
export const templatesKey = ['email-templates'] as const;

/** The merge fields a template may use, to show beside the form. */
export const mergeFieldHelp =
  '{{contact.firstName}} {{contact.lastName}} {{contact.company.name}} {{deal.name}} {{member.name}} {{contact.custom.key}} {{contact.firstName | "there"}}';

function TemplateForm({ template, onDone }: { template: EmailTemplate | null; onDone: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [v, setV] = useState({
    name: template?.name ?? '',
    subject: template?.subject ?? '',
    body: template?.body ?? '',
    visibility: template?.visibility ?? ('private' as 'private' | 'shared'),
  });
  const save = useMutation({
    mutationFn: async () =>
      template
        ? unwrap(
            await api.PATCH('/api/v1/email-templates/{id}', {
              params: { path: { id: template.id } },
              body: { ...v, version: template.version },
            }),
          )
        : unwrap(await api.POST('/api/v1/email-templates', { body: v })),
    onSuccess: () => {
      notifications.show({ color: 'green', message: t('templates.saved') });
      void qc.invalidateQueries({ queryKey: templatesKey });
      onDone();
    },
  });
  const err = save.error instanceof ApiError ? save.error : null;
  return (
    <Card
      withBorder
      component="form"
      aria-label={t('templates.form')}
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <Stack>
        <TextInput
          label={t('templates.name')}
          required
          value={v.name}
          onChange={(e) => setV({ ...v, name: e.currentTarget.value })}
          error={err?.fieldMessage('name')}
        />
        <TextInput
          label={t('email.subject')}
          value={v.subject}
          onChange={(e) => setV({ ...v, subject: e.currentTarget.value })}
          error={err?.fieldMessage('subject')}
        />
        <Textarea
          label={t('email.body')}
          description={t('templates.fieldsHint', { fields: mergeFieldHelp })}
          autosize
          minRows={5}
          value={v.body}
          onChange={(e) => setV({ ...v, body: e.currentTarget.value })}
          error={err?.fieldMessage('body')}
        />
        <Select
          label={t('templates.visibility')}
          data={[
            { value: 'private', label: t('templates.private') },
            { value: 'shared', label: t('templates.shared') },
          ]}
          value={v.visibility}
          onChange={(x) => setV({ ...v, visibility: (x as 'private' | 'shared') ?? 'private' })}
          allowDeselect={false}
        />
        {save.error && !err?.errors.length && <Text c="red">{save.error.message}</Text>}
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            {t('record.cancel')}
          </Button>
          <Button type="submit" loading={save.isPending}>
            {t('templates.save')}
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}

/** Email templates: yours and the shared ones, with merge fields checked by the server when saved. */
export function TemplateSettings() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const me = useMe();
  const isAdmin = me.member.role === 'owner' || me.member.role === 'admin';
  const list = useQuery({ queryKey: templatesKey, queryFn: async () => unwrap(await api.GET('/api/v1/email-templates')).data });
  const [editing, setEditing] = useState<EmailTemplate | 'new' | null>(null);
  const [deleting, setDeleting] = useState<EmailTemplate | null>(null);
  const remove = useMutation({
    mutationFn: async (id: string) => unwrap(await api.DELETE('/api/v1/email-templates/{id}', { params: { path: { id } } })),
    onSuccess: () => {
      setDeleting(null);
      void qc.invalidateQueries({ queryKey: templatesKey });
    },
  });
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2} size="h3">
          {t('templates.title')}
        </Title>
        {!editing && <Button onClick={() => setEditing('new')}>{t('templates.add')}</Button>}
      </Group>
      {editing && (
        <TemplateForm
          key={editing === 'new' ? 'new' : editing.id}
          template={editing === 'new' ? null : editing}
          onDone={() => setEditing(null)}
        />
      )}
      {list.isPending ? (
        <LoadingRows />
      ) : list.isError ? (
        <ErrorState error={list.error} />
      ) : !list.data.length ? (
        <Text c="dimmed">{t('templates.none')}</Text>
      ) : (
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('templates.name')}</Table.Th>
              <Table.Th>{t('email.subject')}</Table.Th>
              <Table.Th>{t('templates.visibility')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.data.map((tpl) => {
              const mayEdit = tpl.ownerId === me.member.id || (tpl.visibility === 'shared' && isAdmin);
              return (
                <Table.Tr key={tpl.id}>
                  <Table.Td>{tpl.name}</Table.Td>
                  <Table.Td>{tpl.subject}</Table.Td>
                  <Table.Td>{t(`templates.${tpl.visibility}`)}</Table.Td>
                  <Table.Td>
                    {mayEdit && (
                      <Group gap="xs" justify="flex-end">
                        <Button
                          size="xs"
                          variant="default"
                          onClick={() => setEditing(tpl)}
                          aria-label={t('templates.editNamed', { name: tpl.name })}
                        >
                          {t('templates.edit')}
                        </Button>
                        <Button
                          size="xs"
                          variant="default"
                          color="red"
                          onClick={() => setDeleting(tpl)}
                          aria-label={t('templates.deleteNamed', { name: tpl.name })}
                        >
                          {t('templates.delete')}
                        </Button>
                      </Group>
                    )}
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      )}
      <ConfirmModal
        opened={!!deleting}
        title={t('templates.deleteTitle')}
        text={t('templates.deleteText', { name: deleting?.name ?? '' })}
        confirmLabel={t('templates.delete')}
        loading={remove.isPending}
        onConfirm={() => deleting && remove.mutate(deleting.id)}
        onClose={() => setDeleting(null)}
      />
    </Stack>
  );
}
