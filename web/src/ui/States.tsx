import { Alert, Button, Center, Group, Skeleton, Stack, Text } from '@mantine/core';
import { IconInbox } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';

export function Empty({ children }: { children: string }) {
  return (
    <Center py="lg">
      <Group gap="xs" c="dimmed">
        <IconInbox size={18} />
        <Text size="sm" c="dimmed">
          {children}
        </Text>
      </Group>
    </Center>
  );
}

export function LoadingRows({ rows = 3 }: { rows?: number }) {
  return (
    <Stack gap="xs" aria-busy="true">
      {Array.from({ length: rows }, (_, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: placeholders have no identity
        <Skeleton key={i} h={28} />
      ))}
    </Stack>
  );
}

export function ErrorState({ error, onRetry }: { error: Error; onRetry?: () => void }) {
  const { t } = useTranslation();
  return (
    <Alert color="red" title={t('app.error')} role="alert">
      <Text size="sm">{error.message}</Text>
      {onRetry && (
        <Button size="xs" mt="xs" variant="light" onClick={onRetry}>
          {t('app.retry')}
        </Button>
      )}
    </Alert>
  );
}
