import { ActionIcon, Avatar, Group, Menu } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconCamera } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, unwrap } from '../../api.ts';

/** The image types the server keeps (contacts/photos.ts); others are refused there in words. */
const accept = 'image/jpeg,image/png,image/gif,image/webp';

/**
 * A contact's photo beside its name: the image (or its initials), and a menu to add, change or
 * remove it. The image is read as a blob, so that "no photo" (404) shows the initials and no menu
 * entry to remove what is not there.
 */
export function ContactPhoto({ contactId, name }: { contactId: string; name: string }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  // The file input lives outside the menu: a menu closes (and unmounts its items) on click, before the chosen file arrives.
  const input = useRef<HTMLInputElement>(null);
  const key = ['contact-photo', contactId];
  const photo = useQuery({
    queryKey: key,
    queryFn: async () => {
      const r = await api.GET('/api/v1/contacts/{id}/photo', { params: { path: { id: contactId } }, parseAs: 'blob' });
      if (r.response.status === 204) return null;
      // A data: URL, which the page's Content-Security-Policy allows for images (blob: it does not).
      const blob = unwrap(r) as unknown as Blob;
      return new Promise<string>((resolve, reject) => {
        const reader = new FileReader();
        reader.onload = () => resolve(reader.result as string);
        reader.onerror = () => reject(reader.error);
        reader.readAsDataURL(blob);
      });
    },
  });
  const url = photo.data ?? null;
  const failed = (err: Error) =>
    notifications.show({ color: 'red', message: err instanceof ApiError ? (err.errors[0]?.message ?? err.message) : err.message });
  const upload = useMutation({
    mutationFn: async (file: File) =>
      unwrap(
        await api.PUT('/api/v1/contacts/{id}/photo', {
          params: { path: { id: contactId } },
          body: file as never,
          bodySerializer: (b: unknown) => b as BodyInit,
          // What the browser says the file is; the server goes by its bytes, and refuses other types with 415.
          headers: { 'content-type': file.type || 'application/octet-stream' },
        }),
      ),
    onSuccess: () => qc.invalidateQueries({ queryKey: key }),
    onError: failed,
  });
  const remove = useMutation({
    mutationFn: async () => unwrap(await api.DELETE('/api/v1/contacts/{id}/photo', { params: { path: { id: contactId } } })),
    onSuccess: () => qc.setQueryData(key, null),
    onError: failed,
  });
  const initials = name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => w[0]?.toUpperCase())
    .join('');

  return (
    <Group gap={4} wrap="nowrap">
      <Avatar src={url} alt={url ? t('record.photoOf', { name }) : undefined} size="lg" radius="xl" color="blue">
        {initials}
      </Avatar>
      <Menu position="bottom-start" withinPortal>
        <Menu.Target>
          <ActionIcon variant="subtle" size="sm" aria-label={t('record.photoMenu')} loading={upload.isPending || remove.isPending}>
            <IconCamera size={16} />
          </ActionIcon>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Item onClick={() => input.current?.click()}>{photo.data ? t('record.changePhoto') : t('record.addPhoto')}</Menu.Item>
          {photo.data && <Menu.Item onClick={() => remove.mutate()}>{t('record.removePhoto')}</Menu.Item>}
        </Menu.Dropdown>
      </Menu>
      <input
        ref={input}
        type="file"
        accept={accept}
        hidden
        aria-hidden
        tabIndex={-1}
        onChange={(e) => {
          const file = e.currentTarget.files?.[0];
          e.currentTarget.value = '';
          if (file) upload.mutate(file);
        }}
      />
    </Group>
  );
}
