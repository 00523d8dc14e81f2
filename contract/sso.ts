import Type, { type Static } from 'typebox';
import { Timestamp } from './common.ts';

const JoinRole = Type.Enum(['admin', 'member', 'read-only'] as const);

export const SsoConfig = Type.Object({
  issuer: Type.String(),
  clientId: Type.String(),
  hasClientSecret: Type.Boolean({ description: 'The secret itself is never shown again' }),
  emailDomain: Type.String(),
  defaultRole: JoinRole,
  groupsClaim: Type.String(),
  groupRoles: Type.Record(Type.String(), JoinRole),
  ssoOnly: Type.Boolean(),
  redirectUri: Type.String({ description: 'Register this as the redirect URI at the provider' }),
  updatedAt: Timestamp,
});
export type SsoConfig = Static<typeof SsoConfig>;

export const SsoConfigInput = Type.Object(
  {
    issuer: Type.String({
      minLength: 1,
      maxLength: 500,
      description: 'The issuer URL; its /.well-known/openid-configuration is read on save',
    }),
    clientId: Type.String({ minLength: 1, maxLength: 500 }),
    clientSecret: Type.Optional(
      Type.String({ minLength: 1, maxLength: 2000, description: 'Required the first time; omitted keeps the stored one' }),
    ),
    emailDomain: Type.String({
      minLength: 3,
      maxLength: 253,
      description: 'People whose email ends @ this domain are sent to this provider',
    }),
    defaultRole: JoinRole,
    groupsClaim: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    groupRoles: Type.Optional(Type.Record(Type.String({ maxLength: 200 }), JoinRole, { maxProperties: 100 })),
    ssoOnly: Type.Boolean({ description: 'Refuse password sign-in to every member but the owner (who keeps it as a way back in)' }),
  },
  { additionalProperties: false },
);
export type SsoConfigInput = Static<typeof SsoConfigInput>;

export const SsoStart = Type.Object({ email: Type.String({ minLength: 3, maxLength: 254 }) }, { additionalProperties: false });
export const SsoRedirect = Type.Object({ redirectUrl: Type.String() });
export const SsoCallbackQuery = Type.Object({
  code: Type.Optional(Type.String({ maxLength: 2000 })),
  state: Type.Optional(Type.String({ maxLength: 300 })),
  iss: Type.Optional(Type.String({ maxLength: 500 })),
  error: Type.Optional(Type.String({ maxLength: 200 })),
  error_description: Type.Optional(Type.String({ maxLength: 2000 })),
  session_state: Type.Optional(Type.String({ maxLength: 500 })),
});
