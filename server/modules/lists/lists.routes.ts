import Type from 'typebox';
import { IdParams, Problem } from '../../../contract/common.ts';
import {
  ListMemberIds,
  ListMembersPage,
  ListMembersQuery,
  RecordList,
  RecordListCreate,
  RecordListQuery,
  RecordListUpdate,
} from '../../../contract/lists.ts';
import type { App } from '../../http/typed-app.ts';
import { errorResponses, expectedVersion } from '../../records/routes.ts';
import * as lists from './lists.service.ts';

export async function listRoutes(app: App) {
  const tags = ['Lists'];
  app.get('/lists', {
    config: { permission: 'read' },
    schema: {
      tags,
      summary: 'Static lists of records, by name',
      description: 'Each with its object and how many of its records are outside the trash. `recordId` gives the lists a record is in.',
      querystring: RecordListQuery,
      response: { 200: Type.Object({ data: Type.Array(RecordList) }), ...errorResponses },
    },
    handler: async (req) => ({ data: await lists.listLists(app.db, req.ctx, req.query) }),
  });
  app.post('/lists', {
    config: { permission: 'write' },
    schema: {
      tags,
      summary: 'Make a static list of records of one object',
      description: 'Names are unique in the workspace, without regard to case (409 naming `body.name`).',
      body: RecordListCreate,
      response: { 201: RecordList, ...errorResponses },
    },
    handler: async (req, reply) => reply.status(201).send(await app.db.transaction((tx) => lists.createList(tx, req.ctx, req.body))),
  });
  app.get('/lists/:id', {
    config: { permission: 'read' },
    schema: { tags, summary: 'One list', params: IdParams, response: { 200: RecordList, ...errorResponses } },
    handler: async (req) => lists.getList(app.db, req.ctx, req.params.id),
  });
  app.patch('/lists/:id', {
    config: { permission: 'write' },
    schema: {
      tags,
      summary: 'Rename a list or change its description',
      params: IdParams,
      body: RecordListUpdate,
      response: { 200: RecordList, 428: Problem, ...errorResponses },
    },
    handler: async (req) => {
      const body = req.body;
      const v = expectedVersion(req, body.version, true);
      return app.db.transaction((tx) => lists.updateList(tx, req.ctx, req.params.id, v, body));
    },
  });
  app.delete('/lists/:id', {
    config: { permission: 'write' },
    schema: { tags, summary: 'Delete a list (its records stay)', params: IdParams, response: { 200: RecordList, ...errorResponses } },
    handler: async (req) =>
      app.db.transaction((tx) => lists.deleteList(tx, req.ctx, req.params.id, expectedVersion(req, undefined, false))),
  });
  app.get('/lists/:id/members', {
    config: { permission: 'read' },
    schema: {
      tags,
      summary: "A list's records, most recently added first",
      description: 'Records in the trash are left out (they come back with a restore).',
      params: IdParams,
      querystring: ListMembersQuery,
      response: { 200: ListMembersPage, ...errorResponses },
    },
    handler: async (req) => lists.listMembers(app.db, req.ctx, req.params.id, req.query),
  });
  app.post('/lists/:id/members', {
    config: { permission: 'write' },
    schema: {
      tags,
      summary: 'Add records to a list',
      description:
        "Up to 10,000 ids, each a record of the list's object outside the trash (422 naming the ids that are not). Records already in the list are left as they are: `added` counts the new ones.",
      params: IdParams,
      body: ListMemberIds,
      response: { 200: Type.Object({ added: Type.Integer() }), ...errorResponses },
    },
    handler: async (req) => {
      const r = await app.db.transaction((tx) => lists.addMembers(tx, req.ctx, req.params.id, req.body.ids));
      return { added: r.added };
    },
  });
  app.post('/lists/:id/members/remove', {
    config: { permission: 'write' },
    schema: {
      tags,
      summary: 'Take records out of a list',
      description: 'Ids not in the list change nothing; `removed` counts the ones taken out.',
      params: IdParams,
      body: ListMemberIds,
      response: { 200: Type.Object({ removed: Type.Integer() }), ...errorResponses },
    },
    handler: async (req) => {
      const r = await app.db.transaction((tx) => lists.removeMembers(tx, req.ctx, req.params.id, req.body.ids));
      return { removed: r.removed };
    },
  });
}
