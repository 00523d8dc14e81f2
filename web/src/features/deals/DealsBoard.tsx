import {
  type Announcements,
  DndContext,
  type DragEndEvent,
  KeyboardCode,
  type KeyboardCoordinateGetter,
  KeyboardSensor,
  PointerSensor,
  useDraggable,
  useDroppable,
  useSensor,
  useSensors,
} from '@dnd-kit/core';
import { ActionIcon, Badge, Button, Card, Group, Modal, Select, Stack, Text, Textarea, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconGripVertical, IconPlus } from '@tabler/icons-react';
import { useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { type MouseEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Board, type Deal, fullRows, type Pipeline, unwrap } from '../../api.ts';
import { formatMoney } from '../../format.ts';
import { patchRecord } from '../../records.ts';
import { Link, navigate } from '../../router.tsx';
import { ErrorState, LoadingRows } from '../../ui/States.tsx';
import { useMembers } from '../../ui/useMembers.ts';
import { usePipelines } from '../../ui/usePipelines.ts';

type Stage = Pipeline['stages'][number];

/**
 * Arrow keys move a picked-up card a whole column: left and right go to the centre of the
 * neighbouring stage (the default moves 25 px a press, a dozen presses a column); up and down do not
 * move it between stages.
 */
const toNeighbourColumn: KeyboardCoordinateGetter = (event, { context: { droppableRects, collisionRect } }) => {
  if (!collisionRect || (event.code !== KeyboardCode.Right && event.code !== KeyboardCode.Left)) return undefined;
  event.preventDefault();
  const columns = [...droppableRects.values()].sort((a, b) => a.left - b.left);
  const centre = collisionRect.left + collisionRect.width / 2;
  const here = columns.findIndex((r) => centre >= r.left && centre <= r.left + r.width);
  const next = columns[(here === -1 ? 0 : here) + (event.code === KeyboardCode.Right ? 1 : -1)];
  if (!next) return undefined;
  return { x: next.left + next.width / 2 - collisionRect.width / 2, y: collisionRect.top };
};

// The pointer-up that ends a drag is also a click on the card's link; this keeps it from opening the deal.
// dnd-kit reports the drop after that click, so the flag is raised when a drag starts and lowered a moment after it ends.
let dragging = false;
const endDrag = () => setTimeout(() => (dragging = false), 300);
const swallowClickAfterDrag = (e: MouseEvent) => {
  if (dragging) {
    e.preventDefault();
    e.stopPropagation();
  }
};

function DealCard({ deal, ownerName }: { deal: Deal; ownerName: string }) {
  const { t } = useTranslation();
  const { attributes, listeners, setNodeRef, transform, isDragging } = useDraggable({ id: deal.id, data: { deal } });
  return (
    <Card
      ref={setNodeRef}
      withBorder
      padding="xs"
      {...listeners}
      data-testid="deal-card"
      data-deal-name={deal.name}
      style={{
        transform: transform ? `translate(${transform.x}px, ${transform.y}px)` : undefined,
        opacity: isDragging ? 0.6 : 1,
        cursor: 'grab',
        touchAction: 'none',
        zIndex: isDragging ? 10 : undefined,
      }}
    >
      {/* Only swallows the click a drop makes; the link inside is the control. */}
      <div onClickCapture={swallowClickAfterDrag}>
        <Link to={`/deals/${deal.id}`} size="sm" fw={600}>
          {deal.name}
        </Link>
      </div>
      <Group justify="space-between" gap={4} wrap="nowrap">
        <Group gap={4} wrap="nowrap">
          {/* The keyboard handle: focus it and press Space, then the arrow keys, to move the card. */}
          <ActionIcon size="xs" variant="subtle" color="gray" {...attributes} aria-label={`${t('board.move')}: ${deal.name}`}>
            <IconGripVertical size={14} />
          </ActionIcon>
          <Text size="xs">{formatMoney(deal.amountMinor, deal.currency)}</Text>
        </Group>
        <Text size="xs" c="dimmed" truncate maw={120}>
          {ownerName}
        </Text>
      </Group>
    </Card>
  );
}

function Column({
  stage,
  total,
  deals,
  loading,
  ownerName,
}: {
  stage: Stage;
  total?: Board['stages'][number];
  deals: Deal[];
  loading: boolean;
  ownerName: (id: string | null) => string;
}) {
  const { t } = useTranslation();
  const { setNodeRef, isOver } = useDroppable({ id: stage.id, data: { stage } });
  return (
    <section
      ref={setNodeRef}
      className="rp-board-col"
      data-over={isOver}
      data-testid="board-column"
      data-stage={stage.name}
      aria-label={stage.name}
    >
      <Stack gap={2} mb="xs">
        <Group justify="space-between" wrap="nowrap">
          <Text fw={700} size="sm" truncate>
            {stage.name}
          </Text>
          <Badge size="sm" variant="light" color={stage.kind === 'won' ? 'green' : stage.kind === 'lost' ? 'red' : undefined}>
            {total?.count ?? deals.length}
          </Badge>
        </Group>
        {(total?.totals ?? []).map((x) => (
          <Text key={x.currency} size="xs" c="dimmed">
            {formatMoney(x.amountMinor, x.currency)} · {formatMoney(x.weightedMinor, x.currency)} {t('board.weighted')}
          </Text>
        ))}
        <Text size="xs" c="dimmed">
          {stage.probability}%
        </Text>
      </Stack>
      <Stack gap="xs">
        {loading ? <LoadingRows rows={2} /> : deals.map((d) => <DealCard key={d.id} deal={d} ownerName={ownerName(d.ownerId)} />)}
        {!loading && deals.length === 0 && (
          <Text size="xs" c="dimmed" ta="center" py="md">
            {t('board.empty')}
          </Text>
        )}
      </Stack>
    </section>
  );
}

export default function DealsBoard() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const { pipelines, isPending } = usePipelines();
  const { members, nameOf } = useMembers();
  const [pipelineId, setPipelineId] = useState<string | null>(null);
  const [ownerId, setOwnerId] = useState<string | null>(null);
  const [closing, setClosing] = useState<{ deal: Deal; stage: Stage } | null>(null);
  const [reason, setReason] = useState('');
  const pipeline = pipelines.find((p) => p.id === pipelineId) ?? pipelines[0];
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 5 } }),
    useSensor(KeyboardSensor, { coordinateGetter: toNeighbourColumn }),
  );
  // What a screen reader says as a card moves: the deal's and the stages' names, not their ids.
  const dealName = (a: { data: { current?: Record<string, unknown> } }) => (a.data.current?.deal as Deal | undefined)?.name ?? '';
  const stageName = (o: { data: { current?: Record<string, unknown> } } | null) =>
    (o?.data.current?.stage as Stage | undefined)?.name ?? '';
  const announcements: Announcements = {
    onDragStart: ({ active }) => t('board.pickedUp', { deal: dealName(active) }),
    onDragOver: ({ active, over }) =>
      over ? t('board.over', { deal: dealName(active), stage: stageName(over) }) : t('board.overNothing', { deal: dealName(active) }),
    onDragEnd: ({ active, over }) =>
      over ? t('board.dropped', { deal: dealName(active), stage: stageName(over) }) : t('board.cancelled', { deal: dealName(active) }),
    onDragCancel: ({ active }) => t('board.cancelled', { deal: dealName(active) }),
  };

  const board = useQuery({
    queryKey: ['deals', 'board-totals', pipeline?.id, ownerId],
    queryFn: async () =>
      unwrap(
        await api.GET('/api/v1/pipelines/{id}/board', { params: { path: { id: pipeline.id }, query: { ownerId: ownerId ?? undefined } } }),
      ),
    enabled: !!pipeline,
  });
  const stageKey = (stageId: string) => ['deals', 'board', stageId, ownerId] as const;
  const columns = useQueries({
    queries: (pipeline?.stages ?? []).map((s) => ({
      queryKey: stageKey(s.id),
      queryFn: async () => {
        const conds: unknown[] = [{ field: 'stageId', op: 'eq', value: s.id }];
        if (ownerId) conds.push({ field: 'ownerId', op: 'eq', value: ownerId });
        return fullRows<Deal>(
          unwrap(
            await api.GET('/api/v1/deals', {
              params: { query: { filter: JSON.stringify({ and: conds }), sort: '-updatedAt', limit: 100 } },
            }),
          ),
        );
      },
    })),
  });

  const move = async (deal: Deal, stage: Stage, closeReason?: string) => {
    const from = stageKey(deal.stageId);
    const to = stageKey(stage.id);
    const before = { from: qc.getQueryData<Deal[]>(from), to: qc.getQueryData<Deal[]>(to) };
    // Optimistic: the card moves at once; on error both columns go back and a message says why.
    qc.setQueryData<Deal[]>(from, (l) => l?.filter((d) => d.id !== deal.id));
    qc.setQueryData<Deal[]>(to, (l) => [{ ...deal, stageId: stage.id }, ...(l ?? [])]);
    try {
      await patchRecord(
        'deal',
        deal.id,
        deal.version,
        closeReason === undefined ? { stageId: stage.id } : { stageId: stage.id, closeReason: closeReason || null },
      );
      notifications.show({ color: 'green', message: t('board.moved', { stage: stage.name }), autoClose: 1500 });
    } catch (e) {
      qc.setQueryData(from, before.from);
      qc.setQueryData(to, before.to);
      notifications.show({ color: 'red', message: t('board.moveFailed', { message: (e as Error).message }) });
    } finally {
      void qc.invalidateQueries({ queryKey: ['deals'] });
    }
  };

  const onDragEnd = (e: DragEndEvent) => {
    endDrag();
    const deal = e.active.data.current?.deal as Deal | undefined;
    const stage = e.over?.data.current?.stage as Stage | undefined;
    if (!deal || !stage || stage.id === deal.stageId) return;
    if (stage.kind !== 'open') {
      setReason('');
      setClosing({ deal, stage });
    } else void move(deal, stage);
  };

  if (isPending) return <LoadingRows rows={6} />;
  return (
    <Stack>
      <Group justify="space-between" wrap="wrap">
        <Title order={1} size="h2">
          {t('board.title')}
        </Title>
        <Group gap="xs">
          {pipelines.length > 1 && (
            <Select
              aria-label={t('board.pipeline')}
              data={pipelines.map((p) => ({ value: p.id, label: p.name }))}
              value={pipeline?.id ?? null}
              onChange={setPipelineId}
              w={180}
            />
          )}
          <Select
            aria-label={t('board.owner')}
            placeholder={t('board.anyOwner')}
            clearable
            data={members.map((m) => ({ value: m.id, label: m.name }))}
            value={ownerId}
            onChange={setOwnerId}
            w={180}
          />
          <Button leftSection={<IconPlus size={16} />} onClick={() => navigate('/deals?new=1')}>
            {t('list.new')}
          </Button>
        </Group>
      </Group>
      {board.error && <ErrorState error={board.error} onRetry={() => board.refetch()} />}
      <DndContext
        sensors={sensors}
        accessibility={{ announcements, screenReaderInstructions: { draggable: t('board.instructions') } }}
        onDragStart={() => (dragging = true)}
        onDragEnd={onDragEnd}
        onDragCancel={endDrag}
      >
        <div className="rp-board" data-testid="board">
          {(pipeline?.stages ?? []).map((s, i) => (
            <Column
              key={s.id}
              stage={s}
              total={board.data?.stages.find((x) => x.stageId === s.id)}
              deals={columns[i]?.data ?? []}
              loading={columns[i]?.isPending ?? true}
              ownerName={nameOf}
            />
          ))}
        </div>
      </DndContext>
      <Modal
        opened={!!closing}
        onClose={() => setClosing(null)}
        title={t('board.reasonTitle', { status: closing ? t(`record.${closing.stage.kind}`) : '' })}
      >
        <Stack>
          <Textarea
            label={t('record.reason')}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            autosize
            minRows={2}
            data-autofocus
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setClosing(null)}>
              {t('record.cancel')}
            </Button>
            <Button
              onClick={() => {
                if (closing) void move(closing.deal, closing.stage, reason);
                setClosing(null);
              }}
            >
              {t('record.save')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
