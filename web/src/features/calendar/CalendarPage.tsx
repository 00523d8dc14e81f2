import FullCalendar from '@fullcalendar/react';
import dayGridPlugin from '@fullcalendar/react/daygrid';
import deLocale from '@fullcalendar/react/locales/de';
import enGbLocale from '@fullcalendar/react/locales/en-gb';
import classicTheme from '@fullcalendar/react/themes/classic';
import timeGridPlugin from '@fullcalendar/react/timegrid';
import '@fullcalendar/react/skeleton.css';
import '@fullcalendar/react/themes/classic/theme.css';
import '@fullcalendar/react/themes/classic/palette.css';
import { Alert, Group, MultiSelect, Stack, Text, Title, useComputedColorScheme } from '@mantine/core';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api.ts';
import { navigate } from '../../router.tsx';
import { useMe } from '../../session.ts';
import { linkedRecordPath } from '../../ui/linkedRecord.ts';
import { useMembers } from '../../ui/useMembers.ts';
import './calendar.css';

type Item = { id: string; kind: 'meeting' | 'task'; related: { recordType: string; recordId: string; objectKey: string | null }[] };

// Colours dark enough for white text (WCAG AA); a done task is grey and struck through.
const colours = { meeting: '#1864ab', task: '#862e9c', done: '#495057' };

/** The first day of the week in a locale (0 Sunday … 6 Saturday), where the browser knows it. */
function firstDayOf(locale: string): number | undefined {
  try {
    const l = new Intl.Locale(locale) as Intl.Locale & { getWeekInfo?: () => { firstDay: number }; weekInfo?: { firstDay: number } };
    const day = (l.getWeekInfo?.() ?? l.weekInfo)?.firstDay;
    return day === undefined ? undefined : day % 7;
  } catch {
    return undefined;
  }
}

/** Where clicking an item goes: the first record it concerns; a task without one, the task list. */
function targetOf(item: Item) {
  const first = item.related[0];
  if (first) return linkedRecordPath(first);
  return item.kind === 'task' ? '/tasks' : null;
}

/**
 * Meetings (by owner) and tasks with a due date (by assignee) on a day, week or month grid. Each
 * view asks the API for its visible window only; admins may show colleagues' calendars too.
 */
export default function CalendarPage() {
  const { t } = useTranslation();
  const me = useMe();
  const { members } = useMembers();
  const scheme = useComputedColorScheme('light');
  const isAdmin = me.member.role === 'owner' || me.member.role === 'admin';
  const [who, setWho] = useState<string[]>([]);
  const [failed, setFailed] = useState(false);
  const locale = me.member.locale || navigator.language;
  const fcLocale = locale.toLowerCase().startsWith('de') ? 'de' : locale.toLowerCase() === 'en-gb' ? 'en-gb' : 'en';
  const firstDay = firstDayOf(locale);
  const memberKey = who.join(',');

  // A new function when the members change: FullCalendar then fetches the visible window again.
  const events = useMemo(
    () => async (info: { start: Date; end: Date }) => {
      const query = { from: info.start.toISOString(), to: info.end.toISOString(), ...(memberKey ? { members: memberKey } : {}) };
      try {
        const items = unwrap(await api.GET('/api/v1/calendar', { params: { query } })).data;
        setFailed(false);
        return items.map((i) => ({
          id: `${i.kind}:${i.id}`,
          title: i.title || t(`calendar.${i.kind}`),
          start: i.start,
          end: i.kind === 'meeting' && i.end !== i.start ? i.end : undefined,
          allDay: i.allDay,
          color: i.kind === 'task' && i.done ? colours.done : colours[i.kind],
          contrastColor: '#ffffff',
          className: `rp-cal-${i.kind}${i.done ? ' rp-cal-done' : ''}`,
          extendedProps: { item: i },
        }));
      } catch {
        setFailed(true);
        return [];
      }
    },
    [memberKey, t],
  );

  return (
    <Stack>
      <Group justify="space-between" align="end" wrap="wrap">
        <Title order={1} size="h2">
          {t('calendar.title')}
        </Title>
        <Group gap="md" align="end">
          <Group gap="xs" aria-label={t('calendar.legend')} role="group">
            <span className="rp-cal-swatch" style={{ background: colours.meeting }} />
            <Text size="sm">{t('calendar.meeting')}</Text>
            <span className="rp-cal-swatch" style={{ background: colours.task }} />
            <Text size="sm">{t('calendar.task')}</Text>
          </Group>
          {isAdmin && (
            <MultiSelect
              label={t('calendar.members')}
              placeholder={who.length ? undefined : t('calendar.membersPlaceholder')}
              data={members.map((m) => ({ value: m.id, label: m.name }))}
              value={who}
              onChange={setWho}
              searchable
              clearable
              w={320}
            />
          )}
        </Group>
      </Group>
      {failed && <Alert color="red">{t('calendar.loadFailed')}</Alert>}
      <div className="rp-calendar">
        <FullCalendar
          plugins={[dayGridPlugin, timeGridPlugin, classicTheme]}
          initialView="timeGridWeek"
          headerToolbar={{ start: 'today prev,next', center: 'title', end: 'timeGridDay,timeGridWeek,dayGridMonth' }}
          locales={[deLocale, enGbLocale]}
          locale={fcLocale}
          {...(firstDay === undefined ? {} : { firstDay })}
          timeZone={me.member.timeZone || 'local'}
          colorScheme={scheme}
          // The default hints ("This week", "Tagesansicht") are not the buttons' visible text ("Today",
          // "Tag"), which a voice-control user would say: each hint starts with that text.
          todayHint={(unitText: string) => t('calendar.todayHint', { unit: unitText })}
          viewHint={(buttonText: string) => t('calendar.viewHint', { view: buttonText })}
          nowIndicator
          dayMaxEvents
          height="auto"
          scrollTime="08:00:00"
          events={events}
          eventClick={(info) => {
            info.jsEvent.preventDefault();
            const to = targetOf(info.event.extendedProps.item as Item);
            if (to) navigate(to);
          }}
        />
      </div>
    </Stack>
  );
}
