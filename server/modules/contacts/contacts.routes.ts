import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import { IdParams, Page } from '../../../contract/common.ts';
import { Contact, ContactCreate, ContactUpdate } from '../../../contract/contacts.ts';
import { errorResponses, registerRecordRoutes } from '../../records/routes.ts';
import * as contacts from './contacts.service.ts';

const CompanyContactsQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 2000 })),
    sort: Type.Optional(Type.String({ maxLength: 300, description: 'Comma-separated fields, `-` for descending' })),
  },
  { additionalProperties: false },
);

export async function contactRoutes(app: FastifyInstance) {
  registerRecordRoutes(app, {
    path: 'contacts',
    tag: 'Contacts',
    def: contacts.contactDef,
    schemas: { record: Contact, create: ContactCreate, update: ContactUpdate },
    service: {
      list: contacts.listContacts,
      get: contacts.getContact,
      create: contacts.createContact,
      update: contacts.updateContact,
      remove: contacts.deleteContact,
      restore: contacts.restoreContact,
    },
  });

  app.get('/companies/:id/contacts', {
    config: { permission: 'read' },
    schema: {
      tags: ['Companies'],
      summary: 'Contacts who work at a company',
      params: IdParams,
      querystring: CompanyContactsQuery,
      response: { 200: Page(Contact), ...errorResponses },
    },
    handler: async (req) => {
      const q = req.query as { limit?: number; cursor?: string; sort?: string };
      return contacts.listCompanyContacts(app.db, req.ctx, (req.params as { id: string }).id, q);
    },
  });
}
