import { Company, CompanyCreate, CompanyUpdate } from '../../../contract/companies.ts';
import type { App } from '../../http/typed-app.ts';
import { registerRecordRoutes } from '../../records/routes.ts';
import * as companies from './companies.service.ts';

export async function companyRoutes(app: App) {
  registerRecordRoutes(app, {
    path: 'companies',
    tag: 'Companies',
    def: companies.companyDef,
    schemas: { record: Company, create: CompanyCreate, update: CompanyUpdate },
    service: {
      list: companies.listCompanies,
      get: companies.getCompany,
      create: companies.createCompany,
      update: companies.updateCompany,
      remove: companies.deleteCompany,
      restore: companies.restoreCompany,
    },
  });
}
