import Type, { type Static } from 'typebox';
import { Nullable, Timestamp, Uuid } from './common.ts';

// The customer portal's settings (issue 14): which shared mailbox sends portal mail (sign-in links,
// satisfaction surveys), and whether a customer sees their company's tickets besides their own.

export const PortalSettings = Type.Object({
  senderMailboxId: Nullable(Uuid),
  companyTickets: Type.Boolean({ description: 'A signed-in customer also sees the tickets of the companies they belong to' }),
});
export type PortalSettings = Static<typeof PortalSettings>;

export const PortalSettingsUpdate = Type.Object(
  {
    senderMailboxId: Type.Optional(Nullable(Uuid)),
    companyTickets: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type PortalSettingsUpdate = Static<typeof PortalSettingsUpdate>;

/** A requester's answer to "how did we do?" on a solved ticket. */
export const satisfactionRatings = ['good', 'bad'] as const;

export const TicketSatisfaction = Type.Object({
  ticketId: Uuid,
  rating: Nullable(Type.Enum(satisfactionRatings)),
  comment: Nullable(Type.String()),
  ratedAt: Nullable(Timestamp),
});
export type TicketSatisfaction = Static<typeof TicketSatisfaction>;

const SatisfactionCounts = {
  good: Type.Integer(),
  bad: Type.Integer(),
  percentGood: Nullable(Type.Number({ description: 'good ÷ (good + bad) × 100, one decimal; null without ratings' })),
};

export const SatisfactionReport = Type.Object({
  from: Timestamp,
  to: Timestamp,
  total: Type.Object(SatisfactionCounts),
  byAgent: Type.Array(Type.Object({ assigneeId: Nullable(Uuid), ...SatisfactionCounts })),
  byTeam: Type.Array(Type.Object({ teamId: Nullable(Uuid), ...SatisfactionCounts })),
});
export type SatisfactionReport = Static<typeof SatisfactionReport>;

export const SatisfactionQuery = Type.Object(
  {
    from: Type.Optional(Timestamp),
    to: Type.Optional(Timestamp),
  },
  { additionalProperties: false },
);
export type SatisfactionQuery = Static<typeof SatisfactionQuery>;
