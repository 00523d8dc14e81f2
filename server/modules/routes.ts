import type { App } from '../http/typed-app.ts';
import { jobRoutes } from '../jobs/jobs.routes.ts';
import { activityRoutes } from './activities/activities.routes.ts';
import { authRoutes } from './auth/auth.routes.ts';
import { automationRoutes } from './automation/automation.routes.ts';
import { companyRoutes } from './companies/companies.routes.ts';
import { contactRoutes } from './contacts/contacts.routes.ts';
import { dealRoutes } from './deals/deals.routes.ts';
import { emailRoutes } from './email/email.routes.ts';
import { fieldRoutes } from './fields/fields.routes.ts';
import { importRoutes } from './imports/imports.routes.ts';
import { leadRoutes } from './leads/leads.routes.ts';
import { liveRoutes } from './live/live.routes.ts';
import { notificationRoutes } from './notifications/notifications.routes.ts';
import { objectRoutes } from './objects/objects.routes.ts';
import { pipelineRoutes } from './pipelines/pipelines.routes.ts';
import { reportRoutes } from './reports/reports.routes.ts';
import { searchRoutes } from './search/search.routes.ts';
import { taskRoutes } from './tasks/tasks.routes.ts';
import { trashRoutes } from './trash/trash.routes.ts';
import { viewRoutes } from './views/views.routes.ts';
import { webhookRoutes } from './webhooks/webhooks.routes.ts';

/** Every module's routes under /api/v1. A new module adds one line here. */
export async function moduleRoutes(app: App) {
  await app.register(authRoutes);
  await app.register(companyRoutes);
  await app.register(contactRoutes);
  await app.register(dealRoutes);
  await app.register(leadRoutes);
  await app.register(fieldRoutes);
  await app.register(pipelineRoutes);
  await app.register(viewRoutes);
  await app.register(activityRoutes);
  await app.register(taskRoutes);
  await app.register(searchRoutes);
  await app.register(importRoutes);
  await app.register(reportRoutes);
  await app.register(jobRoutes);
  await app.register(objectRoutes);
  await app.register(trashRoutes);
  await app.register(liveRoutes);
  await app.register(webhookRoutes);
  await app.register(automationRoutes);
  await app.register(notificationRoutes);
  await app.register(emailRoutes);
}
