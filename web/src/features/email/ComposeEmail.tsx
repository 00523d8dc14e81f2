import { Alert, Button, FileInput, Group, Modal, Paper, Select, Stack, Switch, Text, Textarea, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, unwrap } from '../../api.ts';
import { formatDateTime } from '../../format.ts';
import { MAX_ATTACHMENT_BYTES, toBase64 } from '../../ui/files.ts';
import { mailboxesKey } from './MailboxSettings.tsx';
import { useSignatures } from './SignatureSettings.tsx';
import { templatesKey } from './TemplateSettings.tsx';
import { emailSettingsKey } from './UndoWindowSetting.tsx';

export const outboxKey = ['email-outbox'] as const;

export interface Draft {
  to: string;
  cc?: string;
  subject: string;
  text?: string;
  /** The email this answers (threading headers are set from it). */
  replyTo?: string;
  /** The email this forwards: its stored attachments go with it (named in `forwardFiles`). */
  forwardOf?: string;
  forwardFiles?: string[];
  /** The records merge fields are filled from (the record page the email is written from). */
  merge?: { contactId?: string; dealId?: string };
}

/** The quoted original below a forward, as mail clients write it. */
export function forwardQuote(e: {
  from: { name: string; address: string } | null;
  date: string;
  subject: string;
  to: { address: string }[];
  text: string;
}) {
  const from = e.from ? (e.from.name ? `${e.from.name} <${e.from.address}>` : e.from.address) : '';
  const head = [
    '---------- Forwarded message ----------',
    `From: ${from}`,
    `Date: ${new Date(e.date).toUTCString()}`,
    `Subject: ${e.subject}`,
    `To: ${e.to.map((x) => x.address).join(', ')}`,
  ];
  return `\n\n${head.join('\n')}\n\n${e.text
    .split('\n')
    .map((l) => `> ${l}`)
    .join('\n')}`;
}

/** The signature block as it is put below the message (the usual "-- " separator). */
const signatureBlock = (sig: string) => (sig.trim() ? `\n\n-- \n${sig}` : '');

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
  const [templateId, setTemplateId] = useState<string | null>(null);
  const [files, setFiles] = useState<File[]>([]);
  const [sendAt, setSendAt] = useState('');
  // Off for every new draft: tracking is asked for per message.
  const [track, setTrack] = useState(false);
  const settings = useQuery({
    queryKey: emailSettingsKey,
    queryFn: async () => unwrap(await api.GET('/api/v1/email-settings')),
    enabled: !!draft,
  });
  const tooLarge = files.reduce((n, f) => n + f.size, 0) > MAX_ATTACHMENT_BYTES;
  const templates = useQuery({
    queryKey: templatesKey,
    queryFn: async () => unwrap(await api.GET('/api/v1/email-templates')).data,
    enabled: !!draft,
  });
  const signatures = useSignatures(!!draft);
  const chosen = mailboxId ?? boxes.data?.[0]?.id ?? null;
  const signature = signatures.data?.find((x) => x.mailboxId === chosen)?.body ?? '';
  // The signature goes in once per draft (and is swapped when another mailbox is picked), as editable text.
  const [signed, setSigned] = useState<string | null>(null);
  useEffect(() => {
    if (!draft) return;
    setTo(draft.to);
    setCc(draft.cc ?? '');
    setSubject(draft.subject);
    setText(draft.text ?? '');
    setTemplateId(null);
    setSigned(null);
    setFiles([]);
    setSendAt('');
    setTrack(false);
  }, [draft]);
  useEffect(() => {
    if (!draft || !signatures.data || !chosen || signed === signature) return;
    const block = signatureBlock(signature);
    // Above a quoted original (a forward), below what is written: where mail clients put it.
    setText((old) => {
      const without = signed !== null && signatureBlock(signed) ? old.replace(signatureBlock(signed), '') : old;
      const quote = draft.text ?? '';
      if (quote && without.endsWith(quote)) return without.slice(0, without.length - quote.length) + block + quote;
      return without + block;
    });
    setSigned(signature);
  }, [draft, signatures.data, chosen, signature, signed]);
  const pickTemplate = (id: string | null) => {
    setTemplateId(id);
    const tpl = templates.data?.find((x) => x.id === id);
    if (!tpl) return;
    if (!draft?.replyTo) setSubject(tpl.subject);
    setText(tpl.body + signatureBlock(signature) + (draft?.text ?? ''));
  };
  const merging = !!draft?.merge && /\{\{/.test(`${subject}${text}`);
  const [previewInput] = useDebouncedValue({ subject, text }, 300);
  const preview = useQuery({
    queryKey: ['email-preview', previewInput, draft?.merge],
    queryFn: async () =>
      unwrap(
        await api.POST('/api/v1/email-templates/preview', {
          body: { subject: previewInput.subject, body: previewInput.text, merge: draft?.merge ?? {} },
        }),
      ),
    enabled: merging,
    retry: false,
  });
  const send = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST('/api/v1/email-outbox', {
          body: {
            ...(sendAt ? { sendAt: new Date(sendAt).toISOString() } : {}),
            mailboxId: chosen as string,
            to: addresses(to),
            cc: addresses(cc),
            subject,
            text,
            ...(draft?.replyTo ? { replyTo: draft.replyTo } : {}),
            ...(merging && draft?.merge ? { merge: draft.merge } : {}),
            ...(draft?.forwardOf ? { forwardOf: draft.forwardOf } : {}),
            ...(track ? { track: true } : {}),
            ...(files.length
              ? {
                  attachments: await Promise.all(
                    files.map(async (f) => ({
                      filename: f.name,
                      contentType: f.type || 'application/octet-stream',
                      content: await toBase64(f),
                    })),
                  ),
                }
              : {}),
          },
        }),
      ),
    onSuccess: (queued) => {
      const wait = Math.max(0, Date.parse(queued.sendAt) - Date.now());
      void qc.invalidateQueries({ queryKey: outboxKey });
      if (queued.scheduled)
        notifications.show({ color: 'blue', message: t('email.scheduledFor', { date: formatDateTime(queued.sendAt) }) });
      else showUndo(queued.id, wait);
      // The timeline shows the sent email once the outbox job has sent it.
      setTimeout(() => {
        void qc.invalidateQueries({ queryKey: ['activities'] });
        void qc.invalidateQueries({ queryKey: outboxKey });
      }, wait + 3000);
      send.reset();
      onClose();
    },
  });
  const showUndo = (id: string, wait: number) => {
    const nid = `undo-${id}`;
    notifications.show({
      id: nid,
      color: 'blue',
      autoClose: wait,
      message: (
        <Group justify="space-between" wrap="nowrap">
          <Text size="sm">{t('email.sending')}</Text>
          <Button
            size="compact-sm"
            variant="default"
            onClick={async () => {
              notifications.hide(nid);
              try {
                unwrap(await api.POST('/api/v1/email-outbox/{id}/cancel', { params: { path: { id } } }));
                notifications.show({ color: 'green', message: t('email.undone') });
              } catch (e) {
                notifications.show({ color: 'red', message: e instanceof Error ? e.message : String(e) });
              }
              void qc.invalidateQueries({ queryKey: outboxKey });
            }}
          >
            {t('email.undo')}
          </Button>
        </Group>
      ),
    });
  };
  const err = send.error instanceof ApiError ? send.error : null;
  return (
    <Modal
      opened={!!draft}
      onClose={onClose}
      title={draft?.replyTo ? t('email.replyTitle') : draft?.forwardOf ? t('email.forwardTitle') : t('email.compose')}
      size="lg"
      closeButtonProps={{ 'aria-label': t('app.close') }}
    >
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
        {!!templates.data?.length && (
          <Select
            label={t('templates.pick')}
            placeholder={t('templates.pickPlaceholder')}
            data={templates.data.map((x) => ({ value: x.id, label: x.name }))}
            value={templateId}
            onChange={pickTemplate}
            clearable
            clearButtonProps={{ 'aria-label': t('templates.clear') }}
          />
        )}
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
        <FileInput
          label={t('email.attach')}
          multiple
          clearable
          clearButtonProps={{ 'aria-label': t('email.removeFiles') }}
          value={files}
          onChange={setFiles}
          error={tooLarge ? t('email.attachTooLarge', { limit: '10 MB' }) : err?.fieldMessage('attachments')}
        />
        <TextInput
          type="datetime-local"
          label={t('email.sendAt')}
          description={t('email.sendAtHint')}
          value={sendAt}
          onChange={(e) => setSendAt(e.currentTarget.value)}
          error={err?.fieldMessage('sendAt')}
        />
        {settings.data?.tracking && (
          <Switch
            label={t('email.track')}
            description={t('email.trackHint')}
            checked={track}
            onChange={(e) => setTrack(e.currentTarget.checked)}
            error={err?.fieldMessage('track')}
          />
        )}
        {!!draft?.forwardFiles?.length && (
          <Text size="sm" data-testid="forwarded-files">
            {t('email.forwardedFiles', { files: draft.forwardFiles.join(', ') })}
          </Text>
        )}
        {merging && (
          <Paper withBorder p="sm" aria-label={t('templates.preview')} role="region">
            <Text size="xs" c="dimmed">
              {t('templates.preview')}
            </Text>
            {preview.data ? (
              <>
                <Text fw={600}>{preview.data.subject}</Text>
                <Text style={{ whiteSpace: 'pre-wrap' }}>{preview.data.text}</Text>
              </>
            ) : (
              preview.error && <Text c="red">{preview.error.message}</Text>
            )}
          </Paper>
        )}
        {send.error && !err?.errors.length && (
          <Alert color="red" role="alert">
            {send.error.message}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('record.cancel')}
          </Button>
          <Button type="submit" loading={send.isPending} disabled={!chosen || tooLarge}>
            {sendAt ? t('email.schedule') : t('email.send')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
