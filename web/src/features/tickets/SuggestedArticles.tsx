import { Anchor, Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from '../../router.tsx';
import { suggestionsQuery } from './desk.ts';

/** Knowledge-base articles that match the ticket, each with "insert link" into the reply. */
export function SuggestedArticles({ ticketId, onInsert }: { ticketId: string; onInsert?: (text: string) => void }) {
  const { t } = useTranslation();
  const found = useQuery(suggestionsQuery(ticketId));
  return (
    <Card withBorder data-testid="suggested-articles">
      <Stack gap="xs">
        <Title order={2} size="h5">
          {t('desk.suggested')}
        </Title>
        {found.data?.length === 0 && (
          <Text size="sm" c="dimmed">
            {t('desk.noSuggestions')}
          </Text>
        )}
        {(found.data ?? []).map((a) => (
          <Group key={a.id} justify="space-between" wrap="nowrap" gap="xs">
            <Link to={`/knowledge/${a.id}`} size="sm">
              {a.title}
            </Link>
            {onInsert && a.url && (
              <Button
                size="compact-xs"
                variant="light"
                aria-label={t('desk.insertLinkTo', { title: a.title })}
                onClick={() => onInsert(`${a.title}: ${new URL(a.url ?? '', location.origin).href}`)}
              >
                {t('desk.insertLink')}
              </Button>
            )}
            {!a.url && (
              <Anchor component="span" size="xs" c="dimmed">
                {t('desk.internalOnly')}
              </Anchor>
            )}
          </Group>
        ))}
      </Stack>
    </Card>
  );
}
