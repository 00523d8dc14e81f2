import { Badge, Button, Group, Modal, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDate } from '../../format.ts';
import { Link, navigate } from '../../router.tsx';
import { useMe } from '../../session.ts';
import { Empty, ErrorState, LoadingRows } from '../../ui/States.tsx';
import { HelpCentreSettings } from './HelpCentreSettings.tsx';
import { createArticle, type KbArticleSummary, knowledgeKeys, useArticles, useCategories } from './useKnowledge.ts';

// The text keeps the page's own colour: a light badge's coloured text misses 4.5:1.
export const badgeText = { root: { color: 'var(--mantine-color-text)', minWidth: 'max-content' } };

/** Draft or published (with changes waiting), and internal, as badges. */
export function ArticleBadges({ a }: { a: Pick<KbArticleSummary, 'status' | 'hasDraftChanges' | 'visibility'> }) {
  const { t } = useTranslation();
  return (
    <Group gap={4} wrap="nowrap">
      <Badge variant="light" color={a.status === 'published' ? 'teal' : 'gray'} styles={badgeText}>
        {t(`knowledge.status.${a.status}`)}
      </Badge>
      {a.status === 'published' && a.hasDraftChanges && (
        <Badge variant="light" color="yellow" styles={badgeText}>
          {t('knowledge.unpublishedChanges')}
        </Badge>
      )}
      {a.visibility === 'internal' && (
        <Badge variant="light" color="grape" styles={badgeText}>
          {t('knowledge.visibility.internal')}
        </Badge>
      )}
    </Group>
  );
}

/** The knowledge base: articles searched in their own language, a new article, the help centre's address. */
export default function KnowledgePage() {
  const { t } = useTranslation();
  const me = useMe();
  const mayWrite = me.member.role !== 'read-only';
  const [q, setQ] = useState('');
  const [debounced] = useDebouncedValue(q.trim(), 250);
  const articles = useArticles(debounced);
  const categories = useCategories();
  const categoryName = (id: string | null) => categories.data?.find((c) => c.id === id)?.name ?? '';
  const [creating, setCreating] = useState(false);

  return (
    <Stack>
      <Group justify="space-between" wrap="wrap">
        <Title order={1} size="h2">
          {t('knowledge.title')}
        </Title>
        {mayWrite && <Button onClick={() => setCreating(true)}>{t('knowledge.newArticle')}</Button>}
      </Group>
      <HelpCentreSettings />
      <TextInput
        type="search"
        label={t('knowledge.search')}
        placeholder={t('knowledge.searchPlaceholder')}
        value={q}
        onChange={(e) => setQ(e.currentTarget.value)}
        maxLength={200}
      />
      {articles.error ? (
        <ErrorState error={articles.error} onRetry={() => articles.refetch()} />
      ) : articles.isPending ? (
        <LoadingRows rows={3} />
      ) : articles.data.length === 0 ? (
        <Empty>{debounced ? t('knowledge.noMatches') : t('knowledge.empty')}</Empty>
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table striped data-testid="kb-articles">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('knowledge.articleTitle')}</Table.Th>
                <Table.Th>{t('knowledge.category')}</Table.Th>
                <Table.Th>{t('knowledge.state')}</Table.Th>
                <Table.Th>{t('knowledge.language')}</Table.Th>
                <Table.Th ta="right">{t('knowledge.helpful')}</Table.Th>
                <Table.Th>{t('knowledge.updated')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {articles.data.map((a) => (
                <Table.Tr key={a.id}>
                  <Table.Td>
                    <Link to={`/knowledge/${a.id}`} size="sm" fw={600}>
                      {a.title}
                    </Link>
                  </Table.Td>
                  <Table.Td>{categoryName(a.categoryId)}</Table.Td>
                  <Table.Td>
                    <ArticleBadges a={a} />
                  </Table.Td>
                  <Table.Td>{a.language}</Table.Td>
                  <Table.Td ta="right">
                    <Text size="sm" aria-label={t('knowledge.votes', { yes: a.helpfulYes, no: a.helpfulNo })}>
                      {t('knowledge.votesShort', { yes: a.helpfulYes, no: a.helpfulNo })}
                    </Text>
                  </Table.Td>
                  <Table.Td>{formatDate(a.updatedAt)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <NewArticleModal opened={creating} onClose={() => setCreating(false)} />
    </Stack>
  );
}

function NewArticleModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [title, setTitle] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      const a = await createArticle(title.trim());
      void qc.invalidateQueries({ queryKey: knowledgeKeys.all });
      setTitle('');
      onClose();
      navigate(`/knowledge/${a.id}`);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal opened={opened} onClose={onClose} title={t('knowledge.newArticle')} closeButtonProps={{ 'aria-label': t('app.close') }}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <Stack gap="sm">
          <TextInput
            label={t('knowledge.articleTitle')}
            value={title}
            onChange={(e) => setTitle(e.currentTarget.value)}
            error={error}
            required
            maxLength={200}
            data-autofocus
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('record.cancel')}
            </Button>
            <Button type="submit" loading={busy} disabled={!title.trim()}>
              {t('knowledge.create')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
