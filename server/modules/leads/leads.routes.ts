import { IdParams, Problem } from '../../../contract/common.ts';
import { Lead, LeadConversion, LeadConvert, LeadCreate, LeadUpdate } from '../../../contract/leads.ts';
import type { App } from '../../http/typed-app.ts';
import { errorResponses, expectedVersion, registerRecordRoutes } from '../../records/routes.ts';
import * as leads from './leads.service.ts';

export async function leadRoutes(app: App) {
  registerRecordRoutes(app, {
    path: 'leads',
    tag: 'Leads',
    def: leads.leadDef,
    schemas: { record: Lead, create: LeadCreate, update: LeadUpdate },
    service: {
      list: leads.listLeads,
      get: leads.getLead,
      create: leads.createLead,
      update: leads.updateLead,
      remove: leads.deleteLead,
      restore: leads.restoreLead,
    },
  });

  app.post('/leads/:id/convert', {
    config: { permission: 'write' },
    schema: {
      tags: ['Leads'],
      summary: 'Convert a lead into a contact, a company and a deal',
      description:
        'All in one transaction: if any part fails nothing is created and the lead is unchanged. Send the version you read (`version` or `If-Match`); a lead converted already gets 409.',
      params: IdParams,
      body: LeadConvert,
      response: { 200: LeadConversion, 428: Problem, ...errorResponses },
    },
    handler: async (req) => {
      const { version, ...input } = req.body;
      const v = expectedVersion(req, version, true);
      return app.db.transaction((tx) => leads.convertLead(tx, req.ctx, req.params.id, v, input));
    },
  });
}
