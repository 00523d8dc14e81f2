import Type, { type Static } from 'typebox';
import { SessionInfo } from './auth.ts';
import { Nullable, Timestamp } from './common.ts';

/** A six-digit code from the authenticator app, or (at sign-in) a recovery code such as `abcde-fghjk`. */
const Code = Type.String({ minLength: 6, maxLength: 20, description: 'Six digits from the app, or a recovery code at sign-in' });
const Challenge = Type.String({ minLength: 1, maxLength: 200, description: 'The `challenge` of the sign-in answer that asked for it' });

export const TwoFactorStatus = Type.Object({
  enabled: Type.Boolean(),
  enabledAt: Nullable(Timestamp),
  recoveryCodesLeft: Type.Integer(),
  required: Type.Boolean({ description: 'The workspace requires two-factor sign-in for password users' }),
});
export type TwoFactorStatus = Static<typeof TwoFactorStatus>;

export const TwoFactorSetup = Type.Object({
  secret: Type.String({ description: 'Base32, for typing into an app by hand' }),
  uri: Type.String({ description: 'otpauth:// URI, shown as a QR code' }),
});
export type TwoFactorSetup = Static<typeof TwoFactorSetup>;

export const TwoFactorCode = Type.Object({ code: Code }, { additionalProperties: false });
export const RecoveryCodes = Type.Object({ recoveryCodes: Type.Array(Type.String(), { description: 'Shown once; each works once' }) });

export const ChallengeBody = Type.Object({ challenge: Challenge }, { additionalProperties: false });
export const ChallengeCode = Type.Object({ challenge: Challenge, code: Code }, { additionalProperties: false });

/** Enrolment finished at sign-in: the session, and the recovery codes shown once. */
export const EnrolledSession = Type.Object({ session: SessionInfo, recoveryCodes: Type.Array(Type.String()) });

export const WorkspaceSecurity = Type.Object({ requireTwoFactor: Type.Boolean() });
export const WorkspaceSecurityUpdate = Type.Object({ requireTwoFactor: Type.Boolean() }, { additionalProperties: false });
