import { Alert, Button, Group, Modal, Select, Stack, Textarea, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, unwrap } from '../../api.ts';
import { mailboxesKey } from './MailboxSettings.tsx';

export interface Draft {
  to: string;
  cc?: string;
  subject: string;
  text?: string;
  /** The email this answers (threading headers are set from it). */
  replyTo?: string;
}

const addresses = (s: string) =>
  s
    .split(/[,;\s]+/)
    .map((a) => a.trim())
    .filter(Boolean);

/** Writes an email from a record page, sent through one of the member's mailboxes. */
export function ComposeEmail({ draft, onClose }: { draft: Draft | null; onClose: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const boxes = useQuery({
    queryKey: mailboxesKey,
    queryFn: async () => unwrap(await api.GET('/api/v1/mailboxes')).data,
    enabled: !!draft,
  });
  const [mailboxId, setMailboxId] = useState<string | null>(null);
  const [to, setTo] = useState('');
  const [cc, setCc] = useState('');
  const [subject, setSubject] = useState('');
  const [text, setText] = useState('');
  useEffect(() => {
    if (!draft) return;
    setTo(draft.to);
    setCc(draft.cc ?? '');
    setSubject(draft.subject);
    setText(draft.text ?? '');
  }, [draft]);
  const chosen = mailboxId ?? boxes.data?.[0]?.id ?? null;
  const send = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST('/api/v1/emails', {
          body: {
            mailboxId: chosen as string,
            to: addresses(to),
            cc: addresses(cc),
            subject,
            text,
            ...(draft?.replyTo ? { replyTo: draft.replyTo } : {}),
          },
        }),
      ),
    onSuccess: (sent) => {
      notifications.show({ color: sent.note ? 'yellow' : 'green', message: sent.note ?? t('email.sent') });
      void qc.invalidateQueries({ queryKey: ['activities'] });
      send.reset();
      onClose();
    },
  });
  const err = send.error instanceof ApiError ? send.error : null;
  return (
    <Modal opened={!!draft} onClose={onClose} title={draft?.replyTo ? t('email.replyTitle') : t('email.compose')} size="lg">
      <Stack
        component="form"
        aria-label={t('email.compose')}
        onSubmit={(e) => {
          e.preventDefault();
          if (!send.isPending && chosen) send.mutate();
        }}
      >
        {boxes.data && !boxes.data.length && <Alert color="yellow">{t('email.noMailbox')}</Alert>}
        <Select
          label={t('email.fromMailbox')}
          data={(boxes.data ?? []).map((m) => ({ value: m.id, label: `${m.name} <${m.address}>` }))}
          value={chosen}
          onChange={setMailboxId}
          allowDeselect={false}
          error={err?.fieldMessage('mailboxId')}
        />
        <TextInput
          label={t('email.to')}
          required
          value={to}
          onChange={(e) => setTo(e.currentTarget.value)}
          error={err?.fieldMessage('to')}
        />
        <TextInput label={t('email.cc')} value={cc} onChange={(e) => setCc(e.currentTarget.value)} error={err?.fieldMessage('cc')} />
        <TextInput
          label={t('email.subject')}
          value={subject}
          onChange={(e) => setSubject(e.currentTarget.value)}
          error={err?.fieldMessage('subject')}
        />
        <Textarea
          label={t('email.body')}
          autosize
          minRows={6}
          value={text}
          onChange={(e) => setText(e.currentTarget.value)}
          error={err?.fieldMessage('text')}
        />
        {send.error && !err?.errors.length && (
          <Alert color="red" role="alert">
            {send.error.message}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('record.cancel')}
          </Button>
          <Button type="submit" loading={send.isPending} disabled={!chosen}>
            {t('email.send')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
