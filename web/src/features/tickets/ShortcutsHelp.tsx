import { Group, Kbd, Modal, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ticketShortcuts } from './useTicketShortcuts.ts';

/** The "?" overlay: every key of the ticket page and what it does. */
export function ShortcutsHelp({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Modal opened={opened} onClose={onClose} title={t('desk.shortcutsTitle')}>
      <Stack gap="xs" data-testid="shortcuts-help">
        {ticketShortcuts.map((s) => (
          <Group key={s.key} gap="sm">
            <Kbd>{s.key}</Kbd>
            <Text size="sm">{t(`desk.shortcut.${s.action}`)}</Text>
          </Group>
        ))}
      </Stack>
    </Modal>
  );
}
