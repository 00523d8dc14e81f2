import { ActionIcon, Badge, Button, Checkbox, CloseButton, Group, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../../api.ts';
import { formatDate } from '../../format.ts';
import { type Calendar, minutesOf, timeOf, timeZones, type Weekday, weekdayName, weekdays } from './sla.ts';

type Hours = NonNullable<Calendar['week'][Weekday]>;

/**
 * A business calendar: its name, time zone, opening hours per weekday (several stretches a day
 * allowed: a lunch break) and holidays. `path` is where its errors point (`calendar`,
 * `overrides.0.calendar`).
 */
export function SlaCalendar({
  calendar,
  onChange,
  path,
  err,
}: {
  calendar: Calendar;
  onChange: (c: Calendar) => void;
  path: string;
  err: ApiError | null;
}) {
  const { t, i18n } = useTranslation();
  const [holiday, setHoliday] = useState('');
  const setDay = (day: Weekday, hours: Hours) => onChange({ ...calendar, week: { ...calendar.week, [day]: hours } });
  const addHoliday = () => {
    if (!holiday || calendar.holidays.includes(holiday)) return;
    onChange({ ...calendar, holidays: [...calendar.holidays, holiday].sort() });
    setHoliday('');
  };
  return (
    <Stack gap="sm">
      <Group align="flex-start" grow>
        <TextInput
          label={t('sla.calendarName')}
          value={calendar.name}
          onChange={(e) => onChange({ ...calendar, name: e.currentTarget.value })}
          error={err?.fieldMessage(`${path}.name`)}
        />
        <Select
          label={t('sla.timeZone')}
          searchable
          allowDeselect={false}
          data={timeZones(calendar.timeZone)}
          value={calendar.timeZone}
          onChange={(v) => v && onChange({ ...calendar, timeZone: v })}
          error={err?.fieldMessage(`${path}.timeZone`)}
        />
      </Group>
      <Table withRowBorders={false} verticalSpacing={4}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={160}>{t('sla.weekday')}</Table.Th>
            <Table.Th>{t('sla.openingHours')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {weekdays.map((day) => {
            const name = weekdayName(day, i18n.language);
            const hours = calendar.week[day] ?? [];
            return (
              <Table.Tr key={day} data-testid={`hours-${day}`}>
                <Table.Td>
                  <Checkbox
                    label={name}
                    checked={hours.length > 0}
                    onChange={(e) => setDay(day, e.currentTarget.checked ? [{ from: 540, to: 1020 }] : [])}
                  />
                </Table.Td>
                <Table.Td>
                  {hours.length === 0 ? (
                    <Text size="sm" c="dimmed">
                      {t('sla.closed')}
                    </Text>
                  ) : (
                    <Group gap="xs">
                      {hours.map((h, i) => (
                        // biome-ignore lint/suspicious/noArrayIndexKey: opening hours have no id; their place is their identity while editing.
                        <Group key={i} gap={4} wrap="nowrap">
                          <TextInput
                            type="time"
                            size="xs"
                            aria-label={t('sla.opensAt', { day: name, n: i + 1 })}
                            value={timeOf(h.from)}
                            onChange={(e) => {
                              const from = minutesOf(e.currentTarget.value, false);
                              if (from !== null)
                                setDay(
                                  day,
                                  hours.map((x, j) => (j === i ? { ...x, from } : x)),
                                );
                            }}
                          />
                          <Text size="sm">–</Text>
                          <TextInput
                            type="time"
                            size="xs"
                            aria-label={t('sla.closesAt', { day: name, n: i + 1 })}
                            value={timeOf(h.to)}
                            onChange={(e) => {
                              const to = minutesOf(e.currentTarget.value, true);
                              if (to !== null)
                                setDay(
                                  day,
                                  hours.map((x, j) => (j === i ? { ...x, to } : x)),
                                );
                            }}
                            error={err?.fieldMessage(`${path}.week.${day}.${i}`)}
                          />
                          <ActionIcon
                            variant="subtle"
                            color="red"
                            aria-label={t('sla.removeHours', { day: name, n: i + 1 })}
                            onClick={() =>
                              setDay(
                                day,
                                hours.filter((_, j) => j !== i),
                              )
                            }
                          >
                            <IconTrash size={14} />
                          </ActionIcon>
                        </Group>
                      ))}
                      <ActionIcon
                        variant="subtle"
                        aria-label={t('sla.addHours', { day: name })}
                        onClick={() => setDay(day, [...hours, { from: 780, to: 1020 }])}
                      >
                        <IconPlus size={14} />
                      </ActionIcon>
                    </Group>
                  )}
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
      <Text size="xs" c="dimmed">
        {t('sla.midnightHint')}
      </Text>
      <Group align="flex-end">
        <TextInput
          type="date"
          label={t('sla.holiday')}
          value={holiday}
          onChange={(e) => setHoliday(e.currentTarget.value)}
          error={err?.fieldMessage(`${path}.holidays`)}
        />
        <Button variant="default" onClick={addHoliday} disabled={!holiday}>
          {t('sla.addHoliday')}
        </Button>
      </Group>
      <Group gap="xs" data-testid="holidays">
        {calendar.holidays.length === 0 && (
          <Text size="sm" c="dimmed">
            {t('sla.noHolidays')}
          </Text>
        )}
        {calendar.holidays.map((d) => (
          <Badge
            key={d}
            color="gray.1"
            c="var(--mantine-color-text)"
            variant="filled"
            tt="none"
            size="lg"
            rightSection={
              <CloseButton
                size="xs"
                aria-label={t('sla.removeHoliday', { date: formatDate(d) })}
                onClick={() => onChange({ ...calendar, holidays: calendar.holidays.filter((x) => x !== d) })}
              />
            }
          >
            {formatDate(d)}
          </Badge>
        ))}
      </Group>
    </Stack>
  );
}
