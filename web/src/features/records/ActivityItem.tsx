import { Alert, Badge, Button, Group, Paper, Stack, Table, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type Activity, ApiError, api, type HistoryEntry, unwrap } from '../../api.ts';
import { formatDateTime } from '../../format.ts';
import { useMe } from '../../session.ts';
import { ConfirmModal } from '../../ui/ConfirmModal.tsx';
import { MentionTextarea, mentionsIn } from '../../ui/MentionTextarea.tsx';
import { Empty, LoadingRows } from '../../ui/States.tsx';
import { useMembers } from '../../ui/useMembers.ts';
import { ComposeEmail, type Draft, forwardQuote } from '../email/ComposeEmail.tsx';
import { EmailView } from '../email/EmailView.tsx';
import { MeetingAttendees } from '../meetings/MeetingAttendees.tsx';
import { type AttendeeInput, attendeesOf, draftOf, emptyMeeting, type MeetingDraft, MeetingFields } from '../meetings/MeetingFields.tsx';
import { ActivityLinks } from './ActivityLinks.tsx';
import { groupEdits } from './HistoryPanel.tsx';

/** An instant as a datetime-local input shows it, in the browser's zone (as the task form reads it back). */
function toLocalInput(iso: string) {
  const d = new Date(iso);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

function ActivityHistory({ id }: { id: string }) {
  const { t } = useTranslation();
  const { nameOf } = useMembers();
  const history = useQuery({
    queryKey: ['activities', 'history', id],
    queryFn: async () => unwrap(await api.GET('/api/v1/activities/{id}/history', { params: { path: { id } } })).data,
  });
  const label = (f: string) =>
    f === 'subject'
      ? t('record.subject')
      : f === 'body'
        ? t('record.body')
        : f === 'occurredAt'
          ? t('timeline.occurredAt')
          : t(`fields.${f}`, { defaultValue: f });
  const show = (h: HistoryEntry, v: unknown) =>
    v == null || v === '' ? '—' : h.field === 'occurredAt' ? formatDateTime(String(v)) : typeof v === 'string' ? v : JSON.stringify(v);
  if (history.isPending) return <LoadingRows rows={2} />;
  if (!history.data?.length) return <Empty>{t('record.noHistory')}</Empty>;
  return (
    <Table data-testid="activity-history" mt="xs">
      <Table.Tbody>
        {groupEdits(history.data).map((edit) => (
          <Table.Tr key={`${edit.key}|${edit.at}`}>
            <Table.Td style={{ verticalAlign: 'top', width: 170 }}>
              <Text size="xs" c="dimmed">
                {formatDateTime(edit.at)}
              </Text>
              <Text size="xs">{nameOf(edit.actorId) || t(`record.actor.${edit.actorType}`, { defaultValue: edit.actorType })}</Text>
            </Table.Td>
            <Table.Td>
              {edit.changes.length ? (
                edit.changes.map((h) => (
                  <Text size="sm" key={h.id}>
                    <Text span fw={600}>
                      {label(h.field as string)}
                    </Text>
                    {': '}
                    <s>{show(h, h.oldValue)}</s> → {show(h, h.newValue)}
                  </Text>
                ))
              ) : (
                <Text size="sm">{t(`record.did.${edit.action}`, { defaultValue: edit.action })}</Text>
              )}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/**
 * One activity of a timeline. Its author, an admin or the owner may edit it in place or delete it
 * (the server checks the same rule); a refused edit keeps what was typed, with the reason beside it.
 */
export function ActivityItem({ activity: a, onChanged }: { activity: Activity; onChanged: () => void }) {
  const { t } = useTranslation();
  const me = useMe();
  const { nameOf, members } = useMembers();
  const mayChange = me.member.role === 'owner' || me.member.role === 'admin' || a.createdBy === me.member.id;
  const [editing, setEditing] = useState(false);
  const [subject, setSubject] = useState('');
  const [body, setBody] = useState('');
  const [when, setWhen] = useState('');
  const [showHistory, setShowHistory] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [showEmail, setShowEmail] = useState(false);
  const [reply, setReply] = useState<Draft | null>(null);
  const [meeting, setMeeting] = useState<MeetingDraft>(emptyMeeting);
  const [picked] = useState(() => new Map<string, AttendeeInput>());
  const isMeeting = a.type === 'meeting';
  // A synced or sent email is the mailbox's record of it: its text is not edited here.
  const isEmail = a.type === 'email' && (a.outcome === 'received' || a.outcome === 'sent');
  const startEdit = () => {
    setSubject(a.subject ?? '');
    setBody(a.body ?? '');
    setWhen(toLocalInput(a.occurredAt));
    if (isMeeting) setMeeting(draftOf(a, picked));
    save.reset();
    setEditing(true);
  };
  const save = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.PATCH('/api/v1/activities/{id}', {
          params: { path: { id: a.id } },
          body: {
            subject: subject || null,
            body: body || null,
            // The server notifies only members the edit adds.
            ...(a.type === 'note' ? { mentions: mentionsIn(body, members) } : {}),
            // Sent only when changed: the input drops seconds, which would otherwise move the activity.
            ...(when && when !== toLocalInput(a.occurredAt) ? { occurredAt: new Date(when).toISOString() } : {}),
            ...(isMeeting
              ? {
                  attendees: attendeesOf(meeting.attendees, picked),
                  location: meeting.location || null,
                  durationSeconds: meeting.minutes === null ? null : Math.round(meeting.minutes * 60),
                  ...(meeting.sendInvites ? { sendInvites: true } : {}),
                }
              : {}),
            version: a.version,
          },
        }),
      ),
    onSuccess: () => {
      setEditing(false);
      onChanged();
    },
  });
  const remove = useMutation({
    mutationFn: async () => unwrap(await api.DELETE('/api/v1/activities/{id}', { params: { path: { id: a.id } } })),
    onSuccess: () => {
      setConfirming(false);
      notifications.show({ color: 'green', message: t('timeline.deleted') });
      onChanged();
    },
    onError: (e) => {
      setConfirming(false);
      notifications.show({ color: 'red', message: e.message });
    },
  });
  const err = save.error instanceof ApiError ? save.error : null;

  return (
    <Paper withBorder p="sm" data-testid="activity">
      <Group gap="xs" justify="space-between" wrap="nowrap">
        <Group gap="xs">
          <Badge variant="light">{isEmail ? t(`email.direction.${a.outcome}`) : t(`activity.${a.type}`)}</Badge>
          {a.private ? (
            <Text size="sm" fs="italic" c="dimmed" data-testid="private-email">
              {t('email.privateEmail')}
            </Text>
          ) : (
            <Text size="sm" fw={600}>
              {a.subject}
            </Text>
          )}
        </Group>
        <Text size="xs" c="dimmed">
          {nameOf(a.ownerId)} · {formatDateTime(a.occurredAt)}
        </Text>
      </Group>
      {editing ? (
        <Stack
          gap="xs"
          mt="xs"
          component="form"
          aria-label={t('timeline.editForm')}
          onSubmit={(e) => {
            e.preventDefault();
            save.mutate();
          }}
        >
          <TextInput
            size="sm"
            label={t('record.subject')}
            value={subject}
            onChange={(e) => setSubject(e.currentTarget.value)}
            error={err?.fieldMessage('subject')}
          />
          <MentionTextarea
            size="sm"
            label={t('record.body')}
            autosize
            minRows={2}
            value={body}
            onChange={setBody}
            error={err?.fieldMessage('body') ?? err?.fieldMessage('mentions')}
          />
          <TextInput
            size="sm"
            type="datetime-local"
            label={t('timeline.occurredAt')}
            value={when}
            onChange={(e) => setWhen(e.currentTarget.value)}
            error={err?.fieldMessage('occurredAt')}
            w="fit-content"
          />
          {isMeeting && <MeetingFields value={meeting} onChange={setMeeting} picked={picked} error={err} withWhen={false} />}
          {save.error && !err?.errors.length && (
            <Alert color="red" role="alert" p="xs">
              {save.error.message}
            </Alert>
          )}
          <Group justify="flex-end" gap="xs">
            <Button size="xs" variant="default" onClick={() => setEditing(false)}>
              {t('record.cancel')}
            </Button>
            <Button size="xs" type="submit" loading={save.isPending}>
              {t('record.save')}
            </Button>
          </Group>
        </Stack>
      ) : (
        a.body && (
          <Text size="sm" mt={4} style={{ whiteSpace: 'pre-wrap' }} lineClamp={isEmail && !showEmail ? 4 : undefined}>
            {a.body}
          </Text>
        )
      )}
      <MeetingAttendees activity={a} />
      <Group gap={4} mt={4} aria-label={t('timeline.actions')} role="group">
        {isEmail && (
          <Button size="compact-xs" variant="subtle" onClick={() => setShowEmail((v) => !v)}>
            {showEmail ? t('email.hide') : t('email.show')}
          </Button>
        )}
        {mayChange && !editing && !isEmail && (
          <>
            <Button size="compact-xs" variant="subtle" onClick={startEdit}>
              {t('timeline.edit')}
            </Button>
            <Button size="compact-xs" variant="subtle" color="red" onClick={() => setConfirming(true)}>
              {t('timeline.delete')}
            </Button>
          </>
        )}
        <Button size="compact-xs" variant="subtle" color="gray" onClick={() => setShowHistory((v) => !v)}>
          {showHistory ? t('timeline.hideHistory') : t('timeline.history')}
        </Button>
      </Group>
      {showEmail && (
        <EmailView
          activityId={a.id}
          onReply={(e) =>
            setReply({
              to: (e.direction === 'sent' ? e.to[0]?.address : e.from?.address) ?? '',
              subject: /^re:/i.test(e.subject) ? e.subject : `Re: ${e.subject}`,
              replyTo: e.id,
            })
          }
          onForward={(e) =>
            setReply({
              to: '',
              subject: /^(fwd?|wg):/i.test(e.subject) ? e.subject : `Fwd: ${e.subject}`,
              text: forwardQuote(e),
              forwardOf: e.id,
              forwardFiles: e.attachments.flatMap((a) => (a.id ? [a.filename ?? a.contentType] : [])),
            })
          }
        />
      )}
      <ComposeEmail draft={reply} onClose={() => setReply(null)} />
      <ActivityLinks activity={a} />
      {showHistory && <ActivityHistory id={a.id} />}
      <ConfirmModal
        opened={confirming}
        title={t('timeline.confirmTitle')}
        text={t('timeline.confirmText')}
        confirmLabel={t('timeline.delete')}
        loading={remove.isPending}
        onConfirm={() => remove.mutate()}
        onClose={() => setConfirming(false)}
      />
    </Paper>
  );
}
