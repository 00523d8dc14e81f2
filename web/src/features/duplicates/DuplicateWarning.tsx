import { Alert, Anchor, Badge, Group, List, Text } from '@mantine/core';
import { IconCopy } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { webPath } from '../../records.ts';
import { navigate } from '../../router.tsx';
import type { Candidate, DuplicateType } from './duplicates.ts';

/** "This looks like …": the records a new one would duplicate, each with a link to open it instead. */
export function DuplicateWarning({ type, candidates, onOpen }: { type: DuplicateType; candidates: Candidate[]; onOpen?: () => void }) {
  const { t } = useTranslation();
  return (
    <Alert variant="outline" color="orange" icon={<IconCopy size={18} />} role="alert">
      <Text size="sm" fw={600} mb={4}>
        {t('duplicates.warningTitle', { count: candidates.length })}
      </Text>
      <List spacing={4} size="sm">
        {candidates.map((c) => (
          <List.Item key={c.id}>
            <Group gap="xs" wrap="wrap">
              <Text size="sm" fw={500}>
                {c.title || '—'}
              </Text>
              {c.subtitle && (
                <Text size="xs" c="dimmed">
                  {c.subtitle}
                </Text>
              )}
              {c.reasons.map((r) => (
                <Badge key={r} size="xs" variant="default">
                  {t(`duplicates.reasons.${r}`)}
                </Badge>
              ))}
              <Anchor
                href={`${webPath(type)}/${c.id}`}
                size="sm"
                onClick={(e) => {
                  e.preventDefault();
                  onOpen?.();
                  navigate(`${webPath(type)}/${c.id}`);
                }}
              >
                {t('duplicates.open')}
              </Anchor>
            </Group>
          </List.Item>
        ))}
      </List>
    </Alert>
  );
}
