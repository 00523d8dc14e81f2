import { Button, Group, Modal, Select, Stack, Textarea, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ticketPriorities } from '../../../../contract/support.ts';
import { ApiError, api, unwrap } from '../../api.ts';
import { navigate } from '../../router.tsx';
import { ticketKeys } from './tickets.ts';

/** Opens a ticket for a customer by email (the contact is found, or created when nobody has it). */
export function NewTicket({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [subject, setSubject] = useState('');
  const [email, setEmail] = useState('');
  const [description, setDescription] = useState('');
  const [priority, setPriority] = useState<(typeof ticketPriorities)[number]>('normal');
  const create = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST('/api/v1/tickets', {
          body: { subject, description: description || null, priority, channel: 'phone', ...(email ? { requesterEmail: email } : {}) },
        }),
      ),
    onSuccess: async (ticket) => {
      await qc.invalidateQueries({ queryKey: ticketKeys.all });
      onClose();
      navigate(`/tickets/${ticket.id}`);
    },
    onError: (e) => notifications.show({ color: 'red', message: e instanceof ApiError ? e.message : String(e) }),
  });
  return (
    <Modal opened={opened} onClose={onClose} title={t('tickets.new')}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <Stack>
          <TextInput
            label={t('tickets.subject')}
            value={subject}
            onChange={(e) => setSubject(e.currentTarget.value)}
            required
            maxLength={200}
          />
          <TextInput label={t('tickets.requesterEmail')} type="email" value={email} onChange={(e) => setEmail(e.currentTarget.value)} />
          <Textarea
            label={t('tickets.description')}
            value={description}
            onChange={(e) => setDescription(e.currentTarget.value)}
            autosize
            minRows={3}
          />
          <Select
            label={t('tickets.priority')}
            value={priority}
            onChange={(v) => v && setPriority(v as typeof priority)}
            data={ticketPriorities.map((p) => ({ value: p, label: t(`enums.ticketPriority.${p}`) }))}
            allowDeselect={false}
          />
          <Group justify="flex-end">
            <Button type="submit" loading={create.isPending} disabled={!subject.trim()}>
              {t('tickets.create')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
