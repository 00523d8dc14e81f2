import { Button, Group, Modal, Select, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { fieldsKeyOf, type ObjectType } from '../../records.ts';
import { useMe } from '../../session.ts';
import { addToList, createList, listKeys, useListsOf } from './useRecordLists.ts';

// "Add to list…" in a list's bulk bar: an existing static list of the object, or a new one made
// by name, gets the selected records. A read-only member sees nothing.

const NEW = '__new__';

export function AddToListSelect({ type, ids, onDone }: { type: ObjectType; ids: string[]; onDone: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const me = useMe();
  const lists = useListsOf(type);
  const [busy, setBusy] = useState(false);
  const [naming, setNaming] = useState(false);
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  if (me.member.role === 'read-only') return null;

  const add = async (list: { id: string; name: string }) => {
    const { added } = await addToList(list.id, ids);
    notifications.show({
      color: 'green',
      message: added ? t('staticLists.added', { count: added, name: list.name }) : t('staticLists.addedNone', { name: list.name }),
    });
    void qc.invalidateQueries({ queryKey: listKeys.all });
    onDone();
  };
  const choose = async (id: string) => {
    if (id === NEW) return setNaming(true);
    const list = lists.data?.find((l) => l.id === id);
    if (!list) return;
    setBusy(true);
    try {
      await add(list);
    } catch (e) {
      notifications.show({ color: 'red', message: (e as Error).message });
    } finally {
      setBusy(false);
    }
  };
  const createAndAdd = async () => {
    setBusy(true);
    setError(null);
    try {
      const list = await createList({ name: name.trim(), objectType: fieldsKeyOf(type) });
      await add(list);
      setNaming(false);
      setName('');
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Select
        size="xs"
        aria-label={t('staticLists.addToList')}
        placeholder={t('staticLists.addToList')}
        data={[...(lists.data ?? []).map((l) => ({ value: l.id, label: l.name })), { value: NEW, label: t('staticLists.newListOption') }]}
        value={null}
        searchable
        disabled={busy}
        onChange={(v) => v && void choose(v)}
        w={180}
      />
      <Modal
        opened={naming}
        onClose={() => setNaming(false)}
        title={t('staticLists.newListTitle', { count: ids.length })}
        closeButtonProps={{ 'aria-label': t('app.close') }}
      >
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void createAndAdd();
          }}
        >
          <TextInput
            label={t('staticLists.name')}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={error}
            required
            maxLength={200}
            data-autofocus
          />
          <Group justify="flex-end" mt="md">
            <Button variant="default" onClick={() => setNaming(false)}>
              {t('record.cancel')}
            </Button>
            <Button type="submit" loading={busy} disabled={!name.trim()}>
              {t('staticLists.create')}
            </Button>
          </Group>
        </form>
      </Modal>
    </>
  );
}
