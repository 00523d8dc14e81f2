import { Badge, Button, Card, Group, NumberInput, Select, Stack, Tabs, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { auditObjectTypes, securityEventKinds } from '../../../../contract/audit.ts';
import { ApiError, api, unwrap } from '../../api.ts';
import { formatDateTime } from '../../format.ts';
import { useMembers } from '../../ui/useMembers.ts';
import { AuditLog, dayStart } from './AuditLog.tsx';

/** Cut short for a table cell. */
const cut = (s: string) => (s.length > 160 ? `${s.slice(0, 159)}…` : s);
/** A field's value before or after a change: text as it is, anything else as JSON, cut short. */
const shown = (v: unknown) => (v === null || v === undefined ? '' : cut(typeof v === 'string' ? v : JSON.stringify(v)));
/** One value of an event's detail in a line: lists joined, nested objects left out (the CSV export has them whole). */
const scalar = (v: unknown): string =>
  v === null || v === undefined ? '—' : Array.isArray(v) ? v.map(scalar).join(', ') : typeof v === 'object' ? '…' : String(v);

/** Fields every created thing carries, which the row already says (who, when) or which name nothing. */
const bookkeeping = /^(id|version)$|At$|By$/;

/**
 * An event's detail as a person reads it: each change as "field: old → new" (a created thing as its
 * fields), then the other keys as "key: value". Ids and bookkeeping are left out: the row says who and when.
 */
const described = (v: unknown) => {
  if (v === null || v === undefined) return '';
  if (typeof v !== 'object' || Array.isArray(v)) return shown(v);
  const parts: string[] = [];
  for (const [key, value] of Object.entries(v as Record<string, unknown>)) {
    if (key === 'changes' && Array.isArray(value)) {
      for (const c of value as { field?: string | null; old?: unknown; new?: unknown }[]) {
        if (c.field) parts.push(`${c.field}: ${scalar(c.old)} → ${scalar(c.new)}`);
        else if (c.new && typeof c.new === 'object') {
          parts.push(
            Object.entries(c.new as Record<string, unknown>)
              .filter(([k, x]) => !bookkeeping.test(k) && x !== null && typeof x !== 'object')
              .map(([k, x]) => `${k}: ${scalar(x)}`)
              .join(', '),
          );
        }
      }
    } else parts.push(`${key}: ${scalar(value)}`);
  }
  return cut(parts.filter(Boolean).join(' · '));
};

/** From and to days, shared by the three logs' filters. */
function useRange() {
  const { t } = useTranslation();
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const inputs = (
    <>
      <TextInput type="date" label={t('audit.from')} value={from} onChange={(e) => setFrom(e.currentTarget.value)} w={160} />
      <TextInput type="date" label={t('audit.to')} value={to} onChange={(e) => setTo(e.currentTarget.value)} w={160} />
    </>
  );
  return { inputs, query: { from: dayStart(from), to: dayStart(to, true) } };
}

function MemberFilter({ value, onChange }: { value: string | null; onChange: (v: string | null) => void }) {
  const { t } = useTranslation();
  const { members } = useMembers();
  return (
    <Select
      label={t('audit.member')}
      placeholder={t('jobs.any')}
      clearable
      searchable
      data={members.map((m) => ({ value: m.id, label: m.name }))}
      value={value}
      onChange={onChange}
      w={200}
    />
  );
}

function Changes() {
  const { t } = useTranslation();
  const { nameOf } = useMembers();
  const [memberId, setMemberId] = useState<string | null>(null);
  const [objectType, setObjectType] = useState<string | null>(null);
  const [recordId, setRecordId] = useState('');
  const range = useRange();
  const query = {
    memberId: memberId ?? undefined,
    objectType: objectType ?? undefined,
    recordId: recordId.trim() || undefined,
    ...range.query,
  };
  return (
    <AuditLog
      name="changes"
      query={query}
      fetchPage={async (q, cursor) => unwrap(await api.GET('/api/v1/audit/changes', { params: { query: { ...q, cursor } } }))}
      filters={
        <>
          <MemberFilter value={memberId} onChange={setMemberId} />
          <Select
            label={t('audit.objectType')}
            placeholder={t('jobs.any')}
            clearable
            data={auditObjectTypes.map((o) => ({ value: o, label: t(`audit.objectTypes.${o}`) }))}
            value={objectType}
            onChange={setObjectType}
            w={180}
          />
          <TextInput label={t('audit.recordId')} value={recordId} onChange={(e) => setRecordId(e.currentTarget.value)} w={300} />
          {range.inputs}
        </>
      }
      columns={[
        { header: t('audit.when'), cell: (r) => formatDateTime(r.at) },
        { header: t('audit.who'), cell: (r) => nameOf(r.actorId) || t(`audit.actors.${r.actorType}`) },
        { header: t('audit.objectType'), cell: (r) => t(`audit.objectTypes.${r.recordType}`, { defaultValue: r.recordType }) },
        { header: t('audit.action'), cell: (r) => `${r.action}${r.field ? ` · ${r.field}` : ''}` },
        { header: t('audit.before'), cell: (r) => shown(r.oldValue) },
        { header: t('audit.after'), cell: (r) => shown(r.newValue) },
      ]}
    />
  );
}

function SignIns() {
  const { t } = useTranslation();
  const { nameOf } = useMembers();
  const [memberId, setMemberId] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<string | null>(null);
  const range = useRange();
  const query = { memberId: memberId ?? undefined, outcome: outcome ?? undefined, ...range.query };
  return (
    <AuditLog
      name="sign-ins"
      query={query}
      fetchPage={async (q, cursor) => unwrap(await api.GET('/api/v1/audit/sign-ins', { params: { query: { ...q, cursor } as never } }))}
      filters={
        <>
          <MemberFilter value={memberId} onChange={setMemberId} />
          <Select
            label={t('audit.outcome')}
            placeholder={t('jobs.any')}
            clearable
            data={['success', 'failure'].map((o) => ({ value: o, label: t(`audit.outcomes.${o}`) }))}
            value={outcome}
            onChange={setOutcome}
            w={160}
          />
          {range.inputs}
        </>
      }
      columns={[
        { header: t('audit.when'), cell: (r) => formatDateTime(r.at) },
        { header: t('audit.member'), cell: (r) => nameOf(r.memberId) || r.email },
        { header: t('audit.method'), cell: (r) => r.method },
        {
          header: t('audit.result'),
          cell: (r) => (
            // The page's text colour on the light tint: the variant's own text is too faint (axe: contrast).
            <Badge variant="light" color={r.success ? 'green' : 'red'} styles={{ root: { color: 'var(--mantine-color-text)' } }}>
              {r.result}
            </Badge>
          ),
        },
        { header: t('audit.ip'), cell: (r) => r.ip ?? '' },
      ]}
    />
  );
}

function SecurityEvents() {
  const { t } = useTranslation();
  const { nameOf } = useMembers();
  const [memberId, setMemberId] = useState<string | null>(null);
  const [kind, setKind] = useState<string | null>(null);
  const range = useRange();
  const query = { memberId: memberId ?? undefined, kind: kind ?? undefined, ...range.query };
  return (
    <AuditLog
      name="security-events"
      query={query}
      fetchPage={async (q, cursor) =>
        unwrap(await api.GET('/api/v1/audit/security-events', { params: { query: { ...q, cursor } as never } }))
      }
      filters={
        <>
          <MemberFilter value={memberId} onChange={setMemberId} />
          <Select
            label={t('audit.kind')}
            placeholder={t('jobs.any')}
            clearable
            data={securityEventKinds.map((k) => ({ value: k, label: t(`audit.kinds.${k}`) }))}
            value={kind}
            onChange={setKind}
            w={220}
          />
          {range.inputs}
        </>
      }
      columns={[
        { header: t('audit.when'), cell: (r) => formatDateTime(r.at) },
        { header: t('audit.who'), cell: (r) => nameOf(r.actorId) || t(`audit.actors.${r.actorType}`) },
        { header: t('audit.kind'), cell: (r) => t(`audit.kinds.${r.kind}`) },
        { header: t('audit.detail'), cell: (r) => described(r.detail) },
        { header: t('audit.ip'), cell: (r) => r.ip ?? '' },
      ]}
    />
  );
}

/** How long security events and sign-ins are kept (days; empty: for good). */
function Retention() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const settings = useQuery({ queryKey: ['audit', 'settings'], queryFn: async () => unwrap(await api.GET('/api/v1/audit/settings')) });
  const [days, setDays] = useState<string | number | undefined>(undefined);
  const save = useMutation({
    mutationFn: async () => {
      const value = days === undefined ? settings.data?.retentionDays : days === '' ? null : Number(days);
      return unwrap(await api.PUT('/api/v1/audit/settings', { body: { retentionDays: value ?? null } }));
    },
    onSuccess: () => {
      notifications.show({ color: 'green', message: t('list.saved') });
      void qc.invalidateQueries({ queryKey: ['audit'] });
    },
  });
  const err = save.error instanceof ApiError ? save.error : null;
  if (!settings.data) return null;
  return (
    <Card withBorder maw={480}>
      <Stack>
        <Title order={2} size="h5">
          {t('audit.retention')}
        </Title>
        <NumberInput
          label={t('audit.retentionDays')}
          description={t('audit.retentionHint')}
          value={days ?? settings.data.retentionDays ?? ''}
          onChange={setDays}
          allowDecimal={false}
          error={err?.fieldMessage('retentionDays')}
        />
        <Group>
          <Button onClick={() => save.mutate()} loading={save.isPending} w="fit-content">
            {t('record.save')}
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}

/** Settings → Audit (admins): every change, sign-in and security event, filtered and exported; how long they are kept. */
export function AuditSettings() {
  const { t } = useTranslation();
  return (
    <Stack gap="xl">
      <Tabs defaultValue="changes" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="changes">{t('audit.changes')}</Tabs.Tab>
          <Tabs.Tab value="signIns">{t('audit.signIns')}</Tabs.Tab>
          <Tabs.Tab value="security">{t('audit.securityEvents')}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="changes" pt="md">
          <Changes />
        </Tabs.Panel>
        <Tabs.Panel value="signIns" pt="md">
          <SignIns />
        </Tabs.Panel>
        <Tabs.Panel value="security" pt="md">
          <SecurityEvents />
        </Tabs.Panel>
      </Tabs>
      <Retention />
      <Text size="xs" c="dimmed">
        {t('audit.historyKept')}
      </Text>
    </Stack>
  );
}
