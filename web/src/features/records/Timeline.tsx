import { Button, Group, Paper, SegmentedControl, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type Activity, ApiError, api, fullRows, unwrap } from '../../api.ts';
import { apiSegment, linkSegment, linkTypeOf, type ObjectType } from '../../records.ts';
import { MentionTextarea, mentionsIn } from '../../ui/MentionTextarea.tsx';
import { Empty, ErrorState, LoadingRows } from '../../ui/States.tsx';
import { useMembers } from '../../ui/useMembers.ts';
import { useSubmitOnce } from '../../ui/useSubmitOnce.ts';
import { ComposeEmail, type Draft } from '../email/ComposeEmail.tsx';
import { ScheduledEmails } from '../email/ScheduledEmails.tsx';
import { type AttendeeInput, attendeesOf, emptyMeeting, type MeetingDraft, MeetingFields } from '../meetings/MeetingFields.tsx';
import { ActivityItem } from './ActivityItem.tsx';

type Linkable = Exclude<ObjectType, 'task'>;
const kinds = ['note', 'call', 'meeting', 'email'] as const;

/** `emailTo`: the address a "Write email" button addresses (a contact's first email); no button without it. */
export function Timeline({ type, id, emailTo }: { type: Linkable; id: string; emailTo?: string }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const key = ['activities', 'timeline', type, id];
  const timeline = useQuery({
    queryKey: key,
    queryFn: async () =>
      fullRows<Activity>(
        unwrap(
          await api.GET(`/api/v1/${linkSegment(type)}/{id}/timeline` as '/api/v1/contacts/{id}/timeline', { params: { path: { id } } }),
        ),
      ),
  });
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: ['activities'] });
    void qc.invalidateQueries({ queryKey: [apiSegment(type), 'one', id] });
  };
  const [kind, setKind] = useState<(typeof kinds)[number]>('note');
  const [draft, setDraft] = useState<Draft | null>(null);
  const [subject, setSubject] = useState('');
  const [body, setBody] = useState('');
  const { members } = useMembers();
  const [meeting, setMeeting] = useState<MeetingDraft>(emptyMeeting);
  const [picked] = useState(() => new Map<string, AttendeeInput>());
  const isMeeting = kind === 'meeting';
  const log = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST('/api/v1/activities', {
          body: {
            type: kind,
            subject: subject || null,
            body: body || null,
            mentions: mentionsIn(body, members),
            links: [{ recordType: linkTypeOf(type), recordId: id }],
            ...(isMeeting
              ? {
                  attendees: attendeesOf(meeting.attendees, picked),
                  location: meeting.location || null,
                  sendInvites: meeting.sendInvites,
                  ...(meeting.when ? { occurredAt: new Date(meeting.when).toISOString() } : {}),
                  durationSeconds: meeting.minutes === null ? null : Math.round(meeting.minutes * 60),
                }
              : {}),
          },
        }),
      ),
    onSuccess: () => {
      setSubject('');
      setBody('');
      setMeeting(emptyMeeting);
      refresh();
    },
  });
  const submit = useSubmitOnce(log);
  const err = log.error instanceof ApiError ? log.error : null;
  return (
    <Stack>
      {emailTo && (
        <Group justify="flex-end">
          <Button
            size="xs"
            variant="light"
            onClick={() =>
              setDraft({
                to: emailTo,
                subject: '',
                merge: type === 'contact' ? { contactId: id } : type === 'deal' ? { dealId: id } : undefined,
              })
            }
          >
            {t('email.write')}
          </Button>
        </Group>
      )}
      <ComposeEmail draft={draft} onClose={() => setDraft(null)} />
      {emailTo && <ScheduledEmails address={emailTo} />}
      <Paper withBorder p="sm" component="form" onSubmit={submit} aria-label={t('record.logForm')}>
        <Stack gap="xs">
          <SegmentedControl
            size="xs"
            value={kind}
            onChange={(v) => setKind(v as typeof kind)}
            data={kinds.map((k) => ({ value: k, label: t(`activity.${k}`) }))}
            w="fit-content"
          />
          <TextInput
            size="sm"
            aria-label={t('record.subject')}
            placeholder={t('record.subject')}
            value={subject}
            onChange={(e) => setSubject(e.currentTarget.value)}
            error={err?.fieldMessage('subject')}
          />
          {isMeeting && <MeetingFields value={meeting} onChange={setMeeting} picked={picked} error={err} />}
          <MentionTextarea
            size="sm"
            aria-label={t('record.body')}
            placeholder={t('record.body')}
            autosize
            minRows={2}
            value={body}
            onChange={setBody}
            error={err?.fieldMessage('body')}
          />
          {err && !err.errors.length && (
            <Text c="red" size="sm" role="alert">
              {err.message}
            </Text>
          )}
          <Group justify="flex-end">
            <Button type="submit" size="xs" loading={log.isPending} disabled={!subject && !body}>
              {t('record.logActivity', { type: t(`activity.${kind}`) })}
            </Button>
          </Group>
        </Stack>
      </Paper>
      {timeline.error ? (
        <ErrorState error={timeline.error} onRetry={() => timeline.refetch()} />
      ) : timeline.isPending ? (
        <LoadingRows />
      ) : timeline.data.length === 0 ? (
        <Empty>{t('record.noTimeline')}</Empty>
      ) : (
        <Stack gap="xs" data-testid="timeline">
          {timeline.data.map((a) => (
            <ActivityItem key={a.id} activity={a} onChanged={refresh} />
          ))}
        </Stack>
      )}
    </Stack>
  );
}
