import type { FastifyInstance } from 'fastify';
import { Deal, DealCreate, DealUpdate } from '../../../contract/deals.ts';
import { registerRecordRoutes } from '../../records/routes.ts';
import * as deals from './deals.service.ts';

export async function dealRoutes(app: FastifyInstance) {
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
}
