import Type, { type Static } from 'typebox';
import { CustomValues, DateOnly, Email, Nullable, RecordMeta, ShortText, Timestamp, Uuid, UuidParam, VersionField } from './common.ts';
import { OutgoingAttachment } from './email.ts';

// The support desk's shapes (issue 14). Business hours first: SLA targets count only the minutes a
// team is open, in the team's own time zone.

/** Minutes after local midnight, 0 … 1440: an opening hour [from, to) of one weekday. */
const DayMinute = Type.Integer({ minimum: 0, maximum: 1440 });
export const OpeningHours = Type.Object({ from: DayMinute, to: DayMinute }, { additionalProperties: false });
const DayHours = Type.Array(OpeningHours, { maxItems: 8 });

/**
 * When a team is open: hours per ISO weekday ('1' Monday … '7' Sunday) in local wall-clock time of
 * `timeZone` (an IANA name), closed on `holidays` (local dates). A day absent from `week` is closed.
 */
export const BusinessCalendar = Type.Object(
  {
    name: ShortText({ minLength: 1 }),
    timeZone: Type.String({ minLength: 1, maxLength: 64 }),
    week: Type.Object(
      {
        1: Type.Optional(DayHours),
        2: Type.Optional(DayHours),
        3: Type.Optional(DayHours),
        4: Type.Optional(DayHours),
        5: Type.Optional(DayHours),
        6: Type.Optional(DayHours),
        7: Type.Optional(DayHours),
      },
      { additionalProperties: false },
    ),
    holidays: Type.Array(DateOnly, { maxItems: 400 }),
  },
  { additionalProperties: false },
);
export type BusinessCalendar = Static<typeof BusinessCalendar>;

// Tickets: the lists below are the `status`, `priority` … columns of server/modules/tickets/tickets.table.ts.
export const ticketStatuses = ['new', 'open', 'pending', 'on_hold', 'solved', 'closed'] as const;
/** The statuses a queue holds: the ticket still needs the team. */
export const openTicketStatuses = ['new', 'open', 'pending', 'on_hold'] as const;
/** The statuses that stop the SLA clock: the ticket waits on the customer or on someone outside the team. */
export const pausedTicketStatuses = ['pending', 'on_hold'] as const;
export const ticketPriorities = ['low', 'normal', 'high', 'urgent'] as const;
export const ticketChannels = ['email', 'web_form', 'chat', 'phone', 'api'] as const;
/** Where a ticket stands against its SLA: `breaching_soon` within 30 minutes of a target. */
export const slaStates = ['none', 'ok', 'breaching_soon', 'breached'] as const;
export const ticketQueues = ['unassigned', 'mine', 'my_team', 'breaching_soon', 'all'] as const;
export const ticketMessageKinds = ['reply', 'note'] as const;

const Tag = Type.String({ minLength: 1, maxLength: 50 });

export const Ticket = Type.Object({
  ...RecordMeta,
  number: Type.Integer({ description: 'The ticket number people quote (#42), per workspace' }),
  subject: Type.String(),
  description: Nullable(Type.String()),
  requesterId: Nullable(Uuid),
  companyId: Nullable(Uuid),
  status: Type.Enum(ticketStatuses),
  priority: Type.Enum(ticketPriorities),
  type: Nullable(Type.String()),
  channel: Type.Enum(ticketChannels),
  assigneeId: Nullable(Uuid),
  teamId: Nullable(Uuid),
  tags: Type.Array(Type.String()),
  dealIds: Type.Array(Uuid),
  firstResponseDueAt: Nullable(Timestamp),
  firstRespondedAt: Nullable(Timestamp),
  nextResponseDueAt: Nullable(Timestamp),
  resolutionDueAt: Nullable(Timestamp),
  solvedAt: Nullable(Timestamp),
  slaState: Type.Enum(slaStates),
  custom: Type.Record(Type.String(), Type.Unknown()),
});
export type Ticket = Static<typeof Ticket>;

const ticketFields = {
  subject: ShortText({ minLength: 1 }),
  description: Type.Optional(Nullable(Type.String({ maxLength: 20_000 }))),
  requesterId: Type.Optional(Nullable(Uuid)),
  requesterEmail: Type.Optional(
    Type.String({ ...Email, description: 'Finds the requester by email, or creates the contact when nobody has it' }),
  ),
  companyId: Type.Optional(Nullable(Uuid)),
  status: Type.Optional(Type.Enum(ticketStatuses)),
  priority: Type.Optional(Type.Enum(ticketPriorities)),
  type: Type.Optional(Nullable(ShortText())),
  channel: Type.Optional(Type.Enum(ticketChannels)),
  assigneeId: Type.Optional(Nullable(Uuid)),
  teamId: Type.Optional(Nullable(Uuid)),
  tags: Type.Optional(Type.Array(Tag, { maxItems: 20 })),
  dealIds: Type.Optional(Type.Array(Uuid, { maxItems: 20 })),
  custom: Type.Optional(CustomValues),
};

export const TicketCreate = Type.Object(ticketFields, { additionalProperties: false });
export type TicketCreate = Static<typeof TicketCreate>;

const { requesterEmail: _email, ...updatable } = ticketFields;
export const TicketUpdate = Type.Object(
  { ...updatable, subject: Type.Optional(ticketFields.subject), version: Type.Optional(VersionField) },
  { additionalProperties: false },
);
export type TicketUpdate = Static<typeof TicketUpdate>;

/** A file of a ticket's conversation. Download it at `/tickets/{ticketId}/attachments/{id}` unless `note` says why it is not there. */
export const TicketAttachment = Type.Object({
  id: Uuid,
  /** The message it came with; null: it came with the ticket (the email or form that opened it). */
  messageId: Nullable(Uuid),
  filename: Nullable(Type.String()),
  contentType: Type.String(),
  size: Type.Integer(),
  note: Nullable(
    Type.String({ description: 'Why its bytes are not stored ("not stored: 14 MB is over the 10 MB limit"); null: it can be downloaded' }),
  ),
});
export type TicketAttachment = Static<typeof TicketAttachment>;

export const TicketAttachmentParams = Type.Object({ id: Uuid, attachmentId: Uuid }, { additionalProperties: false });

/** One entry of a ticket's conversation: a public reply or an internal note, by a member or the requester. */
export const TicketMessage = Type.Object({
  id: Uuid,
  ticketId: Uuid,
  kind: Type.Enum(ticketMessageKinds),
  authorMemberId: Nullable(Uuid),
  authorContactId: Nullable(Uuid),
  body: Type.String(),
  attachments: Type.Array(TicketAttachment),
  createdAt: Timestamp,
});
export type TicketMessage = Static<typeof TicketMessage>;

export const TicketMessageCreate = Type.Object(
  {
    kind: Type.Enum(ticketMessageKinds),
    body: Type.String({ minLength: 1, maxLength: 20_000 }),
    fromRequester: Type.Optional(
      Type.Boolean({ description: 'A reply the requester sent (typed in by an agent, or from a channel): the requester is its author' }),
    ),
    lastSeenMessageId: Type.Optional(
      Nullable(
        UuidParam(
          'The newest message the agent had seen when they began writing (null: none). A public reply that came after it answers 409 `newer_reply`, unless `confirmed`',
        ),
      ),
    ),
    confirmed: Type.Optional(Type.Boolean({ description: 'Send even though a newer public reply came meanwhile' })),
    attachments: Type.Optional(
      Type.Array(OutgoingAttachment, {
        maxItems: 10,
        description:
          'Files to attach; together at most RAPPORT_EMAIL_ATTACHMENT_MAX_BYTES (10 MiB), since a public reply may go out as one email. A larger set is refused whole (413) naming the file that crosses the limit',
      }),
    ),
  },
  { additionalProperties: false },
);
export type TicketMessageCreate = Static<typeof TicketMessageCreate>;

export const TicketQueueCounts = Type.Object({
  unassigned: Type.Integer(),
  mine: Type.Integer(),
  my_team: Type.Integer(),
  breaching_soon: Type.Integer(),
  all: Type.Integer(),
});
export type TicketQueueCounts = Static<typeof TicketQueueCounts>;

/** Business minutes to each target; null: no such target. */
const Minutes = Nullable(Type.Integer({ minimum: 1, maximum: 525_600 }));
export const SlaTargets = Type.Object(
  { firstResponse: Minutes, nextResponse: Minutes, resolution: Minutes },
  { additionalProperties: false },
);
export type SlaTargets = Static<typeof SlaTargets>;

/** The targets of each priority. */
export const SlaPriorityTargets = Type.Object(
  { low: SlaTargets, normal: SlaTargets, high: SlaTargets, urgent: SlaTargets },
  { additionalProperties: false },
);
export type SlaPriorityTargets = Static<typeof SlaPriorityTargets>;

/** A customer tier as routing rules and SLA overrides name it (the `tier` custom field of a company or contact). */
export const CustomerTier = Type.String({ minLength: 1, maxLength: 50, pattern: '\\S' });

/**
 * Targets for some tickets: those of any of `channels` (empty: every channel) from a customer of
 * any of `tiers` (empty: every tier, and none). At least one of the two must be given. `calendar`
 * absent: the policy's own calendar.
 */
export const SlaOverride = Type.Object(
  {
    name: ShortText({ minLength: 1 }),
    channels: Type.Array(Type.Enum(ticketChannels), { maxItems: ticketChannels.length, uniqueItems: true }),
    tiers: Type.Array(CustomerTier, { maxItems: 20 }),
    targets: SlaPriorityTargets,
    calendar: Type.Optional(BusinessCalendar),
  },
  { additionalProperties: false },
);
export type SlaOverride = Static<typeof SlaOverride>;

/**
 * A workspace's SLA policy: targets per priority on a business calendar, and ordered overrides by
 * channel and customer tier. A ticket takes the first override that matches it, else the base
 * targets and calendar.
 */
export const SlaPolicy = Type.Object({
  calendar: BusinessCalendar,
  targets: SlaPriorityTargets,
  overrides: Type.Array(SlaOverride, { description: 'Tried in order; the first that matches the ticket wins' }),
});
export type SlaPolicy = Static<typeof SlaPolicy>;
export const SlaPolicyPut = Type.Object(
  {
    calendar: BusinessCalendar,
    targets: SlaPriorityTargets,
    overrides: Type.Optional(
      Type.Array(SlaOverride, {
        maxItems: 50,
        description: 'Tried in order, the first that matches wins; absent: none (the whole policy is replaced)',
      }),
    ),
  },
  { additionalProperties: false },
);
export type SlaPolicyPut = Static<typeof SlaPolicyPut>;
/** The policy as the API answers it; null before an admin sets one. */
export const SlaPolicyAnswer = Type.Object({ policy: Nullable(SlaPolicy) });
export type SlaPolicyAnswer = Static<typeof SlaPolicyAnswer>;

/** A shared mailbox that is a support address (email-to-ticket): new threads become tickets, agents' replies go out from it. */
export const SupportMailbox = Type.Object({
  mailboxId: Uuid,
  address: Type.String(),
  teamId: Nullable(Uuid),
  autoAcknowledge: Type.Boolean(),
  ackSubject: Type.String(),
  ackBody: Type.String(),
  updatedAt: Timestamp,
});
export type SupportMailbox = Static<typeof SupportMailbox>;

export const SupportMailboxPut = Type.Object(
  {
    teamId: Type.Optional(Nullable(Uuid)),
    autoAcknowledge: Type.Optional(Type.Boolean()),
    ackSubject: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 300,
        description: 'Placeholders: {{ticket.number}}, {{ticket.subject}}, {{requester.name}}',
      }),
    ),
    ackBody: Type.Optional(
      Type.String({ minLength: 1, maxLength: 5_000, description: 'Plain text; the same placeholders as the subject' }),
    ),
  },
  { additionalProperties: false },
);
export type SupportMailboxPut = Static<typeof SupportMailboxPut>;

// Routing (issue 14): agents' availability and skills, each team's routing method, and the
// workspace's ordered routing rules. The lists below are columns of server/modules/tickets/routing.table.ts.

/** An agent's support status: only `online` agents are given tickets. */
export const agentStatuses = ['online', 'away', 'off'] as const;
/** How a team hands out its new tickets: `manual` leaves them unassigned in the team queue. */
export const routingMethods = ['manual', 'round_robin', 'least_loaded'] as const;

const Skill = Type.String({ minLength: 1, maxLength: 50, pattern: '\\S' });

/** A member as the support desk sees them: status (`off` until they set one) and skills. */
export const SupportAgent = Type.Object({
  memberId: Uuid,
  name: Type.String(),
  status: Type.Enum(agentStatuses),
  skills: Type.Array(Type.String()),
  statusChangedAt: Nullable(Timestamp),
});
export type SupportAgent = Static<typeof SupportAgent>;

export const SupportStatusPut = Type.Object({ status: Type.Enum(agentStatuses) }, { additionalProperties: false });
export type SupportStatusPut = Static<typeof SupportStatusPut>;

export const AgentSkillsPut = Type.Object({ skills: Type.Array(Skill, { maxItems: 30 }) }, { additionalProperties: false });
export type AgentSkillsPut = Static<typeof AgentSkillsPut>;

export const TeamRouting = Type.Object({
  teamId: Uuid,
  method: Type.Enum(routingMethods),
  reassignWhenAway: Type.Boolean({
    description: "An agent going away or off hands their open tickets of this team to the team's next available agent",
  }),
});
export type TeamRouting = Static<typeof TeamRouting>;

export const TeamRoutingPut = Type.Object(
  { method: Type.Enum(routingMethods), reassignWhenAway: Type.Boolean() },
  { additionalProperties: false },
);
export type TeamRoutingPut = Static<typeof TeamRoutingPut>;

/**
 * A routing rule: a new ticket matching every non-empty condition (any keyword in subject or
 * description, any channel, any customer tier) goes to `teamId`, to an agent with `requiredSkill`
 * when one is named. Rules are tried in order; the first match wins.
 */
const ruleFields = {
  name: ShortText({ minLength: 1 }),
  keywords: Type.Array(Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' }), { maxItems: 30 }),
  channels: Type.Array(Type.Enum(ticketChannels), { maxItems: ticketChannels.length, uniqueItems: true }),
  tiers: Type.Array(CustomerTier, { maxItems: 20 }),
  teamId: Uuid,
  requiredSkill: Nullable(Skill),
};
export const RoutingRule = Type.Object({ id: Uuid, ...ruleFields });
export type RoutingRule = Static<typeof RoutingRule>;
export const RoutingRuleInput = Type.Object(
  {
    ...ruleFields,
    keywords: Type.Optional(ruleFields.keywords),
    channels: Type.Optional(ruleFields.channels),
    tiers: Type.Optional(ruleFields.tiers),
    requiredSkill: Type.Optional(ruleFields.requiredSkill),
  },
  { additionalProperties: false },
);
export type RoutingRuleInput = Static<typeof RoutingRuleInput>;
/** The whole ordered list, replaced at once: the order is the point of the list. */
export const RoutingRulesPut = Type.Object({ rules: Type.Array(RoutingRuleInput, { maxItems: 100 }) }, { additionalProperties: false });
export type RoutingRulesPut = Static<typeof RoutingRulesPut>;
export const RoutingRules = Type.Object({ rules: Type.Array(RoutingRule) });
export type RoutingRules = Static<typeof RoutingRules>;
export type AgentStatus = (typeof agentStatuses)[number];

// The service dashboard (issue 14, "Reports"): what the support desk did over a period.
export const ServiceReportQuery = Type.Object(
  {
    from: Type.Optional(Type.String({ format: 'date', description: 'First day counted (default: 30 days before `to`)' })),
    to: Type.Optional(Type.String({ format: 'date', description: 'Last day counted (default: today, UTC)' })),
  },
  { additionalProperties: false },
);
export type ServiceReportQuery = Static<typeof ServiceReportQuery>;

/** Minutes from a ticket's creation to an event, on the wall clock (SLA targets count business minutes). */
const Durations = Type.Object({
  tickets: Type.Integer(),
  medianMinutes: Nullable(Type.Number()),
  p90Minutes: Nullable(Type.Number()),
});
const Count = (key: string) => Type.Object({ [key]: Nullable(Type.String()), tickets: Type.Integer() });

export const ServiceReport = Type.Object({
  from: DateOnly,
  to: DateOnly,
  created: Type.Integer(),
  solved: Type.Integer(),
  byChannel: Type.Array(Count('channel')),
  byType: Type.Array(Count('type')),
  firstResponse: Durations,
  resolution: Durations,
  /** Tickets of the period that had SLA targets: how many breached one, and the share that did not. */
  sla: Type.Object({ tickets: Type.Integer(), breached: Type.Integer(), metPercent: Nullable(Type.Number()) }),
  /** Open tickets now, by how long ago they were created: under a day, 1–3 days, 3–7 days, over a week. */
  backlog: Type.Object({ day: Type.Integer(), threeDays: Type.Integer(), week: Type.Integer(), older: Type.Integer() }),
  byAssignee: Type.Array(
    Type.Object({
      memberId: Nullable(Uuid),
      tickets: Type.Integer(),
      solved: Type.Integer(),
      medianFirstResponseMinutes: Nullable(Type.Number()),
    }),
  ),
  byTeam: Type.Array(
    Type.Object({
      teamId: Nullable(Uuid),
      tickets: Type.Integer(),
      solved: Type.Integer(),
      medianFirstResponseMinutes: Nullable(Type.Number()),
    }),
  ),
});
export type ServiceReport = Static<typeof ServiceReport>;
