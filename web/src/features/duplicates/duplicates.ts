import { api, type GetResult, unwrap } from '../../api.ts';
import type { paths } from '../../api-types.ts';
import type { ObjectType } from '../../records.ts';

export type DuplicateType = 'contact' | 'company' | 'lead' | 'deal';
/** The objects with duplicate rules, in the order the review queue offers them. */
export const duplicateTypes: DuplicateType[] = ['contact', 'company', 'lead', 'deal'];
export type Candidate =
  paths['/api/v1/contacts/duplicates-check']['post']['responses'][200]['content']['application/json']['candidates'][number];
export type Pair = GetResult<'/api/v1/duplicates'>['data'][number];

export const isDuplicateType = (t: ObjectType): t is DuplicateType => (duplicateTypes as string[]).includes(t);

/** The records a create body would duplicate (nothing is written). */
export async function checkDuplicates(type: DuplicateType, body: Record<string, unknown>): Promise<Candidate[]> {
  const path = (
    {
      contact: '/api/v1/contacts/duplicates-check',
      company: '/api/v1/companies/duplicates-check',
      lead: '/api/v1/leads/duplicates-check',
      deal: '/api/v1/deals/duplicates-check',
    } as const
  )[type];
  return unwrap(await api.POST(path, { body: body as never })).candidates;
}

/** The fields a person picks the value of when merging, in the order the merge screen shows them. */
export const mergeFields: Record<DuplicateType, string[]> = {
  contact: ['firstName', 'lastName', 'emails', 'phones', 'title', 'address', 'lifecycleStage', 'source', 'ownerId'],
  company: ['name', 'domain', 'industry', 'size', 'address', 'phone', 'ownerId'],
  lead: ['firstName', 'lastName', 'email', 'phone', 'companyName', 'title', 'source', 'ownerId'],
  // `amount` is the amount with its currency; the stage brings its pipeline.
  deal: ['name', 'amount', 'stageId', 'expectedCloseDate', 'ownerId', 'companyId'],
};

/** The merge endpoint of each object. */
export const mergePaths = {
  contact: '/api/v1/contacts/merge',
  company: '/api/v1/companies/merge',
  lead: '/api/v1/leads/merge',
  deal: '/api/v1/deals/merge',
} as const;

/** List fields the server joins (every record's items, once each) when no record is picked for them. */
export const joinedFields = new Set(['emails', 'phones']);
