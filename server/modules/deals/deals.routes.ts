import { sql } from 'drizzle-orm';
import Type from 'typebox';
import { IdParams } from '../../../contract/common.ts';
import { Deal, DealCreate, DealUpdate } from '../../../contract/deals.ts';
import type { App } from '../../http/typed-app.ts';
import { findRow } from '../../records/crud.ts';
import { errorResponses, registerRecordRoutes } from '../../records/routes.ts';
import { contactDef } from '../contacts/contacts.service.ts';
import * as deals from './deals.service.ts';
import { dealContacts } from './deals.table.ts';

export async function dealRoutes(app: App) {
  registerRecordRoutes(app, {
    path: 'deals',
    tag: 'Deals',
    def: deals.dealDef,
    schemas: { record: Deal, create: DealCreate, update: DealUpdate },
    service: {
      list: deals.listDeals,
      get: deals.getDeal,
      create: deals.createDeal,
      update: deals.updateDeal,
      remove: deals.deleteDeal,
      restore: deals.restoreDeal,
    },
  });

  app.get('/contacts/:id/deals', {
    config: { permission: 'read', answers: { data: 'deal' } },
    schema: {
      tags: ['Deals'],
      summary: 'The deals a contact is on (newest first, at most 200)',
      params: IdParams,
      response: { 200: Type.Object({ data: Type.Array(Deal) }), ...errorResponses },
    },
    handler: async (req) => {
      const { id } = req.params;
      await findRow(app.db, req.ctx, contactDef, id); // 404 unless the contact is of this workspace
      const onDeal = sql`exists (select 1 from ${dealContacts} dc where dc.workspace_id = "deals"."workspace_id" and dc.deal_id = "deals"."id" and dc.contact_id = ${id})`;
      const page = await deals.listDeals(app.db, req.ctx, { limit: 200, sort: '-createdAt', where: onDeal });
      return { data: page.data };
    },
  });
}
