import { photoProblem } from '../contacts/photos.ts';

/**
 * A picture cell: a data: URL (`data:image/jpeg;base64,…`, as vCard 4.0 writes PHOTO) or bare base64
 * (vCard 2.1/3.0's ENCODING=b). A link is not followed: the importer fetches nothing from the network.
 */
export function photoOf(cell: string): { bytes: Buffer } | { problem: string } {
  const v = cell.trim();
  if (/^https?:\/\//i.test(v)) return { problem: 'a link to a photo, which is not downloaded' };
  const data = /^data:[^,]*;base64,(.*)$/is.exec(v);
  const base64 = (data ? data[1] : v).replace(/\s+/g, '');
  // Two scans that cannot backtrack: `^[A-Za-z0-9+/]+=*$` over a cell of megabytes overflows V8's
  // backtracking stack (RangeError), which cost a CI run; a bad character, or padding before the end, is not base64.
  if (base64 === '' || /[^A-Za-z0-9+/=]/.test(base64) || /=[^=]/.test(base64))
    return { problem: 'not a picture (neither a data: URL nor base64)' };
  const bytes = Buffer.from(base64, 'base64');
  const problem = photoProblem(bytes);
  return problem ? { problem } : { bytes };
}
