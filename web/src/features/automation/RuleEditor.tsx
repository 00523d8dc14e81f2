import { Alert, Anchor, Button, Fieldset, Group, Stack, Tabs, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { ApiError, api, type FieldError, unwrap } from '../../api.ts';
import { Link, navigate, useLocation } from '../../router.tsx';
import { useMe } from '../../session.ts';
import { ErrorState, LoadingRows } from '../../ui/States.tsx';
import { useSubmitOnce } from '../../ui/useSubmitOnce.ts';
import { FilterBuilder } from '../lists/FilterBuilder.tsx';
import { DryRunPanel } from './DryRunPanel.tsx';
import { type Draft, emptyDraft, fromDefinition, objectOf, toDefinition } from './draft.ts';
import { type EditorContext, EditorCtx } from './editorContext.ts';
import { errorsAt, unplaced } from './errors.ts';
import { useRuleLabels } from './labels.ts';
import { RunLog } from './RunLog.tsx';
import { RuleStateBadge } from './RunStatusBadge.tsx';
import { StepList } from './StepList.tsx';
import { TriggerEditor } from './TriggerEditor.tsx';
import { automationKeys, type Catalog, type Rule, useCatalog, useRule, useRuleFields } from './useAutomation.ts';
import { VersionList } from './VersionList.tsx';
import { rememberSecret } from './WebhookDetails.tsx';

// A rule in the step editor: its name, when it runs, on which records, and its steps; for a saved
// rule also its runs and versions. Admins edit; other members read it (the server refuses their writes too).

export default function RuleEditorPage({ id }: { id: string | null }) {
  const catalog = useCatalog();
  const rule = useRule(id);
  const { t } = useRuleLabels();
  if (catalog.error) return <ErrorState error={catalog.error} onRetry={() => catalog.refetch()} />;
  if (rule.error) return <ErrorState error={rule.error} onRetry={() => rule.refetch()} />;
  if (!catalog.data || (id && !rule.data))
    return (
      <Stack>
        <Title order={1} size="h2">
          {t('automation.title')}
        </Title>
        <LoadingRows rows={6} />
      </Stack>
    );
  return <RuleEditor key={id ?? 'new'} catalog={catalog.data} rule={rule.data ?? null} />;
}

function RuleEditor({ catalog, rule }: { catalog: Catalog; rule: Rule | null }) {
  const labels = useRuleLabels();
  const { t } = labels;
  const qc = useQueryClient();
  const me = useMe();
  const { query } = useLocation();
  const readOnly = me.member.role !== 'owner' && me.member.role !== 'admin';
  const [draft, setDraft] = useState<Draft>(() =>
    rule ? fromDefinition(rule.name, rule.description, rule.definition, labels.digits) : emptyDraft(),
  );
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const object = objectOf(draft.trigger);
  const fields = useRuleFields(object);
  const triggerInfo = catalog.triggers.find((x) => x.name === draft.trigger.type);
  const ruleFields = fields.data?.fields ?? [];
  const columns = useMemo(() => labels.columnsOf(object ?? '', ruleFields, false), [labels.columnsOf, object, ruleFields]);
  const conditionColumns = useMemo(
    () => labels.columnsOf(object ?? '', ruleFields, !!triggerInfo?.hasPrevious),
    [labels.columnsOf, object, ruleFields, triggerInfo?.hasPrevious],
  );
  // A change takes back "Saved"; the steps' problems stay until the next save (they may still hold).
  const edit = (d: Draft) => {
    setDraft(d);
    setSaved(false);
  };

  const definition = () => toDefinition(draft, { columns: conditionColumns, digits: labels.digits }, !!object);
  const save = useMutation({
    mutationFn: async () => {
      const body = { name: draft.name.trim(), description: draft.description.trim() || null, definition: definition() };
      if (!rule) return unwrap(await api.POST('/api/v1/automation/rules', { body: body as never }));
      return unwrap(
        await api.PATCH('/api/v1/automation/rules/{id}', {
          params: { path: { id: rule.id } },
          body: { ...body, version: rule.version } as never,
        }),
      );
    },
    onSuccess: (r) => {
      setErrors([]);
      setProblem(null);
      setSaved(true);
      rememberSecret(r.id, r.webhookSecret);
      void qc.invalidateQueries({ queryKey: automationKeys.all });
      if (!rule) navigate(`/automation/rules/${r.id}`, { replace: true });
    },
    onError: (e) => {
      setErrors(e instanceof ApiError ? e.errors : []);
      setProblem(e instanceof ApiError && e.errors.length ? t('automation.saveRefused', { count: e.errors.length }) : e.message);
    },
  });
  const submit = useSubmitOnce(save);

  const ctx: EditorContext = { catalog, object, fields: ruleFields, columns, labels, errors, readOnly };
  const nameError = errors.find((e) => e.field === 'body.name')?.message;
  const conditionProblems = errorsAt(errors, 'conditions');
  const tab = query.get('tab') ?? 'edit';
  const title = rule ? rule.name : t('automation.newRule');

  const editor = (
    <form onSubmit={submit} noValidate>
      <Fieldset disabled={readOnly} variant="unstyled">
        <Stack gap="lg" maw={880}>
          <TextInput
            label={t('automation.name')}
            required
            value={draft.name}
            onChange={(e) => edit({ ...draft, name: e.currentTarget.value })}
            error={nameError}
          />
          <Textarea
            label={t('automation.description')}
            autosize
            minRows={1}
            value={draft.description}
            onChange={(e) => edit({ ...draft, description: e.currentTarget.value })}
          />
          <Section title={t('automation.sectionWhen')}>
            <TriggerEditor
              trigger={draft.trigger}
              onChange={(trigger) => edit({ ...draft, trigger })}
              catalog={catalog}
              fields={ruleFields}
              labels={labels}
              errors={errors}
              ruleId={rule?.id ?? null}
              webhookPath={rule?.webhookPath}
            />
          </Section>
          {object && (
            <Section
              title={t('automation.sectionIf')}
              hint={triggerInfo?.hasPrevious ? t('automation.previousHint') : t('automation.conditionsHint')}
            >
              <FilterBuilder
                group={draft.conditions}
                columns={conditionColumns}
                onChange={(conditions) => edit({ ...draft, conditions })}
              />
              {conditionProblems.map((e) => (
                <Text key={e.field + e.message} c="red.8" size="sm" role="alert">
                  {e.message}
                </Text>
              ))}
            </Section>
          )}
          <Section title={t('automation.sectionThen')}>
            <EditorCtx.Provider value={ctx}>
              <StepList steps={draft.steps} onChange={(steps) => edit({ ...draft, steps })} path="steps" depth={0} />
            </EditorCtx.Provider>
          </Section>
          {problem && (
            <Alert color="red" role="alert" title={problem}>
              {unplaced(errors).map((e) => (
                <Text size="sm" key={e.field + e.message}>
                  {e.message}
                </Text>
              ))}
            </Alert>
          )}
          {!readOnly && (
            <Group>
              <Button type="submit" loading={save.isPending}>
                {rule ? t('automation.saveVersion') : t('automation.create')}
              </Button>
              {saved && (
                <Text size="sm" c="teal.9" role="status">
                  {t('automation.saved')}
                </Text>
              )}
            </Group>
          )}
        </Stack>
      </Fieldset>
    </form>
  );

  return (
    <Stack>
      <Anchor component={Link} to="/automation" size="sm">
        {t('automation.allRules')}
      </Anchor>
      <Group gap="sm" wrap="wrap">
        <Title order={1} size="h2">
          {title}
        </Title>
        {rule && <RuleStateBadge enabled={rule.enabled} />}
        {rule && (
          <Text size="sm" c="dimmed">
            {t('automation.versionN', { version: rule.version })}
          </Text>
        )}
      </Group>
      {rule ? (
        <Tabs
          value={tab}
          onChange={(v) => navigate(`/automation/rules/${rule.id}${v === 'edit' ? '' : `?tab=${v}`}`, { replace: true })}
          keepMounted={false}
        >
          <Tabs.List>
            <Tabs.Tab value="edit">{t('automation.tabEdit')}</Tabs.Tab>
            <Tabs.Tab value="runs">{t('automation.tabRuns')}</Tabs.Tab>
            <Tabs.Tab value="versions">{t('automation.tabVersions')}</Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="edit" pt="md">
            <Stack gap="xl">
              {editor}
              {!readOnly && <DryRunPanel rule={rule} object={object} definition={definition} />}
            </Stack>
          </Tabs.Panel>
          <Tabs.Panel value="runs" pt="md">
            <RunLog ruleId={rule.id} />
          </Tabs.Panel>
          <Tabs.Panel value="versions" pt="md">
            <VersionList ruleId={rule.id} />
          </Tabs.Panel>
        </Tabs>
      ) : (
        <Stack gap="xl">
          {editor}
          <DryRunPanel rule={null} object={object} definition={definition} />
        </Stack>
      )}
    </Stack>
  );
}

function Section({ title, hint, children }: { title: string; hint?: string; children: React.ReactNode }) {
  return (
    <Stack gap="xs" component="section" aria-label={title}>
      <Title order={2} size="h4">
        {title}
      </Title>
      {hint && (
        <Text size="sm" c="dimmed">
          {hint}
        </Text>
      )}
      {children}
    </Stack>
  );
}
