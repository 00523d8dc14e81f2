import { type FollowUpParams, FollowUpParams as FollowUpSchema, type RuleCreate, type RuleTemplate } from '../../../contract/automation.ts';
import type { Conn } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { notFound } from '../../http/errors.ts';
import { createRule } from './rules.service.ts';

// Ready-made rules: an admin adds one in a step, and gets a normal rule (editable, versioned, with
// runs) built from a few settings. "Follow up if no activity in N days" is a date trigger on
// lastActivityAt: it fires N days after the last activity, and a new activity moves the date, so
// the rule re-plans itself and fires only when a record has really gone quiet.

const objectLabels: Record<FollowUpParams['object'], string> = { contact: 'contacts', company: 'companies', deal: 'deals' };

export function followUpRule(p: FollowUpParams): RuleCreate {
  return {
    name: p.name ?? `Follow up on ${objectLabels[p.object]} quiet for ${p.days} days`,
    description: `Creates a follow-up task for the owner when a ${p.object} has had no activity for ${p.days} days.`,
    enabled: p.enabled ?? true,
    definition: {
      trigger: {
        type: 'date_reached',
        config: { object: p.object, field: 'lastActivityAt', offset: { amount: p.days, unit: 'days' } },
      },
      // A won or lost deal needs no follow-up.
      ...(p.object === 'deal' ? { conditions: { field: 'status', op: 'eq', value: 'open' } } : {}),
      steps: [
        {
          type: 'action',
          label: 'Create the follow-up task',
          action: 'create_task',
          input: {
            title: p.taskTitle ?? 'Follow up with {{record.name}}',
            due: `+${p.dueInDays ?? 1}d`,
            assignee: { kind: 'owner' },
          },
        },
      ],
    },
  };
}

export const ruleTemplates: (RuleTemplate & { build: (p: FollowUpParams) => RuleCreate })[] = [
  {
    key: 'follow_up_no_activity',
    name: 'Follow up if no activity in N days',
    description:
      'When a contact, company or deal has had no call, meeting, note or email for the number of days you choose, its owner gets a follow-up task.',
    params: FollowUpSchema,
    build: followUpRule,
  },
];

export const listRuleTemplates = () => ({ data: ruleTemplates.map(({ build: _, ...t }) => t) });

/** Creates a rule from a template, checked like any rule (422 names the problem). */
export async function createFromTemplate(conn: Conn, ctx: Ctx, key: string, params: FollowUpParams) {
  const template = ruleTemplates.find((t) => t.key === key);
  if (!template) throw notFound('Rule template');
  return createRule(conn, ctx, template.build(params));
}
