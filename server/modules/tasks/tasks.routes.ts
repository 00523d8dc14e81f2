import { type LinkableType, linkablePaths } from '../../../contract/activities.ts';
import { IdParams, Page } from '../../../contract/common.ts';
import { RecordTasksQuery, Task, TaskCreate, TaskUpdate } from '../../../contract/tasks.ts';
import type { App } from '../../http/typed-app.ts';
import { errorResponses, registerRecordRoutes } from '../../records/routes.ts';
import { objectDefs } from '../registry.ts';
import * as tasks from './tasks.service.ts';

export async function taskRoutes(app: App) {
  registerRecordRoutes(app, {
    path: 'tasks',
    tag: 'Tasks',
    def: tasks.taskDef,
    schemas: { record: Task, create: TaskCreate, update: TaskUpdate },
    service: {
      list: tasks.listTasks,
      get: tasks.getTask,
      create: tasks.createTask,
      update: tasks.updateTask,
      remove: tasks.deleteTask,
      restore: tasks.restoreTask,
    },
  });

  for (const [type, path] of Object.entries(linkablePaths) as [LinkableType, string][]) {
    // A record type gets its task list once its module is in the registry (and so has routes of its own).
    if (!objectDefs[type]) continue;
    app.get(`/${path}/:id/tasks`, {
      config: { permission: 'read' },
      schema: {
        tags: ['Tasks'],
        summary: `Tasks on one ${objectDefs[type].label.toLowerCase()}: open first, then done, by due date`,
        params: IdParams,
        querystring: RecordTasksQuery,
        response: { 200: Page(Task), ...errorResponses },
      },
      handler: async (req) => tasks.recordTasks(app.db, req.ctx, type, req.params.id, req.query),
    });
  }
}
