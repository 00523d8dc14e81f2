// What the Reports page shows — pipeline, owner and period — lives in the address, as a list's
// filter does, so that Back, a reload and a shared link bring the same figures. "Me" is kept as
// `owner=me`, not as an id: a link to "my pipeline" shows each reader their own.

export const periods = [3, 6, 12, 24] as const;
export const defaultMonths = 12;

export interface ReportFilters {
  /** A pipeline id; null means the workspace's first pipeline, as the API defaults. */
  pipeline: string | null;
  /** 'me', a member id, or null for everyone. */
  owner: string | null;
  months: (typeof periods)[number];
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Reads the filters from an address; anything malformed (a hand-edited link) falls back to the default. */
export function readReportFilters(query: URLSearchParams): ReportFilters {
  const pipeline = query.get('pipeline');
  const owner = query.get('owner');
  const months = Number(query.get('months'));
  return {
    pipeline: pipeline && uuid.test(pipeline) ? pipeline : null,
    owner: owner === 'me' || (owner && uuid.test(owner)) ? owner : null,
    months: (periods as readonly number[]).includes(months) ? (months as ReportFilters['months']) : defaultMonths,
  };
}

/** The Reports page's address for a set of filters; defaults are left out, so the plain page stays `/reports`. */
export function reportsHref(f: Partial<ReportFilters>) {
  const q = new URLSearchParams();
  if (f.pipeline) q.set('pipeline', f.pipeline);
  if (f.owner) q.set('owner', f.owner);
  if (f.months && f.months !== defaultMonths) q.set('months', String(f.months));
  const text = q.toString();
  return text ? `/reports?${text}` : '/reports';
}

/** The member id the API is asked about: "me" is the signed-in member. */
export const ownerIdOf = (owner: string | null, myId: string) => (owner === 'me' ? myId : (owner ?? undefined));
