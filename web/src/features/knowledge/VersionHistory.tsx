import { Card, Group, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../format.ts';
import { useVersions } from './useKnowledge.ts';

/** The article's published versions, newest first: what readers saw, and when. */
export function VersionHistory({ id }: { id: string }) {
  const { t } = useTranslation();
  const versions = useVersions(id);
  if (!versions.data?.length) return null;
  return (
    <Stack gap="xs" data-testid="kb-versions">
      <Title order={2} size="h4">
        {t('knowledge.versions')}
      </Title>
      {versions.data.map((v) => (
        <Card key={v.number} withBorder padding="xs">
          <Group justify="space-between" wrap="wrap">
            <Text size="sm" fw={600}>
              {t('knowledge.versionNumber', { number: v.number })} · {v.title}
            </Text>
            <Text size="xs" c="dimmed">
              {formatDateTime(v.publishedAt)}
            </Text>
          </Group>
        </Card>
      ))}
    </Stack>
  );
}
