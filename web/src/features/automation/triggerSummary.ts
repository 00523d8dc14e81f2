import type { RuleDefinition } from '../../../../contract/automation.ts';
import type { RuleLabels } from './labels.ts';

/** A trigger in words, for the list of rules: "When a deal moves to Negotiation". */
export function triggerSummary(trigger: RuleDefinition['trigger'], l: RuleLabels): string {
  const { t } = l;
  const c = (trigger.config ?? {}) as Record<string, unknown>;
  const object = l.objectLabel(c.object as string);
  const field = typeof c.field === 'string' ? t(`fields.${c.field}`, { defaultValue: c.field }) : '';
  switch (trigger.type) {
    case 'record_created':
    case 'record_updated':
    case 'record_deleted':
      return t(`automation.summary.${trigger.type}`, { object });
    case 'field_changed':
      return t('automation.summary.field_changed', { object, field });
    case 'stage_changed':
      return c.toStageId
        ? t('automation.summary.stage_changed_to', { stage: l.stageName(c.toStageId as string) })
        : t('automation.summary.stage_changed');
    case 'ticket_sla':
      return c.state === 'breached' ? t('automation.summary.ticket_sla_breached') : t('automation.summary.ticket_sla_breaching_soon');
    case 'date_reached': {
      const o = (c.offset as { amount: number; unit: string } | undefined) ?? { amount: 0, unit: 'days' };
      if (!o.amount) return t('automation.summary.date_on', { object, field });
      const n = Math.abs(o.amount);
      const span = t(`automation.unitCount.${o.unit}`, { count: n });
      return t(o.amount < 0 ? 'automation.summary.date_before' : 'automation.summary.date_after', { object, field, span });
    }
    case 'schedule':
      return t('automation.summary.schedule', { cron: String(c.cron ?? '') });
    case 'manual':
      return c.object ? t('automation.summary.manual_object', { object }) : t('automation.summary.manual');
    case 'webhook':
      return t('automation.summary.webhook');
    default:
      return trigger.type;
  }
}
