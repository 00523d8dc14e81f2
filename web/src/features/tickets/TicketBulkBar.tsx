import { Alert, Button, CloseButton, Group, List, Paper, Select, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ticketPriorities, ticketStatuses } from '../../../../contract/support.ts';
import { ApiError, api, unwrap } from '../../api.ts';
import type { paths } from '../../api-types.ts';
import { useMembers } from '../../ui/useMembers.ts';
import { macrosQuery } from './desk.ts';
import { ticketKeys } from './tickets.ts';

type Action = paths['/api/v1/tickets/bulk-actions']['post'];
type Body = Omit<Action['requestBody']['content']['application/json'], 'ids'>;
export type BulkResult = Action['responses'][200]['content']['application/json'];

/**
 * The actions on the tickets selected in a queue: assign to an agent or a team, set status or
 * priority, add or remove a tag, apply a macro. One request per action; the server changes each
 * ticket as a single edit would and says which it left alone and why (`onDone` gets that summary).
 */
export function TicketBulkBar({
  ids,
  teams,
  onDone,
  onClear,
}: {
  ids: string[];
  teams: { id: string; name: string }[];
  onDone: (result: BulkResult) => void;
  onClear: () => void;
}) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const { members } = useMembers();
  const macros = useQuery(macrosQuery);
  const [tag, setTag] = useState('');
  const run = useMutation({
    mutationFn: async (body: Body) => unwrap(await api.POST('/api/v1/tickets/bulk-actions', { body: { ids, ...body } })),
    onSuccess: async (result) => {
      onDone(result);
      setTag('');
      await qc.invalidateQueries({ queryKey: ticketKeys.all });
    },
    onError: (e) => notifications.show({ color: 'red', message: e instanceof ApiError ? e.message : String(e) }),
  });
  const act = (body: Body) => run.mutate(body);
  // Selects that act at once: each shows its placeholder again after acting.
  const common = { size: 'xs' as const, value: null, disabled: run.isPending, w: 170, comboboxProps: { withinPortal: true } };
  const UNASSIGN = 'none';

  return (
    <Paper withBorder p="xs" data-testid="ticket-bulk-bar">
      <Group gap="xs" wrap="wrap">
        <Text size="sm" fw={600} role="status">
          {t('desk.bulk.selected', { count: ids.length })}
        </Text>
        <Select
          {...common}
          aria-label={t('desk.bulk.assignAgent')}
          placeholder={t('desk.bulk.assignAgent')}
          data={[
            { value: UNASSIGN, label: t('desk.bulk.nobody') },
            ...members.filter((m) => !m.disabledAt).map((m) => ({ value: m.id, label: m.name })),
          ]}
          onChange={(v) => v && act({ changes: { assigneeId: v === UNASSIGN ? null : v } })}
        />
        <Select
          {...common}
          aria-label={t('desk.bulk.assignTeam')}
          placeholder={t('desk.bulk.assignTeam')}
          data={[{ value: UNASSIGN, label: t('desk.bulk.noTeam') }, ...teams.map((x) => ({ value: x.id, label: x.name }))]}
          onChange={(v) => v && act({ changes: { teamId: v === UNASSIGN ? null : v } })}
        />
        <Select
          {...common}
          w={140}
          aria-label={t('desk.setStatus')}
          placeholder={t('desk.setStatus')}
          data={ticketStatuses.map((s) => ({ value: s, label: t(`enums.ticketStatus.${s}`) }))}
          onChange={(v) => v && act({ changes: { status: v } })}
        />
        <Select
          {...common}
          w={140}
          aria-label={t('desk.setPriority')}
          placeholder={t('desk.setPriority')}
          data={ticketPriorities.map((p) => ({ value: p, label: t(`enums.ticketPriority.${p}`) }))}
          onChange={(v) => v && act({ changes: { priority: v } })}
        />
        <Group gap={4} wrap="nowrap">
          <TextInput
            size="xs"
            w={120}
            aria-label={t('desk.bulk.tag')}
            placeholder={t('desk.bulk.tag')}
            value={tag}
            maxLength={50}
            onChange={(e) => setTag(e.currentTarget.value)}
          />
          <Button
            size="xs"
            variant="default"
            disabled={!tag.trim() || run.isPending}
            onClick={() => act({ changes: { addTags: [tag.trim()] } })}
          >
            {t('desk.bulk.addTag')}
          </Button>
          <Button
            size="xs"
            variant="default"
            disabled={!tag.trim() || run.isPending}
            onClick={() => act({ changes: { removeTags: [tag.trim()] } })}
          >
            {t('desk.bulk.removeTag')}
          </Button>
        </Group>
        <Select
          {...common}
          aria-label={t('desk.applyMacro')}
          placeholder={t('desk.applyMacro')}
          data={(macros.data ?? []).map((m) => ({ value: m.id, label: m.name }))}
          onChange={(v) => v && act({ macroId: v })}
        />
        <Button size="xs" variant="subtle" onClick={onClear}>
          {t('desk.bulk.clear')}
        </Button>
      </Group>
    </Paper>
  );
}

/** What the last bulk action did: counts, and each ticket it refused with the reason. */
export function BulkSummary({ result, onClose }: { result: BulkResult; onClose: () => void }) {
  const { t } = useTranslation();
  const refused = result.results.filter((r) => r.outcome === 'refused');
  return (
    <Alert
      color={refused.length ? 'orange' : 'green'}
      data-testid="bulk-summary"
      role="status"
      title={t('desk.bulk.summary', { changed: result.changed, unchanged: result.unchanged, refused: result.refused })}
      withCloseButton={false}
      // The tinted title colour falls below AA contrast on its own background; the text colour does not.
      styles={{ title: { color: 'var(--mantine-color-text)' } }}
    >
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        {refused.length > 0 ? (
          <List size="sm" spacing={2}>
            {refused.map((r) => (
              <List.Item key={r.id}>
                {r.number !== null ? `#${r.number} ${r.subject ?? ''}` : t('desk.bulk.unknownTicket')}:{' '}
                {t(`desk.bulk.refusedBecause.${r.code}`, { defaultValue: r.reason ?? '' })}
              </List.Item>
            ))}
          </List>
        ) : (
          <Text size="sm">{t('desk.bulk.allDone')}</Text>
        )}
        <CloseButton aria-label={t('desk.bulk.closeSummary')} onClick={onClose} />
      </Group>
    </Alert>
  );
}
