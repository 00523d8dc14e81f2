import { bigint, customType, integer, jsonb, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * Columns every tenant record carries. The tenant key comes first so that it leads the
 * primary key and every index: that is what lets Citus keep a workspace on one node.
 */
export const tenantKey = () => ({
  workspaceId: uuid('workspace_id').notNull(),
  id: uuid('id').notNull(),
});

export const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** Bytes (attachments, photos), read back as a Buffer whichever driver (pg or PGlite) returned them. */
export const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (v) => (Buffer.isBuffer(v) ? v : Buffer.from(v)),
});

/** Bookkeeping for records that people edit: optimistic version, authorship, soft delete. */
export const recordColumns = () => ({
  version: integer('version').notNull().default(1),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
  createdBy: uuid('created_by'),
  deletedAt: ts('deleted_at'),
});

export const customColumn = () => jsonb('custom').$type<Record<string, unknown>>().notNull().default({});

export const money = (name: string) => bigint(name, { mode: 'number' });
