import Type, { type Static } from 'typebox';
import { Nullable, RecordMeta, ShortText, Uuid } from './common.ts';

// Teams and access profiles ("roles" defined by a workspace). A member keeps one of the four fixed
// roles (contract/common.ts Roles), which decide what kind of route they may call; a profile given
// to a member or read-only member narrows which records those routes reach. Owners and admins are
// never narrowed.

/** Which records a right reaches, by who they belong to (their owner; a task's assignee). */
export const AccessScopes = ['none', 'own', 'team', 'team_and_below', 'all'] as const;
export type AccessScope = (typeof AccessScopes)[number];
export const AccessScope = Type.Enum(AccessScopes);

/** A field a role may not see at all (`hidden`), or may see but not write (`read_only`). */
export const FieldRules = ['hidden', 'read_only'] as const;
export type FieldRule = (typeof FieldRules)[number];
export const FieldRule = Type.Enum(FieldRules);

/** Rules per field of one object, by API name (`amount`, `phones`, `custom.budget`). */
export const FieldRuleMap = Type.Record(Type.String({ pattern: '^(custom\\.)?[a-zA-Z][a-zA-Z0-9_]{0,62}$' }), FieldRule, {
  maxProperties: 200,
});
export type FieldRuleMap = Static<typeof FieldRuleMap>;

/** What a profile allows on one object type. */
export const ObjectRights = Type.Object(
  {
    read: AccessScope,
    edit: AccessScope,
    delete: AccessScope,
    create: Type.Boolean(),
    export: Type.Boolean(),
    import: Type.Boolean(),
    merge: Type.Boolean(),
    bulkEdit: Type.Boolean(),
    /** Fields hidden from the role (left out of every answer, refused on write) or read-only (refused on write). */
    fields: Type.Optional(FieldRuleMap),
  },
  { additionalProperties: false },
);
export type ObjectRights = Static<typeof ObjectRights>;

/** The boolean rights of ObjectRights: actions on records, not scopes. */
export type ObjectAction = 'create' | 'export' | 'import' | 'merge' | 'bulkEdit';

/**
 * Rights per object type, by the registry's name (`contact`, `deal`, … `custom_record` for the
 * records of every custom object). An object the profile does not name is out of reach (none,
 * no actions): a new object type is closed to a profile until an admin opens it.
 */
export const ProfileRights = Type.Record(Type.String({ pattern: '^[a-z][a-z0-9_]{0,62}$' }), ObjectRights, { maxProperties: 100 });
export type ProfileRights = Static<typeof ProfileRights>;

export const AccessProfile = Type.Object({
  ...RecordMeta,
  name: Type.String(),
  description: Nullable(Type.String()),
  rights: ProfileRights,
  /** The members who hold this profile. */
  memberIds: Type.Array(Uuid),
});
export type AccessProfile = Static<typeof AccessProfile>;

const Description = Type.String({ maxLength: 2000 });

export const AccessProfileCreate = Type.Object(
  { name: ShortText({ minLength: 1 }), description: Type.Optional(Nullable(Description)), rights: ProfileRights },
  { additionalProperties: false },
);
export type AccessProfileCreate = Static<typeof AccessProfileCreate>;

export const AccessProfileUpdate = Type.Object(
  {
    name: Type.Optional(ShortText({ minLength: 1 })),
    description: Type.Optional(Nullable(Description)),
    rights: Type.Optional(ProfileRights),
    version: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);
export type AccessProfileUpdate = Static<typeof AccessProfileUpdate>;

/** Gives a member a profile (replacing the one they had), or takes it away with null. */
export const MemberProfileSet = Type.Object({ profileId: Nullable(Uuid) }, { additionalProperties: false });
export type MemberProfileSet = Static<typeof MemberProfileSet>;

export const Team = Type.Object({
  ...RecordMeta,
  name: Type.String(),
  parentTeamId: Nullable(Uuid),
  managerId: Nullable(Uuid),
  memberIds: Type.Array(Uuid),
});
export type Team = Static<typeof Team>;

export const TeamCreate = Type.Object(
  {
    name: ShortText({ minLength: 1 }),
    parentTeamId: Type.Optional(Nullable(Uuid)),
    managerId: Type.Optional(Nullable(Uuid)),
  },
  { additionalProperties: false },
);
export type TeamCreate = Static<typeof TeamCreate>;

export const TeamUpdate = Type.Object(
  {
    name: Type.Optional(ShortText({ minLength: 1 })),
    parentTeamId: Type.Optional(Nullable(Uuid)),
    managerId: Type.Optional(Nullable(Uuid)),
    version: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);
export type TeamUpdate = Static<typeof TeamUpdate>;

export const TeamMemberIds = Type.Object({ ids: Type.Array(Uuid, { minItems: 1, maxItems: 200 }) }, { additionalProperties: false });
export type TeamMemberIds = Static<typeof TeamMemberIds>;

/** Whether a record shared with someone lets them only read it, or edit it too. */
export const ShareAccesses = ['read', 'edit'] as const;
export const ShareAccess = Type.Enum(ShareAccesses);

/** One record shared with one member or one team, beyond what their role's scope reaches. */
export const RecordShare = Type.Object({
  id: Uuid,
  recordType: Type.String(),
  recordId: Uuid,
  /** Set when shared with a member … */
  memberId: Nullable(Uuid),
  /** … or with a team (its members and its manager). */
  teamId: Nullable(Uuid),
  access: ShareAccess,
  createdAt: Type.String({ format: 'date-time' }),
  createdBy: Nullable(Uuid),
});
export type RecordShare = Static<typeof RecordShare>;

/** Shares a record with a member or a team (exactly one); sharing again with them changes the access. */
export const RecordShareCreate = Type.Object(
  { memberId: Type.Optional(Uuid), teamId: Type.Optional(Uuid), access: ShareAccess },
  { additionalProperties: false },
);
export type RecordShareCreate = Static<typeof RecordShareCreate>;
