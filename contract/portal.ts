import Type, { type Static } from 'typebox';
import { Nullable, Uuid } from './common.ts';

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
