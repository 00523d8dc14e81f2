import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { type Activity, ApiError, api, unwrap } from '../../api.ts';
import { LinkedRecords, LinksToggle } from './LinkedRecords.tsx';

/** The records an activity concerns, shown on request, linked and unlinked in place. */
export function ActivityLinks({ activity }: { activity: Activity }) {
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const relink = useMutation({
    // autoLink off: a company someone unlinks must not come back through a contact who works there.
    mutationFn: async (links: Activity['links']) =>
      unwrap(
        await api.PATCH('/api/v1/activities/{id}', {
          params: { path: { id: activity.id } },
          body: { links, autoLink: false, version: activity.version },
        }),
      ),
    onSettled: () => qc.invalidateQueries({ queryKey: ['activities'] }),
  });
  const err = relink.error instanceof ApiError ? (relink.error.errors[0]?.message ?? relink.error.message) : relink.error?.message;
  return (
    <>
      <LinksToggle count={activity.links.length} open={open} onToggle={() => setOpen(!open)} />
      {open && <LinkedRecords links={activity.links} onChange={relink.mutateAsync} pending={relink.isPending} error={err} min={1} />}
    </>
  );
}
