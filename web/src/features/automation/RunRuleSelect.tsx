import { Select } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { RuleDefinition } from '../../../../contract/automation.ts';
import { api, unwrap } from '../../api.ts';
import { fieldsKeyOf, type ObjectType } from '../../records.ts';
import { useMe } from '../../session.ts';
import { automationKeys, useRules } from './useAutomation.ts';

// "Run rule…" in a list's bulk bar: the active manual rules of the list's object, run once on each
// selected record. Nothing shows when there are none, or for a read-only member.

const MAX_RECORDS = 200;

export function RunRuleSelect({ type, ids, onDone }: { type: ObjectType; ids: string[]; onDone: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const me = useMe();
  const rules = useRules();
  const [busy, setBusy] = useState(false);
  const object = fieldsKeyOf(type);
  const manual = (rules.data ?? []).filter((r) => {
    const trigger = (r.definition as RuleDefinition).trigger;
    return r.enabled && trigger.type === 'manual' && trigger.config?.object === object;
  });
  if (me.member.role === 'read-only' || manual.length === 0) return null;
  const run = async (ruleId: string) => {
    setBusy(true);
    try {
      const out = unwrap(
        await api.POST('/api/v1/automation/rules/{id}/run', {
          params: { path: { id: ruleId } },
          body: { recordIds: ids.slice(0, MAX_RECORDS) },
        }),
      );
      notifications.show({ color: 'green', message: t('automation.bulkStarted', { count: out.runs.length }) });
      void qc.invalidateQueries({ queryKey: automationKeys.all });
      onDone();
    } catch (e) {
      notifications.show({ color: 'red', message: (e as Error).message });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Select
      size="xs"
      aria-label={t('automation.runRule')}
      placeholder={t('automation.runRule')}
      data={manual.map((r) => ({ value: r.id, label: r.name }))}
      value={null}
      disabled={busy || ids.length > MAX_RECORDS}
      onChange={(v) => v && void run(v)}
      w={180}
    />
  );
}
