import { Anchor, Group, Stack, Text } from '@mantine/core';
import { IconPaperclip } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { formatBytes } from '../../ui/files.ts';
import type { TicketMessage } from './tickets.ts';

export type TicketFile = TicketMessage['attachments'][number];

/** The files of a message (or of the ticket itself), each a download; one not stored says why. */
export function TicketFiles({ ticketId, files }: { ticketId: string; files: TicketFile[] }) {
  const { t } = useTranslation();
  if (!files.length) return null;
  return (
    <Stack gap={2} mt={4} aria-label={t('tickets.files', { count: files.length })} data-testid="ticket-files">
      {files.map((a) => (
        <Group gap={4} key={a.id} wrap="nowrap">
          <IconPaperclip size={14} aria-hidden />
          <Text size="xs">
            {a.note ? (
              (a.filename ?? a.contentType)
            ) : (
              // A file to save, never opened in the app's own origin (the server sends it as an attachment).
              <Anchor href={`/api/v1/tickets/${ticketId}/attachments/${a.id}`} download={a.filename ?? undefined} size="xs">
                {a.filename ?? a.contentType}
              </Anchor>
            )}{' '}
            <Text span size="xs" c="dimmed">
              ({formatBytes(a.size)})
            </Text>
            {a.note && (
              <Text span size="xs" c="red.8">
                {' '}
                — {a.note}
              </Text>
            )}
          </Text>
        </Group>
      ))}
    </Stack>
  );
}
