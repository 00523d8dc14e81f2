import { Badge, Card, CloseButton, Group, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { ObjectType } from '../../records.ts';
import { Link } from '../../router.tsx';
import { useMe } from '../../session.ts';
import { AddToListSelect } from './AddToListSelect.tsx';
import { listKeys, removeFromList, useRecordLists } from './useRecordLists.ts';

/** The static lists a record is in, on its page: each a chip linking to the list, with × to take the record out. */
export function RecordListChips({ type, id }: { type: ObjectType; id: string }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const me = useMe();
  const lists = useRecordLists({ recordId: id });
  const mayWrite = me.member.role !== 'read-only';
  const remove = async (list: { id: string; name: string }) => {
    try {
      await removeFromList(list.id, [id]);
      void qc.invalidateQueries({ queryKey: listKeys.all });
    } catch (e) {
      notifications.show({ color: 'red', message: (e as Error).message });
    }
  };
  const title = t('staticLists.inLists');
  return (
    <Card withBorder component="section" aria-label={title}>
      <Title order={2} size="h5" mb="xs">
        {title}
      </Title>
      <Stack gap="xs">
        {lists.data?.length ? (
          <Group gap={6} data-testid="record-lists">
            {lists.data.map((l) => (
              // Mantine's Pill hides its remove button from keyboards and screen readers; this one is a real button.
              <Badge
                key={l.id}
                variant="default"
                tt="none"
                size="lg"
                fw={500}
                rightSection={
                  mayWrite && (
                    <CloseButton size="xs" aria-label={t('staticLists.chipRemove', { name: l.name })} onClick={() => void remove(l)} />
                  )
                }
              >
                <Link to={`/lists/${l.id}`} size="xs" c="inherit">
                  {l.name}
                </Link>
              </Badge>
            ))}
          </Group>
        ) : (
          <Text size="sm" c="dimmed">
            —
          </Text>
        )}
        <AddToListSelect type={type} ids={[id]} onDone={() => {}} />
      </Stack>
    </Card>
  );
}
