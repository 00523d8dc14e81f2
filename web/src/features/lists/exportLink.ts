import { apiSegment, type ObjectType } from '../../records.ts';
import type { ListRequest } from './listQuery.ts';

export type ExportFormat = 'csv' | 'json' | 'vcard';

/**
 * The server's export of a list as it stands (filter, sort, saved view, the columns on screen): the
 * server streams every record a page at a time, so a link is all the browser needs. (The list used
 * to be paged through the API here, in memory, and stopped at 50,000 rows.)
 */
export function exportHref(type: ObjectType, params: ListRequest, columns: string[], format: ExportFormat) {
  const q = new URLSearchParams({ format, sort: params.sort });
  if (params.filter) q.set('filter', params.filter);
  if (params.view) q.set('view', params.view);
  // A vCard holds a whole card whatever the columns; CSV and JSON keep the columns on screen.
  if (format !== 'vcard' && columns.length) q.set('fields', columns.join(','));
  return `/api/v1/${apiSegment(type)}/export?${q}`;
}
