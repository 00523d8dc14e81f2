import { Badge, Card, Checkbox, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { type Activity, api, type Deal, fullRows, type Task, unwrap } from '../../api.ts';
import { formatDateTime, formatMoney, formatRelative } from '../../format.ts';
import { Link } from '../../router.tsx';
import { useMe } from '../../session.ts';
import { linkedRecordPath } from '../../ui/linkedRecord.ts';
import { Empty, ErrorState, LoadingRows } from '../../ui/States.tsx';
import { usePipelines } from '../../ui/usePipelines.ts';
import { PipelineReportCard } from '../reports/PipelineReportCard.tsx';
import { reportsHref } from '../reports/reportState.ts';
import { WinRateCard } from '../reports/WinRateCard.tsx';

function endOfToday() {
  const d = new Date();
  d.setHours(23, 59, 59, 999);
  return d.toISOString();
}

function MyTasks() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const tasks = useQuery({
    queryKey: ['tasks', 'home'],
    queryFn: async () => {
      const filter = JSON.stringify({
        and: [
          { field: 'assigneeId', op: 'eq', value: '$me' },
          { field: 'done', op: 'eq', value: false },
          { field: 'dueAt', op: 'lte', value: endOfToday() },
        ],
      });
      return fullRows<Task>(unwrap(await api.GET('/api/v1/tasks', { params: { query: { filter, sort: 'dueAt', limit: 50 } } })));
    },
  });
  const complete = useMutation({
    mutationFn: async (task: Task) =>
      unwrap(await api.PATCH('/api/v1/tasks/{id}', { params: { path: { id: task.id } }, body: { done: true, version: task.version } })),
    onSettled: () => qc.invalidateQueries({ queryKey: ['tasks'] }),
  });
  if (tasks.error) return <ErrorState error={tasks.error} onRetry={() => tasks.refetch()} />;
  if (tasks.isPending) return <LoadingRows />;
  if (!tasks.data.length) return <Empty>{t('home.noTasks')}</Empty>;
  const now = Date.now();
  return (
    <Stack gap="xs">
      {tasks.data.map((task) => (
        <Group key={task.id} justify="space-between" wrap="nowrap" align="flex-start">
          <Stack gap={0}>
            <Checkbox label={task.title} checked={task.done} onChange={() => complete.mutate(task)} />
            {!!task.related?.length && (
              <Text size="xs" c="dimmed" pl={30}>
                {t('fields.related')}:{' '}
                {task.related.map((r, i) => (
                  <span key={`${r.recordType}:${r.recordId}`}>
                    {i > 0 && ', '}
                    <Link to={linkedRecordPath(r)} size="xs">
                      {r.name || '—'}
                    </Link>
                  </span>
                ))}
              </Text>
            )}
          </Stack>
          {task.dueAt && (
            <Badge color={new Date(task.dueAt).getTime() < now ? 'red' : 'gray'} variant="light">
              {new Date(task.dueAt).getTime() < now ? t('home.overdue') : formatRelative(task.dueAt)}
            </Badge>
          )}
        </Group>
      ))}
    </Stack>
  );
}

function MyDeals() {
  const { t } = useTranslation();
  const { stageOf } = usePipelines();
  const deals = useQuery({
    queryKey: ['deals', 'home'],
    queryFn: async () => {
      const filter = JSON.stringify({
        and: [
          { field: 'ownerId', op: 'eq', value: '$me' },
          { field: 'status', op: 'eq', value: 'open' },
        ],
      });
      return fullRows<Deal>(unwrap(await api.GET('/api/v1/deals', { params: { query: { filter, limit: 200, sort: '-updatedAt' } } })));
    },
  });
  if (deals.error) return <ErrorState error={deals.error} onRetry={() => deals.refetch()} />;
  if (deals.isPending) return <LoadingRows />;
  if (!deals.data.length) return <Empty>{t('home.noDeals')}</Empty>;
  const groups = new Map<string, typeof deals.data>();
  for (const d of deals.data) groups.set(d.stageId, [...(groups.get(d.stageId) ?? []), d]);
  const ordered = [...groups.entries()].sort(([a], [b]) => (stageOf(a)?.position ?? 0) - (stageOf(b)?.position ?? 0));
  return (
    <Stack gap="sm">
      {ordered.map(([stageId, list]) => (
        <div key={stageId}>
          <Group justify="space-between">
            <Text fw={600} size="sm">
              {stageOf(stageId)?.name ?? '…'}
            </Text>
            <Badge variant="light">{list.length}</Badge>
          </Group>
          {list.slice(0, 5).map((d) => (
            <Group key={d.id} justify="space-between" wrap="nowrap" pl="sm">
              <Link to={`/deals/${d.id}`} size="sm" truncate>
                {d.name}
              </Link>
              <Text size="sm" c="dimmed">
                {formatMoney(d.amountMinor, d.currency)}
              </Text>
            </Group>
          ))}
        </div>
      ))}
    </Stack>
  );
}

function RecentActivity() {
  const { t } = useTranslation();
  const acts = useQuery({
    queryKey: ['activities', 'home'],
    queryFn: async () =>
      fullRows<Activity>(unwrap(await api.GET('/api/v1/activities', { params: { query: { sort: '-occurredAt', limit: 10 } } }))),
  });
  if (acts.error) return <ErrorState error={acts.error} onRetry={() => acts.refetch()} />;
  if (acts.isPending) return <LoadingRows />;
  if (!acts.data.length) return <Empty>{t('home.noActivity')}</Empty>;
  return (
    <Stack gap="xs">
      {acts.data.map((a) => (
        <div key={a.id}>
          <Group gap="xs" wrap="nowrap">
            <Badge size="sm" variant="light">
              {t(`activity.${a.type}`)}
            </Badge>
            <Text size="sm" truncate>
              {a.subject || a.body || ''}
            </Text>
          </Group>
          <Text size="xs" c="dimmed">
            {formatDateTime(a.occurredAt)}
          </Text>
        </div>
      ))}
    </Stack>
  );
}

function ReportLink({ title, to }: { title: string; to: string }) {
  const { t } = useTranslation();
  return (
    <Link to={to} size="sm" aria-label={`${t('home.openReport')}: ${title}`}>
      {t('home.openReport')}
    </Link>
  );
}

export default function HomePage() {
  const { t } = useTranslation();
  const me = useMe();
  return (
    <Stack>
      <Title order={1} size="h2">
        {t('home.title')} · {me.member.name}
      </Title>
      <SimpleGrid cols={{ base: 1, md: 3 }}>
        <Card withBorder>
          <Title order={2} size="h4" mb="sm">
            {t('home.tasksDue')}
          </Title>
          <MyTasks />
        </Card>
        <Card withBorder>
          <Title order={2} size="h4" mb="sm">
            {t('home.openDeals')}
          </Title>
          <MyDeals />
        </Card>
        <Card withBorder>
          <Title order={2} size="h4" mb="sm">
            {t('home.recent')}
          </Title>
          <RecentActivity />
        </Card>
      </SimpleGrid>
      {/* The signed-in member's own figures, each linking to the Reports page narrowed to them. */}
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <PipelineReportCard
          title={t('home.myPipeline')}
          ownerId={me.member.id}
          withOwners={false}
          wide={false}
          action={<ReportLink title={t('home.myPipeline')} to={reportsHref({ owner: 'me' })} />}
        />
        <WinRateCard
          title={t('home.myWinRate')}
          ownerId={me.member.id}
          months={6}
          wide={false}
          action={<ReportLink title={t('home.myWinRate')} to={reportsHref({ owner: 'me', months: 6 })} />}
        />
      </SimpleGrid>
    </Stack>
  );
}
