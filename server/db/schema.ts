// Every table, for drizzle-kit and for typed queries. Each module owns its own table file.

export * from '../jobs/jobs.table.ts';
export * from '../modules/activities/activities.table.ts';
export * from '../modules/auth/auth.table.ts';
export * from '../modules/automation/automation.table.ts';
export * from '../modules/companies/companies.table.ts';
export * from '../modules/contacts/contacts.table.ts';
export * from '../modules/deals/deals.table.ts';
export * from '../modules/email/email.table.ts';
export * from '../modules/fields/fields.table.ts';
export * from '../modules/history/history.table.ts';
export * from '../modules/imports/imports.table.ts';
export * from '../modules/leads/leads.table.ts';
export * from '../modules/notifications/notifications.table.ts';
export * from '../modules/objects/objects.table.ts';
export * from '../modules/pipelines/pipelines.table.ts';
export * from '../modules/search/search.table.ts';
export * from '../modules/tasks/tasks.table.ts';
export * from '../modules/views/views.table.ts';
export * from '../modules/webhooks/webhooks.table.ts';
export * from '../modules/workspaces/workspaces.table.ts';
export * from '../records/idempotency.table.ts';
