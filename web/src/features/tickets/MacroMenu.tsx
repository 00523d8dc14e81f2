import { Button, Menu, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ApiError, api, unwrap } from '../../api.ts';
import { navigate } from '../../router.tsx';
import { macrosQuery } from './desk.ts';
import { ticketKeys } from './tickets.ts';

/** "Apply macro": the shared and personal macros; one click writes its reply and sets its fields. */
export function MacroMenu({ ticketId, opened, onChange }: { ticketId: string; opened: boolean; onChange: (o: boolean) => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const macros = useQuery(macrosQuery);
  const apply = useMutation({
    mutationFn: async (macroId: string) =>
      unwrap(await api.POST('/api/v1/tickets/{id}/apply-macro', { params: { path: { id: ticketId } }, body: { macroId } })),
    onSuccess: async () => {
      notifications.show({ color: 'green', message: t('desk.macroApplied') });
      await qc.invalidateQueries({ queryKey: ticketKeys.all });
    },
    onError: (e) => notifications.show({ color: 'red', message: e instanceof ApiError ? e.message : String(e) }),
  });
  return (
    <Menu opened={opened} onChange={onChange} position="bottom-end" withinPortal>
      <Menu.Target>
        <Button variant="default" loading={apply.isPending} aria-keyshortcuts="m">
          {t('desk.applyMacro')}
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        {(macros.data ?? []).map((m) => (
          <Menu.Item key={m.id} onClick={() => apply.mutate(m.id)}>
            {m.name}
            {m.ownerId && (
              <Text span size="xs" c="dimmed">
                {' '}
                · {t('desk.personal')}
              </Text>
            )}
          </Menu.Item>
        ))}
        {macros.data?.length === 0 && <Menu.Label>{t('desk.noMacros')}</Menu.Label>}
        <Menu.Divider />
        <Menu.Item onClick={() => navigate('/settings?tab=macros')}>{t('desk.manageMacros')}</Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
