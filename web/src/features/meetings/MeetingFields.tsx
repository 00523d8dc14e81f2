import { Checkbox, Group, NumberInput, Stack, TagsInput, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Activity, ApiError } from '../../api.ts';
import { listRecords } from '../../records.ts';
import { contactName } from '../../ui/names.ts';
import { useMembers } from '../../ui/useMembers.ts';

/** One attendee as the API takes it: a contact, a member, or an address with a name. */
export type AttendeeInput = { contactId?: string; memberId?: string; email?: string; name?: string };

export interface MeetingDraft {
  /** The tags as shown: `Name <address>` or a bare address. */
  attendees: string[];
  location: string;
  sendInvites: boolean;
  /** A datetime-local value, in the browser's zone; empty for now. */
  when: string;
  minutes: number | null;
}

export const emptyMeeting: MeetingDraft = { attendees: [], location: '', sendInvites: false, when: '', minutes: 30 };

const tag = (name: string, email: string) => (name ? `${name} <${email}>` : email);

/** A logged meeting as the form edits it; its attendees are put in `picked` so that they stay who they are. */
export function draftOf(a: Activity, picked: Map<string, AttendeeInput>): MeetingDraft {
  const tags = a.attendees.map((p) => {
    const label = p.email ? tag(p.name ?? '', p.email) : (p.name ?? '');
    picked.set(
      label,
      p.contactId
        ? { contactId: p.contactId }
        : p.memberId
          ? { memberId: p.memberId }
          : { email: p.email ?? '', ...(p.name ? { name: p.name } : {}) },
    );
    return label;
  });
  return {
    attendees: tags,
    location: a.location ?? '',
    sendInvites: false,
    when: '',
    minutes: a.durationSeconds === null ? null : a.durationSeconds / 60,
  };
}

/**
 * The attendees of a tag list: a tag picked from the suggestions is that contact or member, any
 * other is an address, typed bare or as `Name <address>`.
 */
export function attendeesOf(tags: string[], picked: Map<string, AttendeeInput>): AttendeeInput[] {
  return tags.map((t) => {
    const known = picked.get(t);
    if (known) return known;
    const m = /^\s*(.*?)\s*<([^>]+)>\s*$/.exec(t);
    return m ? { email: m[2].trim(), ...(m[1] ? { name: m[1] } : {}) } : { email: t.trim() };
  });
}

/**
 * What a meeting adds to the log form: when and how long, where, who (contacts and members
 * suggested as one types, or any address), and whether to email them an invite.
 */
export function MeetingFields({
  value,
  onChange,
  picked,
  error,
  withWhen = true,
}: {
  /** Off where the form has a date of its own (editing a logged activity). */
  withWhen?: boolean;
  value: MeetingDraft;
  onChange: (v: MeetingDraft) => void;
  /** Filled with the suggestions shown, so that a picked tag maps back to its contact or member. */
  picked: Map<string, AttendeeInput>;
  error: ApiError | null;
}) {
  const { t } = useTranslation();
  const { members } = useMembers();
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search, 150);
  const contacts = useQuery({
    queryKey: ['picker', 'contact', q],
    enabled: q.length > 0,
    queryFn: () => listRecords('contact', { filter: JSON.stringify({ field: 'name', op: 'contains', value: q }), limit: 10 }),
  });
  const suggestions: string[] = [];
  for (const c of contacts.data?.rows ?? []) {
    const email = (c as { emails?: { value: string }[] }).emails?.[0]?.value;
    if (!email) continue;
    const label = tag(contactName(c as never), email);
    picked.set(label, { contactId: String(c.id) });
    suggestions.push(label);
  }
  for (const m of members) {
    const label = tag(m.name, m.email);
    picked.set(label, { memberId: m.id });
    suggestions.push(label);
  }
  const set = (patch: Partial<MeetingDraft>) => onChange({ ...value, ...patch });
  return (
    <Stack gap="xs" data-testid="meeting-fields">
      <Group gap="xs" align="flex-start">
        {withWhen && (
          <TextInput
            size="sm"
            type="datetime-local"
            label={t('meeting.when')}
            value={value.when}
            onChange={(e) => set({ when: e.currentTarget.value })}
            error={error?.fieldMessage('occurredAt')}
          />
        )}
        <NumberInput
          size="sm"
          label={t('meeting.minutes')}
          min={0}
          max={10_080}
          w={140}
          value={value.minutes ?? ''}
          onChange={(v) => set({ minutes: typeof v === 'number' ? v : null })}
          error={error?.fieldMessage('durationSeconds')}
        />
        <TextInput
          size="sm"
          label={t('meeting.location')}
          value={value.location}
          onChange={(e) => set({ location: e.currentTarget.value })}
          error={error?.fieldMessage('location')}
          style={{ flex: 1 }}
        />
      </Group>
      <TagsInput
        size="sm"
        label={t('meeting.attendees')}
        placeholder={t('meeting.attendeesPlaceholder')}
        data={[...new Set(suggestions)]}
        value={value.attendees}
        onChange={(attendees) => set({ attendees })}
        searchValue={search}
        onSearchChange={setSearch}
        splitChars={[',', ';']}
        acceptValueOnBlur
        clearable
        error={error?.fieldMessage('attendees')}
      />
      <Checkbox
        size="sm"
        label={t('meeting.sendInvites')}
        checked={value.sendInvites}
        onChange={(e) => set({ sendInvites: e.currentTarget.checked })}
        error={error?.fieldMessage('sendInvites')}
      />
    </Stack>
  );
}
