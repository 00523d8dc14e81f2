import Type, { type Static } from 'typebox';
import { Nullable, Timestamp, Url, Uuid, UuidParam } from './common.ts';

/**
 * Webhook endpoints: a workspace's admins name a URL and the events it wants; each matching event
 * is POSTed to it, signed per the Standard Webhooks specification (docs/webhooks.md).
 */

/** `*` (every event), `contact.*` (every event of contacts), or one type of the event catalog. */
export const EventTypePattern = Type.String({ minLength: 1, maxLength: 100, pattern: '^(\\*|[a-z_]+\\.(\\*|[a-z_]+))$' });

/**
 * Only events about one object whose record meets conditions (the filter language of views):
 * `{ "object": "deal", "conditions": { "field": "amountMinor", "op": "gt", "value": 1000000 } }`.
 * The record is the one after the change (before it, for a deletion).
 */
export const WebhookFilter = Type.Object(
  {
    object: Type.String({
      minLength: 1,
      maxLength: 40,
      description: 'contact, company, deal, lead, task, activity, or a custom object key',
    }),
    conditions: Type.Optional(
      Type.Unknown({ description: 'A filter in the list filter language; without it, every event about the object' }),
    ),
  },
  { additionalProperties: false },
);
export type WebhookFilter = Static<typeof WebhookFilter>;

export const Webhook = Type.Object({
  id: Uuid,
  version: Type.Integer(),
  url: Type.String(),
  description: Type.String(),
  eventTypes: Type.Array(Type.String()),
  filter: Nullable(WebhookFilter),
  /** False when an admin turned it off or it failed for too long (then `disabledReason` says why). */
  enabled: Type.Boolean(),
  disabledReason: Nullable(
    Type.String({ description: 'Why Rapport turned the endpoint off; null when it is on or an admin turned it off' }),
  ),
  disabledAt: Nullable(Timestamp),
  /** Until then deliveries are signed with the secret before the last rotation as well. */
  previousSecretExpiresAt: Nullable(Timestamp),
  /** Failed attempts in a row, and since when: the endpoint is turned off when both grow too large. */
  consecutiveFailures: Type.Integer(),
  failingSince: Nullable(Timestamp),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  createdBy: Nullable(Uuid),
});
export type Webhook = Static<typeof Webhook>;

/** An endpoint with its signing secret: answered once, at creation and at each rotation. */
export const WebhookWithSecret = Type.Object({
  ...Webhook.properties,
  secret: Type.String({ description: 'whsec_ + base64 of 32 random bytes; shown now and never again' }),
});
export type WebhookWithSecret = Static<typeof WebhookWithSecret>;

const EventTypes = Type.Array(EventTypePattern, { minItems: 1, maxItems: 100 });
const Description = Type.String({ maxLength: 500 });

export const WebhookCreate = Type.Object(
  {
    url: Url,
    eventTypes: EventTypes,
    filter: Type.Optional(Nullable(WebhookFilter)),
    description: Type.Optional(Description),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type WebhookCreate = Static<typeof WebhookCreate>;

export const WebhookUpdate = Type.Object(
  {
    url: Type.Optional(Url),
    eventTypes: Type.Optional(EventTypes),
    filter: Type.Optional(Nullable(WebhookFilter)),
    description: Type.Optional(Description),
    /** Turning an endpoint back on clears its failure count. */
    enabled: Type.Optional(Type.Boolean()),
    version: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);
export type WebhookUpdate = Static<typeof WebhookUpdate>;

export const deliveryStatuses = ['pending', 'succeeded', 'failed'] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

/** One event for one endpoint: tried until it succeeds or its tries run out; replayable. */
export const WebhookDelivery = Type.Object({
  id: Uuid,
  webhookId: Uuid,
  eventId: Uuid,
  eventType: Type.String(),
  status: Type.Enum(deliveryStatuses),
  attempts: Type.Integer(),
  lastStatusCode: Nullable(Type.Integer()),
  lastError: Nullable(Type.String()),
  lastDurationMs: Nullable(Type.Integer()),
  lastAttemptAt: Nullable(Timestamp),
  createdAt: Timestamp,
});
export type WebhookDelivery = Static<typeof WebhookDelivery>;

/** One try at a delivery, as the log shows it. */
export const WebhookAttempt = Type.Object({
  id: Uuid,
  attempt: Type.Integer({ description: '1 for the first try of the delivery; replays count on' }),
  replay: Type.Boolean({ description: 'Started by an admin’s replay rather than by the event or a retry' }),
  at: Timestamp,
  ok: Type.Boolean(),
  statusCode: Nullable(Type.Integer()),
  responseBody: Nullable(Type.String({ description: 'The start of the answer (up to 4 KiB)' })),
  responseTruncated: Type.Boolean(),
  durationMs: Type.Integer(),
  error: Nullable(Type.String({ description: 'Why the try failed, in words' })),
});
export type WebhookAttempt = Static<typeof WebhookAttempt>;

export const WebhookDeliveryDetail = Type.Object({
  ...WebhookDelivery.properties,
  /** The exact body that is signed and sent. */
  body: Type.String(),
  attemptLog: Type.Array(WebhookAttempt),
});
export type WebhookDeliveryDetail = Static<typeof WebhookDeliveryDetail>;

export const DeliveryListQuery = Type.Object(
  {
    status: Type.Optional(Type.Enum(deliveryStatuses)),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    cursor: Type.Optional(UuidParam('nextCursor of the previous page')),
  },
  { additionalProperties: false },
);
export type DeliveryListQuery = Static<typeof DeliveryListQuery>;

export const DeliveryParams = Type.Object({ id: Uuid, deliveryId: Uuid }, { additionalProperties: false });

export const EventTypeInfo = Type.Object({ type: Type.String(), description: Type.String() });
