import { SearchQuery, SearchResult } from '../../../contract/search.ts';
import type { App } from '../../http/typed-app.ts';
import { errorResponses } from '../../records/routes.ts';
import { search } from './search.service.ts';

export async function searchRoutes(app: App) {
  app.get('/search', {
    config: { permission: 'read' },
    schema: {
      tags: ['Search'],
      summary: 'Search as you type over contacts, companies, leads and deals',
      description:
        'Each word of `q` must start a word of the record: a name part, an email, an email domain, phone digits or a company name. Exact words rank first, then names, then emails, domains and phones. When that finds fewer hits than `limit`, close spellings fill the rest (a swapped, missing, extra or wrong letter in a word of four letters or more). Records in the trash are not found.',
      querystring: SearchQuery,
      response: { 200: SearchResult, ...errorResponses },
    },
    handler: async (req) => {
      const q = req.query;
      return { data: await search(app.db, req.ctx, { q: q.q, types: q.types?.split(','), limit: q.limit ?? 10 }) };
    },
  });
}
