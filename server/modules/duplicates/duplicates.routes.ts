import Type from 'typebox';
import { IdParams, Uuid } from '../../../contract/common.ts';
import { CompanyCreate } from '../../../contract/companies.ts';
import { ContactCreate } from '../../../contract/contacts.ts';
import { DealCreate } from '../../../contract/deals.ts';
import {
  ConversionMatches,
  DuplicateCheckResult,
  DuplicateDismiss,
  DuplicatePair,
  DuplicateQuery,
  DuplicateScan,
  type DuplicateType,
  duplicateTypes,
  Merge,
  MergeRequest,
} from '../../../contract/duplicates.ts';
import { LeadCreate } from '../../../contract/leads.ts';
import type { App } from '../../http/typed-app.ts';
import { enqueueNow } from '../../jobs/queue.ts';
import { findRow } from '../../records/crud.ts';
import { errorResponses } from '../../records/routes.ts';
import { companyCheckValues, companyDef } from '../companies/companies.service.ts';
import { contactCheckValues, contactDef } from '../contacts/contacts.service.ts';
import { dealDef } from '../deals/deals.service.ts';
import { leadCheckValues, leadDef } from '../leads/leads.service.ts';
import { scanDuplicatesJob } from './duplicates.jobs.ts';
import { describedCandidates, dismissPair, listPairs, storedProbe, valuesProbe } from './duplicates.service.ts';
import { findLeadMatches } from './lead-matches.ts';
import { getMerge, mergeRecords, undoMerge } from './merge.service.ts';

const checkDescription =
  'Send the body you are about to `POST` to create the record: the answer lists the records it looks like (the same email, phone or domain; a look-alike name, more so at the same company), so that a client can warn before creating a second one. Nothing is written.';

const MergeResult = Type.Object({
  merge: Merge,
  survivor: Type.Record(Type.String(), Type.Unknown(), { description: 'The survivor as GET returns it' }),
});

const paths: Record<DuplicateType, string> = { contact: 'contacts', company: 'companies', lead: 'leads', deal: 'deals' };
const tags: Record<DuplicateType, string> = { contact: 'Contacts', company: 'Companies', lead: 'Leads', deal: 'Deals' };
const defs = { contact: contactDef, company: companyDef, lead: leadDef, deal: dealDef };

export async function duplicateRoutes(app: App) {
  app.post('/contacts/duplicates-check', {
    config: { permission: 'read' },
    schema: {
      tags: ['Contacts'],
      summary: 'Contacts a new contact would duplicate',
      description: checkDescription,
      body: ContactCreate,
      response: { 200: DuplicateCheckResult, ...errorResponses },
    },
    handler: async (req) => {
      const { values, companies } = await contactCheckValues(app.db, req.ctx, req.body);
      return {
        candidates: await describedCandidates(app.db, req.ctx, contactDef, valuesProbe(contactDef, req.ctx.workspaceId, values, companies)),
      };
    },
  });
  app.post('/companies/duplicates-check', {
    config: { permission: 'read' },
    schema: {
      tags: ['Companies'],
      summary: 'Companies a new company would duplicate',
      description: checkDescription,
      body: CompanyCreate,
      response: { 200: DuplicateCheckResult, ...errorResponses },
    },
    handler: async (req) => {
      const values = await companyCheckValues(app.db, req.ctx, req.body);
      return {
        candidates: await describedCandidates(app.db, req.ctx, companyDef, valuesProbe(companyDef, req.ctx.workspaceId, values)),
      };
    },
  });
  app.post('/leads/duplicates-check', {
    config: { permission: 'read' },
    schema: {
      tags: ['Leads'],
      summary: 'Leads a new lead would duplicate',
      description: checkDescription,
      body: LeadCreate,
      response: { 200: DuplicateCheckResult, ...errorResponses },
    },
    handler: async (req) => {
      const values = await leadCheckValues(app.db, req.ctx, req.body);
      return {
        candidates: await describedCandidates(app.db, req.ctx, leadDef, valuesProbe(leadDef, req.ctx.workspaceId, values)),
      };
    },
  });

  app.post('/deals/duplicates-check', {
    config: { permission: 'read' },
    schema: {
      tags: ['Deals'],
      summary: 'Deals a new deal would duplicate',
      description: `${checkDescription} Deals are alike by name, more so for the same company.`,
      body: DealCreate,
      response: { 200: DuplicateCheckResult, ...errorResponses },
    },
    handler: async (req) => {
      // Only what the rule compares: the name and the company (an unknown company matches nothing).
      const values = { name: req.body.name, companyId: req.body.companyId ?? null };
      return {
        candidates: await describedCandidates(app.db, req.ctx, dealDef, valuesProbe(dealDef, req.ctx.workspaceId, values)),
      };
    },
  });

  app.get('/leads/:id/conversion-matches', {
    config: { permission: 'read' },
    schema: {
      tags: ['Leads'],
      summary: 'Existing contacts and companies a lead’s conversion could link to',
      description:
        'Contacts with the lead’s email or phone or a look-alike name, and companies with its company’s name (or its email’s domain). Convert with `contact.existingId` / `company.existingId` to link one instead of creating a second.',
      params: IdParams,
      response: { 200: ConversionMatches, ...errorResponses },
    },
    handler: async (req) => findLeadMatches(app.db, req.ctx, req.params.id),
  });

  app.get('/records/:type/:id/duplicates', {
    config: { permission: 'read' },
    schema: {
      tags: ['Duplicates'],
      summary: 'Records that look like this one',
      params: Type.Object({ type: Type.Enum(duplicateTypes), id: Uuid }, { additionalProperties: false }),
      response: { 200: DuplicateCheckResult, ...errorResponses },
    },
    handler: async (req) => {
      const def = defs[req.params.type];
      await findRow(app.db, req.ctx, def, req.params.id);
      return {
        candidates: await describedCandidates(app.db, req.ctx, def, storedProbe(def, req.ctx.workspaceId, req.params.id)),
      };
    },
  });

  app.get('/duplicates', {
    config: { permission: 'read' },
    schema: {
      tags: ['Duplicates'],
      summary: 'The review queue: suspected duplicate pairs, most alike first',
      description:
        'Found when records are created and by a nightly scan of each workspace. Pairs with a record in the trash, and pairs called "not a duplicate", are left out.',
      querystring: DuplicateQuery,
      response: { 200: Type.Object({ data: Type.Array(DuplicatePair) }), ...errorResponses },
    },
    handler: async (req) => ({ data: await listPairs(app.db, req.ctx, req.query.type ?? 'contact', req.query.limit ?? 50) }),
  });

  app.post('/duplicates/dismiss', {
    config: { permission: 'write' },
    schema: {
      tags: ['Duplicates'],
      summary: 'Call two records "not a duplicate"',
      description: 'Remembered: neither scans nor creates raise the pair again.',
      body: DuplicateDismiss,
      response: { 204: Type.Null(), ...errorResponses },
    },
    handler: async (req, reply) => {
      await app.db.transaction((tx) => dismissPair(tx, req.ctx, req.body.type, req.body.ids));
      return reply.status(204).send(null);
    },
  });

  app.post('/duplicates/scan', {
    config: { permission: 'admin' },
    schema: {
      tags: ['Duplicates'],
      summary: 'Scan the workspace for duplicates now',
      description: 'Queues the scan that otherwise runs every night; its progress shows under Settings → Background jobs.',
      querystring: DuplicateScan,
      response: { 202: Type.Object({ jobId: Type.Union([Uuid, Type.Null()]) }), ...errorResponses },
    },
    handler: async (req, reply) => {
      const ws = req.ctx.workspaceId;
      // A scan an import queued for later (duplicates.consumers.ts) is the same singleton: it is
      // brought forward rather than left to keep this one waiting.
      const jobId = await enqueueNow(
        app.db,
        scanDuplicatesJob,
        { workspaceId: ws, ...(req.query.type ? { type: req.query.type } : {}) },
        {
          workspaceId: ws,
          singletonKey: `duplicates.scan:${ws}${req.query.type ? `:${req.query.type}` : ''}`,
        },
      );
      return reply.status(202).send({ jobId });
    },
  });

  for (const type of duplicateTypes) {
    app.post(`/${paths[type]}/merge`, {
      config: { permission: 'write' },
      schema: {
        tags: [tags[type]],
        summary: `Merge ${paths[type]} into one`,
        description:
          'Every link (timeline, tasks, deals, companies, relation fields, other records’ references) of the merged records moves to the survivor; the survivor takes the values picked in `fields`; the merged records go to the trash. One transaction. Undo with `POST /merges/{id}/undo`.',
        body: MergeRequest,
        response: { 200: MergeResult, ...errorResponses },
      },
      handler: async (req) => app.db.transaction((tx) => mergeRecords(tx, req.ctx, type, req.body)),
    });
  }

  app.get('/merges/:id', {
    config: { permission: 'read' },
    schema: { tags: ['Duplicates'], summary: 'A merge', params: IdParams, response: { 200: Merge, ...errorResponses } },
    handler: async (req) => getMerge(app.db, req.ctx, req.params.id),
  });

  app.post('/merges/:id/undo', {
    config: { permission: 'write' },
    schema: {
      tags: ['Duplicates'],
      summary: 'Undo a merge',
      description:
        'The merged records come back from the trash with their links, and the survivor gets its earlier values back. 409 when one of the records changed since the merge (an undo would overwrite that) or when it was undone already.',
      params: IdParams,
      response: { 200: Merge, ...errorResponses },
    },
    handler: async (req) => app.db.transaction((tx) => undoMerge(tx, req.ctx, req.params.id)),
  });
}
