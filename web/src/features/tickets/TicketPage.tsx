import { Button, Card, Grid, Group, Select, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ticketPriorities, ticketStatuses } from '../../../../contract/support.ts';
import { ApiError, api, unwrap } from '../../api.ts';
import { formatDateTime } from '../../format.ts';
import { Link, navigate } from '../../router.tsx';
import { useMe } from '../../session.ts';
import { ErrorState, LoadingRows } from '../../ui/States.tsx';
import { useMembers } from '../../ui/useMembers.ts';
import { Conversation } from './Conversation.tsx';
import { type ComposerRequest, neighbourInQueue } from './desk.ts';
import { MacroMenu } from './MacroMenu.tsx';
import { MergeTicket, TicketRelations } from './MergeTicket.tsx';
import { PresenceBanner } from './PresenceBanner.tsx';
import { RequesterHistory } from './RequesterHistory.tsx';
import { SatisfactionBadge } from './SatisfactionBadge.tsx';
import { ShortcutsHelp } from './ShortcutsHelp.tsx';
import { DueLine, SlaBadge } from './SlaBadge.tsx';
import { SuggestedArticles } from './SuggestedArticles.tsx';
import { TicketFiles } from './TicketFiles.tsx';
import { type Ticket, ticketFilesQuery, ticketKeys, ticketQuery } from './tickets.ts';
import { usePresence } from './usePresence.ts';
import { type ShortcutAction, useTicketShortcuts } from './useTicketShortcuts.ts';

type Changes = Partial<Pick<Ticket, 'status' | 'priority' | 'assigneeId'>>;

/** One ticket: its status, priority and assignee (editable), SLA due times, and the conversation. */
export default function TicketPage({ id }: { id: string }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const me = useMe();
  const { members } = useMembers();
  const ticket = useQuery(ticketQuery(id));
  // The files that came with the ticket (the email or form that opened it), shown with its description.
  const ownFiles = useQuery({ ...ticketFilesQuery(id), select: (files) => files.filter((f) => f.messageId === null) });
  const mayWrite = me.member.role !== 'read-only';
  const [request, setRequest] = useState<ComposerRequest>();
  const [replying, setReplying] = useState(false);
  const [macroOpen, setMacroOpen] = useState(false);
  const [helpOpen, setHelpOpen] = useState(false);
  const others = usePresence(id, replying);
  const ask = useCallback((r: Omit<ComposerRequest, 'n'>) => setRequest((p) => ({ ...r, n: (p?.n ?? 0) + 1 })), []);
  const onKey = useCallback(
    (action: ShortcutAction) => {
      if (action === 'help') return setHelpOpen(true);
      if (action === 'next' || action === 'previous') {
        const to = neighbourInQueue(id, action === 'next' ? 1 : -1);
        if (to) navigate(`/tickets/${to}`);
        return;
      }
      if (!mayWrite) return;
      if (action === 'macro') setMacroOpen(true);
      else ask({ kind: action });
    },
    [id, mayWrite, ask],
  );
  useTicketShortcuts(onKey, !macroOpen && !helpOpen);
  const save = useMutation({
    mutationFn: async (changes: Changes) =>
      unwrap(
        await api.PATCH('/api/v1/tickets/{id}', {
          params: { path: { id } },
          body: { ...changes, version: ticket.data?.version },
        }),
      ),
    onSuccess: async (saved) => {
      qc.setQueryData(ticketKeys.one(id), saved);
      await qc.invalidateQueries({ queryKey: ticketKeys.all });
    },
    onError: (e) => notifications.show({ color: 'red', message: e instanceof ApiError ? e.message : String(e) }),
  });

  if (ticket.error) return <ErrorState error={ticket.error} onRetry={() => ticket.refetch()} />;
  if (ticket.isPending) return <LoadingRows rows={4} />;
  const x = ticket.data;
  return (
    <Stack>
      <Link to="/tickets" size="sm">
        {t('tickets.back')}
      </Link>
      <Group justify="space-between" wrap="wrap">
        <Title order={1} size="h2">
          #{x.number} {x.subject}
        </Title>
        <Group gap="xs">
          <SatisfactionBadge ticketId={x.id} />
          <SlaBadge ticket={x} />
          {mayWrite && <MacroMenu ticketId={id} opened={macroOpen} onChange={setMacroOpen} />}
          {mayWrite && <MergeTicket ticket={x} />}
          <Button variant="subtle" aria-label={t('desk.shortcutsTitle')} aria-keyshortcuts="?" onClick={() => setHelpOpen(true)}>
            ?
          </Button>
        </Group>
      </Group>
      <TicketRelations ticketId={id} />
      <PresenceBanner others={others} />
      <ShortcutsHelp opened={helpOpen} onClose={() => setHelpOpen(false)} />
      <Grid>
        <Grid.Col span={{ base: 12, md: 8 }}>
          <Stack>
            {(x.description || (ownFiles.data?.length ?? 0) > 0) && (
              <Card withBorder padding="sm">
                <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                  {x.description}
                </Text>
                <TicketFiles ticketId={id} files={ownFiles.data ?? []} />
              </Card>
            )}
            <Title order={2} size="h4">
              {t('tickets.conversation')}
            </Title>
            <Conversation ticketId={id} mayWrite={mayWrite} request={request} onComposing={setReplying} />
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Card withBorder>
            <Stack gap="sm">
              <Select
                label={t('tickets.status')}
                value={x.status}
                disabled={!mayWrite || save.isPending}
                onChange={(v) => v && v !== x.status && save.mutate({ status: v as Ticket['status'] })}
                data={ticketStatuses.map((s) => ({ value: s, label: t(`enums.ticketStatus.${s}`) }))}
                allowDeselect={false}
              />
              <Select
                label={t('tickets.priority')}
                value={x.priority}
                disabled={!mayWrite || save.isPending}
                onChange={(v) => v && v !== x.priority && save.mutate({ priority: v as Ticket['priority'] })}
                data={ticketPriorities.map((p) => ({ value: p, label: t(`enums.ticketPriority.${p}`) }))}
                allowDeselect={false}
              />
              <Select
                label={t('tickets.assignee')}
                placeholder={t('tickets.unassigned')}
                value={x.assigneeId}
                disabled={!mayWrite || save.isPending}
                clearable
                onChange={(v) => v !== x.assigneeId && save.mutate({ assigneeId: v })}
                data={members.filter((m) => !m.disabledAt).map((m) => ({ value: m.id, label: m.name }))}
              />
              {x.requesterId && (
                <Text size="sm">
                  {t('tickets.requester')}: <Link to={`/contacts/${x.requesterId}`}>{t('tickets.openContact')}</Link>
                </Text>
              )}
              <Text size="sm">
                {t('tickets.channel')}: {t(`enums.ticketChannel.${x.channel}`)}
              </Text>
              <Text size="xs" c="dimmed">
                {t('tickets.created')}: {formatDateTime(x.createdAt)}
              </Text>
              <Stack gap={4} data-testid="sla-due">
                <DueLine label={t('tickets.firstResponse')} at={x.firstResponseDueAt} />
                <DueLine label={t('tickets.nextResponse')} at={x.nextResponseDueAt} />
                <DueLine label={t('tickets.resolution')} at={x.resolutionDueAt} />
              </Stack>
            </Stack>
          </Card>
          <Stack mt="md">
            <SuggestedArticles ticketId={id} onInsert={mayWrite ? (text) => ask({ kind: 'reply', insert: text }) : undefined} />
            <RequesterHistory ticket={x} />
          </Stack>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
