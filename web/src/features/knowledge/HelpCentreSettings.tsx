import { Anchor, Button, Group, Paper, Text, TextInput } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../../api.ts';
import { useMe } from '../../session.ts';
import { knowledgeKeys, setHelpCentre, useHelpCentre } from './useKnowledge.ts';

/**
 * Where the public help centre is: a link for everyone, and for admins the address to set (the
 * workspace's slug, /help/<slug>); an empty address turns the help centre off.
 */
export function HelpCentreSettings() {
  const { t } = useTranslation();
  const me = useMe();
  const qc = useQueryClient();
  const centre = useHelpCentre();
  const isAdmin = me.member.role === 'admin' || me.member.role === 'owner';
  const [slug, setSlug] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  useEffect(() => setSlug(centre.data?.slug ?? ''), [centre.data?.slug]);

  const save = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await setHelpCentre(slug.trim() || null);
      void qc.invalidateQueries({ queryKey: knowledgeKeys.helpCentre });
    } catch (e) {
      setError((e as ApiError).messageFor?.('slug') ?? (e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const path = centre.data?.path;
  return (
    <Paper withBorder p="sm">
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <Text size="sm">
          {path ? (
            <>
              {t('knowledge.helpCentreAt')}{' '}
              <Anchor href={path} target="_blank" rel="noopener" data-testid="help-centre-link">
                {`${location.origin}${path}`}
              </Anchor>
            </>
          ) : (
            t('knowledge.helpCentreOff')
          )}
        </Text>
        {isAdmin && (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void save();
            }}
          >
            <Group gap="xs" align="flex-end">
              <TextInput
                label={t('knowledge.helpCentreSlug')}
                description="/help/…"
                value={slug}
                onChange={(e) => setSlug(e.currentTarget.value.toLowerCase())}
                error={error}
                maxLength={50}
                size="xs"
              />
              <Button type="submit" size="xs" loading={busy}>
                {t('knowledge.saveAddress')}
              </Button>
            </Group>
          </form>
        )}
      </Group>
    </Paper>
  );
}
