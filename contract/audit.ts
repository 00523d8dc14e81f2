import Type, { type Static } from 'typebox';
import { Nullable, Timestamp, Uuid, UuidParam } from './common.ts';

/**
 * The types of thing whose changes the audit page can be filtered by: the objects with records and
 * the workspace's own settings, members, keys and rules (written to the same history).
 */
export const auditObjectTypes = [
  'contact',
  'company',
  'deal',
  'lead',
  'activity',
  'task',
  'custom_record',
  'object_type',
  'list',
  'saved_view',
  'pipeline',
  'field_definition',
  'member',
  'invitation',
  'api_key',
  'workspace',
  'webhook',
  'automation_rule',
  'job',
] as const;

/** What a security event says happened. */
export const securityEventKinds = [
  'member.created',
  'member.updated',
  'invitation.created',
  'invitation.deleted',
  'api_key.created',
  'api_key.deleted',
  'workspace.updated',
  'records.exported',
  'records.imported',
  'records.merged',
  'contact.erased',
  'contact.data_exported',
  'permission.denied',
  'audit.exported',
  'audit.retention_changed',
  'retention.changed',
  'records.purged',
  'record.shared',
  'record.unshared',
] as const;
export type SecurityEventKind = (typeof securityEventKinds)[number];

const Page = Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 }));
const Cursor = Type.Optional(UuidParam('nextCursor of the previous page'));
const Since = Type.Optional(Type.String({ maxLength: 40, description: 'ISO date-time: on or after' }));
const Until = Type.Optional(Type.String({ maxLength: 40, description: 'ISO date-time: before' }));

export const AuditChange = Type.Object({
  id: Uuid,
  at: Timestamp,
  recordType: Type.String(),
  recordId: Uuid,
  action: Type.String(),
  field: Nullable(Type.String()),
  oldValue: Type.Unknown(),
  newValue: Type.Unknown(),
  actorType: Type.String(),
  actorId: Nullable(Uuid),
  requestId: Nullable(Type.String()),
});
export type AuditChange = Static<typeof AuditChange>;

export const AuditChangeQuery = Type.Object(
  {
    memberId: Type.Optional(UuidParam('Changes made by this member (or their API keys)')),
    objectType: Type.Optional(Type.String({ maxLength: 40, description: `One of: ${auditObjectTypes.join(', ')}` })),
    recordId: Type.Optional(UuidParam('Changes of this record')),
    from: Since,
    to: Until,
    limit: Page,
    cursor: Cursor,
  },
  { additionalProperties: false },
);
export type AuditChangeQuery = Static<typeof AuditChangeQuery>;

export const signInOutcomes = ['success', 'failure'] as const;

export const SignInAttempt = Type.Object({
  id: Uuid,
  at: Timestamp,
  email: Type.String(),
  memberId: Nullable(Uuid),
  method: Type.String({ description: 'password, sso, two_factor, invitation …' }),
  result: Type.String({ description: 'success, wrong_password, wrong_code, throttled …' }),
  success: Type.Boolean(),
  ip: Nullable(Type.String()),
  userAgent: Nullable(Type.String()),
});
export type SignInAttempt = Static<typeof SignInAttempt>;

export const SignInQuery = Type.Object(
  {
    memberId: Type.Optional(UuidParam('Sign-ins of this member')),
    outcome: Type.Optional(Type.Enum(signInOutcomes)),
    ip: Type.Optional(Type.String({ maxLength: 64 })),
    from: Since,
    to: Until,
    limit: Page,
    cursor: Cursor,
  },
  { additionalProperties: false },
);
export type SignInQuery = Static<typeof SignInQuery>;

export const SecurityEvent = Type.Object({
  id: Uuid,
  at: Timestamp,
  kind: Type.Enum(securityEventKinds),
  actorType: Type.String(),
  actorId: Nullable(Uuid),
  subjectType: Nullable(Type.String()),
  subjectId: Nullable(Type.String()),
  detail: Type.Unknown({ description: 'What changed or was done, by kind' }),
  ip: Nullable(Type.String()),
  requestId: Nullable(Type.String()),
});
export type SecurityEvent = Static<typeof SecurityEvent>;

export const SecurityEventQuery = Type.Object(
  {
    memberId: Type.Optional(UuidParam('Events caused by this member (or their API keys)')),
    kind: Type.Optional(Type.Enum(securityEventKinds)),
    from: Since,
    to: Until,
    limit: Page,
    cursor: Cursor,
  },
  { additionalProperties: false },
);
export type SecurityEventQuery = Static<typeof SecurityEventQuery>;

export const AuditSettings = Type.Object({
  retentionDays: Nullable(
    Type.Integer({ description: 'Days security events and sign-ins are kept; null keeps them for good. Record history is always kept.' }),
  ),
});
export type AuditSettings = Static<typeof AuditSettings>;

export const AuditSettingsUpdate = Type.Object(
  { retentionDays: Nullable(Type.Integer({ description: 'At least 1 and at most 36500; null keeps them for good' })) },
  { additionalProperties: false },
);
export type AuditSettingsUpdate = Static<typeof AuditSettingsUpdate>;
