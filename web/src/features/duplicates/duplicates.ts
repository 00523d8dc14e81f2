import { api, type GetResult, unwrap } from '../../api.ts';
import type { paths } from '../../api-types.ts';
import type { ObjectType } from '../../records.ts';

export type DuplicateType = 'contact' | 'company' | 'lead';
export type Candidate =
  paths['/api/v1/contacts/duplicates-check']['post']['responses'][200]['content']['application/json']['candidates'][number];
export type Pair = GetResult<'/api/v1/duplicates'>['data'][number];

export const isDuplicateType = (t: ObjectType): t is DuplicateType => t === 'contact' || t === 'company' || t === 'lead';

/** The records a create body would duplicate (nothing is written). */
export async function checkDuplicates(type: DuplicateType, body: Record<string, unknown>): Promise<Candidate[]> {
  const r =
    type === 'contact'
      ? await api.POST('/api/v1/contacts/duplicates-check', { body: body as never })
      : type === 'company'
        ? await api.POST('/api/v1/companies/duplicates-check', { body: body as never })
        : await api.POST('/api/v1/leads/duplicates-check', { body: body as never });
  return unwrap(r).candidates;
}

/** The fields a person picks the value of when merging, in the order the merge screen shows them. */
export const mergeFields: Record<DuplicateType, string[]> = {
  contact: ['firstName', 'lastName', 'emails', 'phones', 'title', 'address', 'lifecycleStage', 'source', 'ownerId'],
  company: ['name', 'domain', 'industry', 'size', 'address', 'phone', 'ownerId'],
  lead: ['firstName', 'lastName', 'email', 'phone', 'companyName', 'title', 'source', 'ownerId'],
};

/** List fields the server joins (every record's items, once each) when no record is picked for them. */
export const joinedFields = new Set(['emails', 'phones']);
