import Type from 'typebox';
import { IdParams, Page } from '../../../contract/common.ts';
import { Contact, ContactCreate, ContactOverview, ContactUpdate } from '../../../contract/contacts.ts';
import { notFound } from '../../http/errors.ts';
import { sendJsonText } from '../../http/json-text.ts';
import type { App } from '../../http/typed-app.ts';
import { errorResponses, registerRecordRoutes } from '../../records/routes.ts';
import { contactVcard } from './contact-vcard.ts';
import { contactOverviewJson } from './contacts.queries.ts';
import * as contacts from './contacts.service.ts';

const CompanyContactsQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 2000 })),
    sort: Type.Optional(Type.String({ maxLength: 300, description: 'Comma-separated fields, `-` for descending' })),
  },
  { additionalProperties: false },
);

export async function contactRoutes(app: App) {
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
    vcard: (r) => contactVcard(r as Parameters<typeof contactVcard>[0]),
  });

  app.get('/companies/:id/contacts', {
    config: { permission: 'read', answers: { data: 'contact' } },
    schema: {
      tags: ['Companies'],
      summary: 'Contacts who work at a company',
      params: IdParams,
      querystring: CompanyContactsQuery,
      response: { 200: Page(Contact), ...errorResponses },
    },
    handler: async (req) => {
      return contacts.listCompanyContacts(app.db, req.ctx, req.params.id, req.query);
    },
  });

  app.get('/contacts/:id/overview', {
    config: { permission: 'read', answers: { contact: 'contact', openDeals: 'deal' } },
    schema: {
      tags: ['Contacts'],
      summary: "A contact's page in one request",
      description:
        'The contact (as GET /contacts/{id}), its 20 newest open deals, and counts of its companies, deals, open deals, activities and open tasks (none in the trash).',
      params: IdParams,
      response: { 200: ContactOverview, ...errorResponses },
    },
    handler: async (req, reply) => {
      const json = await contactOverviewJson(app.db, req.ctx, req.params.id);
      if (json === null) throw notFound('Contact');
      return sendJsonText(reply, json);
    },
  });
}
