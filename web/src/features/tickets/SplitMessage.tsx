import { Button } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ApiError, api, unwrap } from '../../api.ts';
import { navigate } from '../../router.tsx';
import { ticketKeys } from './tickets.ts';

/** "Split": makes a new ticket of one message (same requester) and opens it. */
export function SplitMessage({ ticketId, messageId }: { ticketId: string; messageId: string }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const split = useMutation({
    mutationFn: async () =>
      unwrap(await api.POST('/api/v1/tickets/{id}/split', { params: { path: { id: ticketId } }, body: { messageId } })),
    onSuccess: async (created) => {
      await qc.invalidateQueries({ queryKey: ticketKeys.all });
      notifications.show({ color: 'green', message: t('desk.splitDone', { number: created.number }) });
      navigate(`/tickets/${created.id}`);
    },
    onError: (e) => notifications.show({ color: 'red', message: e instanceof ApiError ? e.message : String(e) }),
  });
  return (
    <Button size="compact-xs" variant="subtle" loading={split.isPending} onClick={() => split.mutate()}>
      {t('desk.split')}
    </Button>
  );
}
