import { Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { RecordPicker } from '../lists/RecordPicker.tsx';

/** Removes a link after asking: a slip of the mouse should not silently cut a contact off a deal. */
export function UnlinkButton({
  name,
  onConfirm,
  pending,
  disabled,
  disabledReason,
}: {
  name: string;
  onConfirm: () => Promise<unknown>;
  pending?: boolean;
  disabled?: boolean;
  disabledReason?: string;
}) {
  const { t } = useTranslation();
  const [asking, setAsking] = useState(false);
  return (
    <>
      <Button
        size="compact-xs"
        variant="subtle"
        color="red"
        aria-label={t('links.removeNamed', { name })}
        title={disabled ? disabledReason : undefined}
        disabled={disabled}
        onClick={() => setAsking(true)}
      >
        {t('links.remove')}
      </Button>
      <Modal opened={asking} onClose={() => setAsking(false)} title={t('links.confirmTitle')}>
        <Stack>
          <Text size="sm">{t('links.confirmBody', { name })}</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setAsking(false)}>
              {t('record.cancel')}
            </Button>
            <Button
              color="red"
              loading={pending}
              onClick={() =>
                onConfirm().then(
                  () => setAsking(false),
                  () => {},
                )
              }
              data-autofocus
            >
              {t('links.remove')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}

/** Picks a record of `target` (and, where the link has one, its role) and adds the link. */
export function AddLinkForm({
  target,
  pickerLabel,
  submitLabel,
  withRole,
  onAdd,
  pending,
  error,
}: {
  target: string;
  pickerLabel: string;
  submitLabel: string;
  withRole?: boolean;
  onAdd: (id: string, role: string | null) => Promise<unknown>;
  pending?: boolean;
  error?: string;
}) {
  const { t } = useTranslation();
  const [id, setId] = useState<string | null>(null);
  const [role, setRole] = useState('');
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if (!id) return;
        // The form is cleared only once the link is made; a refusal keeps what was chosen and typed.
        onAdd(id, role.trim() || null).then(
          () => {
            setId(null);
            setRole('');
          },
          // The mutation shows why; the form keeps its values.
          () => {},
        );
      }}
    >
      <Stack gap={4} mt="xs">
        <RecordPicker target={target} label={pickerLabel} placeholder={pickerLabel} value={id} onChange={setId} />
        {withRole && (
          <TextInput
            size="xs"
            aria-label={t('fields.role')}
            placeholder={t('fields.role')}
            value={role}
            onChange={(e) => setRole(e.currentTarget.value)}
          />
        )}
        {error && (
          <Text size="xs" c="red" role="alert">
            {error}
          </Text>
        )}
        <Button type="submit" size="xs" variant="light" disabled={!id} loading={pending} w="fit-content">
          {submitLabel}
        </Button>
      </Stack>
    </form>
  );
}
