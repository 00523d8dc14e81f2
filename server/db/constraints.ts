import type { PgColumn } from 'drizzle-orm/pg-core';
import { foreignKey, primaryKey } from 'drizzle-orm/pg-core';
import { members } from '../modules/auth/auth.table.ts';
import { workspaces } from '../modules/workspaces/workspaces.table.ts';

type Keyed = { workspaceId: PgColumn; id: PgColumn };

/** Primary key (workspace_id, id) and the cascade from the workspace: the shape of every tenant table. */
export function tenantConstraints(t: Keyed) {
  return [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
  ];
}

/** A reference to a member of the same workspace (record owner, task assignee). */
export function memberRef(t: { workspaceId: PgColumn }, column: PgColumn) {
  return foreignKey({ columns: [t.workspaceId, column], foreignColumns: [members.workspaceId, members.id] });
}
