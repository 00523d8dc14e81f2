import Type, { type Static } from 'typebox';
import { Nullable, ShortText, Timestamp, Uuid, VersionField } from './common.ts';
import { ticketMessageKinds, ticketPriorities, ticketStatuses } from './support.ts';

// The agent workspace around a ticket (issue 14): macros, presence of other agents, merge and
// split, suggested knowledge-base articles.

const Tag = Type.String({ minLength: 1, maxLength: 50 });
const Tags = Type.Array(Tag, { maxItems: 20 });

/**
 * The placeholders a macro's reply may use: `{{requester.firstName}}` … Anything else in double
 * braces is refused when the macro is saved, so that a typo never reaches a customer.
 */
export const macroPlaceholders = [
  'requester.firstName',
  'requester.lastName',
  'requester.name',
  'requester.email',
  'ticket.number',
  'ticket.subject',
  'agent.name',
] as const;

/** What a macro changes on the ticket; an absent key leaves the field as it is, null clears assignee or team. */
export const MacroChanges = Type.Object(
  {
    status: Type.Optional(Type.Enum(ticketStatuses)),
    priority: Type.Optional(Type.Enum(ticketPriorities)),
    assigneeId: Type.Optional(Nullable(Uuid)),
    teamId: Type.Optional(Nullable(Uuid)),
    addTags: Type.Optional(Tags),
    removeTags: Type.Optional(Tags),
  },
  { additionalProperties: false },
);
export type MacroChanges = Static<typeof MacroChanges>;

export const Macro = Type.Object({
  id: Uuid,
  name: Type.String(),
  /** The member whose own macro this is; null: shared by the workspace (managed by admins). */
  ownerId: Nullable(Uuid),
  /** The canned text, with placeholders; null: the macro writes nothing, it only changes fields. */
  body: Nullable(Type.String()),
  kind: Type.Enum(ticketMessageKinds, { description: 'Whether the body goes out as a public reply or an internal note' }),
  changes: MacroChanges,
  version: Type.Integer(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Macro = Static<typeof Macro>;

const macroFields = {
  name: ShortText({ minLength: 1 }),
  body: Type.Optional(Nullable(Type.String({ maxLength: 20_000 }))),
  kind: Type.Optional(Type.Enum(ticketMessageKinds)),
  changes: Type.Optional(MacroChanges),
};

export const MacroCreate = Type.Object(
  {
    ...macroFields,
    personal: Type.Optional(Type.Boolean({ description: 'Only the caller sees and uses it (default: shared, admins only)' })),
  },
  { additionalProperties: false },
);
export type MacroCreate = Static<typeof MacroCreate>;

export const MacroUpdate = Type.Object(
  { ...macroFields, name: Type.Optional(macroFields.name), version: Type.Optional(VersionField) },
  { additionalProperties: false },
);
export type MacroUpdate = Static<typeof MacroUpdate>;

export const MacroApply = Type.Object({ macroId: Uuid }, { additionalProperties: false });
export const MacroApplyBulk = Type.Object(
  { macroId: Uuid, ids: Type.Array(Uuid, { minItems: 1, maxItems: 100 }) },
  { additionalProperties: false },
);
export type MacroApplyBulk = Static<typeof MacroApplyBulk>;
export const MacroApplied = Type.Object({
  ticketIds: Type.Array(Uuid),
  /** The message each ticket got, in the order of `ticketIds`; null where the macro writes none. */
  messageIds: Type.Array(Nullable(Uuid)),
});
export type MacroApplied = Static<typeof MacroApplied>;

/** Tickets one bulk action takes: a queue page, and a few pages more. */
export const MAX_BULK_TICKETS = 500;

export const TicketBulkAction = Type.Object(
  {
    ids: Type.Array(Uuid, { minItems: 1, maxItems: MAX_BULK_TICKETS, description: 'The tickets selected' }),
    changes: Type.Optional(MacroChanges),
    macroId: Type.Optional(
      Type.String({ format: 'uuid', maxLength: 36, description: 'A macro to apply to each ticket (its reply or note, then its changes)' }),
    ),
  },
  { additionalProperties: false },
);
export type TicketBulkAction = Static<typeof TicketBulkAction>;

export const ticketBulkOutcomes = ['changed', 'unchanged', 'refused'] as const;

/** What a bulk action did to one ticket, or why it left it alone. */
export const TicketBulkOutcome = Type.Object({
  id: Uuid,
  /** Null when the ticket was not found (or is not one the caller may read). */
  number: Nullable(Type.Integer()),
  subject: Nullable(Type.String()),
  outcome: Type.Enum(ticketBulkOutcomes),
  /** The fields it changed (`status`, `assigneeId`, `tags` …). */
  fields: Type.Array(Type.String()),
  /** The reply or note the macro wrote on it. */
  messageId: Nullable(Uuid),
  /** Why it was refused: `not_found`, `forbidden`, `record_deleted` … (null otherwise). */
  code: Nullable(Type.String()),
  reason: Nullable(Type.String()),
});
export type TicketBulkOutcome = Static<typeof TicketBulkOutcome>;

export const TicketBulkResult = Type.Object({
  changed: Type.Integer(),
  unchanged: Type.Integer(),
  refused: Type.Integer(),
  /** One per ticket, in the order of `ids` (each id once). */
  results: Type.Array(TicketBulkOutcome),
});
export type TicketBulkResult = Static<typeof TicketBulkResult>;

export const presenceStates = ['viewing', 'replying', 'left'] as const;
export const PresencePut = Type.Object({ state: Type.Enum(presenceStates) }, { additionalProperties: false });
export type PresencePut = Static<typeof PresencePut>;
/** The other members on a ticket now (seen in the last 30 seconds), the caller left out. */
export const TicketPresence = Type.Object({
  data: Type.Array(Type.Object({ memberId: Uuid, state: Type.Enum(['viewing', 'replying'] as const), seenAt: Timestamp })),
});
export type TicketPresence = Static<typeof TicketPresence>;

export const TicketMerge = Type.Object({ sourceId: Uuid, version: Type.Optional(VersionField) }, { additionalProperties: false });
export type TicketMerge = Static<typeof TicketMerge>;

export const TicketSplit = Type.Object(
  { messageId: Uuid, subject: Type.Optional(ShortText({ minLength: 1 })) },
  { additionalProperties: false },
);
export type TicketSplit = Static<typeof TicketSplit>;

export const ticketRelationKinds = ['merged_into', 'merged_from', 'split_into', 'split_from'] as const;
/** How a ticket is tied to another by a merge or a split, as seen from the ticket asked about. */
export const TicketRelation = Type.Object({
  kind: Type.Enum(ticketRelationKinds),
  ticketId: Uuid,
  number: Type.Integer(),
  subject: Type.String(),
  at: Timestamp,
});
export const TicketRelations = Type.Object({ data: Type.Array(TicketRelation) });
export type TicketRelation = Static<typeof TicketRelation>;

export const SuggestedArticles = Type.Object({
  data: Type.Array(
    Type.Object({
      id: Uuid,
      title: Type.String(),
      language: Type.String(),
      visibility: Type.String(),
      /** Its public address in the help centre; null for internal articles or without a help centre. */
      url: Nullable(Type.String()),
    }),
  ),
});
export type SuggestedArticles = Static<typeof SuggestedArticles>;
