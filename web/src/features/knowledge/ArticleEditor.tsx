import { Alert, Button, Group, Select, Stack, Tabs, TagsInput, Text, Textarea, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, navigate } from '../../router.tsx';
import { useMe } from '../../session.ts';
import { ErrorState, LoadingRows } from '../../ui/States.tsx';
import { ArticleBadges } from './KnowledgePage.tsx';
import {
  type ArticleChanges,
  createCategory,
  deleteArticle,
  type KbArticle,
  knowledgeKeys,
  previewMarkdown,
  publishArticle,
  saveArticle,
  unpublishArticle,
  useArticle,
  useCategories,
} from './useKnowledge.ts';
import { VersionHistory } from './VersionHistory.tsx';

/** Languages offered first; any BCP 47 tag may be typed. Search stems in the article's language. */
const languages = ['en', 'de', 'fr', 'es', 'it', 'nl', 'pt', 'sv', 'da', 'fi', 'no', 'pl', 'ru', 'tr', 'ja', 'zh'];

/** One article: its working copy in a Markdown editor with a preview, publishing and its versions. */
export default function ArticleEditor({ id }: { id: string }) {
  const { t } = useTranslation();
  const article = useArticle(id);
  if (article.error) return <ErrorState error={article.error} onRetry={() => article.refetch()} />;
  if (article.isPending) return <LoadingRows rows={4} />;
  return (
    <Stack>
      <Link to="/knowledge" size="sm">
        ← {t('knowledge.title')}
      </Link>
      <Editor key={article.data.version} article={article.data} />
      <VersionHistory id={id} />
    </Stack>
  );
}

function Editor({ article }: { article: KbArticle }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const me = useMe();
  const mayWrite = me.member.role !== 'read-only';
  const categories = useCategories();
  const [draft, setDraft] = useState<Required<ArticleChanges>>({
    title: article.title,
    body: article.body,
    language: article.language,
    visibility: article.visibility,
    categoryId: article.categoryId,
    tags: article.tags,
  });
  const [tab, setTab] = useState<string | null>('write');
  const [preview, setPreview] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const changed = (Object.keys(draft) as (keyof typeof draft)[]).some((k) => JSON.stringify(draft[k]) !== JSON.stringify(article[k]));

  useEffect(() => {
    if (tab !== 'preview') return;
    let live = true;
    previewMarkdown(draft.body).then(
      (html) => live && setPreview(html),
      (e: Error) => live && setError(e.message),
    );
    return () => {
      live = false;
    };
  }, [tab, draft.body]);

  const run = async (action: () => Promise<unknown>, message: string) => {
    setBusy(true);
    setError(null);
    try {
      await action();
      notifications.show({ color: 'green', message });
      await qc.invalidateQueries({ queryKey: knowledgeKeys.all });
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const save = () => run(() => saveArticle(article.id, article.version, draft), t('knowledge.saved'));
  // Unsaved edits are saved first, so what is published is what the editor shows.
  const publish = () =>
    run(async () => {
      const saved = changed ? await saveArticle(article.id, article.version, draft) : article;
      await publishArticle(article.id, saved.version);
    }, t('knowledge.published'));
  const unpublish = () => run(() => unpublishArticle(article.id, article.version), t('knowledge.unpublished'));
  const remove = () =>
    run(async () => {
      await deleteArticle(article.id);
      navigate('/knowledge');
    }, t('knowledge.deleted'));
  const addCategory = async (name: string) => {
    const c = await createCategory(name);
    await qc.invalidateQueries({ queryKey: knowledgeKeys.categories });
    setDraft((d) => ({ ...d, categoryId: c.id }));
  };

  const canPublish = article.status === 'draft' || article.hasDraftChanges || changed;
  return (
    <Stack gap="sm">
      <Group justify="space-between" wrap="wrap">
        <Title order={1} size="h2">
          {article.title}
        </Title>
        <ArticleBadges a={article} />
      </Group>
      {error && (
        <Alert color="red" role="alert">
          {error}
        </Alert>
      )}
      <TextInput
        label={t('knowledge.articleTitle')}
        value={draft.title}
        onChange={(e) => setDraft({ ...draft, title: e.currentTarget.value })}
        maxLength={200}
        readOnly={!mayWrite}
        required
      />
      <Group grow align="flex-start" wrap="wrap">
        <Select
          label={t('knowledge.category')}
          data={(categories.data ?? []).map((c) => ({ value: c.id, label: c.name }))}
          value={draft.categoryId}
          onChange={(v) => setDraft({ ...draft, categoryId: v })}
          clearable
          readOnly={!mayWrite}
          searchable
        />
        <Select
          label={t('knowledge.language')}
          data={[...new Set([...languages, draft.language])]}
          value={draft.language}
          onChange={(v) => v && setDraft({ ...draft, language: v })}
          allowDeselect={false}
          readOnly={!mayWrite}
        />
        <Select
          label={t('knowledge.visibilityLabel')}
          data={[
            { value: 'public', label: t('knowledge.visibility.public') },
            { value: 'internal', label: t('knowledge.visibility.internal') },
          ]}
          value={draft.visibility}
          onChange={(v) => v && setDraft({ ...draft, visibility: v as 'public' | 'internal' })}
          allowDeselect={false}
          readOnly={!mayWrite}
        />
      </Group>
      {mayWrite && <NewCategory onAdd={addCategory} />}
      <TagsInput
        label={t('knowledge.tags')}
        value={draft.tags}
        onChange={(tags) => setDraft({ ...draft, tags })}
        maxTags={20}
        readOnly={!mayWrite}
      />
      <Tabs value={tab} onChange={setTab}>
        <Tabs.List>
          <Tabs.Tab value="write">{t('knowledge.write')}</Tabs.Tab>
          <Tabs.Tab value="preview">{t('knowledge.preview')}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="write" pt="xs">
          <Textarea
            label={t('knowledge.body')}
            description={t('knowledge.markdownHint')}
            value={draft.body}
            onChange={(e) => setDraft({ ...draft, body: e.currentTarget.value })}
            autosize
            minRows={10}
            maxLength={100_000}
            readOnly={!mayWrite}
            styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
          />
        </Tabs.Panel>
        <Tabs.Panel value="preview" pt="xs">
          {/* The server's rendering (raw HTML escaped) in a frame without scripts or same origin. */}
          <iframe
            title={t('knowledge.preview')}
            data-testid="kb-preview"
            sandbox=""
            srcDoc={`<!doctype html><html lang="${draft.language}"><body style="font-family:system-ui,sans-serif;line-height:1.6">${preview}</body></html>`}
            style={{
              width: '100%',
              minHeight: 280,
              border: '1px solid var(--mantine-color-default-border)',
              borderRadius: 4,
              background: '#fff',
            }}
          />
        </Tabs.Panel>
      </Tabs>
      {mayWrite && (
        <Group justify="space-between">
          <Button variant="subtle" color="red" onClick={remove} disabled={busy}>
            {t('knowledge.delete')}
          </Button>
          <Group gap="xs">
            {article.status === 'published' && (
              <Button variant="default" onClick={unpublish} disabled={busy}>
                {t('knowledge.unpublish')}
              </Button>
            )}
            <Button variant="default" onClick={save} disabled={!changed || !draft.title.trim()} loading={busy}>
              {t('knowledge.saveDraft')}
            </Button>
            <Button onClick={publish} disabled={!canPublish || !draft.title.trim()} loading={busy}>
              {t('knowledge.publish')}
            </Button>
          </Group>
        </Group>
      )}
      {!mayWrite && (
        <Text size="sm" c="dimmed">
          {t('knowledge.readOnly')}
        </Text>
      )}
    </Stack>
  );
}

function NewCategory({ onAdd }: { onAdd: (name: string) => Promise<void> }) {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const [error, setError] = useState<string | undefined>();
  return (
    <Group gap="xs" align="flex-end">
      <TextInput
        label={t('knowledge.newCategory')}
        value={name}
        onChange={(e) => setName(e.currentTarget.value)}
        error={error}
        maxLength={200}
        size="xs"
      />
      <Button
        size="xs"
        variant="default"
        disabled={!name.trim()}
        onClick={() =>
          onAdd(name.trim()).then(
            () => setName(''),
            (e: Error) => setError(e.message),
          )
        }
      >
        {t('knowledge.addCategory')}
      </Button>
    </Group>
  );
}
