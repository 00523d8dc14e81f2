import { Group, Stack, Text, UnstyledButton } from '@mantine/core';
import { IconUpload } from '@tabler/icons-react';
import { type DragEvent, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

/** A drop zone that is also a button opening the file picker (keyboard and screen readers use that). */
export function FileDrop({ onFile }: { onFile: (f: File) => void }) {
  const { t } = useTranslation();
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  const hint = useId();
  const drop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    const f = e.dataTransfer.files[0];
    if (f) onFile(f);
  };
  return (
    <>
      <UnstyledButton
        onClick={() => input.current?.click()}
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={drop}
        aria-describedby={hint}
        data-testid="import-drop"
        style={{
          border: `2px dashed var(--mantine-color-${over ? 'blue-6' : 'gray-5'})`,
          borderRadius: 'var(--mantine-radius-md)',
          padding: 'var(--mantine-spacing-xl)',
          width: '100%',
          background: over ? 'var(--mantine-color-blue-light)' : undefined,
        }}
      >
        <Stack align="center" gap="xs">
          <Group gap="xs">
            <IconUpload size={20} aria-hidden />
            <Text fw={600}>{t('imports.chooseFile')}</Text>
          </Group>
          <Text size="sm" c="dimmed" id={hint} ta="center">
            {t('imports.dropHint')}
          </Text>
        </Stack>
      </UnstyledButton>
      <input
        ref={input}
        type="file"
        accept=".csv,.tsv,.txt,.vcf,.vcard,.json,.ndjson,text/csv,text/plain,text/tab-separated-values,text/vcard,text/x-vcard,application/json"
        hidden
        data-testid="import-file"
        onChange={(e) => {
          const f = e.currentTarget.files?.[0];
          if (f) onFile(f);
          e.currentTarget.value = '';
        }}
      />
    </>
  );
}
